"""Pure mapping from consumed Kafka records to database rows (the sink's functional core).

:func:`plan_batch` turns one poll's records into a :class:`WritePlan`: the event rows to
upsert (one per event_id, the latest record winning), the story rows to upsert or delete (one
per story_id: the stories topic is compacted, its latest record is the story), and a
dead-letter row for every record that is neither a valid Event nor a valid Story. Nothing
here touches Kafka or PostgreSQL, so every rule is unit-testable; :mod:`hadath.store.sink`
only moves bytes and rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import ValidationError

from hadath.metrics import actor_country
from hadath.records import Consumed, explain_invalid
from hadath_schemas import Actor, Event, Story

_Model = TypeVar("_Model", Event, Story)

# Column order of the events table rows built by :func:`event_row` (the INSERT uses this list).
EVENT_COLUMNS: tuple[str, ...] = (
    "event_id",
    "article_id",
    "type",
    "mode",
    "cameo",
    "plover",
    "goldstein",
    "confidence",
    "source_codes",
    "target_codes",
    "source_countries",
    "target_countries",
    "countries",
    "trigger_text",
    "sentence",
    "place_text",
    "place_name",
    "place_country",
    "place_latitude",
    "place_longitude",
    "place_gazetteer_id",
    "date_text",
    "date_value",
    "date_precision",
    "attributed_text",
    "attributed_code",
    "published_at",
    "outlet",
    "url",
    "event_time",
    "story_id",
    "extractor",
    "record",
    "kafka_partition",
    "kafka_offset",
    "kafka_timestamp",
)

STORY_COLUMNS: tuple[str, ...] = (
    "story_id",
    "type",
    "parties",
    "place",
    "place_country",
    "day",
    "first_day",
    "last_day",
    "first_seen",
    "last_seen",
    "founder_event_id",
    "article_count",
    "outlet_count",
    "event_count",
    "article_ids",
    "outlets",
    "event_ids",
    "record",
    "kafka_partition",
    "kafka_offset",
)

DEAD_LETTER_COLUMNS: tuple[str, ...] = (
    "topic",
    "kafka_partition",
    "kafka_offset",
    "key",
    "value",
    "reason",
    "error",
)


# Every reason a record becomes a dead-letter row (the labels of hadath_sink_dead_letters_total).
REJECT_REASONS: tuple[str, ...] = (
    "null_value",
    "not_json",
    "not_utf8",
    "not_object",
    "schema_invalid",
    "not_storable",
)


class Rejected(Exception):
    """A record that cannot become a row; ``reason`` is a short machine label."""

    def __init__(self, reason: str, message: str) -> None:
        if reason not in REJECT_REASONS:  # a bounded metric label set
            raise ValueError(f"unknown dead-letter reason {reason!r}")
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass
class WritePlan:
    """Rows for one database transaction."""

    events: list[tuple[Any, ...]] = field(default_factory=list)
    stories: list[tuple[Any, ...]] = field(default_factory=list)
    deleted_stories: list[str] = field(default_factory=list)  # tombstones on the stories topic
    dead_letters: list[tuple[Any, ...]] = field(default_factory=list)
    # Next offset to commit per (topic, partition): every record up to it is in the plan.
    offsets: dict[tuple[str, int], int] = field(default_factory=dict)

    @property
    def records(self) -> int:
        return len(self.events) + len(self.stories) + len(self.deleted_stories) + len(self.dead_letters)


def decode_event(value: bytes | None) -> Event:
    """An events-topic record value -> a valid Event, or :class:`Rejected` saying why."""
    if value is None:
        raise Rejected("null_value", "record value is null (tombstone)")
    return _decode(value, Event)


def decode_story(value: bytes) -> Story:
    """A stories-topic record value -> a valid Story, or :class:`Rejected` saying why."""
    return _decode(value, Story)


def _decode(value: bytes, model: type[_Model]) -> _Model:
    try:
        payload = json.loads(value)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Rejected("not_json", f"value is not JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise Rejected("not_object", f"value is a JSON {type(payload).__name__}, not an object")
    try:
        valid = model.model_validate(payload)
    except ValidationError as exc:
        raise Rejected("schema_invalid", explain_invalid(exc)) from exc
    problem = _unstorable(payload)
    if problem:
        raise Rejected("not_storable", problem)
    return valid


def _unstorable(value: object, where: str = "record") -> str | None:
    """Why PostgreSQL could not store a string of ``value`` (it would fail the whole batch), or None.

    Its text and jsonb types hold no NUL character, and UTF-8 has no lone surrogates (which
    JSON's \\uD800 escapes can produce).
    """
    if isinstance(value, str):
        if "\x00" in value:
            return f"{where} contains a NUL character, which PostgreSQL text cannot hold"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"{where} contains a lone surrogate, which is not UTF-8"
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        problem = _unstorable(key, where) if isinstance(key, str) else None
        problem = problem or _unstorable(item, f"{where}.{key}")
        if problem:
            return problem
    return None


def _countries(actors: Iterable[Actor]) -> list[str]:
    return sorted({c for a in actors if (c := actor_country(a.code)) is not None})


def _timestamp(ms: int | None) -> datetime | None:
    return datetime.fromtimestamp(ms / 1000, UTC) if ms is not None and ms >= 0 else None


def event_time(event: Event, record_time: datetime | None) -> datetime | None:
    """When the event happened, for plotting: the contract's ``event_time`` (resolved date,
    else publication time), else the time the event reached the topic."""
    return event.event_time if event.event_time is not None else record_time


def event_row(event: Event, record: Consumed) -> tuple[Any, ...]:
    """One events-table row, in :data:`EVENT_COLUMNS` order."""
    location, date, attributed = event.location, event.date, event.attributed_to
    sources, targets = _countries(event.source), _countries(event.target)
    involved = set(sources) | set(targets)
    if location is not None and location.country:
        involved.add(location.country)
    record_time = _timestamp(record.timestamp_ms)
    values: dict[str, Any] = {
        "event_id": event.event_id,
        "article_id": event.article_id,
        "type": event.type.value,
        "mode": event.mode.value,
        "cameo": event.cameo,
        "plover": event.plover,
        "goldstein": event.goldstein,
        "confidence": event.confidence,
        "source_codes": [a.code for a in event.source],
        "target_codes": [a.code for a in event.target],
        "source_countries": sources,
        "target_countries": targets,
        "countries": sorted(involved),
        "trigger_text": event.trigger.text,
        "sentence": event.sentence,
        "place_text": location.text if location else None,
        "place_name": location.name if location else None,
        "place_country": location.country if location else None,
        "place_latitude": location.latitude if location else None,
        "place_longitude": location.longitude if location else None,
        "place_gazetteer_id": location.gazetteer_id if location else None,
        "date_text": date.text if date else None,
        "date_value": date.value if date else None,
        "date_precision": date.precision if date else None,
        "attributed_text": attributed.text if attributed else None,
        "attributed_code": attributed.code if attributed else None,
        "published_at": event.published_at,
        "outlet": event.outlet,
        "url": event.url,
        "event_time": event_time(event, record_time),
        "story_id": event.story_id,
        "extractor": event.extractor,
        "record": event.model_dump_json(),
        "kafka_partition": record.partition,
        "kafka_offset": record.offset,
        "kafka_timestamp": record_time,
    }
    return tuple(values[column] for column in EVENT_COLUMNS)


def dead_letter_row(record: Consumed, rejected: Rejected) -> tuple[Any, ...]:
    return (
        record.topic,
        record.partition,
        record.offset,
        record.key,
        record.value,
        rejected.reason,
        rejected.message,
    )


def story_row(story: Story, record: Consumed) -> tuple[Any, ...]:
    """One stories-table row, in :data:`STORY_COLUMNS` order."""
    values = story.model_dump(mode="python")
    values.update(
        type=story.type.value,
        record=story.model_dump_json(),
        kafka_partition=record.partition,
        kafka_offset=record.offset,
    )
    return tuple(values[column] for column in STORY_COLUMNS)


def plan_batch(records: Sequence[Consumed], stories_topic: str | None = None) -> WritePlan:
    """Rows for one transaction from records in consumption order.

    Upstream delivery is at least once, so one batch may hold the same event_id twice:
    keep one row per event_id, the one read last (the latest extraction of the article).
    Records of ``stories_topic`` are story rollups: the latest per story_id wins, a
    tombstone (null value) deletes the story.
    """
    plan = WritePlan()
    events: dict[str, tuple[Any, ...]] = {}
    stories: dict[str, tuple[Any, ...] | None] = {}
    dead: dict[tuple[str, int, int], tuple[Any, ...]] = {}
    for record in records:
        try:
            if record.topic == stories_topic:
                story_id, row = _story_change(record)
                stories[story_id] = row
            else:
                event = decode_event(record.value)
                events[event.event_id] = event_row(event, record)
        except Rejected as rejected:
            dead[(record.topic, record.partition, record.offset)] = dead_letter_row(record, rejected)
        tp = (record.topic, record.partition)
        plan.offsets[tp] = max(plan.offsets.get(tp, 0), record.offset + 1)
    # Sorted by key: concurrent sinks then take row locks in one order and never deadlock.
    plan.events = [events[event_id] for event_id in sorted(events)]
    plan.stories = [row for story_id in sorted(stories) if (row := stories[story_id]) is not None]
    plan.deleted_stories = sorted(story_id for story_id, row in stories.items() if row is None)
    plan.dead_letters = [dead[key] for key in sorted(dead)]
    return plan


def _story_change(record: Consumed) -> tuple[str, tuple[Any, ...] | None]:
    """(story_id, its row), or (story_id, None) for a tombstone."""
    if record.value is None:
        if not record.key:
            raise Rejected("null_value", "tombstone without a key: no story to delete")
        try:
            return record.key.decode("utf-8"), None
        except UnicodeDecodeError as exc:
            raise Rejected("not_utf8", f"tombstone key is not UTF-8: {exc}") from exc
    story = decode_story(record.value)
    return story.story_id, story_row(story, record)
