"""The pydantic models are the contract; the checked-in JSON Schema files must follow them."""

import json

import jsonschema
import pytest
from pydantic import ValidationError

from hadath_schemas import Article, Event
from hadath_schemas.generate import JSON_DIR, check, rendered


def test_checked_in_contract_files_match_the_models():
    # JSON Schema, AsyncAPI and docs/topics.md are all generated from the models.
    assert check() == [], "run `hadath schemas --write` and commit schemas/ and docs/topics.md"


@pytest.mark.parametrize("path", sorted(p for p in rendered() if p.suffix == ".json"), ids=lambda p: p.name)
def test_generated_schemas_are_valid_draft_2020_12(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)


def test_spec_example_article_validates():
    article = Article.model_validate(
        {
            "id": "syrianews-2016-09-08-0001",
            "title": "ريابكوف: التنسيق حول حلب",
            "body": "أعلن نائب وزير الخارجية الروسي",
            "source": "سيريانيوز",
            "published_at": "2016-09-08T10:00:00Z",
        }
    )
    assert article.text == "ريابكوف: التنسيق حول حلب\nأعلن نائب وزير الخارجية الروسي"
    assert article.language == "ar"


@pytest.mark.parametrize(
    ("record", "fragment"),
    [
        ({"id": "a"}, "body"),
        ({"id": "a", "body": ""}, "body"),
        ({"id": "", "body": "نص"}, "id"),
        ({"id": "x" * 257, "body": "نص"}, "id"),
        ({"id": "a", "body": 42}, "body"),
        ({"id": "a", "body": "Latin only text"}, "no Arabic letters"),
        ({"id": "a", "body": "نص\x00"}, "control character"),
        ({"id": "a", "body": "\u200f\u0640\u0640"}, "no Arabic letters"),
        ({"id": "a", "body": "نص " + "ب" * 5000}, "token longer"),
        ({"id": "a", "body": "نص", "language": "en"}, "language"),
        ({"id": "a", "body": "نص", "published_at": "yesterday"}, "published_at"),
    ],
)
def test_bad_articles_are_rejected_with_a_reason(record, fragment):
    with pytest.raises(ValidationError) as info:
        Article.model_validate(record)
    assert fragment in str(info.value)


def test_event_json_schema_accepts_a_model_dump():
    schema = json.loads((JSON_DIR / "event.schema.json").read_text(encoding="utf-8"))
    event = Event.model_validate(
        {
            "event_id": "e1",
            "article_id": "a1",
            "type": "MEET",
            "cameo": "040",
            "plover": "CONSULT",
            "goldstein": 1.0,
            "mode": "planned",
            "trigger": {"text": "سيلتقي", "start": 0, "end": 6},
            "mentions": [{"text": "سيلتقي", "start": 0, "end": 6}],
            "source": [{"text": "الروس", "code": "RUSMIL", "start": 7, "end": 12}],
            "target": [{"text": "الأمريكيون", "code": "USAMIL", "start": 13, "end": 23}],
            "sentence": "سيلتقي الروس الأمريكيون",
            "confidence": 0.8,
            "extractor": "hadath/0.1.0",
        }
    )
    jsonschema.validate(event.model_dump(mode="json"), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**event.model_dump(mode="json"), "type": "PARTY"}, schema)
