"""Issue 2's promise on the real broker: the seed article in, schema-valid events out.

The worker and the CLI run as real subprocesses; only kafka-python test clients talk to
the broker from the test itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from worker_process import TopicNames, WorkerProcess, consume_all, headers_of, worker_env

from hadath.inputs import seed_record
from hadath_schemas.generate import JSON_DIR

ROOT = Path(__file__).resolve().parents[2]
SEED = sorted((ROOT / "seeds").glob("*.txt"))[0]
HADATH = str(Path(sys.executable).with_name("hadath"))
EVENT_SCHEMA = json.loads((JSON_DIR / "event.schema.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.kafka


def offline_events() -> list[dict]:
    out = subprocess.run(
        [HADATH, "extract", "--input", str(SEED)], check=True, capture_output=True, text=True, timeout=120
    ).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_extract_cli_prints_schema_valid_events_of_the_required_types():
    events = offline_events()
    for event in events:
        jsonschema.validate(event, EVENT_SCHEMA)
    assert {"MEET", "PROPOSE", "ACCUSE", "DENY"} <= {event["type"] for event in events}
    assert len({event["event_id"] for event in events}) == len(events)


def test_seed_article_through_the_worker_arrives_keyed_with_cloudevents_headers(kafka_bootstrap, tmp_path):
    names = TopicNames.unique("e2e")
    env = worker_env(kafka_bootstrap, names)
    expected = offline_events()
    with WorkerProcess(kafka_bootstrap, names, tmp_path / "worker.log") as worker:
        worker.wait_ready()
        produced = subprocess.run(
            [HADATH, "produce", str(SEED)], env=env, capture_output=True, text=True, timeout=120
        )
        assert produced.returncode == 0, produced.stderr
        assert "sent 1, invalid 0, failed 0" in produced.stderr
        records = consume_all(kafka_bootstrap, names.events, expected=len(expected), timeout=120)
        assert worker.alive, worker.log_tail()

    article_id = seed_record(SEED)["id"]
    assert len(records) == len(expected)
    for record in records:
        event = json.loads(record.value)
        jsonschema.validate(event, EVENT_SCHEMA)
        assert event["article_id"] == article_id
        assert record.key == event["event_id"].encode()
        headers = headers_of(record)
        assert headers["ce_id"] == record.key
        assert headers["ce_specversion"] == b"1.0"
        assert headers["ce_type"].startswith(b"org.hadath.")
        assert headers["ce_source"]
    # the stream gives exactly what the offline extractor gives: same pure function
    assert sorted(json.loads(r.value)["event_id"] for r in records) == sorted(e["event_id"] for e in expected)


def test_tail_prints_the_events_topic(kafka_bootstrap, tmp_path):
    names = TopicNames.unique("tail")
    env = worker_env(kafka_bootstrap, names)
    with WorkerProcess(kafka_bootstrap, names, tmp_path / "worker.log") as worker:
        worker.wait_ready()
        subprocess.run([HADATH, "produce", str(SEED)], env=env, check=True, capture_output=True, timeout=120)
        expected = len(offline_events())
        consume_all(kafka_bootstrap, names.events, expected=expected, timeout=120)
    tailed = subprocess.run(
        [HADATH, "tail", "--idle-timeout", "3"],
        env={**env, "PYTHONUNBUFFERED": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [json.loads(line) for line in tailed.stdout.splitlines() if line.strip()]
    assert len(lines) == expected
