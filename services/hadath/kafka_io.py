"""kafka-python clients for the producer integration and for reading the events topic."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from pydantic import ValidationError

from hadath.inputs import RawArticle
from hadath.settings import Settings
from hadath_schemas import Article


@dataclass
class ProduceReport:
    sent: int = 0
    invalid: list[str] = field(default_factory=list)  # "origin: reason"
    failed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.invalid and not self.failed


def validate(raw: RawArticle) -> Article | str:
    """A valid Article, or a one-line reason it is not."""
    if raw.error is not None:
        return raw.error
    if not isinstance(raw.record, dict):
        return f"record is a JSON {type(raw.record).__name__}, not an object"
    try:
        return Article.model_validate(raw.record)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "record"
        return f"{where}: {first['msg']}"


def make_producer(settings: Settings) -> KafkaProducer:
    return KafkaProducer(
        bootstrap_servers=settings.bootstrap_list,
        client_id="hadath-produce",
        acks="all",
        enable_idempotence=True,
        retries=10,
        retry_backoff_ms=200,
        linger_ms=5,
        max_request_size=max(settings.max_article_bytes * 2, 1048576),
    )


def produce(raws: Iterable[RawArticle], settings: Settings, *, skip_invalid: bool = True) -> ProduceReport:
    """Validate and send each article, keyed by its id; wait for every acknowledgement."""
    report = ProduceReport()
    producer = make_producer(settings)
    pending = []
    try:
        for raw in raws:
            checked = validate(raw)
            if isinstance(checked, str):
                report.invalid.append(f"{raw.origin}: {checked}")
                if not skip_invalid:
                    break
                continue
            value = checked.model_dump_json(exclude_none=True).encode("utf-8")
            future = producer.send(settings.articles_topic, key=checked.id.encode("utf-8"), value=value)
            pending.append((raw.origin, future))
        producer.flush()
        for origin, future in pending:
            try:
                future.get(timeout=30)
                report.sent += 1
            except Exception as exc:
                report.failed.append(f"{origin}: {type(exc).__name__}: {exc}")
    finally:
        producer.close(timeout=10)
    return report


def iter_events(
    settings: Settings,
    *,
    from_beginning: bool = True,
    idle_timeout_seconds: float | None = None,
    on_ready: Callable[[], None] | None = None,
) -> Iterator[dict]:
    """Events from the events topic as dicts.

    With ``from_beginning=False`` only events produced after the consumer's positions are
    fixed are returned; ``on_ready`` is called at that moment (so a caller can start
    producing without a race). Iteration stops after ``idle_timeout_seconds`` without
    records, counted from the first record (before it, from the start).
    """
    consumer = KafkaConsumer(
        bootstrap_servers=settings.bootstrap_list,
        enable_auto_commit=False,
        group_id=None,
        client_id="hadath-tail",
    )
    try:
        partitions = consumer.partitions_for_topic(settings.events_topic) or set()
        assigned = [TopicPartition(settings.events_topic, p) for p in sorted(partitions)]
        consumer.assign(assigned)
        if from_beginning:
            consumer.seek_to_beginning(*assigned)
        else:
            consumer.seek_to_end(*assigned)
        for tp in assigned:
            consumer.position(tp)  # resolve the offsets now, not lazily at the first poll
        if on_ready is not None:
            on_ready()
        last = time.monotonic()
        while True:
            batch = consumer.poll(timeout_ms=500)
            if batch:
                last = time.monotonic()
            elif idle_timeout_seconds is not None and time.monotonic() - last > idle_timeout_seconds:
                return
            for records in batch.values():
                for message in records:
                    try:
                        yield json.loads(message.value)
                    except (TypeError, ValueError):
                        print(f"skipping non-JSON record at offset {message.offset}", file=sys.stderr)
    finally:
        consumer.close()
