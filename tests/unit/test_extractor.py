"""End-to-end tests of hadath.extractor.extract on the seed article and small texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from hadath.extractor import EXTRACTOR_VERSION, extract
from hadath_schemas import Article, Event

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_e1bf89197a71aac9.txt"


def seed_article() -> Article:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return Article(id="seed-000", title=lines[0], body="\n".join(lines[1:-1]), source=lines[-1])


@pytest.fixture(scope="module")
def seed_events() -> list[Event]:
    return extract(seed_article())


def test_seed_has_core_types(seed_events: list[Event]) -> None:
    types = {e.type.value for e in seed_events}
    assert {"MEET", "PROPOSE", "ACCUSE", "DENY"} <= types


def test_seed_events_valid_and_offsets_point_into_text(seed_events: list[Event]) -> None:
    art = seed_article()
    text = art.text
    for e in seed_events:
        Event.model_validate(e.model_dump(mode="json"))
        assert e.extractor == EXTRACTOR_VERSION
        assert e.article_id == art.id
        for span in [e.trigger, *e.mentions, *e.source, *e.target]:
            assert text[span.start : span.end] == span.text
        assert e.source or e.target


def test_seed_accusation_roles(seed_events: list[Event]) -> None:
    acc = [e for e in seed_events if e.type.value == "ACCUSE"]
    assert any(
        {a.code[:3] for a in e.source} == {"RUS"} and {a.code[:3] for a in e.target} == {"USA"} for e in acc
    )


def test_seed_planned_meeting_merges_title_and_body(seed_events: list[Event]) -> None:
    meets = [e for e in seed_events if e.type.value == "MEET" and e.mode.value == "planned"]
    assert meets
    m = meets[0]
    assert {a.code[:3] for a in m.source} == {"RUS", "USA"}
    texts = {s.text for s in m.mentions}
    assert "المباحثات" in texts and "سيبحثون" in texts


def test_deterministic_ids(seed_events: list[Event]) -> None:
    again = extract(seed_article())
    assert [e.event_id for e in again] == [e.event_id for e in seed_events]
    assert len({e.event_id for e in again}) == len(again)


def test_no_actor_no_event() -> None:
    art = Article(id="x", title="", body="عقد اجتماع أمس وقال مصدر إن مسلحين هاجموا القرية.")
    assert extract(art) == []
