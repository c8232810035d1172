"""kafka-python clients for the producer integration and for reading the events topic."""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError
from kafka.producer.future import FutureRecordMetadata
from pydantic import ValidationError

from hadath.inputs import RawArticle
from hadath.records import explain_invalid
from hadath.security import ConnectionFailed, explain, kafka_client_kwargs
from hadath.settings import Settings
from hadath_schemas import Article


@dataclass
class ProduceReport:
    read: int = 0  # records read from the input, valid or not
    sent: int = 0  # acknowledged by the broker (acks=all)
    invalid: list[str] = field(default_factory=list)  # "origin: reason"
    failed: list[str] = field(default_factory=list)  # "origin: error", valid but not delivered
    stopped_at: str | None = None  # origin of the invalid record that stopped the run


def validate(raw: RawArticle) -> Article | str:
    """A valid Article, or a one-line reason it is not."""
    if raw.error is not None:
        return raw.error
    if not isinstance(raw.record, dict):
        return f"record is a JSON {type(raw.record).__name__}, not an object"
    try:
        return Article.model_validate(raw.record)
    except ValidationError as exc:
        return explain_invalid(exc)


def encode(article: Article, max_bytes: int) -> bytes | str:
    """The record value the worker will accept, or why it would not (the worker's size rule)."""
    value = article.model_dump_json(exclude_none=True).encode("utf-8")
    if len(value) > max_bytes:
        return f"record is {len(value)} bytes, the limit is {max_bytes} (HADATH_MAX_ARTICLE_BYTES)"
    return value


def make_producer(settings: Settings) -> KafkaProducer:
    return KafkaProducer(
        bootstrap_servers=settings.bootstrap_list,
        client_id="hadath-produce",
        allow_auto_create_topics=False,  # a missing topic is an error, not a new topic
        acks="all",  # every in-sync replica has it before it counts as sent
        enable_idempotence=True,  # retries never duplicate or reorder a partition's records
        delivery_timeout_ms=60_000,  # a record not acknowledged by then is reported as failed
        max_block_ms=int(settings.connect_timeout_seconds * 1000),
        bootstrap_timeout_ms=int(settings.connect_timeout_seconds * 1000),
        linger_ms=5,
        max_request_size=max(settings.max_article_bytes * 2, 1048576),
        **kafka_client_kwargs(settings),
    )


class _Deliveries:
    """Acknowledgements arrive on the producer's I/O thread; count them without keeping futures."""

    def __init__(self, report: ProduceReport) -> None:
        self.report = report
        self.lock = threading.Lock()
        self.in_flight = 0

    def track(self, origin: str, future: FutureRecordMetadata) -> None:
        with self.lock:
            self.in_flight += 1
        future.add_callback(self._ok)
        future.add_errback(self._failed, origin)

    def _ok(self, _metadata: object) -> None:
        with self.lock:
            self.in_flight -= 1
            self.report.sent += 1

    def _failed(self, origin: str, exc: BaseException) -> None:
        with self.lock:
            self.in_flight -= 1
            self.report.failed.append(f"{origin}: {type(exc).__name__}: {exc}")


def produce(
    raws: Iterable[RawArticle],
    settings: Settings,
    *,
    skip_invalid: bool = False,
    on_invalid: Callable[[str], None] | None = None,
    on_record: Callable[[ProduceReport], None] | None = None,
    producer: KafkaProducer | None = None,
) -> ProduceReport:
    """Validate each record, send the valid ones keyed by article id, wait for every acknowledgement.

    By default the first invalid record stops the run (records before it are sent);
    ``skip_invalid`` sends every valid record and reports every invalid one.
    ``on_invalid`` hears about each invalid record as it is found, ``on_record`` after
    each record read (progress). Raises :class:`hadath.security.ConnectionFailed` when the
    cluster cannot be reached.
    """
    report = ProduceReport()
    deliveries = _Deliveries(report)
    own = producer is None
    if producer is None:
        try:
            producer = make_producer(settings)
        except KafkaError as exc:
            raise ConnectionFailed(explain(f"{type(exc).__name__}: {exc}", settings)) from None
    try:
        for raw in raws:
            report.read += 1
            checked = validate(raw)
            value = encode(checked, settings.max_article_bytes) if isinstance(checked, Article) else checked
            if isinstance(value, str):
                line = f"{raw.origin}: {value}"
                report.invalid.append(line)
                if on_invalid is not None:
                    on_invalid(line)
                if not skip_invalid:
                    report.stopped_at = raw.origin
                    break
            else:
                assert isinstance(checked, Article)
                try:
                    future = producer.send(
                        settings.articles_topic, key=checked.id.encode("utf-8"), value=value
                    )
                except KafkaError as exc:  # refused before it left (too large, no metadata in time)
                    report.failed.append(f"{raw.origin}: {type(exc).__name__}: {exc}")
                else:
                    deliveries.track(raw.origin, future)
            if on_record is not None:
                on_record(report)
        # Wait for every acknowledgement. flush() may return (or raise) while a batch the
        # broker refused as too large is being split and retried, so count the callbacks.
        deadline = time.monotonic() + 90
        while True:
            with contextlib.suppress(KafkaError):
                producer.flush(timeout=max(0.1, deadline - time.monotonic()))
            with deliveries.lock:
                pending = deliveries.in_flight
            if pending == 0 or time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        if pending:
            report.failed.append(f"{pending} records: not acknowledged within 90 s")
    finally:
        if own:
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
        allow_auto_create_topics=False,
        **kafka_client_kwargs(settings),
    )
    try:
        # The topic may not exist yet (tail started before the worker): wait for it
        # as long as we would wait for records.
        started = time.monotonic()
        partitions = consumer.partitions_for_topic(settings.events_topic) or set()
        if not partitions:
            print(
                f"waiting for topic {settings.events_topic} to exist (the worker creates it)",
                file=sys.stderr,
                flush=True,
            )
        while not partitions:
            if idle_timeout_seconds is not None and time.monotonic() - started > idle_timeout_seconds:
                return
            time.sleep(0.5)
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
