"""`hadath sink` as a real subprocess, and events to feed it, for integration tests.

The events are what the extractor gives for synthetic articles (tests/integration/synthetic.py),
sent to the events topic keyed by event_id exactly as the worker sends them.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

import psycopg
from prometheus_client.parser import text_string_to_metric_families
from synthetic import articles
from worker_process import TopicNames, WorkerProcess, committed_lag

from hadath.extractor import extract
from hadath.store.sink import READY_LINE
from hadath_schemas import Article


class SinkProcess(WorkerProcess):
    """One `hadath sink` process on ``names.events`` with its own consumer group and database."""

    command = "sink"
    ready_line = READY_LINE

    def __init__(
        self,
        bootstrap: str,
        names: TopicNames,
        log_path: str | Path,
        database_env: Mapping[str, str],
        env: Mapping[str, str] | None = None,
    ) -> None:
        extra = {
            "HADATH_SINK_GROUP": sink_group(names),
            "HADATH_SINK_METRICS_PORT": "0",  # any free port: tests run sinks side by side
            "HADATH_STORIES_TOPIC": stories_topic(names),
            **database_env,
            **(env or {}),
        }
        super().__init__(bootstrap, names, log_path, extra)


def sink_group(names: TopicNames) -> str:
    return f"{names.app_id}-sink"


def stories_topic(names: TopicNames) -> str:
    return f"{names.events}-stories"


def event_records(n_articles: int, prefix: str) -> list[tuple[bytes, bytes]]:
    """(event_id, Event JSON) for every event of ``n_articles`` synthetic articles."""
    out = []
    for record in articles(n_articles, seed=sum(map(ord, prefix)), prefix=prefix):
        for event in extract(Article.model_validate(record)):
            out.append((event.event_id.encode(), event.model_dump_json().encode()))
    return out


def stored_ids(conninfo: str) -> list[str]:
    with psycopg.connect(conninfo) as conn:
        return [row[0] for row in conn.execute("SELECT event_id FROM events")]


def row_count(conninfo: str, table: str = "events") -> int:
    """Rows in ``table``; 0 while the sink has not created it yet."""
    try:
        with psycopg.connect(conninfo) as conn:
            return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # type: ignore[index]
    except psycopg.errors.UndefinedTable:
        return 0


def wait_caught_up(
    bootstrap: str, names: TopicNames, sink: SinkProcess, timeout: float = 180, topic: str | None = None
) -> None:
    """Until the sink's group has committed the end of ``topic`` (the events topic)."""
    deadline = time.monotonic() + timeout
    while committed_lag(bootstrap, sink_group(names), topic or names.events) > 0:
        if not sink.alive:
            raise AssertionError(f"the sink died:\n{sink.log_tail()}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"the sink did not catch up in {timeout} s:\n{sink.log_tail()}")
        time.sleep(0.5)


def decoded(records: list[tuple[bytes, bytes]]) -> dict[str, dict]:
    """event_id -> the event, for comparing with the stored ``record`` column."""
    return {key.decode(): json.loads(value) for key, value in records}


Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def sink_url(sink: SinkProcess, path: str, timeout: float = 60.0) -> str:
    """http://127.0.0.1:<the port the sink logged><path>."""
    deadline = time.monotonic() + timeout
    while not (match := re.search(r"metrics on http://[^:]+:(\d+)/metrics", sink.log_since_start())):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the sink logged no metrics address:\n{sink.log_tail()}")
        time.sleep(0.2)
    return f"http://127.0.0.1:{match.group(1)}{path}"


def sink_metrics(sink: SinkProcess) -> Samples:
    """The sink's /metrics scraped over HTTP: {(sample name, sorted labels): value}."""
    with urllib.request.urlopen(sink_url(sink, "/metrics"), timeout=10) as response:
        text = response.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
