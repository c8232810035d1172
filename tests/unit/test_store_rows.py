"""The sink's pure core (hadath.store.rows): records -> rows, duplicates, dead letters, offsets."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from hadath.records import Consumed
from hadath.store import migrations
from hadath.store.rows import EVENT_COLUMNS, STORY_COLUMNS, event_time, plan_batch
from hadath_schemas import Event, EventType


def make_event(event_id: str = "e1", **changes: object) -> dict:
    event = {
        "event_id": event_id,
        "article_id": "a1",
        "type": "ACCUSE",
        "cameo": "112",
        "plover": "ACCUSE",
        "goldstein": -2.0,
        "mode": "asserted",
        "trigger": {"text": "اتهمت", "start": 0, "end": 5},
        "mentions": [{"text": "اتهمت", "start": 0, "end": 5}],
        "source": [{"text": "روسيا", "code": "RUSGOV", "start": 6, "end": 11}],
        "target": [
            {"text": "الأمم المتحدة", "code": "IGOUNO", "start": 12, "end": 25},
            {"text": "فرنسا", "code": "FRA", "start": 26, "end": 31},
        ],
        "location": {"text": "جنيف", "name": "Geneva", "country": "CHE"},
        "sentence": "اتهمت روسيا الأمم المتحدة وفرنسا",
        "confidence": 0.8,
        "extractor": "hadath/test",
        "published_at": "2018-04-10T08:00:00Z",
        "outlet": "وكالة اختبار",
        "url": "https://example.invalid/a1",
        "event_time": "2018-04-09T00:00:00Z",
    }
    event.update(changes)
    return event


def record(value: object, offset: int = 0, partition: int = 0, timestamp_ms: int | None = 1_500_000_000_000):
    raw = value if isinstance(value, bytes) or value is None else json.dumps(value).encode()
    return Consumed("events", partition, offset, timestamp_ms, b"k", raw, [])


def as_dict(row: tuple) -> dict:
    return dict(zip(EVENT_COLUMNS, row, strict=True))


def test_an_event_becomes_one_row_with_countries_place_and_article_context() -> None:
    plan = plan_batch([record(make_event(), offset=7, partition=2)])
    assert plan.dead_letters == []
    row = as_dict(plan.events[0])
    assert row["source_codes"] == ["RUSGOV"]
    assert row["target_codes"] == ["IGOUNO", "FRA"]
    assert row["source_countries"] == ["RUS"]
    assert row["target_countries"] == ["FRA"]  # the UN is no country
    assert row["countries"] == ["CHE", "FRA", "RUS"]  # the place's country too
    assert (row["place_name"], row["place_country"]) == ("Geneva", "CHE")
    assert row["outlet"] == "وكالة اختبار"
    assert row["url"] == "https://example.invalid/a1"
    assert row["event_time"] == datetime(2018, 4, 9, tzinfo=UTC)
    assert (row["kafka_partition"], row["kafka_offset"]) == (2, 7)
    assert json.loads(row["record"]) == json.loads(Event.model_validate(make_event()).model_dump_json())


def test_the_same_event_twice_in_a_batch_is_one_row_the_latest_read() -> None:
    first = make_event(confidence=0.5)
    again = make_event(confidence=0.9)
    plan = plan_batch([record(first, offset=1), record(make_event("e2"), offset=2), record(again, offset=3)])
    rows = {r["event_id"]: r for r in map(as_dict, plan.events)}
    assert sorted(rows) == ["e1", "e2"]
    assert (rows["e1"]["confidence"], rows["e1"]["kafka_offset"]) == (0.9, 3)


def test_records_that_are_not_events_become_dead_letters_with_a_reason() -> None:
    bad = [
        record(b"{oops", offset=1),
        record(b"\xff\xfe", offset=2),
        record([1, 2], offset=3),
        record({"event_id": "x"}, offset=4),
        record(None, offset=5),
        record(make_event(goldstein=99), offset=6),
    ]
    plan = plan_batch(bad)
    assert plan.events == []
    reasons = [(row[2], row[5]) for row in plan.dead_letters]
    assert reasons == [
        (1, "not_json"),
        (2, "not_json"),
        (3, "not_object"),
        (4, "schema_invalid"),
        (5, "null_value"),
        (6, "schema_invalid"),
    ]
    assert "goldstein" in plan.dead_letters[-1][6]  # the error names the field


def test_strings_postgresql_cannot_hold_are_dead_letters_not_a_failed_batch() -> None:
    nul = json.dumps(make_event(outlet="a\x00b")).encode()
    surrogate = json.dumps(make_event("e2", sentence="x")).replace('"x"', '"\\ud800"').encode()
    good = make_event("e3")
    plan = plan_batch([record(nul, offset=1), record(surrogate, offset=2), record(good, offset=3)])
    assert [(row[2], row[5]) for row in plan.dead_letters] == [(1, "not_storable"), (2, "not_storable")]
    assert "record.outlet" in plan.dead_letters[0][6] and "NUL" in plan.dead_letters[0][6]
    assert "surrogate" in plan.dead_letters[1][6]
    assert [as_dict(r)["event_id"] for r in plan.events] == ["e3"]


def test_offsets_to_commit_cover_every_record_of_each_partition() -> None:
    plan = plan_batch([record(make_event("a"), 4, 0), record(b"bad", 9, 0), record(make_event("b"), 2, 1)])
    assert plan.offsets == {("events", 0): 10, ("events", 1): 3}


def test_event_time_falls_back_to_the_record_time() -> None:
    event = Event.model_validate(make_event(event_time=None))
    at = datetime(2020, 1, 2, tzinfo=UTC)
    assert event_time(event, at) == at
    row = as_dict(plan_batch([record(make_event(event_time=None), timestamp_ms=0)]).events[0])
    assert row["event_time"] == datetime(1970, 1, 1, tzinfo=UTC)


@given(st.lists(st.tuples(st.sampled_from("abcde"), st.integers(0, 3)), max_size=40))
def test_one_row_per_event_id_whatever_the_redeliveries(deliveries: list[tuple[str, int]]) -> None:
    records = [record(make_event(eid), offset=i, partition=p) for i, (eid, p) in enumerate(deliveries)]
    plan = plan_batch(records)
    ids = [as_dict(r)["event_id"] for r in plan.events]
    assert ids == sorted({eid for eid, _ in deliveries})  # one each, in key order (lock order)
    latest = {eid: i for i, (eid, _) in enumerate(deliveries)}
    for row in map(as_dict, plan.events):  # the latest delivery of each event wins
        assert row["kafka_offset"] == latest[row["event_id"]]


def test_every_event_type_has_a_class_in_the_event_types_table() -> None:
    sql = "\n".join(m.sql for m in migrations.available())
    rows = dict(re.findall(r"\('([A-Z]+)',\s+'[A-Z]+',\s+'([a-z ]+)'", sql))
    assert set(rows) == {t.value for t in EventType}
    assert rows["ATTACK"] == "material conflict"
    assert rows["MEET"] == "verbal cooperation"


def make_story(story_id: str, articles: int) -> dict:
    return {
        "story_id": story_id,
        "type": "MEET",
        "parties": ["RUS", "USA"],
        "place": "Geneva",
        "place_country": "CHE",
        "day": "2018-04-09",
        "first_day": "2018-04-09",
        "last_day": "2018-04-09",
        "first_seen": "2018-04-09T08:00:00Z",
        "last_seen": "2018-04-09T10:00:00Z",
        "founder_event_id": "e1",
        "article_count": articles,
        "outlet_count": articles,
        "event_count": articles,
        "article_ids": [f"a{i}" for i in range(articles)],
        "outlets": [f"o{i}" for i in range(articles)],
        "event_ids": [f"e{i}" for i in range(articles)],
    }


def story_record(story_id: str, value: dict | None, offset: int) -> Consumed:
    raw = None if value is None else json.dumps(value).encode()
    return Consumed("stories", 0, offset, 0, story_id.encode(), raw, [])


def test_the_latest_rollup_of_a_story_wins_and_a_tombstone_deletes_it() -> None:
    plan = plan_batch(
        [
            story_record("s1", make_story("s1", 1), 0),
            record(make_event("e1"), offset=0),
            story_record("s1", make_story("s1", 3), 1),
            story_record("s2", make_story("s2", 1), 2),
            story_record("s2", None, 3),
            story_record("s3", None, 4),
            story_record("s4", {"story_id": "s4"}, 5),
        ],
        stories_topic="stories",
    )
    stories = [dict(zip(STORY_COLUMNS, row, strict=True)) for row in plan.stories]
    assert [(s["story_id"], s["article_count"], s["kafka_offset"]) for s in stories] == [("s1", 3, 1)]
    assert stories[0]["day"] == date(2018, 4, 9)
    assert plan.deleted_stories == ["s2", "s3"]
    assert [(row[0], row[5]) for row in plan.dead_letters] == [("stories", "schema_invalid")]
    assert len(plan.events) == 1
    assert plan.offsets == {("stories", 0): 6, ("events", 0): 1}
