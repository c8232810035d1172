"""Pure record handling around the extractor: bytes in, Kafka records out.

The Faust agent (worker/app.py) is a thin shell around :func:`process_record`:
it hands over the consumed record and sends what comes back. Nothing here
touches the network, so every rule is unit-testable.
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from hadath_schemas import Article, Event

CE_SPECVERSION = "1.0"
CE_TYPE = "org.hadath.event.v1"

# Dead-letter headers follow Kafka Connect's `__connect.errors.*` family so that
# existing Connect tooling and dashboards understand them.
DLT_PREFIX = "__connect.errors."

Header = tuple[str, bytes]


@dataclass(frozen=True)
class OutRecord:
    topic: str
    key: bytes | None
    value: bytes | None
    headers: list[Header] = field(default_factory=list)


class RecordRejected(Exception):
    """A record that cannot be processed; ``reason`` is a short, bounded label (metrics-safe)."""

    def __init__(self, reason: str, stage: str, message: str, cause: BaseException | None = None):
        super().__init__(message)
        self.reason = reason
        self.stage = stage
        self.message = message
        self.cause = cause

    @property
    def error_class(self) -> str:
        return type(self.cause).__qualname__ if self.cause is not None else "RecordRejected"


def decode_article(value: bytes | None, max_bytes: int) -> Article:
    """Bytes of an articles-topic record -> a valid Article, or RecordRejected saying why."""
    if value is None:
        raise RecordRejected("null_value", "deserialize", "record value is null (tombstone)")
    if len(value) > max_bytes:
        raise RecordRejected(
            "too_large", "deserialize", f"record value is {len(value)} bytes, limit is {max_bytes}"
        )
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordRejected("not_utf8", "deserialize", f"value is not UTF-8: {exc}", exc) from exc
    try:
        payload = json.loads(text)
    except RecursionError as exc:
        raise RecordRejected("not_json", "deserialize", "JSON nested too deeply", exc) from exc
    except json.JSONDecodeError as exc:
        raise RecordRejected("not_json", "deserialize", f"value is not JSON: {exc}", exc) from exc
    if not isinstance(payload, dict):
        raise RecordRejected(
            "not_object", "validate", f"value is a JSON {type(payload).__name__}, not an object"
        )
    try:
        return Article.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "record"
        raise RecordRejected("schema_invalid", "validate", f"{where}: {first['msg']}", exc) from exc


def event_record(event: Event, topic: str, source: str) -> OutRecord:
    """One events-topic record: key = event_id, CloudEvents binary-mode style headers."""
    value = event.model_dump_json().encode("utf-8")
    headers: list[Header] = [
        ("ce_id", event.event_id.encode()),
        ("ce_type", CE_TYPE.encode()),
        ("ce_source", source.encode()),
        ("ce_specversion", CE_SPECVERSION.encode()),
        ("ce_subject", event.article_id.encode()),
        ("content-type", b"application/json"),
    ]
    return OutRecord(topic, event.event_id.encode(), value, headers)


@dataclass(frozen=True)
class Consumed:
    """What the shell knows about a consumed record."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int | None
    key: bytes | None
    value: bytes | None
    headers: Sequence[Header]


def dead_letter_record(consumed: Consumed, error: RecordRejected, topic: str) -> OutRecord:
    """The original key, value and headers unchanged, plus `__connect.errors.*` headers."""
    stack = "".join(traceback.format_exception(error.cause))[-4000:] if error.cause is not None else ""
    extra: list[Header] = [
        (DLT_PREFIX + "topic", consumed.topic.encode()),
        (DLT_PREFIX + "partition", str(consumed.partition).encode()),
        (DLT_PREFIX + "offset", str(consumed.offset).encode()),
        (DLT_PREFIX + "timestamp", str(consumed.timestamp_ms or "").encode()),
        (DLT_PREFIX + "stage", error.stage.encode()),
        (DLT_PREFIX + "reason", error.reason.encode()),
        (DLT_PREFIX + "class.name", b"hadath.worker"),
        (DLT_PREFIX + "exception.class.name", error.error_class.encode()),
        (DLT_PREFIX + "exception.message", error.message[:2000].encode()),
        (DLT_PREFIX + "exception.stacktrace", stack.encode()),
        (DLT_PREFIX + "failed.at", str(int(time.time() * 1000)).encode()),
    ]
    return OutRecord(topic, consumed.key, consumed.value, [*list(consumed.headers), *extra])


@dataclass(frozen=True)
class Outcome:
    article: Article | None
    events: list[Event]
    records: list[OutRecord]
    rejected: RecordRejected | None = None


Extractor = Callable[[Article], list[Event]]


def process_record(
    consumed: Consumed,
    extractor: Extractor,
    *,
    events_topic: str,
    dlt_topic: str,
    max_bytes: int,
    source: str,
) -> Outcome:
    """Everything the worker does for one record, minus I/O. Never raises for bad data."""
    try:
        article = decode_article(consumed.value, max_bytes)
    except RecordRejected as error:
        return Outcome(None, [], [dead_letter_record(consumed, error, dlt_topic)], error)
    try:
        events = extractor(article)
    except Exception as exc:  # an extractor bug must not stop the stream: dead-letter it
        error = RecordRejected("extractor_error", "extract", f"{type(exc).__name__}: {exc}", exc)
        return Outcome(article, [], [dead_letter_record(consumed, error, dlt_topic)], error)
    records = [event_record(event, events_topic, source) for event in events]
    return Outcome(article, events, records)
