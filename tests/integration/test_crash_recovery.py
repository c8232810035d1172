"""Issue 4 (b) and (3): the worker killed with SIGKILL at random moments, or stopped with
SIGTERM mid-stream, loses nothing on the real broker.

At least once: after a crash the new worker resumes from the last committed offset, so
some articles are processed twice; their events carry the same deterministic event_id
(the duplicates count is printed). After SIGTERM the worker drains and commits, so a
restart reprocesses nothing.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from synthetic import articles
from worker_process import TopicNames, WorkerProcess, committed_lag, consume_all, produce_raw

from hadath.extractor import extract
from hadath_schemas import Article

pytestmark = pytest.mark.kafka


def synthetic_stream(n: int, prefix: str) -> tuple[list[tuple[bytes, bytes]], dict[str, set[str]]]:
    """Records to send and, per article id, the event ids the offline extractor gives."""
    records, expected = [], {}
    for a in articles(n, seed=hash(prefix) % 1000, prefix=prefix):
        records.append((a["id"].encode(), json.dumps(a, ensure_ascii=False).encode()))
        expected[a["id"]] = {e.event_id for e in extract(Article.model_validate(a))}
    return records, expected


def paced_producer(bootstrap: str, topic: str, records: list, seconds: float) -> threading.Thread:
    """Send ``records`` in small batches spread over about ``seconds``."""

    def run() -> None:
        batches = [records[i : i + 50] for i in range(0, len(records), 50)]
        for batch in batches:
            produce_raw(bootstrap, topic, batch)
            time.sleep(seconds / len(batches))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def check_every_article(events: list, expected: dict[str, set[str]]) -> int:
    """Every article's events are on the topic; returns the number of duplicate records."""
    got: dict[str, set[str]] = {}
    ids = Counter()
    for record in events:
        event = json.loads(record.value)
        got.setdefault(event["article_id"], set()).add(event["event_id"])
        ids[event["event_id"]] += 1
    absent = [a for a, ev in expected.items() if ev and a not in got]
    assert not absent, f"{len(absent)} articles without any event, e.g. {absent[:5]}"
    differ = [a for a, ev in expected.items() if got.get(a, set()) != ev]
    # (article, got, expected, in common): tells lost events from a changed extractor
    detail = [
        (a, len(got.get(a, ())), len(expected[a]), len(got.get(a, set()) & expected[a])) for a in differ
    ]
    assert not differ, f"{len(differ)} articles with other events than offline: {detail[:5]}"
    return sum(ids.values()) - len(ids)


def test_sigkill_at_random_moments_loses_nothing(kafka_bootstrap: str, tmp_path: Path) -> None:
    records, expected = synthetic_stream(2000, "crash")
    total_events = sum(len(v) for v in expected.values())
    names = TopicNames.unique("crash")
    worker = WorkerProcess(kafka_bootstrap, names, tmp_path / "worker.log").start()
    rng = random.Random(2024)
    try:
        worker.wait_ready()
        producer = paced_producer(kafka_bootstrap, names.articles, records, seconds=12)
        kills = 0
        for _ in range(3):
            time.sleep(rng.uniform(0.5, 4.0))
            worker.kill()  # SIGKILL: no drain, no commit, extraction child dies with it
            kills += 1
            worker.start()
            worker.wait_ready()
        producer.join(120)
        events = consume_all(kafka_bootstrap, names.events, expected=total_events, timeout=180, idle=5)
        assert worker.alive, worker.log_tail()
        assert worker.terminate() == 0
    finally:
        worker.kill()

    duplicates = check_every_article(events, expected)
    print(
        f"\n{len(records)} articles, {kills} SIGKILLs: {len(events)} event records, "
        f"{total_events} distinct expected, {duplicates} duplicates (same event_id)"
    )
    assert committed_lag(kafka_bootstrap, names.app_id, names.articles) == 0


def test_sigterm_drains_commits_and_a_restart_reprocesses_nothing(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    records, expected = synthetic_stream(1500, "term")
    total_events = sum(len(v) for v in expected.values())
    names = TopicNames.unique("term")
    slow = {"HADATH_EXTRACTOR": "fault_extractor:extract", "FAULT_EXTRACT_DELAY_MS": "4"}
    worker = WorkerProcess(kafka_bootstrap, names, tmp_path / "worker.log", slow).start()
    try:
        worker.wait_ready()
        produce_raw(kafka_bootstrap, names.articles, records)
        # Stop while the backlog (about 6 s of work) is being worked through.
        time.sleep(2)
        assert worker.terminate(timeout=60) == 0, worker.log_tail()  # exited by itself, cleanly
        first_run = consume_all(kafka_bootstrap, names.events, idle=2)
        assert len(first_run) < total_events, "the stream was over before SIGTERM: nothing tested"

        worker.start()
        worker.wait_ready()
        events = consume_all(kafka_bootstrap, names.events, expected=total_events, timeout=180, idle=4)
        assert worker.terminate() == 0
    finally:
        worker.kill()

    duplicates = check_every_article(events, expected)
    print(f"\nSIGTERM after {len(first_run)} of {total_events} events; after restart {duplicates} duplicates")
    assert duplicates == 0  # drained and committed: nothing was processed twice
    assert committed_lag(kafka_bootstrap, names.app_id, names.articles) == 0
