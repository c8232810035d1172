"""hadath's Prometheus metrics: one registry, one ``hadath_`` prefix, base units, bounded labels.

The worker (and ``hadath extract --metrics-port``) call the small functions below at clear
points of an article's life; nothing here knows about Faust. Served on ``/metrics`` by
:func:`serve` (``HADATH_METRICS_HOST``:``HADATH_METRICS_PORT``).

Life of an article, as counted here::

    received() ─► extraction_seconds() ─► events_produced() + processed(ts)   (events acked)
                                     └──► dead_lettered(reason, ts)           (dead letter acked)

so ``received = processed + dead_lettered + in_flight``. The worker reports in-flight from
its own pipeline instead (:func:`track_in_flight`): work dropped by a rebalance is
redelivered and counted again as received.

Label sets are bounded by construction: event ``type`` and ``mode`` come from the schema's
enums, a dead-letter ``reason`` not in :data:`DEAD_LETTER_REASONS` is counted as ``other``,
an actor ``country`` is an ISO3 code present in the actor gazetteer or ``other``, and lag
is per articles-topic ``partition``. Never an article id, never free text.

Consumer lag is polled by :class:`LagMonitor` in a background thread with its own
kafka-python clients (committed offset of the worker's consumer group vs. the log end
offset, as ``kafka-consumer-groups --describe`` computes it). A thread of its own keeps
lag fresh even when the worker's event loop is wedged -- the case a lag alert exists for.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    disable_created_metrics,
    generate_latest,
)

from hadath_schemas.models import DEAD_LETTER_REASONS as KNOWN_DEAD_LETTER_REASONS
from hadath_schemas.models import EventType, Mode

if TYPE_CHECKING:
    from wsgiref.simple_server import WSGIServer

    from hadath.settings import Settings

log = logging.getLogger(__name__)

NAMESPACE = "hadath"

# Every reason the worker gives a RecordRejected (the contract's list); anything else becomes "other".
DEAD_LETTER_REASONS: tuple[str, ...] = (*KNOWN_DEAD_LETTER_REASONS, "other")
OTHER = "other"

# Extraction is milliseconds for a short wire story and seconds for a pathological one
# (the worker's timeout is 10 s by default).
EXTRACTION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# Publish -> events acknowledged: sub-second when keeping up, minutes to hours while
# draining a backlog (the histogram must still place those, not lump them in +Inf).
LATENCY_BUCKETS = (
    0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0,
)  # fmt: skip

_DATA_DIR = Path(__file__).resolve().parent / "extractor" / "data"
_COUNTRY_CODE = re.compile(r"^[A-Z]{3}")
_NOT_COUNTRIES = ("IGO", "NGO", "IMG")

# The `*_created` series double the exposition and no query here uses them.
disable_created_metrics()

REGISTRY = CollectorRegistry(auto_describe=True)
# Process (CPU, memory, fds, start time), Python and GC metrics for the worker-health panel.
for _collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
    REGISTRY.register(_collector)

WORKER_INFO = Info(
    "worker", "hadath build: package and extractor version.", namespace=NAMESPACE, registry=REGISTRY
)
ARTICLES_RECEIVED = Counter(
    "articles_received",
    "Articles consumed from the articles topic.",
    namespace=NAMESPACE,
    registry=REGISTRY,
)
ARTICLES_PROCESSED = Counter(
    "articles_processed",
    "Articles whose events (zero or more) were all acknowledged by the broker.",
    namespace=NAMESPACE,
    registry=REGISTRY,
)
ARTICLES_DEAD_LETTERED = Counter(
    "articles_dead_lettered",
    "Articles sent to the dead-letter topic, by reason (see docs/monitoring.md).",
    ["reason"],
    namespace=NAMESPACE,
    registry=REGISTRY,
)
ARTICLES_IN_FLIGHT = Gauge(
    "articles_in_flight",
    "Articles received and not yet acknowledged (processed or dead-lettered).",
    namespace=NAMESPACE,
    registry=REGISTRY,
)
EVENTS_PRODUCED = Counter(
    "events_produced",
    "Event records produced and acknowledged, by event type and mode.",
    ["type", "mode"],
    namespace=NAMESPACE,
    registry=REGISTRY,
)
EVENTS_BY_ACTOR_COUNTRY = Counter(
    "events_by_actor_country",
    "Events with at least one source/target actor of this country (ISO3 from the gazetteer, or other).",
    ["country"],
    namespace=NAMESPACE,
    registry=REGISTRY,
)
EXTRACTION_DURATION = Histogram(
    "extraction_duration_seconds",
    "Time to extract the events of one article (validation excluded).",
    buckets=EXTRACTION_BUCKETS,
    namespace=NAMESPACE,
    registry=REGISTRY,
)
END_TO_END_LATENCY = Histogram(
    "end_to_end_latency_seconds",
    "From the article record's Kafka timestamp to its output being acknowledged by the broker.",
    buckets=LATENCY_BUCKETS,
    namespace=NAMESPACE,
    registry=REGISTRY,
)
LAST_PROCESSED_RECORD_TIMESTAMP = Gauge(
    "last_processed_record_timestamp_seconds",
    "Kafka timestamp (Unix seconds) of the newest article record whose output was acknowledged.",
    namespace=NAMESPACE,
    registry=REGISTRY,
)
CONSUMER_LAG = Gauge(
    "consumer_lag_records",
    "Records on the articles topic not yet committed by the worker group (log end - committed offset).",
    ["topic", "partition"],
    namespace=NAMESPACE,
    registry=REGISTRY,
)
LAG_POLL_ERRORS = Counter(
    "consumer_lag_poll_errors",
    "Failed consumer-lag polls (the lag gauge keeps its last value meanwhile).",
    namespace=NAMESPACE,
    registry=REGISTRY,
)

# Children that exist from the start read 0 instead of being absent: rate() and the
# dashboard's ratios then have data before the first dead letter or event of a kind.
for _reason in DEAD_LETTER_REASONS:
    ARTICLES_DEAD_LETTERED.labels(reason=_reason)
for _type in EventType:
    for _mode in Mode:
        EVENTS_PRODUCED.labels(type=_type.value, mode=_mode.value)
EVENTS_BY_ACTOR_COUNTRY.labels(country=OTHER)


# ------------------------------------------------------------------ hadath sink
# `hadath sink` is a process of its own (docs/analysts.md) with a registry of its own: the
# worker does not expose sink series, nor the sink worker series. Served by
# :func:`serve` with ``registry=SINK_REGISTRY`` on HADATH_SINK_METRICS_PORT.
SINK_TABLES = ("events", "stories")
# A batch is one transaction of up to HADATH_SINK_BATCH_SIZE rows: milliseconds when healthy,
# tens of seconds when the database is slow or away (the retries are inside the batch).
SINK_BATCH_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)

SINK_REGISTRY = CollectorRegistry(auto_describe=True)
for _collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
    SINK_REGISTRY.register(_collector)

SINK_ROWS_UPSERTED = Counter(
    "sink_rows_upserted",
    "Rows upserted into PostgreSQL and committed, by table (events by event_id, stories by story_id).",
    ["table"],
    namespace=NAMESPACE,
    registry=SINK_REGISTRY,
)
SINK_DEAD_LETTERS = Counter(
    "sink_dead_letters",
    "Records written to the dead_letters table instead of events/stories, by reason.",
    ["reason"],
    namespace=NAMESPACE,
    registry=SINK_REGISTRY,
)
SINK_BATCHES = Counter(
    "sink_batches",
    "Batches (one poll, one database transaction) committed to PostgreSQL.",
    namespace=NAMESPACE,
    registry=SINK_REGISTRY,
)
SINK_BATCH_DURATION = Histogram(
    "sink_batch_duration_seconds",
    "From a batch's first write attempt to its database commit (retries included).",
    buckets=SINK_BATCH_BUCKETS,
    namespace=NAMESPACE,
    registry=SINK_REGISTRY,
)
SINK_DB_ERRORS = Counter(
    "sink_db_errors",
    "Failed PostgreSQL attempts (connection refused or lost); each is retried with backoff.",
    namespace=NAMESPACE,
    registry=SINK_REGISTRY,
)
SINK_OFFSET_COMMIT_FAILURES = Counter(
    "sink_offset_commit_failures",
    "Kafka offset commits that failed after the database commit (the records are re-read, upserted again).",
    namespace=NAMESPACE,
    registry=SINK_REGISTRY,
)
SINK_LAST_WRITE = Gauge(
    "sink_last_write_timestamp_seconds",
    "Unix time of the last batch committed to PostgreSQL (0 before the first).",
    namespace=NAMESPACE,
    registry=SINK_REGISTRY,
)
SINK_CONSUMER_LAG = Gauge(
    "sink_consumer_lag_records",
    "Records on the events/stories topics not yet committed by the sink group (log end - committed offset).",
    ["topic", "partition"],
    namespace=NAMESPACE,
    registry=SINK_REGISTRY,
)
SINK_LAG_POLL_ERRORS = Counter(
    "sink_consumer_lag_poll_errors",
    "Failed sink consumer-lag polls (the lag gauge keeps its last value meanwhile).",
    namespace=NAMESPACE,
    registry=SINK_REGISTRY,
)
for _table in SINK_TABLES:
    SINK_ROWS_UPSERTED.labels(table=_table)


# ------------------------------------------------------------------------- labels
@lru_cache(maxsize=1)
def known_countries() -> frozenset[str]:
    """ISO3 codes that occur as an actor's country in the gazetteer (actors.tsv ∩ iso3166.tsv)."""
    iso = set()
    for line in (_DATA_DIR / "iso3166.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            iso.add(line.split("\t", 1)[0].strip())
    seen = set()
    for line in (_DATA_DIR / "actors.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 2:
            country = actor_country(parts[1].strip())
            if country in iso:
                seen.add(country)
    return frozenset(seen)


def actor_country(code: str | None) -> str | None:
    """The country part of a CAMEO-style actor code; None for IGO/NGO/IMG and uncoded actors."""
    if not code or code.startswith(_NOT_COUNTRIES):
        return None
    match = _COUNTRY_CODE.match(code)
    return match.group(0) if match else None


def country_label(country: str) -> str:
    return country if country in known_countries() else OTHER


def reason_label(reason: str) -> str:
    return reason if reason in DEAD_LETTER_REASONS else OTHER


def _event_dict(event: Any) -> Mapping[str, Any]:
    """An Event model, its dict, its JSON (bytes/str) or the worker's (id, article_id, json) tuple."""
    if isinstance(event, tuple):
        event = event[-1]
    if isinstance(event, bytes | bytearray | str):
        return json.loads(event)
    if isinstance(event, Mapping):
        return event
    return event.model_dump(mode="json")


# ---------------------------------------------------------------- recording calls
def set_info(version: str, extractor_version: str) -> None:
    WORKER_INFO.info({"version": version, "extractor_version": extractor_version})


def received(count: int = 1) -> None:
    """Articles taken off the articles topic (before validation)."""
    ARTICLES_RECEIVED.inc(count)
    ARTICLES_IN_FLIGHT.inc(count)


def extraction_seconds(seconds: float) -> None:
    EXTRACTION_DURATION.observe(max(0.0, seconds))


@contextlib.contextmanager
def time_extraction() -> Iterator[None]:
    """``with metrics.time_extraction(): events = extract(article)``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        extraction_seconds(time.perf_counter() - start)


def events_produced(events: Iterable[Any]) -> None:
    """Count acknowledged event records by type/mode and by actor country.

    Accepts Event models, dicts, JSON bytes, or ``(event_id, article_id, json)`` tuples (what
    the extraction process hands the worker). An event counts once per distinct actor country.
    """
    for raw in events:
        try:
            event = _event_dict(raw)
            kind, mode = str(event["type"]), str(event["mode"])
        except (KeyError, TypeError, ValueError):
            continue  # not an event (the pass-through benchmark's marker records)
        if kind not in EventType.__members__ or mode not in Mode.__members__:
            log.warning("metrics: unknown event type/mode %r/%r, not counted", kind[:20], mode[:20])
            continue
        EVENTS_PRODUCED.labels(type=kind, mode=mode).inc()
        countries = set()
        for role in ("source", "target"):
            for actor in event.get(role) or ():
                country = actor_country(actor.get("code") if isinstance(actor, Mapping) else None)
                if country is not None:
                    countries.add(country_label(country))
        for country in countries:
            EVENTS_BY_ACTOR_COUNTRY.labels(country=country).inc()


def _finished(timestamp_ms: int | None, now: float | None) -> None:
    ARTICLES_IN_FLIGHT.dec()
    if timestamp_ms is None or timestamp_ms <= 0:
        return  # no record timestamp (hadath extract, or a producer that set none)
    published = timestamp_ms / 1000.0
    current = time.time() if now is None else now
    END_TO_END_LATENCY.observe(max(0.0, current - published))  # clock skew never goes negative
    with _last_lock:
        if published > _last_seen[0]:
            _last_seen[0] = published
            LAST_PROCESSED_RECORD_TIMESTAMP.set(published)


_last_lock = threading.Lock()
_last_seen = [0.0]


def processed(timestamp_ms: int | None, now: float | None = None) -> None:
    """An article's events were all acknowledged: call at ack time with the record timestamp."""
    ARTICLES_PROCESSED.inc()
    _finished(timestamp_ms, now)


def dead_lettered(reason: str, timestamp_ms: int | None = None, now: float | None = None) -> None:
    """An article's dead-letter record was acknowledged."""
    ARTICLES_DEAD_LETTERED.labels(reason=reason_label(reason)).inc()
    _finished(timestamp_ms, now)


def track_in_flight(count: Callable[[], float]) -> None:
    """For a worker that tracks in-flight work itself (read, not yet acked): the gauge reads
    ``count()`` at scrape time instead of the received/finished arithmetic."""
    ARTICLES_IN_FLIGHT.set_function(count)


def sink_db_error() -> None:
    SINK_DB_ERRORS.inc()


def sink_offset_commit_failed() -> None:
    SINK_OFFSET_COMMIT_FAILURES.inc()


def sink_batch_stored(
    *, events: int, stories: int, dead_letter_reasons: Iterable[str], seconds: float, now: float | None = None
) -> None:
    """One batch is committed to PostgreSQL: its rows per table, its dead letters, its duration."""
    SINK_BATCHES.inc()
    SINK_BATCH_DURATION.observe(max(0.0, seconds))
    SINK_ROWS_UPSERTED.labels(table="events").inc(events)
    SINK_ROWS_UPSERTED.labels(table="stories").inc(stories)
    for reason in dead_letter_reasons:
        SINK_DEAD_LETTERS.labels(reason=reason).inc()
    SINK_LAST_WRITE.set(time.time() if now is None else now)


def sink_exposition() -> bytes:
    return generate_latest(SINK_REGISTRY)


def exposition() -> bytes:
    """The text exposition of every metric (what /metrics serves)."""
    return generate_latest(REGISTRY)


# --------------------------------------------------------------------------- serving
def serve(host: str, port: int, registry: CollectorRegistry = REGISTRY) -> WSGIServer:
    """Serve /metrics (and the worker's /livez and /readyz, :mod:`hadath.health`) on host:port
    in a daemon thread; returns the server (``.server_port``).

    Raises :class:`hadath.settings.SettingsError` naming the variables when the address
    cannot be bound (port taken, unknown host), so the command ends with one line.
    ``registry``: :data:`SINK_REGISTRY` for ``hadath sink``.
    """
    from wsgiref.simple_server import make_server

    from prometheus_client.exposition import ThreadingWSGIServer, make_wsgi_app

    from hadath import health
    from hadath.settings import SettingsError

    class Server(ThreadingWSGIServer):
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # probes every few seconds
            pass

    try:
        server = make_server(
            host, port, health.wsgi_app(make_wsgi_app(registry)), Server, handler_class=QuietHandler
        )
    except OSError as exc:
        raise SettingsError(
            f"cannot serve /metrics on {host}:{port}: {exc.strerror or exc} "
            "(HADATH_METRICS_HOST, HADATH_METRICS_PORT)"
        ) from None
    threading.Thread(target=server.serve_forever, name="hadath-metrics-http", daemon=True).start()
    log.info("metrics on http://%s:%d/metrics", host, server.server_port)
    return server


# ----------------------------------------------------------------------------- lag
class LagMonitor:
    """Polls the worker group's committed offsets and the log end offsets every ``interval``.

    Per poll: the log end offsets and the group's committed offsets (an OffsetFetch per
    partition): cheap, and the same numbers Kafka's own tooling reports. A partition the group has
    never committed counts from the log start. Every worker replica reports the whole
    topic, so dashboards aggregate with ``max by (topic, partition)``.
    """

    poll_errors: Counter = LAG_POLL_ERRORS  # the counter a failed poll increments

    def __init__(self, settings: Settings, interval: float = 10.0) -> None:
        self.settings = settings
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._consumer: Any = None
        self._partitions: set[str] = set()

    def _connect(self) -> None:
        from kafka import KafkaConsumer

        from hadath.security import kafka_client_kwargs

        if self._consumer is None:
            # The group id only lets committed() fetch the group's offsets: this consumer
            # never subscribes, so it never joins the group nor commits.
            self._consumer = KafkaConsumer(
                bootstrap_servers=self.settings.bootstrap_list,
                client_id="hadath-metrics-lag",
                allow_auto_create_topics=False,  # polling a topic's lag must not create it
                group_id=self.settings.app_id,
                enable_auto_commit=False,
                request_timeout_ms=15_000,
                **kafka_client_kwargs(self.settings),
            )

    def poll_once(self) -> dict[int, int]:
        """One poll: sets the gauges and returns {partition: lag}."""
        from kafka import TopicPartition

        self._connect()
        topic = self.settings.articles_topic
        partitions = self._consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        if not tps:
            return {}
        ends = self._consumer.end_offsets(tps)
        starts = self._consumer.beginning_offsets(tps)
        lags: dict[int, int] = {}
        for tp in tps:
            committed = self._consumer.committed(tp)
            position = committed if committed is not None and committed >= 0 else starts.get(tp, 0)
            lags[tp.partition] = max(0, ends.get(tp, 0) - position)
        seen = set()
        for partition, lag in lags.items():
            CONSUMER_LAG.labels(topic=topic, partition=str(partition)).set(lag)
            seen.add(str(partition))
        for gone in self._partitions - seen:  # the topic shrank or was recreated
            with contextlib.suppress(KeyError):
                CONSUMER_LAG.remove(topic, gone)
        self._partitions = seen
        return lags

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once()
            except Exception as exc:  # the broker is down or slow: count it, try again later
                self.poll_errors.inc()
                log.warning("consumer lag poll failed: %s: %s", type(exc).__name__, exc)
                self._close_clients()
            self._stop.wait(self.interval)

    def start(self) -> LagMonitor:
        self._thread = threading.Thread(target=self._run, name="hadath-lag-monitor", daemon=True)
        self._thread.start()
        return self

    def _close_clients(self) -> None:
        if self._consumer is not None:
            with contextlib.suppress(Exception):
                self._consumer.close()
        self._consumer = None

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=15)
        self._close_clients()


def start_worker_metrics(settings: Settings) -> tuple[WSGIServer, LagMonitor]:
    """Everything ``hadath worker`` needs: /metrics server, build info, lag polling."""
    from hadath import EXTRACTOR_VERSION, __version__

    set_info(__version__, EXTRACTOR_VERSION)
    server = serve(settings.metrics_host, settings.metrics_port)
    monitor = LagMonitor(settings, interval=settings.metrics_lag_interval_seconds).start()
    return server, monitor


class SinkLagMonitor(LagMonitor):
    """:class:`LagMonitor` for ``hadath sink``: its group on the events and stories topics.

    A thread of its own, so the lag keeps growing on the dashboard while the sink's loop
    waits for an unreachable database (the offsets stay put until the rows are in).
    """

    poll_errors = SINK_LAG_POLL_ERRORS

    def __init__(self, settings: Settings, interval: float = 10.0) -> None:
        super().__init__(settings.model_copy(update={"app_id": settings.sink_group}), interval)
        self.topics = (settings.events_topic, settings.stories_topic)
        self._sink_labels: set[tuple[str, str]] = set()

    def poll_once(self) -> dict[tuple[str, int], int]:  # type: ignore[override]
        from kafka import TopicPartition

        self._connect()
        tps = [
            TopicPartition(topic, partition)
            for topic in self.topics
            for partition in sorted(self._consumer.partitions_for_topic(topic) or ())
        ]
        lags: dict[tuple[str, int], int] = {}
        if tps:
            ends = self._consumer.end_offsets(tps)
            starts = self._consumer.beginning_offsets(tps)
            for tp in tps:
                committed = self._consumer.committed(tp)
                position = committed if committed is not None and committed >= 0 else starts.get(tp, 0)
                lags[(tp.topic, tp.partition)] = max(0, ends.get(tp, 0) - position)
        seen = {(topic, str(partition)) for topic, partition in lags}
        for topic, partition in self._sink_labels - seen:  # a topic shrank or was deleted
            with contextlib.suppress(KeyError):
                SINK_CONSUMER_LAG.remove(topic, partition)
        for (topic, partition), lag in lags.items():
            SINK_CONSUMER_LAG.labels(topic=topic, partition=str(partition)).set(lag)
        self._sink_labels = seen
        return lags


def start_sink_metrics(settings: Settings) -> tuple[WSGIServer, SinkLagMonitor]:
    """Everything ``hadath sink`` needs: /metrics on HADATH_SINK_METRICS_PORT, lag polling."""
    server = serve(settings.metrics_host, settings.sink_metrics_port, registry=SINK_REGISTRY)
    monitor = SinkLagMonitor(settings, interval=settings.metrics_lag_interval_seconds).start()
    return server, monitor
