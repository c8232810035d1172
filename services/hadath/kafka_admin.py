"""Topic administration with kafka-python: the one place hadath creates topics.

Topics are created by the worker at startup (its three topics, :func:`ensure_topics`) and by
``hadath produce --create-topics``; nothing else creates one. ``hadath`` clients also set
``allow_auto_create_topics=False``, so a typo in a topic name fails clearly instead of
creating a topic nobody reads on a broker with ``auto.create.topics.enable=true``.
"""

from __future__ import annotations

import logging

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

from hadath.security import check_connection, kafka_client_kwargs
from hadath.settings import Settings

log = logging.getLogger(__name__)


class TopicsMissing(LookupError):
    """Topics a command needs do not exist (and it may not create them); the message says which."""


def _admin(settings: Settings, timeout_seconds: float) -> KafkaAdminClient:
    return KafkaAdminClient(
        bootstrap_servers=settings.bootstrap_list,
        client_id="hadath-admin",
        request_timeout_ms=int(timeout_seconds * 1000),
        **kafka_client_kwargs(settings),
    )


def require_topics(settings: Settings, topics: list[str], timeout_seconds: float = 30.0) -> None:
    """Raise :class:`TopicsMissing` unless every topic in ``topics`` exists (creates nothing)."""
    check_connection(settings, settings.connect_timeout_seconds)
    admin = _admin(settings, timeout_seconds)
    try:
        existing = set(admin.list_topics())
    finally:
        admin.close()
    missing = [topic for topic in topics if topic not in existing]
    if missing:
        raise TopicsMissing(f"topic {', '.join(missing)} does not exist on {settings.bootstrap_servers}")


def ensure_topics(settings: Settings, timeout_seconds: float = 30.0, topics: list[str] | None = None) -> None:
    """Create the articles, events and dead-letter topics (with HADATH_STORIES also the stories
    topic, the story-grouping input and the story tables' changelogs), or ``topics``, when
    missing (idempotent).

    Checks the connection first, so wrong credentials or an untrusted certificate end in
    one clear :class:`hadath.security.ConnectionFailed` within
    ``HADATH_CONNECT_TIMEOUT_SECONDS`` instead of an endless retry loop.
    """
    check_connection(settings, settings.connect_timeout_seconds)
    stories = [settings.stories_topic, settings.story_input_topic, *settings.story_changelog_topics]
    wanted = topics or [
        settings.articles_topic,
        settings.events_topic,
        settings.dlt_topic,
        *(stories if settings.stories else []),
    ]
    admin = _admin(settings, timeout_seconds)
    try:
        existing = set(admin.list_topics())
        # The articles topic accepts records up to topic_max_message_bytes (larger than
        # max_article_bytes, so oversized articles reach the worker and get dead-lettered);
        # the dead-letter topic takes the same value plus room for the error headers.
        limits = {
            settings.articles_topic: settings.topic_max_message_bytes,
            settings.dlt_topic: settings.topic_max_message_bytes + 1024 * 1024,
        }
        compacted = {settings.stories_topic, *settings.story_changelog_topics}
        missing = [
            NewTopic(
                name,
                settings.partitions,
                settings.replication_factor,
                topic_configs={
                    **({"max.message.bytes": str(limits[name])} if name in limits else {}),
                    # the latest rollup of a story is its state (docs/stories.md)
                    **({"cleanup.policy": "compact"} if name in compacted else {}),
                },
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
