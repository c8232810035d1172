"""Topic administration with kafka-python: the worker and producer make sure their topics exist."""

from __future__ import annotations

import logging

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

from hadath.security import check_connection, kafka_client_kwargs
from hadath.settings import Settings

log = logging.getLogger(__name__)


def ensure_topics(settings: Settings, timeout_seconds: float = 30.0, topics: list[str] | None = None) -> None:
    """Create the articles, events and dead-letter topics (or ``topics``) when missing (idempotent).

    Checks the connection first, so wrong credentials or an untrusted certificate end in
    one clear :class:`hadath.security.ConnectionFailed` within
    ``HADATH_CONNECT_TIMEOUT_SECONDS`` instead of an endless retry loop.
    """
    check_connection(settings, settings.connect_timeout_seconds)
    wanted = topics or [settings.articles_topic, settings.events_topic, settings.dlt_topic]
    admin = KafkaAdminClient(
        bootstrap_servers=settings.bootstrap_list,
        client_id="hadath-admin",
        request_timeout_ms=int(timeout_seconds * 1000),
        **kafka_client_kwargs(settings),
    )
    try:
        existing = set(admin.list_topics())
        # The articles topic accepts records up to topic_max_message_bytes (larger than
        # max_article_bytes, so oversized articles reach the worker and get dead-lettered);
        # the dead-letter topic takes the same value plus room for the error headers.
        limits = {
            settings.articles_topic: settings.topic_max_message_bytes,
            settings.dlt_topic: settings.topic_max_message_bytes + 1024 * 1024,
        }
        missing = [
            NewTopic(
                name,
                settings.partitions,
                settings.replication_factor,
                topic_configs={"max.message.bytes": str(limits[name])} if name in limits else {},
            )
            for name in wanted
            if name not in existing
        ]
        if missing:
            try:
                admin.create_topics(missing)
                log.info("created topics %s", [topic.name for topic in missing])
            except TopicAlreadyExistsError:
                pass  # another worker won the race
    finally:
        admin.close()
