"""Pure record handling around the extractor: bytes in, Kafka records out.

The worker's per-record path (``ArticleHandler`` in worker/app.py) is built from these
pieces: :func:`decode_article`, the :class:`DuplicateIds` check, the event and dead-letter
record builders, and :func:`at_stage`, which turns any unexpected exception of a stage
into a ``RecordRejected("internal_error")`` so that no exception leaves the path.
Nothing here touches the network, so every rule is unit-testable.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
import traceback
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from hadath_schemas import Article, Event
from hadath_schemas.contract import DLT_HEADER_PREFIX as DLT_PREFIX
from hadath_schemas.contract import EVENT_SCHEMA_ID

CE_SPECVERSION = "1.0"
CE_TYPE = "org.hadath.event.v1"

Header = tuple[str, bytes]
Stage = Literal["deserialize", "validate", "extract", "produce"]  # DeadLetter.stage
INTERNAL_ERROR = "internal_error"


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


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value (RFC 8259 has no NaN or Infinity)")


def parse_json(text: str) -> Any:
    """Strict JSON: ``json.loads`` without its NaN/Infinity/-Infinity extension.

    Raises ValueError (``json.JSONDecodeError`` is one) for anything that is not JSON,
    including an integer of more than 4,300 digits, and RecursionError for nesting too
    deep for the parser.
    """
    return json.loads(text, parse_constant=_reject_constant)


def internal_error(stage: Stage, exc: BaseException) -> RecordRejected:
    """An exception no rule expected, at ``stage``: a bug or an input nobody thought of."""
    return RecordRejected(INTERNAL_ERROR, stage, f"unexpected {type(exc).__name__}: {exc}", exc)


@contextlib.contextmanager
def at_stage(stage: Stage) -> Iterator[None]:
    """Let RecordRejected through; turn any other exception into ``internal_error`` at ``stage``.

    Every step of the per-record path runs inside one of these, so an exception nobody
    anticipated dead-letters its record instead of crashing the agent (which used to
    commit past the record and the good one after it).
    """
    try:
        yield
    except RecordRejected:
        raise
    except Exception as exc:
        raise internal_error(stage, exc) from exc


def decode_article(value: bytes | None, max_bytes: int) -> Article:
    """Bytes of an articles-topic record -> a valid Article, or RecordRejected saying why."""
    with at_stage("deserialize"):
        payload = _decode_json(value, max_bytes)
    with at_stage("validate"):
        return _validate(payload)


def _decode_json(value: bytes | None, max_bytes: int) -> Any:
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
        return parse_json(text)
    except RecursionError as exc:
        raise RecordRejected("not_json", "deserialize", "JSON nested too deeply", exc) from exc
    except ValueError as exc:  # JSONDecodeError, NaN/Infinity, an integer over 4,300 digits
        raise RecordRejected("not_json", "deserialize", f"value is not JSON: {exc}", exc) from exc


def explain_invalid(exc: ValidationError) -> str:
    """A pydantic error in one line: where the first problem is, what it is, how many more."""
    errors = exc.errors()
    where = ".".join(str(part) for part in errors[0]["loc"]) or "record"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {errors[0]['msg']}{more}"


def _validate(payload: Any) -> Article:
    if not isinstance(payload, dict):
        raise RecordRejected(
            "not_object", "validate", f"value is a JSON {type(payload).__name__}, not an object"
        )
    try:
        return Article.model_validate(payload)
    except ValidationError as exc:
        raise RecordRejected("schema_invalid", "validate", explain_invalid(exc), exc) from exc


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


def _text(value: str) -> bytes:
    # An exception message can quote input with lone surrogates: never fail on those here.
    return value.encode("utf-8", "backslashreplace")


def dead_letter_record(consumed: Consumed, error: RecordRejected, topic: str) -> OutRecord:
    """The original key, value and headers unchanged, plus `__connect.errors.*` headers."""
    extra: list[Header] = [
        (DLT_PREFIX + "topic", _text(consumed.topic)),
        (DLT_PREFIX + "partition", str(consumed.partition).encode()),
        (DLT_PREFIX + "offset", str(consumed.offset).encode()),
        (DLT_PREFIX + "timestamp", str(consumed.timestamp_ms or "").encode()),
        (DLT_PREFIX + "stage", _text(error.stage)),
        (DLT_PREFIX + "reason", _text(error.reason)),
        (DLT_PREFIX + "class.name", b"hadath.worker"),
        (DLT_PREFIX + "exception.class.name", _text(error.error_class)),
        (DLT_PREFIX + "exception.message", _text(error.message[:2000])),
        (DLT_PREFIX + "exception.stacktrace", _text(error.stacktrace)),
        (DLT_PREFIX + "failed.at", str(int(time.time() * 1000)).encode()),
    ]
    return OutRecord(topic, consumed.key, consumed.value, [*list(consumed.headers), *extra])
