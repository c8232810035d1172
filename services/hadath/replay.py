"""`hadath replay-dlt`: send dead letters back to the articles topic after a fix.

Each dead-letter record is the original record (key, value, headers byte for byte) plus
``__connect.errors.*`` headers. Replaying strips those headers and produces the original
record again, keyed as before, to the articles topic (or ``--to``), so the worker treats it
like any new article. ``--reason`` picks records by their ``__connect.errors.reason``.

The dead-letter topic is read from the beginning up to its end at start-up, without a
consumer group: replaying twice sends twice (harmless — event ids are deterministic —
but wasteful), and a replayed record that fails again is dead-lettered again as a new
record. See docs/reliability.md.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from hadath.records import DLT_PREFIX
from hadath.security import kafka_client_kwargs
from hadath.settings import Settings

MAX_RECORD = 64 * 1024 * 1024


@dataclass
class ReplayReport:
    read: int = 0
    replayed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> count
    failed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def original_headers(headers: Iterable[tuple[str, bytes]] | None) -> list[tuple[str, bytes]]:
    """The record's headers without the dead-letter metadata."""
    return [(k, v) for k, v in headers or [] if not k.startswith(DLT_PREFIX)]


def reason_of(headers: Iterable[tuple[str, bytes]] | None) -> str:
    for key, value in headers or []:
        if key == DLT_PREFIX + "reason":
            return value.decode("utf-8", "replace")
    return "unknown"


def replay_dlt(
    settings: Settings,
    *,
    reasons: set[str] | None = None,
    target: str | None = None,
    dry_run: bool = False,
    limit: int | None = None,
    idle_timeout: float = 30.0,
) -> ReplayReport:
    report = ReplayReport()
    client = kafka_client_kwargs(settings)
    consumer = KafkaConsumer(
        bootstrap_servers=settings.bootstrap_list,
        group_id=None,
        enable_auto_commit=False,
        client_id="hadath-replay-dlt",
        allow_auto_create_topics=False,  # a missing topic is an error, not a new topic
        max_partition_fetch_bytes=MAX_RECORD,
        fetch_max_bytes=MAX_RECORD,
        **client,
    )
    producer = None
    if not dry_run:
        producer = KafkaProducer(
            bootstrap_servers=settings.bootstrap_list,
            client_id="hadath-replay-dlt",
            allow_auto_create_topics=False,
            acks="all",
            enable_idempotence=True,
            retries=10,
            retry_backoff_ms=200,
            max_request_size=MAX_RECORD,
            **client,
        )
    futures = []
    try:
        partitions = consumer.partitions_for_topic(settings.dlt_topic) or set()
        tps = [TopicPartition(settings.dlt_topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        ends = consumer.end_offsets(tps)  # the replay covers what is there now, then stops
        remaining = {tp for tp in tps if ends[tp] > consumer.position(tp)}
        idle_deadline = time.monotonic() + idle_timeout
        while remaining and (limit is None or report.replayed < limit):
            batch = consumer.poll(timeout_ms=500)
            if batch:
                idle_deadline = time.monotonic() + idle_timeout
            elif time.monotonic() > idle_deadline:
                raise TimeoutError(f"no progress reading {settings.dlt_topic} for {idle_timeout} s")
            for tp, records in batch.items():
                for record in records:
                    if record.offset >= ends[tp] or (limit is not None and report.replayed >= limit):
                        continue
                    report.read += 1
                    reason = reason_of(record.headers)
                    if reasons and reason not in reasons:
                        report.skipped[reason] += 1
                        continue
                    report.replayed += 1
                    if producer is not None:
                        future = producer.send(
                            target or settings.articles_topic,
                            key=record.key,
                            value=record.value,
                            headers=original_headers(record.headers),
                        )
                        futures.append((f"{tp.topic}[{tp.partition}]@{record.offset}", future))
            remaining = {tp for tp in remaining if consumer.position(tp) < ends[tp]}
        if producer is not None:
            producer.flush()
            for origin, future in futures:
                try:
                    future.get(timeout=60)
                except Exception as exc:
                    report.failed.append(f"{origin}: {type(exc).__name__}: {exc}")
                    report.replayed -= 1
    finally:
        consumer.close()
        if producer is not None:
            producer.close(timeout=10)
    return report
