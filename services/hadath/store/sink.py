"""`hadath sink`: a consumer group that writes the events and stories topics into PostgreSQL.

The imperative shell around :mod:`hadath.store.rows`. Per poll:

1. records -> :func:`~hadath.store.rows.plan_batch` (pure): one row per event_id and per
   story_id, dead-letter rows for records that are neither;
2. one database transaction: upsert the events by event_id and the stories by story_id,
   delete tombstoned stories, insert the dead letters;
3. only after the database commit: commit the polled offsets to Kafka.

A crash between 2 and 3 redelivers records that are already stored; the upsert makes the
second write a no-op in effect, so at-least-once delivery becomes exactly one row per event.
When PostgreSQL is unreachable the sink retries the same batch (nothing is committed to
Kafka meanwhile) until it succeeds or the sink is stopped.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.errors import CommitFailedError, KafkaError
from kafka.structs import OffsetAndMetadata

from hadath import health, metrics
from hadath.records import Consumed
from hadath.security import kafka_client_kwargs
from hadath.settings import Settings
from hadath.store import migrations
from hadath.store.rows import (
    DEAD_LETTER_COLUMNS,
    EVENT_COLUMNS,
    REJECT_REASONS,
    STORY_COLUMNS,
    WritePlan,
    plan_batch,
)

log = logging.getLogger("hadath.sink")

READY_LINE = "hadath sink ready"  # logged on every partition assignment (tests wait for it)
RETRY_MAX_SECONDS = 10.0
_REASON = DEAD_LETTER_COLUMNS.index("reason")


class Stopped(Exception):
    """The sink was asked to stop while waiting for the database."""


def _upsert_sql(table: str, columns: Sequence[str], key: str, casts: dict[str, str]) -> str:
    values = ", ".join(f"%s::{casts[c]}" if c in casts else "%s" for c in columns)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c != key)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values}) "
        f"ON CONFLICT ({key}) DO UPDATE SET {updates}, stored_at = now()"
    )


UPSERT_EVENTS = _upsert_sql("events", EVENT_COLUMNS, "event_id", {"record": "jsonb"})
UPSERT_STORIES = _upsert_sql("stories", STORY_COLUMNS, "story_id", {"record": "jsonb"})
DELETE_STORIES = "DELETE FROM stories WHERE story_id = ANY(%s)"
INSERT_DEAD_LETTERS = (
    f"INSERT INTO dead_letters ({', '.join(DEAD_LETTER_COLUMNS)}) "
    f"VALUES ({', '.join(['%s'] * len(DEAD_LETTER_COLUMNS))}) ON CONFLICT DO NOTHING"
)


def connect(settings: Settings) -> psycopg.Connection:
    """A connection to the event store (the password from its own setting, never in the DSN)."""
    password = settings.postgres_password.get_secret_value() or None
    return psycopg.connect(
        settings.postgres_dsn, password=password, connect_timeout=int(settings.connect_timeout_seconds)
    )


def write(conn: psycopg.Connection, plan: WritePlan) -> None:
    """The plan's rows in one transaction."""
    with conn.transaction(), conn.cursor() as cur:
        if plan.events:
            cur.executemany(UPSERT_EVENTS, plan.events)
        if plan.stories:
            cur.executemany(UPSERT_STORIES, plan.stories)
        if plan.deleted_stories:
            cur.execute(DELETE_STORIES, (plan.deleted_stories,))
        if plan.dead_letters:
            cur.executemany(INSERT_DEAD_LETTERS, plan.dead_letters)


@dataclass
class SinkStats:
    batches: int = 0
    records: int = 0
    event_rows: int = 0
    story_rows: int = 0
    dead_letters: int = 0
    db_retries: int = 0
    commit_failures: int = 0


class _LogAssignment(ConsumerRebalanceListener):
    """Logs each assignment and tells /readyz (no assignment during a rebalance)."""

    def __init__(self, state: health.Health) -> None:
        self.state = state

    def on_partitions_revoked(self, revoked: Any) -> None:
        self.state.assigned(None)
        log.info("partitions revoked: %s", sorted((tp.topic, tp.partition) for tp in revoked))

    def on_partitions_assigned(self, assigned: Any) -> None:
        partitions = sorted((tp.topic, tp.partition) for tp in assigned)
        self.state.assigned([f"{topic}:{partition}" for topic, partition in partitions])
        log.info("%s: %s", READY_LINE, partitions)


class Sink:
    """The consumer loop. ``run()`` returns when ``stop()`` was called (SIGTERM, SIGINT)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.topics = [settings.events_topic, settings.stories_topic]
        self.stats = SinkStats()
        self._stopping = threading.Event()
        self._conn: psycopg.Connection | None = None
        # /livez: the loop beats at every poll and while it waits for the database on purpose;
        # /readyz: a partition assignment (the sink has no extraction processes).
        self.health = health.Health(settings.liveness_timeout_seconds)
        self.health.extraction_started(lambda: True)

    def stop(self) -> None:
        self._stopping.set()

    # ------------------------------------------------------------------ database
    def _connection(self) -> psycopg.Connection:
        if self._conn is None or self._conn.closed:
            self._conn = connect(self.settings)
        return self._conn

    def migrate(self) -> list[migrations.Migration]:
        applied: list[migrations.Migration] = self._retry("migrate", migrations.migrate)
        for migration in applied:
            log.info("applied migration %04d_%s", migration.version, migration.name)
        return applied

    def _retry(self, what: str, action: Callable[[psycopg.Connection], Any]) -> Any:
        """Run ``action`` until the database takes it; :class:`Stopped` if the sink is stopped first."""
        delay = 0.5
        while True:
            try:
                return action(self._connection())
            except psycopg.OperationalError as exc:
                if self._conn is not None:
                    self._conn.close()
                self.stats.db_retries += 1
                metrics.sink_db_error()
                log.warning("%s: PostgreSQL unavailable (%s); retrying in %.1f s", what, exc, delay)
            if self._wait(delay):
                raise Stopped(what)
            delay = min(delay * 2, RETRY_MAX_SECONDS)

    def _wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds`` (beating, the loop is not hung); True if stopped meanwhile."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.health.beat()
            if self._stopping.wait(min(left, health.HEARTBEAT_SECONDS)):
                return True
        return self._stopping.is_set()

    # --------------------------------------------------------------------- kafka
    def _consumer(self) -> KafkaConsumer:
        s = self.settings
        consumer = KafkaConsumer(
            bootstrap_servers=s.bootstrap_list,
            group_id=s.sink_group,
            client_id="hadath-sink",
            enable_auto_commit=False,  # offsets are committed only after the database commit
            auto_offset_reset="earliest",
            allow_auto_create_topics=False,  # the worker creates the topics, not a typo here
            metadata_max_age_ms=30_000,  # a topic the worker creates later is read within 30 s
            max_poll_records=s.sink_batch_size,
            session_timeout_ms=int(s.session_timeout_seconds * 1000),
            heartbeat_interval_ms=max(1000, int(s.session_timeout_seconds * 1000) // 3),
            **kafka_client_kwargs(s),
        )
        consumer.subscribe(self.topics, listener=_LogAssignment(self.health))
        return consumer

    def run(self) -> SinkStats:
        try:
            self.migrate()
        except Stopped:
            return self.stats
        consumer = self._consumer()
        try:
            while not self._stopping.is_set():
                self.health.beat()
                polled = consumer.poll(timeout_ms=500)
                records = [
                    Consumed(r.topic, r.partition, r.offset, r.timestamp, r.key, r.value, r.headers or [])
                    for batch in polled.values()
                    for r in batch
                ]
                if records:
                    self._store(consumer, records)
        finally:
            consumer.close(autocommit=False)
            if self._conn is not None:
                self._conn.close()
        return self.stats

    def _store(self, consumer: KafkaConsumer, records: list[Consumed]) -> None:
        plan = plan_batch(records, stories_topic=self.settings.stories_topic)
        started = time.perf_counter()
        try:
            self._retry("write", lambda conn: write(conn, plan))
        except Stopped:
            return  # stopped while the database was away: nothing committed, all re-read later
        offsets = {
            TopicPartition(topic, partition): OffsetAndMetadata(offset, "", -1)
            for (topic, partition), offset in plan.offsets.items()
        }
        try:
            consumer.commit(offsets)
        except (CommitFailedError, KafkaError) as exc:
            # A rebalance took the partitions away: the new owner re-reads these records
            # and its upserts change nothing.
            self.stats.commit_failures += 1
            metrics.sink_offset_commit_failed()
            log.warning("offset commit failed after the database commit (%s); records will be re-read", exc)
        seconds = time.perf_counter() - started
        metrics.sink_batch_stored(
            events=len(plan.events),
            stories=len(plan.stories),
            dead_letter_reasons=[row[_REASON] for row in plan.dead_letters],
            seconds=seconds,
        )
        self.stats.batches += 1
        self.stats.records += len(records)
        self.stats.event_rows += len(plan.events)
        self.stats.story_rows += len(plan.stories)
        self.stats.dead_letters += len(plan.dead_letters)
        log.debug(
            "stored %d records: %d event rows, %d story rows, %d dead letters in %.3f s",
            len(records),
            len(plan.events),
            len(plan.stories),
            len(plan.dead_letters),
            seconds,
        )


def main(settings: Settings) -> int:
    for reason in REJECT_REASONS:  # every reason reads 0 from the start, not absent
        metrics.SINK_DEAD_LETTERS.labels(reason=reason)
    sink = Sink(settings)
    health.watch(sink.health)
    _, lag_monitor = metrics.start_sink_metrics(settings)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: sink.stop())
    try:
        stats = sink.run()
    finally:
        lag_monitor.stop()
    log.info(
        "hadath sink stopped: %d batches, %d records; wrote %d event rows, %d story rows, %d dead letters",
        stats.batches,
        stats.records,
        stats.event_rows,
        stats.story_rows,
        stats.dead_letters,
    )
    return 0


def migrate_only(settings: Settings) -> int:
    with connect(settings) as conn:
        applied = migrations.migrate(conn)
        print(
            f"applied {len(applied)} migrations; the schema is at version "
            f"{max(migrations.applied(conn), default=0):04d}"
        )
    return 0
