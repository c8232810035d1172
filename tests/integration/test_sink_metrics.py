"""`hadath sink`'s Prometheus metrics (docs/monitoring.md), scraped over HTTP from a real sink
process on the real broker and a real PostgreSQL server: the counters say what reached the
database, and a database outage shows as errors, not as rows."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import PostgresDatabase
from postgres_server import LocalPostgres
from sink_process import SinkProcess, event_records, row_count, sink_metrics, sink_url, wait_caught_up
from worker_process import TopicNames, produce_raw

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def probe(sink: SinkProcess, path: str) -> dict:
    """/livez or /readyz: the JSON body of a 200 (a 503 raises)."""
    with urllib.request.urlopen(sink_url(sink, path), timeout=10) as response:
        return json.loads(response.read())


def lag(samples: dict, topic: str) -> float:
    return sum(
        v
        for (name, labels), v in samples.items()
        if name == "hadath_sink_consumer_lag_records" and ("topic", topic) in labels
    )


def wait_for(sink: SinkProcess, condition, timeout: float = 30.0) -> dict:  # type: ignore[no-untyped-def]
    """Scrape until ``condition(samples)`` holds (the lag gauge follows the commit by one poll)."""
    deadline = time.monotonic() + timeout
    while True:
        samples = sink_metrics(sink)
        if condition(samples) or time.monotonic() > deadline:
            return samples
        time.sleep(0.5)


def test_counters_say_what_was_stored(
    kafka_bootstrap: str, postgres_db: PostgresDatabase, tmp_path: Path
) -> None:
    names = TopicNames.unique("sinkmetrics")
    partition0 = (("partition", "0"), ("topic", names.events))
    records = event_records(30, "sinkmetrics")
    bad = [(b"bad-json", b"{not json"), (b"bad-schema", json.dumps({"event_id": "x"}).encode())]
    started = time.time()
    produce_raw(kafka_bootstrap, names.events, records + bad)

    env = {**postgres_db.env(), "HADATH_METRICS_LAG_INTERVAL_SECONDS": "1"}
    with SinkProcess(kafka_bootstrap, names, tmp_path / "sink.log", env) as sink:
        sink.wait_ready()
        wait_caught_up(kafka_bootstrap, names, sink)
        # caught up: the next lag poll reads 0 on every partition of the events topic
        after = wait_for(
            sink, lambda s: ("hadath_sink_consumer_lag_records", partition0) in s and not lag(s, names.events)
        )
        lagging = [k for k, v in after.items() if k[0] == "hadath_sink_consumer_lag_records" and v]
        assert probe(sink, "/livez")["live"] is True
        assert f"{names.events}:0" in probe(sink, "/readyz")["partitions_assigned"]
        assert sink.terminate() == 0, sink.log_tail()

    events = len(records)
    assert events > 30 and row_count(postgres_db.conninfo) == events
    assert value(after, "hadath_sink_rows_upserted_total", table="events") == events
    assert value(after, "hadath_sink_rows_upserted_total", table="stories") == 0
    assert value(after, "hadath_sink_dead_letters_total", reason="not_json") == 1
    assert value(after, "hadath_sink_dead_letters_total", reason="schema_invalid") == 1
    assert value(after, "hadath_sink_dead_letters_total", reason="null_value") == 0  # present from the start
    batches = value(after, "hadath_sink_batches_total")
    assert batches >= 1
    assert value(after, "hadath_sink_batch_duration_seconds_count") == batches
    assert value(after, "hadath_sink_batch_duration_seconds_sum") > 0
    assert value(after, "hadath_sink_db_errors_total") == 0
    assert started <= value(after, "hadath_sink_last_write_timestamp_seconds") <= time.time()
    assert ("hadath_sink_consumer_lag_records", partition0) in after
    assert lagging == []  # caught up: every assigned partition reads 0
    assert not any(name.startswith("hadath_articles") for name, _ in after)  # the worker's are not here


def test_a_database_outage_counts_errors_and_no_rows(kafka_bootstrap: str, tmp_path: Path) -> None:
    names = TopicNames.unique("sinkmetricsdb")
    records = event_records(20, "sinkmetricsdb")
    with LocalPostgres() as server:
        database = PostgresDatabase(server, server.create_database())
        env = {**database.env(), "HADATH_METRICS_LAG_INTERVAL_SECONDS": "1"}
        with SinkProcess(kafka_bootstrap, names, tmp_path / "sink.log", env) as sink:
            sink.wait_ready()
            server.stop()
            produce_raw(kafka_bootstrap, names.events, records)
            during = wait_for(
                sink,
                lambda s: (
                    value(s, "hadath_sink_db_errors_total") >= 3 and lag(s, names.events) == len(records)
                ),
            )
            assert value(during, "hadath_sink_db_errors_total") >= 3, sink.log_tail()
            assert lag(during, names.events) == len(records)  # the lag grows while the loop waits
            assert probe(sink, "/livez")["live"] is True  # waiting for the database is not a hang
            assert value(during, "hadath_sink_rows_upserted_total", table="events") == 0
            assert value(during, "hadath_sink_last_write_timestamp_seconds") == 0
            server.start()
            wait_caught_up(kafka_bootstrap, names, sink)
            after = wait_for(
                sink, lambda s: value(s, "hadath_sink_rows_upserted_total", table="events") == len(records)
            )
            assert value(after, "hadath_sink_rows_upserted_total", table="events") == len(records)
            assert value(after, "hadath_sink_db_errors_total") >= value(during, "hadath_sink_db_errors_total")
            assert value(after, "hadath_sink_last_write_timestamp_seconds") > 0
            assert lag(wait_for(sink, lambda s: lag(s, names.events) == 0), names.events) == 0
