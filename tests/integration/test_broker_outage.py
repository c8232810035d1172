"""Issue 4 (c): the broker stops for 20 s in the middle of a stream and comes back on the
same ports; the same worker process (no restart) finishes everything, nothing lost."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from kafka_broker import LocalKafka
from test_crash_recovery import check_every_article, synthetic_stream
from worker_process import TopicNames, WorkerProcess, committed_lag, consume_all, produce_raw

pytestmark = pytest.mark.kafka

OUTAGE_SECONDS = 20


def test_broker_gone_for_20_seconds_mid_stream(tmp_path: Path) -> None:
    before, expected = synthetic_stream(1500, "outage-a")
    after, expected_after = synthetic_stream(500, "outage-b")
    expected.update(expected_after)
    total_events = sum(len(v) for v in expected.values())
    names = TopicNames.unique("outage")
    slow = {"HADATH_EXTRACTOR": "fault_extractor:extract", "FAULT_EXTRACT_DELAY_MS": "4"}
    with LocalKafka(workdir=tmp_path / "broker") as broker:
        worker = WorkerProcess(broker.bootstrap, names, tmp_path / "worker.log", slow).start()
        try:
            worker.wait_ready()
            pid = worker.pid
            produce_raw(broker.bootstrap, names.articles, before)
            time.sleep(2)  # mid-stream: about 6 s of work queued, a third done
            broker.stop()
            time.sleep(OUTAGE_SECONDS)
            assert worker.alive, worker.log_tail()
            broker.start()
            produce_raw(broker.bootstrap, names.articles, after)
            events = consume_all(broker.bootstrap, names.events, expected=total_events, timeout=240, idle=5)
            assert worker.alive and worker.pid == pid and worker.starts == 1  # survived, no restart
            assert worker.terminate() == 0, worker.log_tail()
            lag = committed_lag(broker.bootstrap, names.app_id, names.articles)
            dead = consume_all(broker.bootstrap, names.dlt, idle=1, timeout=20)
        finally:
            worker.kill()

    duplicates = check_every_article(events, expected)
    print(
        f"\nbroker down {OUTAGE_SECONDS} s mid-stream: {len(events)} event records, {duplicates} duplicates"
    )
    assert not dead
    assert lag == 0


def test_sigterm_while_the_broker_is_down_exits_in_bounded_time_and_loses_nothing(tmp_path: Path) -> None:
    records, expected = synthetic_stream(1500, "stuck")
    total_events = sum(len(v) for v in expected.values())
    names = TopicNames.unique("stuck")
    env = {
        "HADATH_EXTRACTOR": "fault_extractor:extract",
        "FAULT_EXTRACT_DELAY_MS": "4",
        "HADATH_SHUTDOWN_TIMEOUT_SECONDS": "8",
    }
    with LocalKafka(workdir=tmp_path / "broker") as broker:
        worker = WorkerProcess(broker.bootstrap, names, tmp_path / "worker.log", env).start()
        try:
            worker.wait_ready()
            produce_raw(broker.bootstrap, names.articles, records)
            time.sleep(2)
            broker.stop()  # in-flight articles can now be neither delivered nor committed
            # The drain cannot finish: the shutdown deadline ends the process (exit 75).
            assert worker.terminate(timeout=60) == 75, worker.log_tail()
            assert "shutdown did not finish within 8 s" in worker.log_text()

            broker.start()
            worker.start()
            worker.wait_ready()
            events = consume_all(broker.bootstrap, names.events, expected=total_events, timeout=240, idle=5)
            assert worker.terminate() == 0, worker.log_tail()
        finally:
            worker.kill()

    duplicates = check_every_article(events, expected)
    print(
        f"\nSIGTERM with the broker down: exit 75 after the deadline; then {duplicates} duplicates, none lost"
    )
