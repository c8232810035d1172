"""Issue 4 (5): `hadath replay-dlt` sends dead letters back after a fix, on a real broker.

A worker whose extractor fails on some articles dead-letters them; after the "fix" (a
worker with the real extractor), replay-dlt --reason extractor_error re-sends exactly those
records, byte for byte with their original headers, and they now yield events. Records
dead-lettered for other reasons stay where they are.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from synthetic import articles
from worker_process import TopicNames, WorkerProcess, consume_all, headers_of, produce_raw, worker_env

pytestmark = pytest.mark.kafka


def replay(bootstrap: str, names: TopicNames, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hadath.cli", "replay-dlt", *args],
        env=worker_env(bootstrap, names),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_replay_dlt_resends_the_chosen_dead_letters_after_a_fix(kafka_bootstrap: str, tmp_path: Path) -> None:
    good = list(articles(3, seed=5, prefix="replay"))
    failing = [dict(a, id=a["id"] + "-f", body=a["body"] + " FAULT-RAISE") for a in good[:2]]
    records = [
        (a["id"].encode(), json.dumps(a, ensure_ascii=False).encode(), [("trace", a["id"].encode())])
        for a in good + failing
    ]
    records.append((b"broken", b"{not json", [("trace", b"broken")]))
    names = TopicNames.unique("replay")

    faulty = {"HADATH_EXTRACTOR": "fault_extractor:extract"}
    with WorkerProcess(kafka_bootstrap, names, tmp_path / "faulty.log", faulty) as worker:
        worker.wait_ready()
        produce_raw(kafka_bootstrap, names.articles, records)
        dead = consume_all(kafka_bootstrap, names.dlt, expected=3, timeout=60)
        assert worker.terminate() == 0
    assert sorted(headers_of(r)["__connect.errors.reason"] for r in dead) == [
        b"extractor_error",
        b"extractor_error",
        b"not_json",
    ]
    before = consume_all(kafka_bootstrap, names.events, idle=1)
    assert {json.loads(r.value)["article_id"] for r in before} == {a["id"] for a in good}

    dry = replay(kafka_bootstrap, names, "--reason", "extractor_error", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would replay 2" in dry.stderr
    assert len(consume_all(kafka_bootstrap, names.articles, idle=1)) == len(records)

    with WorkerProcess(kafka_bootstrap, names, tmp_path / "fixed.log") as worker:  # the real extractor
        worker.wait_ready()
        done = replay(kafka_bootstrap, names, "--reason", "extractor_error")
        assert done.returncode == 0, done.stderr
        assert "replayed 2" in done.stderr and "not_json 1" in done.stderr
        events = consume_all(kafka_bootstrap, names.events, expected=len(before) + 2, timeout=60)
        assert worker.terminate() == 0

    # The replayed records are the originals: same key, value and headers, no error headers.
    on_topic = consume_all(kafka_bootstrap, names.articles, idle=1)
    sent = {k: (v, h) for k, v, h in records}
    copies = Counter(r.key for r in on_topic)
    assert copies == Counter({k: 2 if k.endswith(b"-f") else 1 for k in sent})
    for record in on_topic:
        assert (record.value, list(record.headers)) == sent[record.key]
    assert {a["id"] for a in failing} <= {json.loads(r.value)["article_id"] for r in events}
    assert len(consume_all(kafka_bootstrap, names.dlt, idle=1)) == 3  # nothing failed again
