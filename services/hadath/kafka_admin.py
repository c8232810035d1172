"""Topic administration with kafka-python: the worker and producer make sure their topics exist."""

from __future__ import annotations

import logging

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

from hadath.settings import Settings

log = logging.getLogger(__name__)


def ensure_topics(settings: Settings, timeout_seconds: float = 30.0) -> None:
    """Create the articles, events and dead-letter topics when missing (idempotent)."""
    wanted = [settings.articles_topic, settings.events_topic, settings.dlt_topic]
    admin = KafkaAdminClient(
        bootstrap_servers=settings.bootstrap_list,
        client_id="hadath-admin",
        request_timeout_ms=int(timeout_seconds * 1000),
    )
    try:
        existing = set(admin.list_topics())
        missing = [
            NewTopic(name, settings.partitions, settings.replication_factor)
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
