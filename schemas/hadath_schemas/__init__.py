"""hadath's wire contract: pydantic models for the articles, events and dead-letter topics."""

from hadath_schemas.models import (
    MAX_TOKEN_CHARS,
    SCHEMA_VERSION,
    Actor,
    Article,
    Attribution,
    DeadLetter,
    Event,
    EventDate,
    EventType,
    Location,
    Mode,
    Span,
    Story,
)

__all__ = [
    "MAX_TOKEN_CHARS",
    "SCHEMA_VERSION",
    "Actor",
    "Article",
    "Attribution",
    "DeadLetter",
    "Event",
    "EventDate",
    "EventType",
    "Location",
    "Mode",
    "Span",
    "Story",
]
