"""Real-broker tests: the session broker carries records end to end, and a LocalKafka
keeps its data across a graceful restart and a hard kill, and never outlives its owner."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer
from kafka_broker import LocalKafka

pytestmark = pytest.mark.kafka

TESTS_DIR = Path(__file__).resolve().parent.parent

# kafka-python 3.x defaults session_timeout_ms to 45 s and a fresh group's join waits about
# half of it; 6 s joins in ~3 s.
FAST_GROUP = {"session_timeout_ms": 6000, "heartbeat_interval_ms": 1000}


def produce(bootstrap: str, topic: str, records: list[tuple[bytes, bytes]]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", retries=5)
    try:
        futures = [producer.send(topic, key=k, value=v) for k, v in records]
        producer.flush(timeout=30)
        for fut in futures:
            fut.get(timeout=30)  # raises if the broker refused the record
    finally:
        producer.close()


def consume(
    bootstrap: str, topic: str, expected: int, group: str | None, timeout: float = 60
) -> list[tuple[bytes, bytes]]:
    """Read until ``expected`` records arrived (or give up at the deadline and return what came)."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **FAST_GROUP,
    )
    got: list[tuple[bytes, bytes]] = []
    try:
        deadline = time.monotonic() + timeout
        while len(got) < expected and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                got.extend((m.key, m.value) for m in batch)
        if group is not None:
            consumer.commit()
    finally:
        consumer.close()
    return got


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def test_produce_and_consume_through_a_consumer_group(kafka_bootstrap: str) -> None:
    topic, group = unique("roundtrip"), unique("g")
    records = [(f"k{i}".encode(), f"خبر رقم {i}".encode()) for i in range(20)]
    produce(kafka_bootstrap, topic, records)

    got = consume(kafka_bootstrap, topic, len(records), group)
    assert sorted(got) == sorted(records)

    # The group committed its offsets (needs the single-node __consumer_offsets setup):
    # the same group now sees nothing new, a new record only.
    produce(kafka_bootstrap, topic, [(b"late", b"one more")])
    assert consume(kafka_bootstrap, topic, 1, group) == [(b"late", b"one more")]


def test_data_survives_graceful_restart_and_hard_kill() -> None:
    with LocalKafka() as broker:
        bootstrap = broker.bootstrap
        topic = unique("durable")
        first = [(f"a{i}".encode(), f"before stop {i}".encode()) for i in range(10)]
        produce(bootstrap, topic, first)

        # auto.create.topics.enable + num.partitions=4 from the broker config
        producer = KafkaProducer(bootstrap_servers=bootstrap)
        try:
            assert producer.partitions_for(topic) == {0, 1, 2, 3}
        finally:
            producer.close()

        broker.stop()
        assert not broker.running
        broker.start()
        assert broker.running and broker.bootstrap == bootstrap  # same port, same data dir

        second = [(f"b{i}".encode(), f"before kill {i}".encode()) for i in range(10)]
        produce(bootstrap, topic, second)
        broker.kill()
        assert not broker.running
        broker.start()

        got = consume(bootstrap, topic, len(first) + len(second), group=None)
        assert sorted(got) == sorted(first + second)
    assert not broker.running
    assert not broker.workdir.exists()


def _wait_dead(pid: int, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        # a zombie still answers kill(0): look at its state
        try:
            if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
                return True
        except (FileNotFoundError, IndexError):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("how", ["exit", "sigkill"])
def test_broker_never_outlives_its_owner(how: str) -> None:
    """A test process that forgets close() (atexit) or dies hard (parent-death signal)
    leaves no broker behind holding ports."""
    script = (
        "import sys\n"
        f"sys.path.insert(0, {str(TESTS_DIR)!r})\n"
        "from kafka_broker import LocalKafka\n"
        "b = LocalKafka().start()\n"
        "print(b.pid, b.workdir, flush=True)\n"
        "sys.stdin.readline()\n"  # hold the broker until the test says go
    )
    owner = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert owner.stdout is not None
        line = owner.stdout.readline().split()
        assert line, "owner process printed no broker pid"
        broker_pid, workdir = int(line[0]), Path(line[1])
        assert not _wait_dead(broker_pid, timeout=0.5)  # the broker really was up
        assert owner.stdin is not None
        if how == "sigkill":
            owner.send_signal(signal.SIGKILL)
        else:
            owner.stdin.close()  # readline returns, the script ends without close()
        owner.wait(60)
        assert _wait_dead(broker_pid)
        if how == "exit":
            assert not workdir.exists()
        else:  # a SIGKILLed owner ran no cleanup: its temp dir is ours to remove
            shutil.rmtree(workdir, ignore_errors=True)
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()
