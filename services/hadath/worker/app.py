"""The Faust app: articles topic -> agent -> events topic (and dead letters).

The agent is deliberately thin: decode, call the pure :func:`hadath.records.process_record`,
send the resulting records and wait for the broker's acknowledgements before the
next record. Faust commits an offset only after the agent has moved past it, so
an article's offset is committed after its events are acknowledged: at least once.
"""

from __future__ import annotations

import logging

import faust

from hadath import __version__
from hadath.extractor import EXTRACTOR_VERSION, extract
from hadath.records import Consumed, process_record
from hadath.security import faust_credentials
from hadath.settings import Settings

log = logging.getLogger("hadath.worker")


def create_app(settings: Settings) -> faust.App:
    app = faust.App(
        settings.app_id,
        broker=[f"kafka://{server}" for server in settings.bootstrap_list],
        broker_credentials=faust_credentials(settings),  # KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*, KAFKA_SSL_*
        autodiscover=False,
        store="memory://",
        web_enabled=False,  # metrics are served by prometheus-client on their own port
        web_host=settings.web_host,
        web_port=settings.web_port,
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        broker_session_timeout=settings.session_timeout_seconds,
        broker_heartbeat_interval=max(1.0, settings.session_timeout_seconds / 5),
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        version=1,
    )
    articles = app.topic(
        settings.articles_topic,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
    )
    source = f"/hadath/{settings.app_id}"

    @app.agent(articles, name="extract-events")
    async def extract_events(stream: faust.StreamT) -> None:
        async for event in stream.events():
            message = event.message
            consumed = Consumed(
                topic=message.topic,
                partition=message.partition,
                offset=message.offset,
                timestamp_ms=int(message.timestamp * 1000) if message.timestamp else None,
                key=message.key,
                value=message.value,
                headers=list((message.headers or {}).items())
                if isinstance(message.headers, dict)
                else list(message.headers or []),
            )
            outcome = process_record(
                consumed,
                extract,
                events_topic=settings.events_topic,
                dlt_topic=settings.dlt_topic,
                max_bytes=settings.max_article_bytes,
                source=source,
            )
            if outcome.rejected is not None:
                log.warning(
                    "dead-lettered %s[%d]@%d: %s (%s)",
                    consumed.topic,
                    consumed.partition,
                    consumed.offset,
                    outcome.rejected.reason,
                    outcome.rejected.message,
                )
            pending = []
            for record in outcome.records:
                pending.append(
                    await app.topic(record.topic).send(
                        key=record.key,
                        value=record.value,
                        headers=record.headers,
                        key_serializer="raw",
                        value_serializer="raw",
                    )
                )
            for delivery in pending:  # the offset moves on only after the broker has them all
                await delivery
            log.debug("article at offset %d: %d events", consumed.offset, len(outcome.events))

    log.info("hadath %s, extractor %s", __version__, EXTRACTOR_VERSION)
    return app
