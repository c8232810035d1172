"""Issue 14 (2): records compressed with every Kafka codec reach the real worker and become events.

Producers pick their compression (gzip, snappy, lz4, zstd); the worker must decode every
one of them. Here four producers send articles to one articles topic, each with its own
codec, and the worker writes its own output compressed too (zstd), which the test's
consumer decodes in turn.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from kafka import KafkaConsumer, TopicPartition
from synthetic import records
from worker_process import TopicNames, WorkerProcess, committed_lag, consume_all, produce_raw

from hadath.extractor import extract
from hadath_schemas import Article

pytestmark = pytest.mark.kafka

CODECS = ("gzip", "snappy", "lz4", "zstd")


def expected_events(batch: list[tuple[bytes, bytes]]) -> Counter[str]:
    return Counter(e.event_id for _, value in batch for e in extract(Article.model_validate_json(value)))


def test_every_codec_end_to_end(kafka_bootstrap: str, tmp_path: Path) -> None:
    batches = {codec: records(15, seed=index, prefix=f"codec-{codec}") for index, codec in enumerate(CODECS)}
    expected = {codec: expected_events(batch) for codec, batch in batches.items()}
    assert all(expected.values())

    names = TopicNames.unique("codec")
    env = {"HADATH_PRODUCER_COMPRESSION": "zstd"}
    with WorkerProcess(kafka_bootstrap, names, tmp_path / "worker.log", env) as worker:
        worker.wait_ready()
        for codec, batch in batches.items():
            produce_raw(kafka_bootstrap, names.articles, batch, compression_type=codec, linger_ms=20)
        total = sum(sum(c.values()) for c in expected.values())
        events = consume_all(kafka_bootstrap, names.events, expected=total, timeout=120)
        dead = consume_all(kafka_bootstrap, names.dlt, timeout=5, idle=2)
        assert worker.alive, worker.log_tail()
        assert worker.terminate() == 0, worker.log_tail()

    got = Counter(json.loads(r.value)["event_id"] for r in events)
    for codec, wanted in expected.items():
        assert {e: got[e] for e in wanted} == dict(wanted), f"{codec}: events missing"
    assert not dead, [r.headers for r in dead]
    assert committed_lag(kafka_bootstrap, names.app_id, names.articles) == 0


def committed(bootstrap: str, group: str, topic: str) -> dict[int, int | None]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    try:
        return {p: consumer.committed(TopicPartition(topic, p)) for p in (0, 1)}
    finally:
        consumer.close()


def test_a_batch_the_worker_cannot_decode_stops_its_partition_once_and_loses_nothing(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    """A worker without the zstd library (faulty_worker hides it from aiokafka) gets a zstd
    batch on partition 0: it says so once with topic/partition/offset, stays up (no crash
    loop), goes on with partition 1, commits nothing past the batch; a worker with the
    codec then finishes partition 0."""
    before = {p: records(4, seed=p, prefix=f"before-{p}") for p in (0, 1)}
    zstd = records(3, seed=5, prefix="zstd")
    after = {p: records(4, seed=10 + p, prefix=f"after-{p}") for p in (0, 1)}
    every = [*before[0], *before[1], *zstd, *after[0], *after[1]]
    expected = {key.decode(): expected_events([(key, value)]) for key, value in every}
    assert all(expected.values())

    def articles_with_events(events: list) -> set[str]:
        return {json.loads(r.value)["article_id"] for r in events}

    def ids(batch: list[tuple[bytes, bytes]]) -> set[str]:
        return {key.decode() for key, _ in batch}

    names = TopicNames.unique("nocodec")
    env = {"HADATH_PARTITIONS": "2", "FAULT_HIDE_MODULES": "cramjam"}
    worker = WorkerProcess(kafka_bootstrap, names, tmp_path / "worker.log", env, module="faulty_worker")
    with worker:
        worker.wait_ready()
        for p in (0, 1):
            produce_raw(kafka_bootstrap, names.articles, before[p], p, compression_type="gzip")
        first = sum(sum(expected[a].values()) for a in ids(before[0]) | ids(before[1]))
        consume_all(kafka_bootstrap, names.events, expected=first, timeout=60)
        offset = len(before[0])  # where the zstd batch starts on partition 0
        produce_raw(kafka_bootstrap, names.articles, zstd, 0, compression_type="zstd", linger_ms=50)
        for p in (0, 1):
            produce_raw(kafka_bootstrap, names.articles, after[p], p, compression_type="gzip")
        done = first + sum(sum(expected[a].values()) for a in ids(after[1]))
        events = consume_all(kafka_bootstrap, names.events, expected=done, timeout=60, idle=5)
        assert worker.alive and worker.starts == 1, worker.log_tail()  # no crash, no loop
        assert worker.terminate() == 0, worker.log_tail()

    log = worker.log_text()
    assert "no library for the ['snappy', 'lz4', 'zstd'] compression codec(s)" in log  # said at start
    line = f"cannot decode the record batch at {names.articles}[0]@{offset}: UnsupportedCodecError"
    assert log.count("cannot decode the record batch") == 1 and line in log, worker.log_tail()
    assert "zstd" in log.split(line)[1].splitlines()[0]
    handled = articles_with_events(events)
    assert ids(before[0]) | ids(before[1]) | ids(after[1]) <= handled
    assert not handled & (ids(zstd) | ids(after[0]))  # stopped at the batch, nothing skipped
    assert committed(kafka_bootstrap, names.app_id, names.articles)[0] == offset

    # With the codec installed the same group resumes at the batch: nothing was lost.
    with WorkerProcess(kafka_bootstrap, names, tmp_path / "worker2.log", {"HADATH_PARTITIONS": "2"}) as fixed:
        fixed.wait_ready()
        total = sum(sum(c.values()) for c in expected.values())
        events = consume_all(kafka_bootstrap, names.events, expected=total, timeout=90)
        assert fixed.terminate() == 0, fixed.log_tail()
    got = Counter(json.loads(r.value)["event_id"] for r in events)
    for article, wanted in expected.items():
        assert {e: got[e] for e in wanted} == dict(wanted), f"{article}: events missing"
    assert committed_lag(kafka_bootstrap, names.app_id, names.articles) == 0
