"""Issue 7 (2): two worker processes in one consumer group share the partitions; when one
is killed the other takes its partitions over and finishes, nothing lost (real broker)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from test_crash_recovery import check_every_article, synthetic_stream
from worker_process import TopicNames, WorkerProcess, committed_lag, consume_all, produce_raw

pytestmark = pytest.mark.kafka


def assigned(worker: WorkerProcess) -> set[str]:
    """The articles partitions of the worker's latest assignment, from its log."""
    lines = re.findall(r"partitions assigned: (.*)", worker.log_text())
    parts = {p.strip() for p in lines[-1].split(",")} if lines else set()
    return {p for p in parts if p.startswith(worker.names.articles + "[")}


def test_two_workers_share_partitions_and_one_takes_over_when_the_other_dies(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    records, expected = synthetic_stream(3000, "group")
    total_events = sum(len(v) for v in expected.values())
    names = TopicNames.unique("group")
    slow = {"HADATH_EXTRACTOR": "fault_extractor:extract", "FAULT_EXTRACT_DELAY_MS": "6"}
    a = WorkerProcess(kafka_bootstrap, names, tmp_path / "a.log", slow).start()
    b = WorkerProcess(kafka_bootstrap, names, tmp_path / "b.log", slow)
    try:
        a.wait_ready()
        b.start()
        b.wait_ready()
        a.wait_ready(count=2)  # a was rebalanced when b joined
        shared = assigned(a), assigned(b)
        assert shared[0] and shared[1] and not (shared[0] & shared[1])
        assert len(shared[0] | shared[1]) == 4

        produce_raw(kafka_bootstrap, names.articles, records)
        time.sleep(3)  # both are working through their halves (about 9 s of work each)
        b.kill()
        so_far = consume_all(kafka_bootstrap, names.events, timeout=10, idle=0.3)
        assert len(so_far) < total_events, "the stream was over before the kill: nothing tested"
        # b's partitions come to a once b's session (6 s) has expired
        deadline = time.monotonic() + 90
        while len(assigned(a)) < 4 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert len(assigned(a)) == 4, a.log_tail()
        events = consume_all(kafka_bootstrap, names.events, expected=total_events, timeout=180, idle=5)
        assert a.terminate() == 0, a.log_tail()
    finally:
        a.kill()
        b.kill()

    duplicates = check_every_article(events, expected)
    print(f"\n2 workers, one SIGKILLed mid-stream: {len(events)} event records, {duplicates} duplicates")
    assert committed_lag(kafka_bootstrap, names.app_id, names.articles) == 0
