"""Issue 14 (1): no exception may leave the per-record path, on a real broker and a real worker.

An exception nobody anticipated is injected at each stage of the worker's per-record path
(faulty_worker.py wraps the real functions for marked records), the extraction child
returns an event that cannot be serialised, and real inputs that used to crash the agent
(an integer of more than 4,300 digits, NaN) are sent, each between good articles, plus
a bad record with a header whose value is null. Every
good article before and after still has exactly its events, each bad record is exactly one
dead letter (``internal_error`` with the traceback in its header, or the specific reason),
the worker stays up, stops cleanly and has committed everything.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from fault_extractor import UNSERIALIZABLE
from faulty_worker import INJECT
from synthetic import articles
from worker_process import TopicNames, WorkerProcess, committed_lag, consume_all, headers_of, produce_raw

from hadath.extractor import extract
from hadath.records import DLT_PREFIX
from hadath_schemas import Article

pytestmark = pytest.mark.kafka

# Where each injected fault is reported: building the output records counts as "produce".
STAGE_HEADER = {
    "deserialize": "deserialize",
    "validate": "validate",
    "extract": "extract",
    "serialize": "produce",
    "produce": "produce",
}


def j(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def bad_records(template: dict[str, str]) -> list[tuple[str, bytes, str, str]]:
    """(name, value, reason, stage); each one an article that has events when nothing fails."""
    bad = [
        (marker, j({**template, "id": f"{marker}-1"}), "internal_error", STAGE_HEADER[stage])
        for marker, (stage, _) in INJECT.items()
    ]
    huge = b"9" * 5000  # json.loads raises a plain ValueError past 4,300 digits
    good_json = j(template)
    unserializable = j({**template, "id": "unser", "body": f"{template['body']} {UNSERIALIZABLE}"})
    bad += [
        ("child-unserializable", unserializable, "internal_error", "produce"),
        ("huge-int-extra-field", good_json[:-1] + b', "n": ' + huge + b"}", "not_json", "deserialize"),
        ("huge-int-id", b'{"id": ' + huge + b", " + good_json[1:], "not_json", "deserialize"),
        ("nan-field", good_json[:-1] + b', "score": NaN}', "not_json", "deserialize"),
        ("published-at-5138", j({**template, "id": "y5138", "published_at": 99_999_999_999_999}),
         "schema_invalid", "validate"),
    ]  # fmt: skip
    return bad


def produce_with_null_header(bootstrap: str, topic: str, key: bytes, value: bytes) -> None:
    """Kafka allows a header whose value is null (Java clients send them); kafka-python
    cannot produce one, aiokafka can."""

    async def send() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
        await producer.start()
        try:
            await producer.send_and_wait(topic, value, key=key, headers=[("trace", key), ("nullable", None)])
        finally:
            await producer.stop()

    asyncio.run(send())


def test_an_exception_at_any_stage_loses_nothing_and_is_dead_lettered(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    good = list(articles(60, seed=14, prefix="stage"))
    template = good[0]
    bad = bad_records({k: template[k] for k in ("title", "body")} | {"id": "t"})
    assert extract(Article.model_validate(template)), "the marked articles must have events to serialise"

    # good, bad, good, bad, ... then the rest of the good ones
    stream: list[tuple[bytes, bytes, list[tuple[str, bytes]]]] = []
    for i, record in enumerate(good):
        stream.append((record["id"].encode(), j(record), [("trace", record["id"].encode())]))
        if i < len(bad):
            name, value, _, _ = bad[i]
            stream.append((name.encode(), value, [("trace", name.encode())]))
    expected = Counter(e.event_id for record in good for e in extract(Article.model_validate(record)))

    names = TopicNames.unique("stage")
    env = {"HADATH_EXTRACTOR": "fault_extractor:extract", "FAULT_INJECT": "1"}
    worker = WorkerProcess(kafka_bootstrap, names, tmp_path / "worker.log", env, module="faulty_worker")
    with worker:
        worker.wait_ready()
        produce_raw(kafka_bootstrap, names.articles, stream)
        produce_with_null_header(kafka_bootstrap, names.articles, b"null-header", b"{not json")
        dead = consume_all(kafka_bootstrap, names.dlt, expected=len(bad) + 1, timeout=120, idle=4)
        events = consume_all(kafka_bootstrap, names.events, expected=sum(expected.values()), timeout=120)
        assert worker.alive, worker.log_tail()
        assert worker.terminate() == 0, worker.log_tail()

    got = Counter(json.loads(r.value)["event_id"] for r in events)
    assert got == expected, (len(got), len(expected), set(got) ^ set(expected))

    by_trace = {headers_of(r)["trace"].decode(): r for r in dead}
    assert len(dead) == len(bad) + 1, sorted(by_trace)
    null_header = by_trace["null-header"]
    assert ("nullable", None) in null_header.headers  # kept as it was
    assert headers_of(null_header)[DLT_PREFIX + "reason"] == b"not_json"
    sent = {name: value for name, value, _, _ in bad}
    for name, _, reason, stage in bad:
        headers = headers_of(by_trace[name])
        message = headers[DLT_PREFIX + "exception.message"].decode()
        assert (headers[DLT_PREFIX + "reason"].decode(), headers[DLT_PREFIX + "stage"].decode()) == (
            reason,
            stage,
        ), (name, message)
        assert by_trace[name].value == sent[name]  # the original record, unchanged
        if reason == "internal_error":
            stack = headers[DLT_PREFIX + "exception.stacktrace"].decode()
            assert stack.startswith("Traceback"), (name, stack[:200])
            if name in INJECT:
                assert f"injected at {INJECT[name][0]}" in stack
                assert headers[DLT_PREFIX + "exception.class.name"].decode() == INJECT[name][1].__name__
    assert committed_lag(kafka_bootstrap, names.app_id, names.articles) == 0
    assert worker.starts == 1
    internal = sum(reason == "internal_error" for _, _, reason, _ in bad)
    assert worker.log_text().count("reason=internal_error") == internal
