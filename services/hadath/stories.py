"""One story per real-world event: the grouping decision (functional core, no I/O).

Five outlets reporting the same meeting give five events; a *story* groups them. The worker's
Faust table (hadath.worker.stories) keeps the open stories of each event type and calls
:func:`assign` for every event; everything here is a pure function of its arguments, so the
decision is tested and measured offline (tests/unit/test_story_decisions.py,
tests/unit/test_story_pairs.py with hand-labelled corpus pairs; figures in docs/stories.md).

Two events are the same story (:func:`same_story`) when they have

* the same event type, and either
* the same specific place (a city, site or region, not a whole country), parties that do not
  disagree (either side without coded parties, or compatible as below) and event days
  (``event_time``, UTC) at most ``PLACE_WINDOW_DAYS`` apart: later reports of an attack on a
  town often carry only their own publication day; or
* event days at most ``WINDOW_DAYS`` apart, compatible roles (:func:`_compatible_roles`: the
  actor scoring keys, spec §5, of one event's sources contain or are contained in the other's,
  and likewise the targets: a report naming fewer parties is compatible with one naming more,
  A striking B is not B striking A; an event with no coded party matches nothing) and
  compatible places (equal, or one unknown, or one the country the other lies in).

"Days apart" (:func:`days_apart`) compares the spans of days each event may have happened on: a
date of month precision covers its month up to the publication day; an event without a date
(dated by its article's publication day) the publication day and ``UNDATED_LAG_DAYS`` before;
a date of day precision its day. Overlapping spans are 0 apart.

An event joins the first story (oldest first) whose founding event it is the same story as;
otherwise it founds a new story. The story id is derived from the founding event's id, so it
never changes while the story grows, and replaying the same event is a no-op.
"""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from hadath_schemas import Event, Story

WINDOW_DAYS = 0
"""Without a shared specific place, events of different days are different stories."""
PLACE_WINDOW_DAYS = 7
"""At the same specific place, events up to this many days apart are one story."""


def scoring_key(code: str) -> str:
    """Spec §5: the first three letters, or six for IGO/NGO codes."""
    return code[:6] if code[:3] in ("IGO", "NGO") else code[:3]


@dataclass(frozen=True, slots=True)
class StoryEvent:
    """What grouping needs to know of an event."""

    event_id: str
    article_id: str
    outlet: str | None
    type: str
    parties: frozenset[str]
    place: str | None
    place_country: str | None
    place_is_country: bool
    day: date | None  # the first day the event may have happened (``event_time``, UTC)
    seen: datetime | None  # publication time of the article
    last_day: date | None = None  # the last day it may have happened; None: ``day`` itself
    first_day: date | None = None  # the first day it may have happened; None: ``day`` itself
    sources: frozenset[str] = frozenset()  # scoring keys by role (``parties`` is their union)
    targets: frozenset[str] = frozenset()

    @classmethod
    def of(cls, event: Event) -> StoryEvent:
        loc = event.location
        when = event.event_time
        return cls(
            event_id=event.event_id,
            article_id=event.article_id,
            outlet=event.outlet,
            type=str(event.type),
            parties=frozenset(scoring_key(a.code) for a in [*event.source, *event.target]),
            place=loc.name if loc else None,
            place_country=loc.country if loc else None,
            # a country-level location: its gazetteer point is the country's (see places data)
            place_is_country=bool(loc and loc.country and loc.name and _is_country(loc.name, loc.country)),
            day=_utc_day(when),
            seen=event.published_at,
            last_day=_last_possible_day(event),
            first_day=_first_possible_day(event),
            sources=frozenset(scoring_key(a.code) for a in event.source),
            targets=frozenset(scoring_key(a.code) for a in event.target),
        )


def _utc_day(when: datetime | None) -> date | None:
    if when is None:
        return None
    return (when.astimezone(UTC) if when.tzinfo else when).date()


def _last_possible_day(event: Event) -> date | None:
    """A date of month precision ("in April") is the whole month, but not after the article
    was published; a day-precision date, or the publication day standing in for a missing
    date, is that one day (None)."""
    resolved = event.date
    if resolved is None or resolved.precision != "month" or not resolved.value:
        return None
    year, month = (int(part) for part in resolved.value.split("-")[:2])
    month_end = date(year, month, calendar.monthrange(year, month)[1])
    published = _utc_day(event.published_at)
    return min(month_end, published) if published and published >= date(year, month, 1) else month_end


UNDATED_LAG_DAYS = 1
"""An event its article gives no date for is dated by the publication day; it may have happened
up to this many days before (yesterday's news)."""


def _first_possible_day(event: Event) -> date | None:
    if event.date is not None and event.date.value:
        return None
    published = _utc_day(event.event_time)
    return published - timedelta(days=UNDATED_LAG_DAYS) if published else None


def days_apart(a: StoryEvent, b: StoryEvent) -> int | None:
    """Days between the two events' possible days (0 when the spans overlap); None without a day."""
    if a.day is None or b.day is None:
        return None
    a_first, b_first = a.first_day or a.day, b.first_day or b.day
    a_last, b_last = a.last_day or a.day, b.last_day or b.day
    return max((b_first - a_last).days, (a_first - b_last).days, 0)


def _is_country(name: str, country: str) -> bool:
    from hadath.extractor.gazetteer import country_names

    return country_names().get(country) == name


def _compatible_parties(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a and b) and (a <= b or b <= a)


def _nested(a: frozenset[str], b: frozenset[str]) -> bool:
    return not a or not b or a <= b or b <= a


def _compatible_roles(a: StoryEvent, b: StoryEvent) -> bool:
    """Some coded party on both sides, and source with source, target with target, one set
    containing the other (a side one report leaves empty agrees with anything): A striking B
    is not B striking A. Founders kept without roles (old records) compare as one set."""
    if not (a.parties and b.parties):
        return False
    if not (a.sources or a.targets) or not (b.sources or b.targets):
        return _compatible_parties(a.parties, b.parties)
    return _nested(a.sources, b.sources) and _nested(a.targets, b.targets)


def _compatible_places(a: StoryEvent, b: StoryEvent) -> bool:
    if a.place is None or b.place is None or a.place == b.place:
        return True
    if a.place_is_country and a.place_country == b.place_country:
        return True
    return b.place_is_country and b.place_country == a.place_country


def same_story(a: StoryEvent, b: StoryEvent, window_days: int = WINDOW_DAYS) -> bool:
    """The pairwise decision (symmetric)."""
    apart = days_apart(a, b)
    if a.type != b.type or apart is None:
        return False
    if a.place is not None and a.place == b.place and not a.place_is_country:
        # a report without coded parties still names the town; named parties must agree
        parties_agree = not a.parties or not b.parties or _compatible_parties(a.parties, b.parties)
        return apart <= PLACE_WINDOW_DAYS and parties_agree
    if apart > window_days:
        return False
    return _compatible_roles(a, b) and _compatible_places(a, b)


def story_id(founder: StoryEvent) -> str:
    return "s-" + hashlib.sha1(founder.event_id.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class Decision:
    story: Story  # the story after the event joined it
    founded: bool  # True: the event started a new story
    changed: bool  # False: the event was already counted (a redelivery)


def new_story(founder: StoryEvent) -> Story:
    return Story(
        story_id=story_id(founder),
        type=founder.type,
        parties=sorted(founder.parties),
        place=founder.place,
        place_country=founder.place_country,
        day=founder.day,
        first_day=founder.day,
        last_day=founder.day,
        first_seen=founder.seen,
        last_seen=founder.seen,
        founder_event_id=founder.event_id,
        event_ids=[founder.event_id],
        article_ids=[founder.article_id],
        outlets=[founder.outlet] if founder.outlet else [],
        article_count=1,
        outlet_count=1 if founder.outlet else 0,
        event_count=1,
    )


def founder_record(e: StoryEvent) -> dict[str, object]:
    """What the worker's open-stories table keeps of a founding event (JSON)."""
    return {
        "event_id": e.event_id,
        "article_id": e.article_id,
        "type": e.type,
        "parties": sorted(e.parties),
        "place": e.place,
        "place_country": e.place_country,
        "day": e.day.isoformat() if e.day else None,
        "last_day": e.last_day.isoformat() if e.last_day else None,
        "first_day": e.first_day.isoformat() if e.first_day else None,
        "sources": sorted(e.sources),
        "targets": sorted(e.targets),
    }


def founder_from_record(record: dict) -> StoryEvent:
    place, country = record["place"], record["place_country"]
    return StoryEvent(
        event_id=record["event_id"],
        article_id=record["article_id"],
        outlet=None,
        type=record["type"],
        parties=frozenset(record["parties"]),
        place=place,
        place_country=country,
        place_is_country=bool(place and country and _is_country(place, country)),
        day=date.fromisoformat(record["day"]) if record["day"] else None,
        seen=None,
        # records written before these keys existed: the founding day alone, roles as one set
        last_day=date.fromisoformat(record["last_day"]) if record.get("last_day") else None,
        first_day=date.fromisoformat(record["first_day"]) if record.get("first_day") else None,
        sources=frozenset(record.get("sources", ())),
        targets=frozenset(record.get("targets", ())),
    )


def choose(founders: Iterable[StoryEvent], e: StoryEvent, window_days: int = WINDOW_DAYS) -> str | None:
    """The id of the first story (by founding event, oldest first) that ``e`` belongs to."""
    if e.day is None:
        return None
    for founder in founders:
        if same_story(founder, e, window_days):
            return story_id(founder)
    return None


def founder_of(story: Story) -> StoryEvent:
    """The founding event as the story keeps it (what later events are compared with)."""
    return StoryEvent(
        event_id=story.founder_event_id,
        article_id=story.article_ids[0],
        outlet=None,
        type=str(story.type),
        parties=frozenset(story.parties),
        place=story.place,
        place_country=story.place_country,
        place_is_country=bool(
            story.place and story.place_country and _is_country(story.place, story.place_country)
        ),
        day=story.day,
        seen=story.first_seen,
    )


def joined(story: Story, e: StoryEvent) -> Story:
    """The story with one more event (idempotent: an event already counted changes nothing)."""
    if e.event_id in story.event_ids:
        return story
    articles = story.article_ids if e.article_id in story.article_ids else [*story.article_ids, e.article_id]
    outlets = story.outlets if not e.outlet or e.outlet in story.outlets else [*story.outlets, e.outlet]
    days = [d for d in (story.first_day, story.last_day, e.day) if d is not None]
    seen = [s for s in (story.first_seen, story.last_seen, e.seen) if s is not None]
    return story.model_copy(
        update={
            "event_ids": [*story.event_ids, e.event_id],
            "article_ids": articles,
            "outlets": outlets,
            "article_count": len(articles),
            "outlet_count": len(outlets),
            "event_count": story.event_count + 1,
            "first_day": min(days, default=None),
            "last_day": max(days, default=None),
            "first_seen": min(seen, key=_sort_time, default=None),
            "last_seen": max(seen, key=_sort_time, default=None),
        }
    )


def _sort_time(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def assign(
    open_stories: Iterable[Story],
    e: StoryEvent,
    window_days: int = WINDOW_DAYS,
    founders: Mapping[str, StoryEvent] | None = None,
) -> Decision:
    """The story ``e`` belongs to, given the open stories of its type (oldest first).

    ``founders`` (story_id -> founding event) keeps what a Story does not carry (the span of
    a month-precision date); without it the founder is rebuilt from the story (its day)."""
    candidates = {story.story_id: story for story in open_stories}
    for story in candidates.values():
        if e.event_id in story.event_ids:
            return Decision(story, founded=False, changed=False)
    known = founders or {}
    chosen = choose(
        (known.get(story.story_id) or founder_of(story) for story in candidates.values()), e, window_days
    )
    if chosen is not None:
        return Decision(joined(candidates[chosen], e), founded=False, changed=True)
    return Decision(new_story(e), founded=True, changed=True)


def group(events: Iterable[StoryEvent], window_days: int = WINDOW_DAYS) -> dict[str, str]:
    """event_id -> story_id for events taken in order (what the worker does, without Kafka)."""
    stories: dict[str, Story] = {}
    founders: dict[str, StoryEvent] = {}
    out: dict[str, str] = {}
    for e in events:
        pool = [s for s in stories.values() if s.type == e.type]
        decision = assign(pool, e, window_days, founders)
        if decision.founded:
            founders[decision.story.story_id] = e
        stories[decision.story.story_id] = decision.story
        out[e.event_id] = decision.story.story_id
    return out
