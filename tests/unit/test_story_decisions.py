"""The story grouping core (hadath.stories): pure decisions, stable ids, idempotent rollups."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from hadath.stories import (
    PLACE_WINDOW_DAYS,
    StoryEvent,
    assign,
    days_apart,
    founder_from_record,
    founder_record,
    group,
    same_story,
    scoring_key,
)

BASE = StoryEvent(
    event_id="e1",
    article_id="a1",
    outlet="Outlet A",
    type="MEET",
    parties=frozenset({"RUS", "USA"}),
    place="Geneva",
    place_country="CHE",
    place_is_country=False,
    day=date(2018, 4, 12),
    seen=datetime(2018, 4, 12, 9, tzinfo=UTC),
)


def _other(**changes) -> StoryEvent:
    return replace(BASE, **{"event_id": "e2", "article_id": "a2", "outlet": "Outlet B", **changes})


def test_scoring_keys_follow_the_spec():
    assert [scoring_key(c) for c in ("RUSGOV", "USA", "IGOUNO", "NGOHRW", "IMGMOS")] == [
        "RUS",
        "USA",
        "IGOUNO",
        "NGOHRW",
        "IMG",
    ]


def test_the_same_meeting_from_another_outlet_is_the_same_story():
    assert same_story(BASE, _other())
    assert same_story(BASE, _other(parties=frozenset({"RUS"})))  # fewer parties named
    assert same_story(BASE, _other(place=None))  # place not said
    assert same_story(BASE, _other(place="Switzerland", place_is_country=True))  # its country


def test_what_tells_stories_apart():
    assert not same_story(BASE, _other(type="AGREE"))
    assert not same_story(BASE, _other(parties=frozenset({"RUS", "TUR"})))  # other parties
    assert not same_story(BASE, _other(parties=frozenset(), place=None))  # nothing to match on
    assert not same_story(BASE, _other(place="Vienna", place_country="AUT", parties=BASE.parties))
    assert not same_story(BASE, _other(day=date(2018, 4, 13), place="Vienna", place_country="AUT"))
    assert not same_story(BASE, _other(day=None))


def test_a_shared_town_keeps_later_reports_in_the_story():
    later = _other(day=date(2018, 4, 12 + PLACE_WINDOW_DAYS), parties=frozenset({"USA"}))
    assert same_story(BASE, later)
    assert same_story(BASE, replace(later, parties=frozenset()))  # the town is all it names
    assert not same_story(BASE, replace(later, parties=frozenset({"SYR"})))  # other parties there
    assert not same_story(BASE, replace(later, day=date(2018, 4, 13 + PLACE_WINDOW_DAYS)))
    country = replace(BASE, place="Syria", place_country="SYR", place_is_country=True)
    assert not same_story(country, replace(later, place="Syria", place_country="SYR", place_is_country=True))


def test_assign_founds_then_joins_with_counts_and_a_stable_id():
    first = assign([], BASE)
    assert first.founded and first.story.article_count == 1 and first.story.outlet_count == 1
    second = assign([first.story], _other())
    assert not second.founded and second.story.story_id == first.story.story_id
    story = second.story
    assert (story.article_count, story.outlet_count, story.event_count) == (2, 2, 2)
    assert story.first_seen == BASE.seen and story.last_seen == BASE.seen
    third = assign([story], _other(event_id="e3", article_id="a3", outlet="Outlet A"))
    assert (third.story.article_count, third.story.outlet_count) == (3, 2)  # same outlet again


def test_a_redelivered_event_changes_nothing():
    story = assign([assign([], BASE).story], _other()).story
    again = assign([story], _other())
    assert not again.changed and again.story == story


def test_an_unrelated_event_founds_its_own_story():
    story = assign([], BASE).story
    other = assign([story], _other(type="ATTACK"))
    assert other.founded and other.story.story_id != story.story_id


days = st.integers(min_value=0, max_value=20).map(lambda n: date(2018, 4, 1 + n))
events = st.builds(
    lambda i, d, parties, place: replace(
        BASE, event_id=f"e{i}", article_id=f"a{i}", day=d, parties=frozenset(parties), place=place
    ),
    st.integers(min_value=0, max_value=10**6),
    days,
    st.sets(st.sampled_from(["RUS", "USA", "SYR", "IRN"]), max_size=3),
    st.sampled_from([None, "Geneva", "Vienna"]),
)


@given(st.lists(events, max_size=20, unique_by=lambda e: e.event_id))
def test_grouping_is_deterministic_and_symmetric_pairwise(batch):
    assert group(batch) == group(batch)
    for a in batch:
        for b in batch:
            assert same_story(a, b) == same_story(b, a)


def test_a_date_of_month_precision_spans_its_month_up_to_publication():
    in_april = _other(day=date(2018, 4, 1), last_day=date(2018, 4, 12), place=None)
    assert same_story(BASE, in_april)  # "in April", published on the 12th: the 12th is possible
    assert same_story(in_april, BASE)
    assert days_apart(in_april, _other(day=date(2018, 4, 15))) == 3
    assert not same_story(in_april, _other(day=date(2018, 4, 13), place=None))


def test_a_founder_record_keeps_the_span_and_reads_old_records():
    in_april = _other(day=date(2018, 4, 1), last_day=date(2018, 4, 30))
    assert founder_from_record(founder_record(in_april)).last_day == date(2018, 4, 30)
    old = {k: v for k, v in founder_record(BASE).items() if k != "last_day"}
    assert founder_from_record(old).last_day is None


def test_an_undated_report_may_tell_of_the_day_before_publication():
    yesterday = _other(day=date(2018, 4, 13), first_day=date(2018, 4, 12), place=None)
    assert same_story(BASE, yesterday) and same_story(yesterday, BASE)
    assert not same_story(BASE, replace(yesterday, day=date(2018, 4, 14), first_day=date(2018, 4, 13)))


def test_roles_are_compared_side_by_side():
    # no place: the town rule (parties as one set, a week's window) is not in play
    strike = replace(
        BASE,
        type="ATTACK",
        place=None,
        parties=frozenset({"ISR", "SYR"}),
        sources=frozenset({"ISR"}),
        targets=frozenset({"SYR"}),
    )
    back = _other(
        type="ATTACK", place=None, parties=strike.parties, sources=strike.targets, targets=strike.sources
    )
    assert not same_story(strike, back)  # B striking A
    unsaid = replace(back, parties=frozenset({"SYR"}), sources=frozenset(), targets=frozenset({"SYR"}))
    assert same_story(strike, unsaid)  # the source left unsaid agrees
    unroled = replace(back, sources=frozenset(), targets=frozenset())  # an old founder record
    assert same_story(strike, unroled)
