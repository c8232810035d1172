"""The published contract: AsyncAPI 3.0 document, JSON Schemas, topic docs, and the worker's real records.

The AsyncAPI document is checked against the official AsyncAPI 3.0.0 JSON Schema
(vendored in tests/fixtures/asyncapi, see its README), so this runs offline.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from hadath.records import Consumed, RecordRejected, dead_letter_record, event_record
from hadath.settings import Settings
from hadath_schemas import SCHEMA_VERSION, Article, DeadLetter, Event
from hadath_schemas.contract import (
    ARTICLES_TOPIC,
    DEAD_LETTER_TOPIC,
    EVENT_SCHEMA_ID,
    EVENTS_TOPIC,
    MAX_ARTICLE_BYTES,
    PARTITIONS,
    STORIES_TOPIC,
    schema_id,
)
from hadath_schemas.generate import (
    ARTICLE_EXAMPLE,
    ASYNCAPI_PATH,
    EVENT_EXAMPLE,
    JSON_DIR,
    MODELS,
    TOPICS_DOC_PATH,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "asyncapi"


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return yaml.safe_load(ASYNCAPI_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def asyncapi_validator() -> jsonschema.Draft7Validator:
    schema = json.loads((FIXTURES / "3.0.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)  # the spec's schema is itself valid draft-07
    return jsonschema.Draft7Validator(schema)


def json_schema(name: str) -> dict[str, Any]:
    return json.loads((JSON_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


def resolve(doc: dict[str, Any], ref: str) -> Any:
    """Follow a local JSON pointer ('#/a/b') or a relative file reference ('./json/x.json')."""
    if ref.startswith("#/"):
        node: Any = doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node
    return json.loads((ASYNCAPI_PATH.parent / ref).read_text(encoding="utf-8"))


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return ([node["$ref"]] if isinstance(node.get("$ref"), str) else []) + [
            r for value in node.values() for r in refs(value)
        ]
    if isinstance(node, list):
        return [r for value in node for r in refs(value)]
    return []


def test_asyncapi_document_is_valid_asyncapi_3(doc, asyncapi_validator) -> None:
    errors = sorted(asyncapi_validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors)
    assert doc["asyncapi"] == "3.0.0"
    assert doc["info"]["version"] == SCHEMA_VERSION


@pytest.mark.parametrize(
    ("path", "bad_value"),
    [
        (("operations", "sendEvents", "action"), "publish"),  # AsyncAPI 2 verb
        (("channels", "events", "bindings", "kafka", "partitions"), "four"),
        (("servers", "local", "protocol"), 9092),
    ],
)
def test_the_validator_rejects_a_broken_document(doc, asyncapi_validator, path, bad_value) -> None:
    broken = copy.deepcopy(doc)
    node = broken
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = bad_value
    assert list(asyncapi_validator.iter_errors(broken))


def test_every_reference_resolves(doc) -> None:
    found = refs(doc)
    assert "./json/event.schema.json" in found
    for ref in found:
        assert resolve(doc, ref) is not None, ref
    # AsyncAPI 3: an operation's messages must be messages of its own channel.
    for name, operation in doc["operations"].items():
        channel_ref = operation["channel"]["$ref"]
        for message in operation["messages"]:
            assert message["$ref"].startswith(channel_ref + "/messages/"), name


def test_topics_keys_and_partitions_match_the_settings_defaults(doc) -> None:
    settings = Settings()
    addresses = {key: channel["address"] for key, channel in doc["channels"].items()}
    assert addresses == {
        "articles": settings.articles_topic,
        "events": settings.events_topic,
        "deadLetters": settings.dlt_topic,
        "stories": settings.stories_topic,
    }
    assert (
        settings.articles_topic,
        settings.events_topic,
        settings.dlt_topic,
        settings.stories_topic,
    ) == (ARTICLES_TOPIC, EVENTS_TOPIC, DEAD_LETTER_TOPIC, STORIES_TOPIC)
    assert settings.partitions == PARTITIONS
    assert settings.max_article_bytes == MAX_ARTICLE_BYTES
    for channel in doc["channels"].values():
        assert channel["bindings"]["kafka"]["partitions"] == settings.partitions


@pytest.mark.parametrize("name", sorted(MODELS))
def test_schema_ids_carry_the_contract_version(name: str) -> None:
    schema = json_schema(name)
    assert schema["$id"] == schema_id(name) and schema["$id"].endswith("/" + SCHEMA_VERSION)
    assert schema["x-schema-version"] == SCHEMA_VERSION


def test_message_payloads_point_at_the_json_schemas(doc) -> None:
    messages = doc["components"]["messages"]
    for message, name in (("Article", "article"), ("Event", "event")):
        payload = messages[message]["payload"]
        schema = resolve(doc, payload["schema"]["$ref"])
        assert schema["$id"] == schema_id(name)
        # schemaFormat names the dialect the referenced file declares (2020-12, not draft-07)
        dialect = schema["$schema"].removesuffix("/schema").rsplit("/", 1)[-1]
        assert payload["schemaFormat"] == f"application/schema+json;version={dialect}"
        jsonschema.validators.validator_for(schema).check_schema(schema)


def test_examples_follow_the_models_and_the_json_schemas(doc) -> None:
    article = Article.model_validate(ARTICLE_EXAMPLE)
    event = Event.model_validate(EVENT_EXAMPLE)
    jsonschema.validate(ARTICLE_EXAMPLE, json_schema("article"))
    jsonschema.validate(EVENT_EXAMPLE, json_schema("event"))
    # the example's offsets really point into the example article's document text
    for span in [event.trigger, *event.mentions, *event.source, *event.target]:
        assert article.text[span.start : span.end] == span.text
    examples = doc["components"]["messages"]["Event"]["examples"]
    assert examples[0]["payload"] == json.loads(json.dumps(EVENT_EXAMPLE))


def headers_dict(headers: list[tuple[str, bytes]]) -> dict[str, str]:
    return {name: value.decode("utf-8") for name, value in headers}


def test_the_workers_event_records_match_the_published_headers(doc) -> None:
    record = event_record(Event.model_validate(EVENT_EXAMPLE), EVENTS_TOPIC, "/hadath/hadath-worker")
    headers = headers_dict(record.headers)
    schema = doc["components"]["messages"]["Event"]["headers"]
    jsonschema.validate(headers, schema)
    assert set(headers) == set(schema["properties"]), "a header is sent but not published, or vice versa"
    assert headers["ce_dataschema"] == EVENT_SCHEMA_ID == json_schema("event")["$id"]
    assert record.key == headers["ce_id"].encode() == EVENT_EXAMPLE["event_id"].encode()
    jsonschema.validate(json.loads(record.value), json_schema("event"))


def test_the_workers_dead_letters_match_the_published_headers(doc) -> None:
    consumed = Consumed(
        topic=ARTICLES_TOPIC,
        partition=2,
        offset=41,
        timestamp_ms=None,
        key=b"k",
        value=b"{broken",
        headers=[("trace", b"abc")],
    )
    error = RecordRejected("not_json", "deserialize", "value is not JSON", ValueError("x"))
    record = dead_letter_record(consumed, error, DEAD_LETTER_TOPIC)
    headers = headers_dict(record.headers)
    schema = doc["components"]["messages"]["DeadLetter"]["headers"]
    jsonschema.validate(headers, schema)
    published = set(schema["properties"])
    added = {name for name in headers if name.startswith("__connect.errors.")}
    assert added == published
    assert headers["trace"] == "abc" and record.value == b"{broken" and record.key == b"k"
    # and the header values read back into the DeadLetter model
    fields = {
        name.removeprefix("__connect.errors."): value for name, value in headers.items() if name in added
    }
    fields["timestamp"] = fields["timestamp"] or None
    letter = DeadLetter.model_validate(fields)
    assert (letter.topic, letter.partition, letter.offset, letter.reason) == (
        ARTICLES_TOPIC,
        2,
        41,
        "not_json",
    )


def test_topic_docs_cover_every_topic_header_and_field() -> None:
    text = TOPICS_DOC_PATH.read_text(encoding="utf-8")
    for topic in (ARTICLES_TOPIC, EVENTS_TOPIC, DEAD_LETTER_TOPIC):
        assert f"## `{topic}`" in text
    for name in ("ce_dataschema", "__connect.errors.exception.message"):
        assert f"| `{name}` |" in text
    for model in (Article, Event):
        for field in model.model_json_schema()["properties"]:
            assert f"| `{field}` |" in text, field


def test_schema_readme_states_the_compatibility_policy() -> None:
    readme = (ASYNCAPI_PATH.parent / "README.md").read_text(encoding="utf-8")
    assert "## Compatibility policy" in readme
    assert SCHEMA_VERSION in readme
