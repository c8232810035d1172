"""The Faust app: articles topic -> agent -> events topic (and dead letters).

Per record, in the order records are read:

1. ``decode_article`` (records.py): null / too large / not UTF-8 / not JSON / not an object /
   schema-invalid records become one dead letter each; then the ``duplicate_id`` check.
2. Extraction in a child process with a deadline (extraction.py): an exception becomes
   ``extractor_error``, a deadline overrun ``extract_timeout``, a dead child ``extractor_crash``.
3. The records (events, or the one dead letter) are sent; the article is acked to Faust only
   when the broker has acknowledged them *and* every earlier article is acked (pipeline.py).
   Faust commits acked offsets only, so the committed offset never passes an article whose
   output is not on the broker: at least once, nothing lost (docs/reliability.md).

Every step runs inside ``records.at_stage``: an exception nobody anticipated becomes a dead
letter with reason ``internal_error`` and its traceback, never a crash of the agent.

Up to ``HADATH_MAX_IN_FLIGHT`` articles are in flight at once; the order of acks is what
makes that safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import os
import threading
import time
from collections.abc import Awaitable
from dataclasses import replace
from typing import Any, NoReturn

import faust
from aiokafka.errors import KafkaError
from faust.exceptions import ProducerSendError

from hadath import __version__, health, logs, metrics
from hadath.records import (
    INTERNAL_ERROR,
    Consumed,
    DuplicateIds,
    OutRecord,
    RecordRejected,
    at_stage,
    dead_letter_record,
    decode_article,
    serialized_event_record,
)
from hadath.security import faust_credentials
from hadath.settings import Settings
from hadath.worker.extraction import DEFAULT_EXTRACTOR, ExtractorPool
from hadath.worker.pipeline import InOrderPipeline
from hadath.worker.stories import StoryGrouper
from hadath.worker.stories import attach as attach_story_agent
from hadath.worker.undecodable import GuardedTransport, missing_codecs
from hadath_schemas import Article

log = logging.getLogger("hadath.worker")

PASSTHROUGH = "passthrough"
READY_LINE = "hadath worker ready"
DELIVERY_ATTEMPTS = 3
EXIT_FATAL = 70  # delivery impossible: exit *without* committing, redelivery on restart
EXIT_SHUTDOWN_TIMEOUT = 75


# What the producer raises when a record could not be delivered (Faust wraps send errors).
DELIVERY_ERRORS = (KafkaError, ProducerSendError)


class FatalDeliveryError(RuntimeError):
    pass


def _consumed(message: Any) -> Consumed:
    headers = message.headers or []
    return Consumed(
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        timestamp_ms=int(message.timestamp * 1000) if message.timestamp else None,
        key=message.key,
        value=message.value,
        headers=list(headers.items()) if isinstance(headers, dict) else list(headers),
    )


def _coordinates(consumed: Consumed, **more: Any) -> dict[str, Any]:
    """The record's coordinates (and reasons) as log fields (HADATH_LOG_FORMAT=json)."""
    return logs.fields(topic=consumed.topic, partition=consumed.partition, offset=consumed.offset, **more)


class ArticleHandler:
    """The one per-record path: what happens to one consumed record.

    ``prepare`` runs synchronously in read order (so the duplicate check sees articles in
    order) and returns the async rest. Nothing a record can cause escapes either: each step
    runs in ``at_stage``, so an unexpected exception dead-letters the record as
    ``internal_error``. The one exception that leaves is FatalDeliveryError (not even the
    dead letter could be written): the worker then exits without committing.
    """

    def __init__(
        self,
        app: faust.App,
        settings: Settings,
        pool: ExtractorPool | None,
        grouper: StoryGrouper | None = None,
    ) -> None:
        self.app = app
        self.settings = settings
        self.pool = pool
        self.grouper = grouper  # events go to story grouping (worker/stories.py) before the events topic
        self.duplicates = DuplicateIds(settings.duplicate_ids)
        self.source = f"/hadath/{settings.app_id}"

    def prepare(self, consumed: Consumed) -> Awaitable[None]:
        metrics.received()
        try:
            article = decode_article(consumed.value, self.settings.max_article_bytes)
            if self.pool is None:  # pass-through: the framework's ceiling, see docs/scaling.md
                with at_stage("produce"):
                    marker = self._marker(article)
                return self._deliver_events(consumed, [marker])
            with at_stage("validate"):
                duplicate = self.duplicates.check(article)
            if duplicate is not None:
                raise duplicate
        except RecordRejected as error:
            return self._dead_letter(consumed, error)
        return self._extract(consumed, article)

    def _marker(self, article: Article) -> OutRecord:
        value = json.dumps({"article_id": article.id, "passthrough": True}).encode()
        key = article.id.encode()
        return OutRecord(self.settings.events_topic, key, value, [("ce_subject", key)])

    async def _extract(self, consumed: Consumed, article: Article) -> None:
        assert self.pool is not None
        t0 = time.perf_counter()
        try:
            with at_stage("extract"):
                # The validated article, re-serialised: the child parses exactly what passed
                # validation here, whatever JSON dialect the producer wrote.
                events = await self.pool.extract(article.model_dump_json().encode("utf-8"))
            with at_stage("produce"):  # serialising the output records
                records = [
                    self._event_record(event_id, article_id, value) for event_id, article_id, value in events
                ]
        except RecordRejected as error:
            self.duplicates.forget(article.id)
            await self._dead_letter(consumed, error)
            return
        finally:
            metrics.extraction_seconds(time.perf_counter() - t0)
        await self._deliver_events(consumed, records)

    async def _deliver_events(self, consumed: Consumed, records: list[OutRecord]) -> None:
        try:
            await self._send_all(records)
        except FatalDeliveryError as exc:
            # The events cannot be written: park the article on the dead-letter topic instead
            # (stage "produce"), so one poisonous output cannot stop the stream.
            cause = exc.__cause__
            reason = "produce_failed" if isinstance(cause, DELIVERY_ERRORS) else INTERNAL_ERROR
            await self._dead_letter(consumed, RecordRejected(reason, "produce", str(exc), cause))
            return
        try:
            metrics.events_produced(r.value for r in records)
            metrics.processed(consumed.timestamp_ms)  # at ack time: end-to-end latency
        except Exception:  # the output is on the broker: a bookkeeping bug must not redo it
            log.exception(
                "counting %s[%d]@%d failed",
                consumed.topic,
                consumed.partition,
                consumed.offset,
                extra=_coordinates(consumed),
            )
        log.debug(
            "%s[%d]@%d: %d events",
            consumed.topic,
            consumed.partition,
            consumed.offset,
            len(records),
            extra=_coordinates(consumed, events=len(records)),
        )

    async def _dead_letter(self, consumed: Consumed, error: RecordRejected) -> None:
        log.warning(
            "dead-lettered %s[%d]@%d key=%r reason=%s stage=%s: %s",
            consumed.topic,
            consumed.partition,
            consumed.offset,
            (consumed.key or b"")[:80],
            error.reason,
            error.stage,
            error.message[:300],
            extra=_coordinates(
                consumed, key=(consumed.key or b"")[:80], reason=error.reason, stage=error.stage
            ),
        )
        try:
            record = dead_letter_record(consumed, error, self.settings.dlt_topic)
        except Exception as exc:  # pure and tested, but the last line of defence must not raise
            log.exception("building the dead letter failed: sending a bare one")
            bare = RecordRejected(INTERNAL_ERROR, error.stage, f"{error.reason}; then {exc!r}", exc)
            record = dead_letter_record(replace(consumed, headers=[]), bare, self.settings.dlt_topic)
        try:
            await self._send_all([record])
        except FatalDeliveryError:
            # Not even the dead-letter topic takes it: stop *without* acking or committing.
            # The record is read again after the restart; nothing is lost.
            log.critical(
                "cannot write the dead letter for %s[%d]@%d: exiting uncommitted",
                consumed.topic,
                consumed.partition,
                consumed.offset,
                extra=_coordinates(consumed, reason=error.reason),
            )
            raise
        with contextlib.suppress(Exception):  # on the broker: counting must not undo that
            metrics.dead_lettered(error.reason, consumed.timestamp_ms)

    def _event_record(self, event_id: str, article_id: str, value: bytes) -> OutRecord:
        if self.grouper is not None:
            return self.grouper.input_record(value, json.loads(value)["type"])
        return serialized_event_record(event_id, article_id, value, self.settings.events_topic, self.source)

    async def _send_all(self, records: list[OutRecord]) -> None:
        await send_all(self.app, records)


async def send_all(app: faust.App, records: list[OutRecord]) -> None:
    """Send and wait for every acknowledgement; retry the lot a few times.

    The producer itself retries transient errors (a broker outage) for up to
    ``producer_request_timeout``; what reaches us here is a hard failure. A retry
    resends records that may already be on the broker: duplicates with the same
    deterministic key are harmless (docs/reliability.md). An exception that is not a
    Kafka delivery error is a bug, not a delivery problem: no retry. Either way the
    records are not on the broker: FatalDeliveryError, its cause the last exception.
    """
    producer = app.producer
    last: BaseException | None = None
    for attempt in range(1, DELIVERY_ATTEMPTS + 1):
        try:
            futures = [
                await producer.send(
                    r.topic, r.key, r.value, partition=None, timestamp=None, headers=r.headers
                )
                for r in records
            ]
            for future in futures:
                await future
            return
        except DELIVERY_ERRORS as exc:
            last = exc
            log.warning("delivery attempt %d/%d failed: %r", attempt, DELIVERY_ATTEMPTS, exc)
            await asyncio.sleep(0.5 * attempt)
        except Exception as exc:
            raise FatalDeliveryError(f"unexpected {type(exc).__name__}: {exc}") from exc
    raise FatalDeliveryError(f"{type(last).__name__}: {last}") from last


class RepeatFilter(logging.Filter):
    """Let the same client log message through once per ``interval`` seconds.

    While the broker is down, aiokafka logs "Unable connect to node" in a tight loop
    (about 3,000 lines a second in the outage test); one line per message kind per
    interval says the same, with a count of what was held back.
    """

    def __init__(self, interval: float = 5.0) -> None:
        super().__init__()
        self.interval = interval
        self._last: dict[tuple[str, object], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.CRITICAL:
            return True
        key = (record.name, record.msg)
        now = time.monotonic()
        last, held = self._last.get(key, (0.0, 0))
        if now - last < self.interval:
            self._last[key] = (last, held + 1)
            return False
        self._last[key] = (now, 0)
        if held:
            record.msg = f"{record.msg} [{held} similar lines in the last {self.interval:.0f} s not shown]"
        return True


CLIENT_LOGGERS = (
    "aiokafka",
    "aiokafka.client",
    "aiokafka.conn",
    "aiokafka.cluster",
    "aiokafka.consumer.fetcher",
    "aiokafka.consumer.group_coordinator",
    "aiokafka.producer.sender",
    "aiokafka.producer.producer",
)


def quiet_client_logs(interval: float = 5.0) -> None:
    repeat = RepeatFilter(interval)
    for name in CLIENT_LOGGERS:
        logging.getLogger(name).addFilter(repeat)


class HadathWorker(faust.Worker):
    """faust.Worker that logs in hadath's format (hadath.logs, HADATH_LOG_FORMAT) instead of
    installing mode's own handler, and logs its start-up facts instead of a banner table."""

    log_format = "text"

    def _setup_logging(self) -> None:
        self.spinner = None  # a terminal progress spinner writes escape codes into the log
        logs.configure(self.loglevel or "info", self.log_format)
        if self.redirect_stdouts:  # stray prints become log records too
            self._redirect_stdouts()

    async def on_first_start(self) -> None:
        logs.worker_started(self)
        await super().on_first_start()


class HadathApp(faust.App):
    """faust.App with a bounded shutdown: SIGTERM drains and commits (Faust's own stop
    sequence, see docs/reliability.md); if that takes longer than the deadline (e.g. the
    broker is gone), the process exits anyway and the uncommitted tail is redelivered."""

    shutdown_timeout: float = 30.0

    def _new_transport(self) -> Any:
        # Faust's own aiokafka transport, except that a batch the worker cannot decode stops
        # its partition instead of crashing the worker (undecodable.py).
        return GuardedTransport(self.conf.broker_consumer, self)

    async def on_stop(self) -> None:
        timer = threading.Timer(self.shutdown_timeout, _shutdown_overrun, args=(self.shutdown_timeout,))
        timer.daemon = True
        timer.start()
        log.info(
            "stopping: draining in-flight articles, then committing (deadline %.0f s)", self.shutdown_timeout
        )
        await super().on_stop()


def _shutdown_overrun(timeout: float) -> None:
    log.error("shutdown did not finish within %.0f s: exiting now (uncommitted work is redelivered)", timeout)
    logging.shutdown()
    os._exit(EXIT_SHUTDOWN_TIMEOUT)


def _exit_if_failed(task: asyncio.Future[Any]) -> None:
    """The acker only fails when output cannot be written at all: exit uncommitted."""
    if not task.cancelled() and task.exception() is not None:
        _fatal(task.exception())  # type: ignore[arg-type]


def _fatal(exc: BaseException, what: str = "fatal delivery failure") -> NoReturn:
    log.critical("%s, exiting without commit: %r", what, exc, exc_info=exc)
    logging.shutdown()
    os._exit(EXIT_FATAL)


def create_app(settings: Settings) -> faust.App:
    quiet_client_logs()
    HadathWorker.log_format = settings.log_format
    app = HadathApp(
        settings.app_id,
        Worker=HadathWorker,
        broker=[f"kafka://{server}" for server in settings.bootstrap_list],
        broker_credentials=faust_credentials(settings),  # KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*, KAFKA_SSL_*
        autodiscover=False,
        store="memory://",
        web_enabled=False,  # metrics are served by prometheus-client on their own port
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        broker_session_timeout=settings.session_timeout_seconds,
        broker_heartbeat_interval=max(1.0, settings.session_timeout_seconds / 5),
        broker_commit_interval=1.0,  # smaller redelivery window after a crash
        consumer_auto_offset_reset="earliest",
        consumer_max_fetch_size=max(1024 * 1024, 2 * settings.max_article_bytes),
        producer_acks=-1,
        producer_linger=settings.producer_linger_ms / 1000.0,
        producer_compression_type=settings.producer_compression or None,
        # a dead letter carries the original value, which can be as large as the topic allows
        producer_max_request_size=settings.topic_max_message_bytes + 1024 * 1024,
        version=1,
    )
    app.shutdown_timeout = settings.shutdown_timeout_seconds
    articles = app.topic(
        settings.articles_topic,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
    )
    spec = settings.extractor or DEFAULT_EXTRACTOR
    passthrough = spec == PASSTHROUGH
    grouper = StoryGrouper(app, settings) if settings.stories and not passthrough else None
    if grouper is not None:
        attach_story_agent(app, grouper, functools.partial(send_all, app), _fatal)
    state = {"pool_ready": passthrough, "assigned": None}
    # /livez and /readyz (hadath.health): the loop stamps a heartbeat, the HTTP thread reads it.
    watched = health.Health(settings.liveness_timeout_seconds)
    health.watch(watched)
    if passthrough:
        watched.extraction_started(lambda: True)

    @app.timer(health.HEARTBEAT_SECONDS)
    async def heartbeat() -> None:
        watched.beat()

    def maybe_ready() -> None:
        if state["pool_ready"] and state["assigned"] is not None:
            log.info("%s: %d partitions assigned", READY_LINE, len(state["assigned"]))

    @app.on_partitions_revoked.connect
    async def on_revoked(sender: Any, revoked: Any, **kwargs: Any) -> None:
        watched.assigned(None)  # a rebalance is on: not ready until the next assignment

    @app.on_partitions_assigned.connect
    async def on_assigned(sender: Any, assigned: Any, **kwargs: Any) -> None:
        state["assigned"] = sorted(f"{tp.topic}[{tp.partition}]" for tp in assigned)
        # /readyz lists the articles partitions (not Faust's own __assignor-__leader topic)
        watched.assigned([tp for tp in state["assigned"] if tp.startswith(f"{settings.articles_topic}[")])
        log.info("partitions assigned: %s", ", ".join(state["assigned"]) or "none")
        maybe_ready()

    @app.agent(articles, name="extract-events")
    async def extract_events(stream: faust.StreamT) -> None:
        pool = None
        if not passthrough:
            pool = ExtractorPool(spec, settings.extract_processes, settings.extract_timeout_seconds)
            await pool.start()
            watched.extraction_started(pool.alive)
            state["pool_ready"] = True
            maybe_ready()
        handler = ArticleHandler(app, settings, pool, grouper)
        manual = stream.noack()  # acks only from the pipeline, in read order
        pipeline = InOrderPipeline(settings.max_in_flight, manual.ack)
        metrics.track_in_flight(lambda: len(pipeline))
        acker = asyncio.ensure_future(pipeline.run())
        acker.add_done_callback(_exit_if_failed)
        try:
            async for event in manual.events():
                try:
                    work = handler.prepare(_consumed(event.message))
                except Exception as exc:
                    # Nothing a record can cause gets here (ArticleHandler). Letting the agent
                    # crash would have Faust restart it past this record: exit uncommitted.
                    _fatal(exc, "the agent failed outside the per-record path")
                await pipeline.submit(event, work)
        finally:
            acker.cancel()
            pipeline.cancel_all()
            if pool is not None:
                await pool.close()

    log.info(
        "hadath %s, extractor %s, %d extraction process(es)", __version__, spec, settings.extract_processes
    )
    if missing := missing_codecs():
        log.warning("no library for the %s compression codec(s): such batches stop their partition", missing)
    return app
