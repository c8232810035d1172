"""Pure record handling around the extractor: bytes in, Kafka records out.

The Faust agent (worker/app.py) is a thin shell around :func:`process_record`:
it hands over the consumed record and sends what comes back. Nothing here
touches the network, so every rule is unit-testable.
"""

from __future__ import annotations

import hashlib
import json
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from hadath_schemas import Article, Event
from hadath_schemas.contract import DLT_HEADER_PREFIX as DLT_PREFIX
from hadath_schemas.contract import EVENT_SCHEMA_ID

CE_SPECVERSION = "1.0"
CE_TYPE = "org.hadath.event.v1"

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

    @property
    def stacktrace(self) -> str:
        return "".join(traceback.format_exception(self.cause))[-4000:] if self.cause is not None else ""


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
    return serialized_event_record(
        event.event_id, event.article_id, event.model_dump_json().encode("utf-8"), topic, source
    )


def serialized_event_record(
    event_id: str, article_id: str, value: bytes, topic: str, source: str
) -> OutRecord:
    """:func:`event_record` for an event already serialised (by the extraction process)."""
    headers: list[Header] = [
        ("ce_id", event_id.encode()),
        ("ce_type", CE_TYPE.encode()),
        ("ce_source", source.encode()),
        ("ce_specversion", CE_SPECVERSION.encode()),
        ("ce_subject", article_id.encode()),
        ("ce_dataschema", EVENT_SCHEMA_ID.encode()),  # the value's JSON Schema, version included
        ("content-type", b"application/json"),
    ]
    return OutRecord(topic, event_id.encode(), value, headers)


def serialize_events(events: list[Event]) -> list[tuple[str, str, bytes]]:
    """(event_id, article_id, JSON value) per event: what crosses the process boundary."""
    return [(e.event_id, e.article_id, e.model_dump_json().encode("utf-8")) for e in events]


def article_digest(article: Article) -> bytes:
    """A fingerprint of everything the producer said about the article (field order free)."""
    return hashlib.blake2b(article.model_dump_json().encode("utf-8"), digest_size=16).digest()


class DuplicateIds:
    """Bounded memory of recently accepted article ids and their content fingerprints.

    The same id with the same content again is a redelivery (a producer retry, a replay
    after a crash) and is processed again: its events have the same deterministic ids.
    The same id with *different* content is a producer bug that would silently overwrite
    an article's events downstream, so it is dead-lettered as ``duplicate_id``. Only the
    ``capacity`` most recently seen ids are remembered (LRU), so memory stays bounded and
    the check is best effort: per worker process, forgotten on restart or rebalance.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._seen: OrderedDict[str, bytes] = OrderedDict()

    def __len__(self) -> int:
        return len(self._seen)

    def check(self, article: Article) -> RecordRejected | None:
        """Remember the article; a RecordRejected when its id was seen with other content."""
        if self.capacity <= 0:
            return None
        digest = article_digest(article)
        previous = self._seen.get(article.id)
        if previous is not None and previous != digest:
            self._seen.move_to_end(article.id)  # keep the first version: it is the one published
            return RecordRejected(
                "duplicate_id",
                "validate",
                f"article id {article.id[:200]!r} was already seen with different content",
            )
        self._seen[article.id] = digest
        self._seen.move_to_end(article.id)
        while len(self._seen) > self.capacity:
            self._seen.popitem(last=False)
        return None

    def forget(self, article_id: str) -> None:
        """Drop an id whose processing failed, so a fixed version can be replayed."""
        self._seen.pop(article_id, None)


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
    stack = error.stacktrace
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


def dead_letter_outcome(
    consumed: Consumed, error: RecordRejected, dlt_topic: str, article: Article | None = None
) -> Outcome:
    return Outcome(article, [], [dead_letter_record(consumed, error, dlt_topic)], error)


def run_extractor(article: Article, extractor: Extractor) -> list[Event]:
    """The extractor call with any exception turned into RecordRejected(extractor_error)."""
    try:
        return extractor(article)
    except Exception as exc:  # an extractor bug must not stop the stream: dead-letter it
        raise RecordRejected("extractor_error", "extract", f"{type(exc).__name__}: {exc}", exc) from exc


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
        return dead_letter_outcome(consumed, error, dlt_topic)
    try:
        events = run_extractor(article, extractor)
    except RecordRejected as error:
        return dead_letter_outcome(consumed, error, dlt_topic, article)
    records = [event_record(event, events_topic, source) for event in events]
    return Outcome(article, events, records)
