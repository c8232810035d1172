"""HADATH_LOG_FORMAT=json: every line a real worker writes, Faust's included, is one JSON
object; a dead letter's log record carries its coordinates and reason as fields (issue 13 item 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from worker_process import TopicNames, WorkerProcess, consume_all, produce_raw

pytestmark = pytest.mark.kafka


def json_lines(text: str) -> list[dict]:
    records = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("====="):  # WorkerProcess's own start marker
            continue
        records.append(json.loads(line))  # fails on any line that is not JSON
    return records


def test_json_logs_one_shape_for_hadath_and_faust(kafka_bootstrap: str, tmp_path: Path) -> None:
    names = TopicNames.unique("logs")
    env = {"HADATH_LOG_FORMAT": "json"}
    with WorkerProcess(kafka_bootstrap, names, tmp_path / "worker.log", env=env) as worker:
        worker.wait_ready()
        produce_raw(kafka_bootstrap, names.articles, [(b"broken-1", b"{not json")])
        assert consume_all(kafka_bootstrap, names.dlt, expected=1, timeout=60)
    text = worker.log_text()
    assert "┌" not in text  # no banner table
    records = json_lines(text)
    assert all({"time", "level", "logger", "pid", "message"} <= set(r) for r in records)

    loggers = {r["logger"] for r in records}
    assert "hadath.worker" in loggers
    assert any(name.startswith(("faust", "mode", "aiokafka")) for name in loggers), loggers

    [started] = [r for r in records if r["message"] == "faust worker starting"]
    assert started["app_id"] == names.app_id and started["faust_version"]

    [dead] = [r for r in records if r["message"].startswith("dead-lettered")]
    assert dead["level"] == "WARNING"
    assert (dead["topic"], dead["offset"], dead["key"]) == (names.articles, 0, "broken-1")
    assert isinstance(dead["partition"], int)
    assert (dead["reason"], dead["stage"]) == ("not_json", "deserialize")

    # the extraction process logs in the same format (its own pid)
    assert any(r["message"].startswith("extraction process") for r in records)


def test_text_is_the_default_and_one_shape_too(kafka_bootstrap: str, tmp_path: Path) -> None:
    names = TopicNames.unique("logtext")
    with WorkerProcess(kafka_bootstrap, names, tmp_path / "worker.log") as worker:
        worker.wait_ready()
    lines = [
        line
        for line in worker.log_text().splitlines()
        if line.strip() and not line.startswith("=====") and not line.startswith(" ")
    ]
    # TIME LEVEL LOGGER[PID]: message, for hadath's lines and Faust's
    shaped = [line for line in lines if line[:4].isdigit() and "]: " in line]
    assert lines and shaped == lines, [line for line in lines if line not in shaped][:5]
    assert any(" hadath.worker[" in line for line in lines)
    assert any(" faust." in line or " mode." in line for line in lines)
