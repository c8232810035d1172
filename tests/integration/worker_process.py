"""Run `hadath worker` as a real subprocess against a real broker, for integration tests.

    names = TopicNames.unique("dlt")
    with WorkerProcess(kafka_bootstrap, names, tmp_path / "worker.log") as worker:
        worker.wait_ready()
        produce_raw(kafka_bootstrap, names.articles, [(b"id", b"{...}")])
        events = consume_all(kafka_bootstrap, names.events, expected=3)
    # leaving the block: SIGTERM, then SIGKILL after a grace period

Each test gets its own topics and consumer group (``TopicNames.unique``), so tests can
share the session broker. The worker runs with a 6 s session timeout (fast group joins)
and with ``tests/integration`` on PYTHONPATH, so ``HADATH_EXTRACTOR=fault_extractor:extract``
can load a test extractor inside the extraction child process.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

INTEGRATION_DIR = Path(__file__).resolve().parent
REPO_ROOT = INTEGRATION_DIR.parent.parent
READY_LINE = "hadath worker ready"  # logged by hadath.worker.app on every assignment
FAST_GROUP = {"session_timeout_ms": 6000, "heartbeat_interval_ms": 1000}
BIG = 16 * 1024 * 1024  # client limits for the oversized-record tests


@dataclass(frozen=True)
class TopicNames:
    app_id: str
    articles: str
    events: str
    dlt: str
    stories: str = "hadath.stories"

    @classmethod
    def unique(cls, prefix: str) -> TopicNames:
        tag = f"{prefix}-{uuid.uuid4().hex[:8]}"
        return cls(
            f"hadath-{tag}", f"articles-{tag}", f"events-{tag}", f"articles-{tag}.DLT", f"stories-{tag}"
        )

    def env(self) -> dict[str, str]:
        return {
            "HADATH_APP_ID": self.app_id,
            "HADATH_ARTICLES_TOPIC": self.articles,
            "HADATH_EVENTS_TOPIC": self.events,
            "HADATH_DEAD_LETTER_TOPIC": self.dlt,
            "HADATH_STORIES_TOPIC": self.stories,
        }


def worker_env(bootstrap: str, names: TopicNames, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HADATH_")}
    env.update(names.env())
    env["KAFKA_BOOTSTRAP_SERVERS"] = bootstrap
    env["HADATH_SESSION_TIMEOUT_SECONDS"] = "6"
    env["HADATH_METRICS_PORT"] = "0"  # any free port: tests run workers side by side
    env["PYTHONPATH"] = os.pathsep.join(
        p
        for p in [
            str(INTEGRATION_DIR),
            str(REPO_ROOT / "services"),
            str(REPO_ROOT / "schemas"),
            env.get("PYTHONPATH", ""),
        ]
        if p
    )
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


class WorkerDied(RuntimeError):
    pass


class WorkerProcess:
    """One `hadath worker` process; its stdout and stderr go to ``log_path``."""

    command = "worker"  # the `hadath` subcommand (SinkProcess: "sink")
    ready_line = READY_LINE

    def __init__(
        self,
        bootstrap: str,
        names: TopicNames,
        log_path: str | os.PathLike[str],
        env: Mapping[str, str] | None = None,
        module: str = "hadath.cli",  # faulty_worker: the same worker with faults injected
    ) -> None:
        self.module = module
        self.bootstrap = bootstrap
        self.names = names
        self.log_path = Path(log_path)
        self.extra_env = dict(env or {})
        self.proc: subprocess.Popen[bytes] | None = None
        self._log_offset = 0  # readiness counts lines after the latest (re)start
        self.starts = 0

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> WorkerProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with open(self.log_path, "ab") as log:
            log.write(f"===== start #{self.starts + 1} at {time.strftime('%H:%M:%S')}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                [sys.executable, "-m", self.module, self.command],
                cwd=self.log_path.parent,  # Faust writes its <app id>-data folder here, not in the repo
                env=worker_env(self.bootstrap, self.names, self.extra_env),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # our signals go to the worker only, by pid
            )
        self.starts += 1
        return self

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def returncode(self) -> int | None:
        return None if self.proc is None else self.proc.poll()

    def wait_ready(self, timeout: float = 120.0, count: int = 1) -> None:
        """Wait until the worker has logged its readiness line ``count`` times since the
        last start (one per partition assignment, so count=2 waits for a rebalance)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ready_count() >= count:
                return
            if not self.alive:
                raise WorkerDied(f"worker exited with {self.returncode}:\n{self.log_tail()}")
            time.sleep(0.2)
        raise TimeoutError(f"worker not ready after {timeout} s:\n{self.log_tail()}")

    def ready_count(self) -> int:
        return self.log_since_start().count(self.ready_line)

    def terminate(self, timeout: float = 60.0) -> int:
        """SIGTERM and wait; SIGKILL if it does not exit in ``timeout``. Returns the exit code."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.wait()

    def kill(self) -> None:
        """SIGKILL: a crash with no cleanup (the extraction children die with it)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)

    def __enter__(self) -> WorkerProcess:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.terminate(timeout=30)

    # --------------------------------------------------------------------- logs
    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def log_since_start(self) -> str:
        if not self.log_path.exists():
            return ""
        with open(self.log_path, "rb") as log:
            log.seek(self._log_offset)
            return log.read().decode("utf-8", errors="replace")

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    # ---------------------------------------------------------- process tree
    def process_tree(self) -> list[int]:
        """The worker and its descendants (the extraction processes)."""
        if not self.alive or self.pid is None:
            return []
        seen, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            seen.append(pid)
            with contextlib.suppress(OSError):
                for task in os.listdir(f"/proc/{pid}/task"):
                    children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
                    todo.extend(int(c) for c in children)
        return seen


# ------------------------------------------------------------- Kafka helpers
def produce_raw(
    bootstrap: str,
    topic: str,
    records: Iterable[tuple[Any, ...]],
    partition: int | None = None,  # None: by key, Kafka's default partitioner
    **config: Any,
) -> int:
    """Send records as they are (no validation), wait for every acknowledgement."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", max_request_size=BIG, **config)
    try:
        futures = []
        for record in records:
            key, value = record[0], record[1]
            headers = record[2] if len(record) > 2 else None  # type: ignore[misc]
            futures.append(producer.send(topic, key=key, value=value, headers=headers, partition=partition))
        producer.flush(timeout=60)
        for future in futures:
            future.get(timeout=60)
        return len(futures)
    finally:
        producer.close(timeout=10)


def consume_all(
    bootstrap: str,
    topic: str,
    *,
    expected: int | None = None,
    timeout: float = 60.0,
    idle: float = 3.0,
) -> list[Any]:
    """Every record of ``topic`` from the beginning (no consumer group).

    Stops when ``expected`` records have arrived and nothing more came for ``idle`` s
    (so extra duplicates are counted too), or at ``timeout``. Without ``expected``,
    stops after ``idle`` s without records.
    """
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        group_id=None,
        fetch_max_bytes=BIG,
        max_partition_fetch_bytes=BIG,
    )
    got: list[Any] = []
    try:
        deadline = time.monotonic() + timeout
        partitions: set[int] = set()
        while not partitions and time.monotonic() < deadline:
            partitions = consumer.partitions_for_topic(topic) or set()
            if not partitions:
                time.sleep(0.2)
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        last = time.monotonic()
        while time.monotonic() < deadline:
            batch = consumer.poll(timeout_ms=300)
            now = time.monotonic()
            if batch:
                last = now
                for records in batch.values():
                    got.extend(records)
            elif now - last > idle and (expected is None or len(got) >= expected):
                break
    finally:
        consumer.close()
    return got


def committed_lag(bootstrap: str, group: str, topic: str) -> int:
    """Records of ``topic`` not yet covered by ``group``'s committed offsets."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    try:
        tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        ends = consumer.end_offsets(tps)
        return sum(ends[tp] - (consumer.committed(tp) or 0) for tp in tps)
    finally:
        consumer.close()


def headers_of(record: Any) -> dict[str, bytes]:
    return {k: v for k, v in (record.headers or [])}
