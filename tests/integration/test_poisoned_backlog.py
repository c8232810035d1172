"""Issue 14 (3): a backlog with poisonous records in the middle, there before the worker starts.

On one partition: 200 good articles, a record of the kind that used to crash the agent (an
integer of 5,000 digits: Faust then committed past it and past the good article after it,
and the partition stayed wedged across restarts), a record that raises where nobody
expected it (faulty_worker, validate stage), then 200 more good articles. The worker is
stopped with SIGTERM after the poisonous records, in the middle of the second half: it
drains and exits 0 inside its shutdown deadline (30 s; 75 would mean it hung); a restart
finishes the rest. Nothing lost, nothing processed twice, nothing left uncommitted.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest
from kafka.admin import KafkaAdminClient, NewTopic
from synthetic import records
from worker_process import TopicNames, WorkerProcess, committed_lag, consume_all, headers_of, produce_raw

from hadath.extractor import extract
from hadath.records import DLT_PREFIX
from hadath_schemas import Article

pytestmark = pytest.mark.kafka


def test_poisoned_backlog_loses_nothing_and_sigterm_drains(kafka_bootstrap: str, tmp_path: Path) -> None:
    first, second = records(200, seed=1, prefix="head"), records(200, seed=2, prefix="tail")
    good = first + second
    template = json.loads(first[0][1])
    huge_int = json.dumps({**template, "id": "poison-int"}, ensure_ascii=False).encode()[:-1]
    huge_int += b', "views": ' + b"7" * 5000 + b"}"
    raises = json.dumps({**template, "id": "INJECT-validate-poison"}, ensure_ascii=False).encode()
    poison = [(b"poison-int", huge_int), (b"INJECT-validate-poison", raises)]
    expected = Counter(e.event_id for _, value in good for e in extract(Article.model_validate_json(value)))
    total = sum(expected.values())

    names = TopicNames.unique("backlog")
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:  # one partition: every good article of the second half is behind the poison
        admin.create_topics([NewTopic(names.articles, num_partitions=1, replication_factor=1)])
    finally:
        admin.close()
    produce_raw(kafka_bootstrap, names.articles, [*first, *poison, *second])  # before the worker

    env = {
        "HADATH_EXTRACTOR": "fault_extractor:extract",
        "FAULT_EXTRACT_DELAY_MS": "20",  # the second half takes about 4 s: time to stop mid-way
        "FAULT_INJECT": "1",
    }
    worker = WorkerProcess(kafka_bootstrap, names, tmp_path / "worker.log", env, module="faulty_worker")
    with worker:
        worker.wait_ready()
        dead = consume_all(kafka_bootstrap, names.dlt, expected=len(poison), timeout=120, idle=0.5)
        stop = time.monotonic()
        assert worker.terminate(timeout=60) == 0, worker.log_tail()  # drained in time: not 75
        drain = time.monotonic() - stop
    first_run = consume_all(kafka_bootstrap, names.events, idle=2)
    assert len(first_run) < total, "the backlog was done before SIGTERM: the drain was not tested"
    print(f"\nSIGTERM after {len(first_run)} of {total} events: exit 0 in {drain:.1f} s (deadline 30 s)")

    with worker:  # the same worker group again
        worker.wait_ready()
        events = consume_all(kafka_bootstrap, names.events, expected=total, timeout=180, idle=4)
        assert worker.terminate(timeout=60) == 0, worker.log_tail()
        dead = consume_all(kafka_bootstrap, names.dlt, idle=1)

    got = Counter(json.loads(r.value)["event_id"] for r in events)
    assert set(got) == set(expected), f"{len(set(expected) - set(got))} events missing"
    assert got == expected, "events processed twice after a clean SIGTERM"
    reasons = {r.key: headers_of(r)[DLT_PREFIX + "reason"] for r in dead}
    assert reasons == {b"poison-int": b"not_json", b"INJECT-validate-poison": b"internal_error"}
    assert committed_lag(kafka_bootstrap, names.app_id, names.articles) == 0
    assert worker.starts == 2
