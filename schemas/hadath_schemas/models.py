"""The wire contract of hadath (spec EVENTS.md §1–§2) as pydantic v2 models.

These models are the single source of truth: the JSON Schema files in
``schemas/json/`` and the topic docs are generated from them
(``hadath schemas --write``) and a test fails when the checked-in files drift.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
    field_validator,
    model_validator,
)

SCHEMA_VERSION = "1.5.0"
"""Semantic version of the contract; see schemas/README.md for how it moves."""

MAX_TOKEN_CHARS = 1000
"""A 'word' longer than this is not Arabic prose (base64, garbage, an attack)."""

NUMERIC_DATE_YEARS = (1900, 2100)
"""A number as ``published_at`` (Unix time) is accepted only when it lands in these years
[first, last): 99999999999999 is read as milliseconds of the year 5138, a units mix-up,
not a publication time."""

DEAD_LETTER_REASONS = (
    "null_value",
    "too_large",
    "not_utf8",
    "not_json",
    "not_object",
    "schema_invalid",
    "duplicate_id",
    "extractor_error",
    "extract_timeout",
    "extractor_crash",
    "produce_failed",
    "internal_error",
)
"""The ``reason`` labels the worker gives today (an open set: consumers must accept new ones)."""


class EventType(StrEnum):
    MEET = "MEET"
    PROPOSE = "PROPOSE"
    ACCUSE = "ACCUSE"
    CONDEMN = "CONDEMN"
    DENY = "DENY"
    DEMAND = "DEMAND"
    AGREE = "AGREE"
    REJECT = "REJECT"
    THREATEN = "THREATEN"
    ATTACK = "ATTACK"


class Mode(StrEnum):
    asserted = "asserted"
    planned = "planned"
    negated = "negated"


def _is_arabic_letter(ch: str) -> bool:
    if ch == "\u0640":  # tatweel stretches letters; it is not one
        return False
    return "\u0621" <= ch <= "\u064a" or "\u066e" <= ch <= "\u06d3" or "\u06fa" <= ch <= "\u06ff"


# ------------------------------------------------------------------ published_at
PUBLISHED_AT_PATTERN = (
    r"^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:\d{2})?)?$"
)
"""The string forms of ``Article.published_at``: a date, or a date and time with an optional
UTC offset (RFC 3339 when the offset is there). A regular expression, so that the JSON
Schema states exactly what the validator takes (only the calendar check is the validator's)."""

MILLISECONDS_ABOVE = 20_000_000_000
"""pydantic reads a Unix time whose absolute value is larger than this as milliseconds."""

PUBLISHED_AT_FORMS = (
    "an RFC 3339 date-time with offset (2016-09-08T10:00:00Z, 2016-09-08T13:00:00+03:00)",
    "a date-time without offset, read as UTC (2016-09-08T10:00:00, 2016-09-08 10:00)",
    "a date, read as 00:00 UTC (2016-09-08)",
    "a JSON number: Unix time in seconds, or in milliseconds when its absolute value is larger than "
    f"2e10 (1473328800, 1473328800000), in the years {NUMERIC_DATE_YEARS[0]}–{NUMERIC_DATE_YEARS[1] - 1}",
)
_PUBLISHED_AT = re.compile(PUBLISHED_AT_PATTERN)


def _unix_ranges() -> list[dict[str, object]]:
    """The JSON numbers accepted (NUMERIC_DATE_YEARS as seconds, or as milliseconds)."""
    first, last = (int(datetime(year, 1, 1, tzinfo=UTC).timestamp()) for year in NUMERIC_DATE_YEARS)
    seconds = {"minimum": max(first, -MILLISECONDS_ABOVE), "exclusiveMaximum": min(last, MILLISECONDS_ABOVE)}
    ranges = [{"type": "number", **seconds}]
    if last * 1000 > MILLISECONDS_ABOVE:
        ranges.append(
            {"type": "number", "exclusiveMinimum": MILLISECONDS_ABOVE, "exclusiveMaximum": last * 1000}
        )
    if first * 1000 < -MILLISECONDS_ABOVE:
        ranges.append({"type": "number", "minimum": first * 1000, "exclusiveMaximum": -MILLISECONDS_ABOVE})
    return ranges


def _published_at(value: object, handler: ValidatorFunctionWrapHandler) -> datetime | None:
    """Only the documented forms (pydantic alone also takes a string of digits as Unix time:
    "20160908" would be 1970-08-23); a time without offset is read as UTC."""
    if isinstance(value, str) and not _PUBLISHED_AT.match(value):
        raise ValueError(
            f"{value[:40]!r} is not a date or date-time of the form YYYY-MM-DD[THH:MM[:SS[.fff]][Z|±HH:MM]]"
        )
    if (value is not None and not isinstance(value, str | int | float | datetime)) or isinstance(value, bool):
        raise ValueError(
            f"must be a date or date-time string or a number (Unix time), not {type(value).__name__}"
        )
    parsed: datetime | None = handler(value)
    if parsed is None:
        return None
    first, last = NUMERIC_DATE_YEARS
    if isinstance(value, int | float) and not first <= parsed.year < last:
        raise ValueError(
            f"the number {value!r} is {parsed.isoformat()} as Unix time, outside {first}–{last - 1}: "
            "send an ISO 8601 string"
        )
    # Same wall-clock time, so the publication day does not move.
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


PublishedAt = Annotated[
    datetime | None,
    WrapValidator(_published_at),
    WithJsonSchema(
        {"anyOf": [{"type": "string", "pattern": PUBLISHED_AT_PATTERN}, *_unix_ranges(), {"type": "null"}]}
    ),
]
"""``Article.published_at`` as accepted: the JSON Schema and the validator agree (test_schemas)."""


def _check_prose(text: str, field: str) -> str:
    """Reject text that cannot be an Arabic news article (reasons are user-facing)."""
    for ch in text:
        if ch in "\n\r\t":
            continue
        if unicodedata.category(ch) == "Cc":
            raise ValueError(f"{field} contains control character U+{ord(ch):04X}")
    return text


class Article(BaseModel):
    """One news article on the articles topic (spec §1). Unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore", title="Article")

    id: str = Field(min_length=1, max_length=256, description="Producer-assigned unique id; the record key.")
    title: str = Field(default="", max_length=2000, description="Headline; may be empty.")
    body: str = Field(min_length=1, description="Article text, paragraphs joined with newlines.")
    source: str | None = Field(default=None, description="Outlet name.")
    url: str | None = Field(default=None, description="Canonical URL of the article.")
    language: Literal["ar"] = Field(default="ar", description="Only Arabic is extracted.")
    published_at: PublishedAt = Field(
        default=None,
        description="Publication time; anchors relative dates. One of: "
        + "; ".join(PUBLISHED_AT_FORMS)
        + ". The date must exist in the calendar. Events carry it as an RFC 3339 date-time with offset.",
    )

    @field_validator("id")
    @classmethod
    def _id_is_printable(cls, value: str) -> str:
        if value.strip() != value or not value.isprintable():
            raise ValueError("id must be printable with no surrounding whitespace")
        return value

    @field_validator("title")
    @classmethod
    def _title_is_prose(cls, value: str) -> str:
        return _check_prose(value, "title")

    @field_validator("body")
    @classmethod
    def _body_is_arabic_prose(cls, value: str) -> str:
        _check_prose(value, "body")
        if not any(_is_arabic_letter(ch) for ch in value):
            raise ValueError("body contains no Arabic letters")
        if any(len(token) > MAX_TOKEN_CHARS for token in value.split()):
            raise ValueError(f"body contains a token longer than {MAX_TOKEN_CHARS} characters")
        return value

    @property
    def text(self) -> str:
        """The document text all offsets point into (spec §1)."""
        return self.title + "\n" + self.body


class Span(BaseModel):
    """A span of the document text ``title + "\\n" + body`` (code-point offsets)."""

    model_config = ConfigDict(extra="forbid")

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise ValueError("end must not precede start")
        return self


class Actor(Span):
    code: str = Field(
        pattern=r"^(IGO|NGO)[A-Z]{2,6}$|^IMG[A-Z]{3}$|^[A-Z]{3}([A-Z]{3})?$",
        description="CAMEO-style actor code (spec §5): country ISO3 + optional role, or IGO/NGO + org.",
    )


class Location(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    name: str | None = None
    country: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    # where it is, for maps (1.2.0): null when the gazetteer does not know the place
    latitude: float | None = Field(default=None, ge=-90, le=90, description="WGS 84 degrees north.")
    longitude: float | None = Field(default=None, ge=-180, le=180, description="WGS 84 degrees east.")
    gazetteer_id: str | None = Field(
        default=None,
        pattern=r"^geonames:\d+$",
        description="The GeoNames id of the place (a country's id for a country, placed at its "
        "populated centre).",
    )


class EventDate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    value: str | None = Field(
        default=None,
        pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        description="Resolved against published_at; null when it cannot be resolved.",
    )
    precision: Literal["day", "month", "year"] | None = None


class Attribution(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    code: str | None = None


class Event(BaseModel):
    """One distinct real-world event found in an article (spec §2)."""

    model_config = ConfigDict(extra="forbid", title="Event")

    event_id: str = Field(description="Deterministic: same article and same event give the same id.")
    article_id: str
    type: EventType
    cameo: str = Field(pattern=r"^\d{3,4}$")
    plover: str
    goldstein: float = Field(ge=-10, le=10)
    mode: Mode
    trigger: Span
    mentions: list[Span] = Field(
        min_length=1, description="Every span of the document that speaks of this event."
    )
    source: list[Actor] = Field(default_factory=list)
    target: list[Actor] = Field(default_factory=list)
    location: Location | None = None
    date: EventDate | None = None
    attributed_to: Attribution | None = None
    sentence: str
    confidence: float = Field(ge=0, le=1)
    extractor: str = Field(description="name/version of the extractor that produced the record")
    # What analysts plot, copied from the article so that consumers need no join (1.1.0)
    published_at: datetime | None = Field(default=None, description="The article's publication time.")
    outlet: str | None = Field(default=None, description="The article's outlet (its `source`).")
    url: str | None = Field(default=None, description="The article's URL.")
    event_time: datetime | None = Field(
        default=None,
        description="When the event happened, for plotting: the start (00:00 UTC) of the resolved "
        "`date.value` (day or month precision) when there is one, else `published_at`; null when neither.",
    )
    story_id: str | None = Field(
        default=None,
        description="The story (one real-world event reported by one or more articles) this event "
        "belongs to; its rollup is on the stories topic. Set by a worker with story grouping on "
        "(HADATH_STORIES=true); null otherwise and from `hadath extract`.",
    )


class Story(BaseModel):
    """One real-world event as reported across articles: the rollup on the stories topic.

    A story is founded by its first event; later events of the same type, with compatible
    parties and place and an event day within the window join it (docs/stories.md)."""

    model_config = ConfigDict(extra="forbid", title="Story")

    story_id: str = Field(description="Stable: derived from the founding event; the record key.")
    type: EventType
    parties: list[str] = Field(description="Actor scoring keys (spec §5) of the founding event.")
    place: str | None = Field(default=None, description="Location name of the founding event.")
    place_country: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    day: date | None = Field(default=None, description="Event day (UTC) of the founding event.")
    first_day: date | None = Field(default=None, description="Earliest event day of its events.")
    last_day: date | None = Field(default=None, description="Latest event day of its events.")
    first_seen: datetime | None = Field(
        default=None, description="Earliest publication time of its articles."
    )
    last_seen: datetime | None = Field(default=None, description="Latest publication time of its articles.")
    founder_event_id: str
    article_count: int = Field(ge=1)
    outlet_count: int = Field(ge=0)
    event_count: int = Field(ge=1)
    article_ids: list[str]
    outlets: list[str]
    event_ids: list[str]


class DeadLetter(BaseModel):
    """The error metadata carried in a dead-letter record's headers.

    A dead-letter record keeps the original key, value and headers byte for byte and
    adds these fields as ``__connect.errors.<name>`` headers (Kafka Connect's family).
    """

    model_config = ConfigDict(extra="forbid", title="DeadLetter")

    topic: str = Field(description="Original topic.")
    partition: int = Field(ge=0, description="Original partition.")
    offset: int = Field(ge=0, description="Original offset.")
    timestamp: int | None = Field(default=None, description="Original record timestamp, ms since epoch.")
    stage: Literal["deserialize", "validate", "extract", "produce"] = Field(
        description="Pipeline stage that failed."
    )
    reason: str = Field(
        description="Short machine label; today one of: " + ", ".join(DEAD_LETTER_REASONS) + ". "
        "internal_error is an exception no rule expected (a bug): the traceback is in "
        "exception.stacktrace. An open set: accept labels you do not know."
    )
    class_name: str = Field(
        default="hadath.worker",
        alias="class.name",
        description="Component that dead-lettered the record (Kafka Connect puts the connector class here).",
    )
    exception_class_name: str = Field(alias="exception.class.name", description="Python class of the cause.")
    exception_message: str = Field(alias="exception.message", description="Human-readable reason.")
    exception_stacktrace: str = Field(
        default="",
        alias="exception.stacktrace",
        description="Traceback of the cause (last 4000 characters); empty when there is none.",
    )
    failed_at: int = Field(alias="failed.at", description="When the worker gave up, ms since epoch.")
