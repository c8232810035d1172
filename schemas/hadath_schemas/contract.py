"""The parts of the wire contract that are not record bodies: schema ids, topics, keys, headers.

The pydantic models say what a record's value looks like; this module says where records
live and what travels beside them. ``generate.py`` renders both into the published files
(JSON Schema, AsyncAPI, topic docs) and tests hold the worker's actual records to them.
"""

from __future__ import annotations

from dataclasses import dataclass

from hadath_schemas.models import SCHEMA_VERSION

SCHEMA_BASE_URI = "https://hadath.invalid/schemas"  # an identifier, not a download location


def schema_id(name: str, version: str = SCHEMA_VERSION) -> str:
    """The ``$id`` of a published JSON Schema; also the events' ``ce_dataschema`` header."""
    return f"{SCHEMA_BASE_URI}/{name}/{version}"


ARTICLE_SCHEMA_ID = schema_id("article")
EVENT_SCHEMA_ID = schema_id("event")
DEAD_LETTER_SCHEMA_ID = schema_id("dead_letter")
STORY_SCHEMA_ID = schema_id("story")

# CloudEvents 1.0, Kafka protocol binding, binary content mode: attributes are ce_* headers.
CE_SPECVERSION = "1.0"
CE_TYPE = "org.hadath.event.v1"
DLT_HEADER_PREFIX = "__connect.errors."

# Defaults of the hadath settings (HADATH_ARTICLES_TOPIC, ...); a test checks they agree.
ARTICLES_TOPIC = "hadath.articles"
EVENTS_TOPIC = "hadath.events"
DEAD_LETTER_TOPIC = ARTICLES_TOPIC + ".DLT"
STORIES_TOPIC = "hadath.stories"
PARTITIONS = 4
MAX_ARTICLE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Header:
    name: str
    description: str
    const: str | None = None  # the only value it ever takes
    pattern: str | None = None
    required: bool = True


EVENT_HEADERS: tuple[Header, ...] = (
    Header("ce_id", "CloudEvents id: the event_id (equal to the record key)."),
    Header("ce_type", "CloudEvents type; changes only with an incompatible contract.", const=CE_TYPE),
    Header("ce_source", "CloudEvents source: /hadath/<worker app id>.", pattern="^/hadath/"),
    Header("ce_specversion", "CloudEvents spec version.", const=CE_SPECVERSION),
    Header("ce_subject", "CloudEvents subject: the article_id the event was found in."),
    Header(
        "ce_dataschema",
        "CloudEvents dataschema: the $id (with its version) of the JSON Schema the value follows.",
        const=EVENT_SCHEMA_ID,
    ),
    Header("content-type", "Media type of the value.", const="application/json"),
)


@dataclass(frozen=True)
class Topic:
    key: str  # identifier used in AsyncAPI and docs
    title: str
    default_name: str
    setting: str  # the environment variable that renames it
    model: str  # name in generate.MODELS
    record_key: str
    description: str
    ordering: str
    cleanup_policy: str = "delete"


TOPICS: tuple[Topic, ...] = (
    Topic(
        key="articles",
        title="Articles",
        default_name=ARTICLES_TOPIC,
        setting="HADATH_ARTICLES_TOPIC",
        model="article",
        record_key="The article id (UTF-8), equal to the value's `id`.",
        description="Producers write one JSON Article per record; the hadath worker consumes them.",
        ordering="Records with the same key (article id) go to the same partition and are processed "
        "in order.",
    ),
    Topic(
        key="events",
        title="Events",
        default_name=EVENTS_TOPIC,
        setting="HADATH_EVENTS_TOPIC",
        model="event",
        record_key="The event_id (UTF-8): deterministic, so a redelivered article yields the same keys.",
        description="One record per distinct event found in an article, with CloudEvents `ce_*` headers. "
        "Delivery is at least once: deduplicate on the key (or compact the topic).",
        ordering="Per event_id; events of one article may land on different partitions.",
    ),
    Topic(
        key="stories",
        title="Stories",
        default_name=STORIES_TOPIC,
        setting="HADATH_STORIES_TOPIC",
        model="story",
        record_key="The story_id (UTF-8): stable for the story's life.",
        description="The rollup of each story (one real-world event reported by one or more articles): "
        "counts of articles, outlets and events, first and last seen. Compacted: the latest record of a "
        "key is the story's current state; every event on the events topic names its `story_id`. "
        "Written only by a worker with story grouping on (HADATH_STORIES=true).",
        ordering="Per story_id, in the order its events were grouped.",
        cleanup_policy="compact",
    ),
    Topic(
        key="deadLetters",
        title="Dead letters",
        default_name=DEAD_LETTER_TOPIC,
        setting="HADATH_DEAD_LETTER_TOPIC",
        model="dead_letter",
        record_key="The original record's key, unchanged.",
        description="Articles-topic records the worker could not process: the original key, value and "
        "headers byte for byte, plus `__connect.errors.*` headers saying what went wrong.",
        ordering="In the order the worker gave up on them.",
    ),
)
