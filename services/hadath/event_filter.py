"""Which events `hadath tail` prints: a pure predicate over decoded event records."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any


def _values(options: Iterable[str] | None) -> set[str]:
    """Repeated and comma-separated option values: --type MEET --type AGREE,ATTACK."""
    return {v.strip().upper() for option in options or () for v in option.split(",") if v.strip()}


def parse_since(text: str) -> datetime:
    """An ISO 8601 date or time; without a zone it is UTC."""
    when = datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _countries(event: dict[str, Any]) -> set[str]:
    """The countries an event involves: its actors' (the first three letters of a country code)
    and its place's."""
    out = {a["code"][:3] for a in [*event.get("source", []), *event.get("target", [])] if a.get("code")}
    out -= {"IGO", "NGO", "IMG"}  # organisations have no country
    place = event.get("location") or {}
    if place.get("country"):
        out.add(place["country"])
    return out


def _time(event: dict[str, Any]) -> datetime | None:
    text = event.get("event_time") or event.get("published_at")
    return parse_since(text) if text else None


def event_filter(
    types: Iterable[str] | None = None,
    countries: Iterable[str] | None = None,
    modes: Iterable[str] | None = None,
    since: datetime | None = None,
) -> Callable[[dict[str, Any]], bool]:
    """A predicate keeping events of any given type, involving any given country (actor or
    place), of any given mode, with ``event_time`` (else ``published_at``) at or after ``since``.
    An option not given does not filter; an event without the field a filter needs is left out."""
    want_types, want_countries = _values(types), _values(countries)
    want_modes = {m.lower() for m in _values(modes)}

    def keep(event: dict[str, Any]) -> bool:
        if want_types and event.get("type") not in want_types:
            return False
        if want_modes and event.get("mode") not in want_modes:
            return False
        if want_countries and not want_countries & _countries(event):
            return False
        if since is not None:
            when = _time(event)
            if when is None or when < since:
                return False
        return True

    return keep
