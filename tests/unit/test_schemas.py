"""The pydantic models are the contract; the checked-in JSON Schema files must follow them."""

import json
import re
from datetime import datetime, timedelta, timezone

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from hadath_schemas import Article, Event
from hadath_schemas.generate import JSON_DIR, check, rendered
from hadath_schemas.models import PUBLISHED_AT_FORMS


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


# ------------------------------------------------------------------ published_at: schema = validator
ARTICLE_SCHEMA = json.loads((JSON_DIR / "article.schema.json").read_text(encoding="utf-8"))
ARTICLE_VALIDATOR = jsonschema.Draft202012Validator(ARTICLE_SCHEMA)


def _with_published_at(value: object) -> dict:
    return {"id": "a", "body": "نص", "published_at": value}


def schema_accepts(value: object) -> bool:
    return ARTICLE_VALIDATOR.is_valid(_with_published_at(value))


def model_accepts(value: object) -> bool:
    try:
        Article.model_validate(_with_published_at(value))
    except ValidationError:
        return False
    return True


@st.composite
def published_at_strings(draw: st.DrawFn) -> str:
    """Calendar-valid dates and times in every documented string form."""
    moment = draw(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)))
    date_part = moment.strftime("%Y-%m-%d")
    if draw(st.booleans()):
        return date_part
    sep = draw(st.sampled_from("Tt "))
    clock = moment.strftime("%H:%M") + draw(
        st.sampled_from(["", moment.strftime(":%S"), moment.strftime(":%S.%f")])
    )
    offset = draw(st.sampled_from(["", "Z", "z", "+03:00", "-05:30", "+00:00"]))
    return f"{date_part}{sep}{clock}{offset}"


ANY_PUBLISHED_AT = st.one_of(
    published_at_strings(),
    st.text(max_size=30),
    st.text(alphabet="0123456789-:.+TtZz _", max_size=30),  # near misses of the documented forms
    st.integers(min_value=-(10**14), max_value=10**14),
    st.integers(min_value=-(10**14), max_value=10**14).map(lambda n: n / 4),  # exact binary fractions
    st.sampled_from(
        [
            -2208988800,
            -2208988801,
            4102444799,
            4102444800,
            2 * 10**10,
            2 * 10**10 + 1,
            -2 * 10**10,
            -2 * 10**10 - 1,
            4102444799999,
            4102444800000,
            -2208988800000,
            -2208988800001,
        ]
    ),  # the boundaries of the accepted Unix-time ranges
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
)


def in_the_calendar(text: str) -> bool:
    """Whether a string of the documented pattern names a real date, time and offset."""
    match = re.match(
        r"(\d{4})-(\d{2})-(\d{2})(?:.(\d{2}):(\d{2})(?::(\d{2}))?)?(?:.*([+-])(\d{2}):(\d{2}))?", text
    )
    assert match is not None
    year, month, day, hour, minute, second, sign, off_h, off_m = match.groups()
    try:
        datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
        if sign:
            timezone(timedelta(hours=int(off_h), minutes=int(off_m)))
    except ValueError:
        return False
    return True


@settings(max_examples=500, deadline=None)
@given(ANY_PUBLISHED_AT)
def test_the_json_schema_and_the_validator_agree_on_published_at(value: object) -> None:
    if model_accepts(value):
        assert schema_accepts(value), value
    elif schema_accepts(value):
        # The one documented difference: a pattern cannot check the calendar (2016-02-30).
        assert isinstance(value, str) and not in_the_calendar(value), value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2016-09-08T10:00:00Z", "2016-09-08T10:00:00+00:00"),
        ("2016-09-08T13:00:00+03:00", "2016-09-08T13:00:00+03:00"),
        ("2016-09-08T10:00:00", "2016-09-08T10:00:00+00:00"),  # no offset: UTC
        ("2016-09-08 10:00", "2016-09-08T10:00:00+00:00"),
        ("2016-09-08", "2016-09-08T00:00:00+00:00"),
        (1473328800, "2016-09-08T10:00:00+00:00"),  # Unix seconds
        (1473328800000, "2016-09-08T10:00:00+00:00"),  # Unix milliseconds
    ],
)
def test_every_documented_form_is_accepted_with_an_offset(value: object, expected: str) -> None:
    assert schema_accepts(value)
    published = Article.model_validate(_with_published_at(value)).published_at
    assert published is not None and published.isoformat() == expected


@pytest.mark.parametrize(
    ("value", "schema_too"),
    [
        ("20160908", True),  # pydantic alone reads it as Unix time: 1970-08-23
        ("1473328800", True),  # a number as a string
        ("2016-09-08_10:00", True),
        ("2016-09-08T10", True),
        ("2016-09-08T10:00:00+0300", True),
        ("yesterday", True),
        (True, True),
        ("2016-02-30", False),  # the pattern cannot see the calendar; the validator does
    ],
)
def test_undocumented_forms_are_refused(value: object, schema_too: bool) -> None:
    assert not model_accepts(value)
    assert schema_accepts(value) is not schema_too


def test_the_published_at_description_lists_the_accepted_forms() -> None:
    description = ARTICLE_SCHEMA["properties"]["published_at"]["description"]
    for form in PUBLISHED_AT_FORMS:
        assert form in description
