"""The story shell: a Faust agent and two changelog-backed tables around hadath.stories.

The extraction agent sends each event to an internal topic keyed by its *type*, so all
events that could share a story meet in one partition. This agent reads that topic and, per
event, asks the pure core (:func:`hadath.stories.choose`) which open story it belongs to,
updates the tables, and publishes

* the event, now with its ``story_id``, on the events topic (keyed by ``event_id``, CloudEvents
  headers, as before), and
* the story's new rollup on the compacted stories topic (keyed by ``story_id``).

The tables (``stories``: story_id -> Story; ``open-stories``: type -> founding events of its
latest stories) are Faust tables: every change is also written to a compacted changelog topic
and a restarted or rebalanced worker rebuilds them from it before it reads on. An event is
acknowledged (its offset may be committed) only after both records are on the broker, so a
crash replays it; replaying is harmless because a story counts an event id once.
"""

from __future__ import annotations

import logging
from typing import Any

import faust
from pydantic import ValidationError

from hadath.records import OutRecord, serialized_event_record
from hadath.settings import STORY_TABLES, Settings
from hadath.stories import (
    StoryEvent,
    choose,
    founder_from_record,
    founder_record,
    joined,
    new_story,
    story_id,
)
from hadath_schemas import Event, Story

log = logging.getLogger("hadath.worker.stories")

MAX_OPEN_STORIES = 2000
"""Founding events kept per event type for matching; the oldest are forgotten first."""


class StoryGrouper:
    """Tables and the per-event step; the agent around it is in :func:`attach`."""

    def __init__(self, app: faust.App, settings: Settings) -> None:
        self.settings = settings
        self.source = f"/hadath/{settings.app_id}"
        table: dict[str, Any] = {
            "default": None,
            "partitions": settings.partitions,
            "schema": faust.Schema(key_type=str, key_serializer="json", value_serializer="json"),
        }
        stories, open_stories = STORY_TABLES
        self.stories = app.Table(stories, help="story_id -> Story rollup", **table)
        self.open = app.Table(open_stories, help="event type -> founding events", **table)
        self.input = app.topic(
            settings.story_input_topic,
            key_type=bytes,
            value_type=bytes,
            key_serializer="raw",
            value_serializer="raw",
            partitions=settings.partitions,
            internal=True,
        )

    def input_record(self, event_value: bytes, event_type: str) -> OutRecord:
        return OutRecord(self.input.get_topic_name(), event_type.encode(), event_value, [])

    def group(self, value: bytes) -> list[OutRecord]:
        """The records for one event: the event with its story_id and the story's rollup."""
        event = Event.model_validate_json(value)
        facts = StoryEvent.of(event)
        own = story_id(facts)
        founders = self.open.get(facts.type) or []
        if own in self.stories:  # it founded a story before (a replay)
            chosen: str | None = own
        else:
            chosen = choose((founder_from_record(f) for f in founders), facts)
        if chosen is None:
            story = new_story(facts)
            self.open[facts.type] = [*founders, founder_record(facts)][-MAX_OPEN_STORIES:]
        else:
            story = joined(Story.model_validate(self.stories.get(chosen)), facts)
        self.stories[story.story_id] = story.model_dump(mode="json")
        grouped = event.model_copy(update={"story_id": story.story_id})
        return [
            serialized_event_record(
                event.event_id,
                event.article_id,
                grouped.model_dump_json().encode("utf-8"),
                self.settings.events_topic,
                self.source,
            ),
            OutRecord(
                self.settings.stories_topic,
                story.story_id.encode(),
                story.model_dump_json().encode("utf-8"),
                [("content-type", b"application/json")],
            ),
        ]

    def records(self, value: bytes) -> list[OutRecord]:
        """:meth:`group`, or — when the record cannot be grouped — the event as it came, so
        that nothing is lost (an event is never dropped for want of a story)."""
        try:
            return self.group(value)
        except Exception:
            log.exception("event not grouped into a story, published without story_id")
            return [self._ungrouped(value)]

    def _ungrouped(self, value: bytes) -> OutRecord:
        try:
            event = Event.model_validate_json(value)
            return serialized_event_record(
                event.event_id, event.article_id, value, self.settings.events_topic, self.source
            )
        except ValidationError:
            return OutRecord(self.settings.events_topic, None, value, [])


def attach(app: faust.App, grouper: StoryGrouper, send_all: Any, on_fatal: Any) -> None:
    """The grouping agent: one event at a time, acknowledged after its records are delivered."""

    @app.agent(grouper.input, name="group-stories")
    async def group_stories(stream: faust.StreamT) -> None:
        # acks by hand, after delivery: Faust's own iterator would ack the event in hand when
        # the agent is cancelled at shutdown, delivered or not (docs/reliability.md)
        manual = stream.noack()
        async for event in manual.events():
            try:
                await send_all(grouper.records(event.value))
            except Exception as exc:  # delivery impossible: exit uncommitted, replay on restart
                on_fatal(exc)
            await manual.ack(event)
