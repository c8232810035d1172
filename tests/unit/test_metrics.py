"""hadath.metrics: names and units, bounded labels, what each recording call counts, /metrics."""

from __future__ import annotations

import json
import urllib.request

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hadath import metrics
from hadath_schemas import Event

VALUE = metrics.REGISTRY.get_sample_value


def value(name: str, **labels: str) -> float:
    return VALUE(name, labels) or 0.0


def event(kind: str = "MEET", mode: str = "asserted", source=(), target=()) -> dict:
    return {
        "type": kind,
        "mode": mode,
        "source": [{"text": c, "code": c, "start": 0, "end": 1} for c in source],
        "target": [{"text": c, "code": c, "start": 0, "end": 1} for c in target],
    }


# ------------------------------------------------------------------ names and units
def hadath_families():
    return [m for m in metrics.REGISTRY.collect() if m.name.startswith("hadath_")]


def test_every_hadath_metric_follows_the_naming_rules():
    families = hadath_families()
    assert len(families) >= 12
    for family in families:
        assert family.documentation, family.name
        if family.type == "counter":
            assert all(s.name.endswith("_total") for s in family.samples), family.name
        if family.type == "histogram":
            assert family.name.endswith("_seconds"), family.name  # durations in base units
        for sample in family.samples:
            assert "article" not in "".join(sample.labels), sample  # never an article id label


def test_label_values_are_bounded_and_preinitialised():
    text = metrics.exposition().decode()
    for reason in metrics.DEAD_LETTER_REASONS:
        assert f'hadath_articles_dead_lettered_total{{reason="{reason}"}}' in text
    assert text.count("hadath_events_produced_total{") == 10 * 3  # every type x mode, from 0


def test_the_country_set_is_the_gazetteer_iso3_codes():
    countries = metrics.known_countries()
    assert {"RUS", "USA", "SYR", "EGY", "SAU"} <= countries
    assert all(len(c) == 3 and c.isupper() for c in countries)
    assert not any(c.startswith(("IGO", "NGO", "IMG")) for c in countries)
    assert len(countries) <= 260  # bounded by ISO 3166


@given(st.text(min_size=0, max_size=12))
def test_any_reason_or_country_maps_into_the_bounded_sets(raw):
    assert metrics.reason_label(raw) in metrics.DEAD_LETTER_REASONS
    assert metrics.country_label(raw) in metrics.known_countries() | {metrics.OTHER}


@pytest.mark.parametrize(
    ("code", "country"),
    [("RUS", "RUS"), ("RUSGOV", "RUS"), ("USAMIL", "USA"), ("IGOUNO", None), ("NGOHRW", None),
     ("IMGMOS", None), ("", None), (None, None)],
)  # fmt: skip
def test_actor_country(code, country):
    assert metrics.actor_country(code) == country


# --------------------------------------------------------------- recording calls
def test_events_are_counted_by_type_mode_and_distinct_actor_country():
    before = {
        "meet": value("hadath_events_produced_total", type="MEET", mode="planned"),
        "deny": value("hadath_events_produced_total", type="DENY", mode="negated"),
        "rus": value("hadath_events_by_actor_country_total", country="RUS"),
        "usa": value("hadath_events_by_actor_country_total", country="USA"),
        "other": value("hadath_events_by_actor_country_total", country="other"),
    }
    metrics.events_produced(
        [
            # RUS twice (RUSGOV + RUSMIL) counts once; IGOUNO is no country; ZZZ is not in the gazetteer
            event("MEET", "planned", source=["RUSGOV", "RUSMIL"], target=["USA", "IGOUNO"]),
            json.dumps(event("DENY", "negated", source=["ZZZ"])).encode(),  # JSON bytes
            ("e-3", "a-1", json.dumps(event("MEET", "planned", source=["RUS"])).encode()),  # worker tuple
            b'{"article_id": "x", "passthrough": true}',  # not an event: ignored
            event("NOTATYPE", "asserted", source=["RUS"]),  # not a schema type: ignored
        ]
    )
    assert value("hadath_events_produced_total", type="MEET", mode="planned") - before["meet"] == 2
    assert value("hadath_events_produced_total", type="DENY", mode="negated") - before["deny"] == 1
    assert value("hadath_events_by_actor_country_total", country="RUS") - before["rus"] == 2
    assert value("hadath_events_by_actor_country_total", country="USA") - before["usa"] == 1
    assert value("hadath_events_by_actor_country_total", country="other") - before["other"] == 1
    assert 'type="NOTATYPE"' not in metrics.exposition().decode()


def test_pydantic_events_are_counted_too():
    model = Event(
        event_id="e1", article_id="a1", type="ATTACK", cameo="190", plover="ASSAULT", goldstein=-10,
        mode="asserted", trigger={"text": "قصف", "start": 0, "end": 3},
        mentions=[{"text": "قصف", "start": 0, "end": 3}],
        source=[{"text": "روسيا", "code": "RUS", "start": 0, "end": 5}],
        sentence="قصف", confidence=0.9, extractor="test",
    )  # fmt: skip
    before = value("hadath_events_produced_total", type="ATTACK", mode="asserted")
    metrics.events_produced([model])
    assert value("hadath_events_produced_total", type="ATTACK", mode="asserted") - before == 1


def test_an_article_life_moves_received_in_flight_and_outcomes():
    received = value("hadath_articles_received_total")
    processed = value("hadath_articles_processed_total")
    dead = value("hadath_articles_dead_lettered_total", reason="not_json")
    other = value("hadath_articles_dead_lettered_total", reason="other")
    in_flight = value("hadath_articles_in_flight")

    metrics.received(3)
    assert value("hadath_articles_in_flight") - in_flight == 3
    metrics.processed(None)
    metrics.dead_lettered("not_json")
    metrics.dead_lettered("something new")  # an unforeseen reason is still counted, as "other"
    assert value("hadath_articles_received_total") - received == 3
    assert value("hadath_articles_processed_total") - processed == 1
    assert value("hadath_articles_dead_lettered_total", reason="not_json") - dead == 1
    assert value("hadath_articles_dead_lettered_total", reason="other") - other == 1
    assert value("hadath_articles_in_flight") == in_flight
    assert 'reason="something new"' not in metrics.exposition().decode()


def test_end_to_end_latency_is_measured_from_the_record_timestamp_at_ack_time():
    count = value("hadath_end_to_end_latency_seconds_count")
    total = value("hadath_end_to_end_latency_seconds_sum")
    under_5s = value("hadath_end_to_end_latency_seconds_bucket", le="5.0")
    published_ms = 4_000_000_000_000  # far ahead of any real clock: the gauge takes it as newest
    metrics.received()
    metrics.processed(published_ms, now=published_ms / 1000 + 2.5)
    assert value("hadath_end_to_end_latency_seconds_count") - count == 1
    assert value("hadath_end_to_end_latency_seconds_sum") - total == pytest.approx(2.5)
    assert value("hadath_end_to_end_latency_seconds_bucket", le="5.0") - under_5s == 1
    assert value("hadath_last_processed_record_timestamp_seconds") == published_ms / 1000
    # an older record afterwards does not move "last processed" back; skewed clocks clamp to 0
    metrics.received()
    metrics.dead_lettered("not_json", published_ms - 60_000, now=published_ms / 1000 - 120)
    assert value("hadath_last_processed_record_timestamp_seconds") == published_ms / 1000
    assert value("hadath_end_to_end_latency_seconds_sum") - total == pytest.approx(2.5)


def test_extraction_timer_observes_seconds():
    count = value("hadath_extraction_duration_seconds_count")
    with metrics.time_extraction():
        sum(range(1000))
    metrics.extraction_seconds(0.2)
    assert value("hadath_extraction_duration_seconds_count") - count == 2


def test_in_flight_can_follow_the_worker_pipeline():
    queue = [1, 2, 3, 4]
    metrics.track_in_flight(lambda: len(queue))
    try:
        assert value("hadath_articles_in_flight") == 4
        queue.pop()
        assert value("hadath_articles_in_flight") == 3
    finally:
        vars(metrics.ARTICLES_IN_FLIGHT).pop("_child_samples", None)  # back to inc/dec for other tests


# --------------------------------------------------------------------------- serving
def test_metrics_are_served_over_http_with_build_info():
    metrics.set_info("9.9.9", "hadath/test")
    server = metrics.serve("127.0.0.1", 0)
    try:
        url = f"http://127.0.0.1:{server.server_port}/metrics"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
            body = response.read().decode()
    finally:
        server.shutdown()
        server.server_close()
    assert 'hadath_worker_info{extractor_version="hadath/test",version="9.9.9"} 1.0' in body
    assert "hadath_articles_received_total" in body
    assert "process_resident_memory_bytes" in body  # worker-health panel
