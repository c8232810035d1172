"""Generate the published contract from the pydantic models (the single source of truth).

``hadath schemas --write`` writes, and ``hadath schemas`` (and a unit test) checks:

- ``schemas/json/<name>.schema.json``: JSON Schema 2020-12 of Article, Event and DeadLetter,
  ``$id`` ending in the contract version;
- ``schemas/asyncapi.yaml``: AsyncAPI 3.0 description of the three topics with Kafka
  bindings (keys, partitions, headers, message schemas by reference);
- ``docs/topics.md``: the same for people, field tables included.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from hadath_schemas.contract import (
    DLT_HEADER_PREFIX,
    EVENT_HEADERS,
    MAX_ARTICLE_BYTES,
    PARTITIONS,
    SCHEMA_BASE_URI,
    TOPICS,
    Header,
    Topic,
    schema_id,
)
from hadath_schemas.models import MAX_TOKEN_CHARS, SCHEMA_VERSION, Article, DeadLetter, Event, Story

SCHEMAS_DIR = Path(__file__).resolve().parents[1]
JSON_DIR = SCHEMAS_DIR / "json"
ASYNCAPI_PATH = SCHEMAS_DIR / "asyncapi.yaml"
TOPICS_DOC_PATH = SCHEMAS_DIR.parent / "docs" / "topics.md"

__all__ = ["SCHEMA_BASE_URI", "check", "rendered", "write"]

MODELS: dict[str, type[BaseModel]] = {
    "article": Article,
    "event": Event,
    "dead_letter": DeadLetter,
    "story": Story,
}

# Rules the models enforce in code that JSON Schema cannot say (or not cheaply): spelled
# out in the Article schema so producers in other languages can check them too.
ARTICLE_EXTRA_RULES = (
    "id has no leading/trailing whitespace and only printable characters",
    "title and body contain no control characters other than newline, carriage return and tab",
    "body contains at least one Arabic letter (U+0621-U+064A, U+066E-U+06D3, U+06FA-U+06FF; not tatweel)",
    f"no whitespace-separated token of body is longer than {MAX_TOKEN_CHARS} characters",
    f"the UTF-8 JSON value is at most {MAX_ARTICLE_BYTES} bytes (HADATH_MAX_ARTICLE_BYTES)",
)

ARTICLE_EXAMPLE = {
    "id": "syrianews-2016-09-08-0001",
    "title": "ريابكوف: التنسيق حول حلب",
    "body": "أعلن نائب وزير الخارجية الروسي أن العسكريين الروس سيلتقون نظراءهم الأمريكيين في جنيف.",
    "source": "سيريانيوز",
    "published_at": "2016-09-08T10:00:00Z",
}


def _span(text: str, phrase: str) -> dict[str, Any]:
    start = text.index(phrase)
    return {"text": phrase, "start": start, "end": start + len(phrase)}


def _event_example() -> dict[str, Any]:
    """An event of ARTICLE_EXAMPLE with real offsets into its document text (title + "\\n" + body)."""
    text = ARTICLE_EXAMPLE["title"] + "\n" + ARTICLE_EXAMPLE["body"]
    return {
        "event_id": "3f9a1c0b7d2e4a55",
        "article_id": ARTICLE_EXAMPLE["id"],
        "type": "MEET",
        "cameo": "040",
        "plover": "CONSULT",
        "goldstein": 1.0,
        "mode": "planned",
        "trigger": _span(text, "سيلتقون"),
        "mentions": [_span(text, "سيلتقون")],
        "source": [{**_span(text, "العسكريين الروس"), "code": "RUSMIL"}],
        "target": [{**_span(text, "نظراءهم الأمريكيين"), "code": "USAMIL"}],
        "location": {
            "text": "جنيف",
            "name": "Geneva",
            "country": "CHE",
            "latitude": 46.20222,
            "longitude": 6.14569,
            "gazetteer_id": "geonames:2660646",
        },
        "date": None,
        "attributed_to": {"text": "نائب وزير الخارجية الروسي", "code": "RUSGOV"},
        "sentence": ARTICLE_EXAMPLE["body"],
        "confidence": 0.8,
        "extractor": "hadath/0.1.0",
        "published_at": ARTICLE_EXAMPLE["published_at"],
        "outlet": ARTICLE_EXAMPLE["source"],
        "url": None,
        "event_time": ARTICLE_EXAMPLE["published_at"],  # no date expression: the publication time
        "story_id": "s-5d1c0f3b9a7e2c4d6b8a",
    }


EVENT_EXAMPLE = _event_example()


# ------------------------------------------------------------------ JSON Schema
def json_schema(name: str, model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True)
    if model is Article:
        schema["description"] = (
            schema.get("description", "")
            + " Also required (checked by `hadath produce` and the worker, not expressible here): "
            + "; ".join(ARTICLE_EXTRA_RULES)
            + "."
        )
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": schema_id(name),
        "x-schema-version": SCHEMA_VERSION,
        **schema,
    }


# ------------------------------------------------------------------ AsyncAPI 3.0
KAFKA_BINDING = "0.5.0"
STRING = {"type": "string"}


def _header_schema(header: Header) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "description": header.description}
    if header.const is not None:
        schema["const"] = header.const
    if header.pattern is not None:
        schema["pattern"] = header.pattern
    return schema


def _headers(headers: list[Header], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": {h.name: _header_schema(h) for h in headers},
        "required": [h.name for h in headers if h.required],
    }


def dead_letter_headers() -> list[Header]:
    """The DeadLetter model as Kafka headers: every value a string (numbers in decimal)."""
    schema = DeadLetter.model_json_schema(by_alias=True)
    out = []
    for name, prop in schema["properties"].items():
        types = {p.get("type") for p in prop.get("anyOf", [prop])}
        pattern = None
        if "integer" in types:
            pattern = "^[0-9]*$" if "null" in types else "^[0-9]+$"  # empty: unknown
        description = prop.get("description", "")
        if "enum" in prop:
            pattern = "^(" + "|".join(prop["enum"]) + ")$"
        out.append(Header(DLT_HEADER_PREFIX + name, description, pattern=pattern))
    return out


JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# The AsyncAPI Multi Format Schema Object names the dialect of the referenced files.
SCHEMA_FORMAT = "application/schema+json;version=2020-12"


def _payload(name: str) -> dict[str, Any]:
    # The JSON Schema files are the single copy; the payload only points at them.
    return {
        "schemaFormat": SCHEMA_FORMAT,
        "schema": {"$ref": f"./json/{name}.schema.json"},
    }


def asyncapi() -> dict[str, Any]:
    kafka_key = {"bindingVersion": KAFKA_BINDING}
    messages: dict[str, Any] = {
        "Article": {
            "name": "Article",
            "title": "Article",
            "summary": "One Arabic news article (spec §1).",
            "contentType": "application/json",
            "payload": _payload("article"),
            "bindings": {
                "kafka": {
                    "key": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": 256,
                        "description": "the article id",
                    },
                    **kafka_key,
                }
            },
            "examples": [{"name": "spec", "payload": ARTICLE_EXAMPLE}],
        },
        "Event": {
            "name": "Event",
            "title": "Event",
            "summary": "One distinct event found in an article (spec §2).",
            "contentType": "application/json",
            "headers": _headers(list(EVENT_HEADERS), "CloudEvents 1.0 Kafka binding, binary content mode."),
            "payload": _payload("event"),
            "bindings": {"kafka": {"key": {"type": "string", "description": "the event_id"}, **kafka_key}},
            "examples": [{"name": "meeting", "payload": EVENT_EXAMPLE}],
        },
        "Story": {
            "name": "Story",
            "title": "Story",
            "summary": "One real-world event as reported across articles (the grouping: docs/stories.md).",
            "contentType": "application/json",
            "payload": _payload("story"),
            "bindings": {"kafka": {"key": {"type": "string", "description": "the story_id"}, **kafka_key}},
        },
        "DeadLetter": {
            "name": "DeadLetter",
            "title": "Dead letter",
            "summary": "An articles-topic record the worker could not process, with the reason.",
            "description": "Key, value and original headers are kept byte for byte; the "
            f"`{DLT_HEADER_PREFIX}*` headers follow Kafka Connect's dead-letter convention. "
            f"Their meaning is also published as JSON Schema: {schema_id('dead_letter')}.",
            "headers": _headers(dead_letter_headers(), "Error context added by the worker."),
            "payload": {
                "description": "The original record value, unchanged (may be invalid JSON or not UTF-8)."
            },
            "bindings": {"kafka": {"key": {"description": "the original key, unchanged"}, **kafka_key}},
        },
    }
    message_of = {"article": "Article", "event": "Event", "dead_letter": "DeadLetter", "story": "Story"}
    channels: dict[str, Any] = {}
    for topic in TOPICS:
        message = message_of[topic.model]
        channels[topic.key] = {
            "address": topic.default_name,
            "title": topic.title,
            "description": f"{topic.description} Renamed with `{topic.setting}`. Ordering: {topic.ordering}",
            "messages": {topic.model: {"$ref": f"#/components/messages/{message}"}},
            "bindings": {
                "kafka": {
                    "topic": topic.default_name,
                    "partitions": PARTITIONS,
                    "topicConfiguration": {"cleanup.policy": [topic.cleanup_policy]},
                    **kafka_key,
                }
            },
        }
    group = {
        "kafka": {
            "groupId": {"type": "string", "default": "hadath-worker", "description": "HADATH_APP_ID"},
            **kafka_key,
        }
    }
    operations = {
        "receiveArticles": {
            "action": "receive",
            "title": "Extract events from articles",
            "description": "The worker consumes articles (at least once); producers send to this channel.",
            "channel": {"$ref": "#/channels/articles"},
            "messages": [{"$ref": "#/channels/articles/messages/article"}],
            "bindings": group,
        },
        "sendEvents": {
            "action": "send",
            "title": "Publish events",
            "channel": {"$ref": "#/channels/events"},
            "messages": [{"$ref": "#/channels/events/messages/event"}],
        },
        "sendStories": {
            "action": "send",
            "title": "Publish story rollups",
            "channel": {"$ref": "#/channels/stories"},
            "messages": [{"$ref": "#/channels/stories/messages/story"}],
        },
        "sendDeadLetters": {
            "action": "send",
            "title": "Dead-letter unprocessable articles",
            "channel": {"$ref": "#/channels/deadLetters"},
            "messages": [{"$ref": "#/channels/deadLetters/messages/dead_letter"}],
        },
    }
    return {
        "asyncapi": "3.0.0",
        "id": "urn:hadath:contract",
        "info": {
            "title": "hadath",
            "version": SCHEMA_VERSION,
            "description": "Geopolitical events extracted from Arabic news. Producers write articles; "
            "hadath publishes one record per distinct event and dead-letters what it cannot read. "
            "Generated from the pydantic models by `hadath schemas --write`; do not edit. "
            "Compatibility policy: schemas/README.md.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "The local single-node broker (`make kafka-up`), PLAINTEXT.",
            },
            "secured": {
                "host": "{bootstrap}",
                "protocol": "kafka-secure",
                "description": "A TLS cluster; clients set KAFKA_SECURITY_PROTOCOL=SASL_SSL (or SSL) "
                "and the KAFKA_SASL_* / KAFKA_SSL_* variables (docs/producers.md).",
                "variables": {
                    "bootstrap": {
                        "default": "kafka.example.invalid:9093",
                        "description": "host:port of a broker (KAFKA_BOOTSTRAP_SERVERS)",
                    }
                },
                "security": [
                    {"$ref": "#/components/securitySchemes/scramSha512"},
                    {"$ref": "#/components/securitySchemes/scramSha256"},
                    {"$ref": "#/components/securitySchemes/plain"},
                    {"$ref": "#/components/securitySchemes/certificate"},
                ],
            },
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": messages,
            "securitySchemes": {
                "scramSha512": {"type": "scramSha512", "description": "KAFKA_SASL_MECHANISM=SCRAM-SHA-512"},
                "scramSha256": {"type": "scramSha256", "description": "KAFKA_SASL_MECHANISM=SCRAM-SHA-256"},
                "plain": {"type": "plain", "description": "KAFKA_SASL_MECHANISM=PLAIN (only over TLS)"},
                "certificate": {
                    "type": "X509",
                    "description": "Mutual TLS: KAFKA_SSL_CERTFILE and KAFKA_SSL_KEYFILE",
                },
            },
        },
    }


# ------------------------------------------------------------------ topic docs
def _type_of(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in prop:
        return " or ".join(dict.fromkeys(_type_of(p) for p in prop["anyOf"]))  # once each, in order
    if "enum" in prop:
        return "one of " + ", ".join(f"`{v}`" for v in prop["enum"])
    if "const" in prop:
        return f"`{prop['const']}`"
    kind = prop.get("type", "any")
    if kind == "array":
        return f"list of {_type_of(prop.get('items', {}))}"
    if prop.get("format"):
        return f"{kind} ({prop['format']})"
    return str(kind)


_CONSTRAINTS = {
    "minLength": "min length {}",
    "maxLength": "max length {}",
    "minItems": "at least {} item(s)",
    "minimum": "≥ {}",
    "maximum": "≤ {}",
    "pattern": "matches `{}`",
}


def _field_rows(schema: dict[str, Any]) -> list[str]:
    required = set(schema.get("required", []))
    rows = ["| field | type | required | description |", "|---|---|---|---|"]
    for name, prop in schema.get("properties", {}).items():
        notes = [fmt.format(prop[k]) for k, fmt in _CONSTRAINTS.items() if k in prop]
        if "default" in prop and name not in required:
            notes.append(f"default `{json.dumps(prop['default'], ensure_ascii=False)}`")
        text = " ".join(filter(None, [prop.get("description", ""), "; ".join(notes)]))
        cell = text.replace("|", "\\|")  # a pipe would end the table cell
        rows.append(f"| `{name}` | {_type_of(prop)} | {'yes' if name in required else 'no'} | {cell} |")
    return rows


def _header_rows(headers: list[Header]) -> list[str]:
    rows = ["| header | value | description |", "|---|---|---|"]
    for h in headers:
        value = f"`{h.const}`" if h.const else (f"matches `{h.pattern}`" if h.pattern else "string")
        rows.append(f"| `{h.name}` | {value.replace('|', chr(92) + '|')} | {h.description} |")
    return rows


def topics_markdown() -> str:
    out = [
        "<!-- Generated by `hadath schemas --write` from schemas/hadath_schemas; do not edit. -->",
        "# Topics",
        "",
        f"Contract version **{SCHEMA_VERSION}** "
        "(compatibility policy: [schemas/README.md](../schemas/README.md)).",
        "Machine-readable: [schemas/asyncapi.yaml](../schemas/asyncapi.yaml) and the JSON Schema files in",
        "[schemas/json/](../schemas/json/). Every topic has "
        f"{PARTITIONS} partitions by default (`HADATH_PARTITIONS`).",
        "",
    ]
    headers_of = {"event": list(EVENT_HEADERS), "dead_letter": dead_letter_headers()}
    for topic in TOPICS:
        out += _topic_section(topic, headers_of.get(topic.model))
    for name in ("article", "event", "story"):
        schema = json_schema(name, MODELS[name])
        out += [f"## {schema['title']}", "", f"JSON Schema `$id`: `{schema['$id']}`", ""]
        out += [*_field_rows(schema), ""]
        for sub_name, sub in schema.get("$defs", {}).items():
            if "properties" in sub:
                out += [f"### {sub_name}", "", *_field_rows(sub), ""]
            elif "enum" in sub:  # the field tables link here: [EventType](#eventtype)
                values = ", ".join(f"`{value}`" for value in sub["enum"])
                out += [f"### {sub_name}", "", f"{sub.get('type', 'string')}, one of {values}.", ""]
    out += [
        "## Article checks beyond JSON Schema",
        "",
        *[f"- {rule}" for rule in ARTICLE_EXTRA_RULES],
        "",
    ]
    return "\n".join(out)


def _topic_section(topic: Topic, headers: list[Header] | None) -> list[str]:
    value = {
        "article": "JSON [Article](#article) (`schemas/json/article.schema.json`)",
        "event": "JSON [Event](#event) (`schemas/json/event.schema.json`)",
        "dead_letter": "the original value, byte for byte",
        "story": "JSON [Story](#story) (`schemas/json/story.schema.json`)",
    }[topic.model]
    lines = [
        f"## `{topic.default_name}` ({topic.title.lower()})",
        "",
        topic.description,
        "",
        f"- name: `{topic.default_name}`, renamed with `{topic.setting}`",
        f"- key: {topic.record_key}",
        f"- value: {value}",
        f"- ordering: {topic.ordering}",
        f"- cleanup policy: `{topic.cleanup_policy}`",
        "",
    ]
    if headers:
        lines += [*_header_rows(headers), ""]
    return lines


# ------------------------------------------------------------------ files
def rendered() -> dict[Path, str]:
    """Every generated file and its exact content."""
    files = {
        JSON_DIR / f"{name}.schema.json": json.dumps(json_schema(name, model), ensure_ascii=False, indent=2)
        + "\n"
        for name, model in MODELS.items()
    }
    header = "# Generated by `hadath schemas --write` from schemas/hadath_schemas; do not edit.\n"
    files[ASYNCAPI_PATH] = header + yaml.safe_dump(
        asyncapi(), sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )
    files[TOPICS_DOC_PATH] = topics_markdown()
    return files


def write() -> list[Path]:
    written = []
    for path, content in rendered().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written


def check() -> list[Path]:
    """Paths whose checked-in content differs from what the models generate."""
    return [
        path
        for path, content in rendered().items()
        if not path.exists() or path.read_text(encoding="utf-8") != content
    ]
