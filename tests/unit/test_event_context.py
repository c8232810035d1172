"""Events carry what analysts plot: their article's publication time, outlet and URL, and an
event_time (the resolved event date, else the publication time) — schema 1.1.0."""

from datetime import UTC, datetime

import pytest

from hadath.extractor.pipeline import event_time, extract
from hadath_schemas import Article, EventDate

PUBLISHED = datetime(2018, 4, 13, 9, 30, tzinfo=UTC)


def _article(body: str, **fields) -> Article:
    base = {"id": "ctx-1", "title": "", "source": "Outlet", "url": "https://example.invalid/a"}
    return Article(body=body, **{**base, "published_at": PUBLISHED, **fields})


def test_every_event_carries_its_articles_time_outlet_and_url():
    events = extract(_article("اتهمت الحكومة العراقية تركيا بقصف قرى في الشمال."))
    assert events
    for event in events:
        assert (event.published_at, event.outlet, event.url) == (
            PUBLISHED,
            "Outlet",
            "https://example.invalid/a",
        )


def test_event_time_is_the_resolved_day_of_a_dated_event():
    (meet,) = extract(_article("التقى وزير الخارجية الروسي نظيره الأمريكي في جنيف يوم الخميس."))
    assert meet.date is not None and meet.date.value == "2018-04-12"
    assert meet.event_time == datetime(2018, 4, 12, tzinfo=UTC)


def test_event_time_falls_back_to_publication_time_without_a_date():
    (accuse,) = extract(_article("اتهمت الحكومة العراقية تركيا بقصف قرى في الشمال."))
    assert accuse.date is None
    assert accuse.event_time == PUBLISHED


def test_an_article_without_metadata_gives_events_without_it():
    events = extract(
        _article("اتهمت الحكومة العراقية تركيا بقصف قرى في الشمال.", source=None, url=None, published_at=None)
    )
    assert events
    assert all(
        e.published_at is None and e.outlet is None and e.url is None and e.event_time is None for e in events
    )


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (
            EventDate(text="يوم الخميس", value="2018-04-12", precision="day"),
            datetime(2018, 4, 12, tzinfo=UTC),
        ),
        (EventDate(text="آذار الماضي", value="2018-03", precision="month"), datetime(2018, 3, 1, tzinfo=UTC)),
        (EventDate(text="عام 2016", value="2016", precision="year"), PUBLISHED),  # too coarse to plot
        (EventDate(text="الخميس", value=None, precision=None), PUBLISHED),  # unresolved
        (None, PUBLISHED),
    ],
)
def test_event_time_rule(date, expected):
    assert event_time(date, PUBLISHED) == expected


def test_extract_stays_pure_with_the_new_fields():
    article = _article("التقى وزير الخارجية الروسي نظيره الأمريكي في جنيف يوم الخميس.")
    assert [e.model_dump() for e in extract(article)] == [e.model_dump() for e in extract(article)]
