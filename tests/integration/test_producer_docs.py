"""docs/producers.md: its Python examples run, unchanged, against a real broker."""

from __future__ import annotations

import uuid

import pytest
from doc_snippets import PRODUCERS_DOC, run_snippet, snippet
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from hadath.records import event_record
from hadath_schemas import Article, Event
from hadath_schemas.contract import EVENT_SCHEMA_ID
from hadath_schemas.generate import EVENT_EXAMPLE

pytestmark = pytest.mark.kafka


def test_the_doc_has_both_snippets() -> None:
    assert "KafkaProducer(" in snippet("python-producer")
    assert "KafkaConsumer(" in snippet("python-consumer")
    with pytest.raises(LookupError):
        snippet("no-such-snippet", PRODUCERS_DOC)


def test_python_producer_example_sends_a_valid_article_keyed_by_id(kafka_bootstrap: str) -> None:
    topic = f"articles-doc-{uuid.uuid4().hex[:8]}"
    result = run_snippet(
        "python-producer", {"KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "HADATH_ARTICLES_TOPIC": topic}
    )
    assert result.returncode == 0, result.stderr
    assert f"sent example-2016-09-08-0001 to {topic} partition" in result.stdout

    consumer = KafkaConsumer(bootstrap_servers=kafka_bootstrap, group_id=None, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        records: list = []
        for _ in range(60):  # until the record is there, then one more poll for unexpected extras
            arrived = bool(records)
            records += [m for batch in consumer.poll(timeout_ms=500).values() for m in batch]
            if arrived:
                break
    finally:
        consumer.close()
    assert len(records) == 1
    article = Article.model_validate_json(records[0].value)  # hadath's own validation, all rules
    assert records[0].key == article.id.encode() == b"example-2016-09-08-0001"


def test_python_consumer_example_reads_events_once_each(kafka_bootstrap: str) -> None:
    topic = f"events-doc-{uuid.uuid4().hex[:8]}"
    first = event_record(Event.model_validate(EVENT_EXAMPLE), topic, "/hadath/test")
    other = event_record(
        Event.model_validate({**EVENT_EXAMPLE, "event_id": "another-event", "type": "AGREE", "cameo": "057"}),
        topic,
        "/hadath/test",
    )
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    try:
        # the first event twice: a redelivery, as after a worker restart
        for record in (first, first, other):
            producer.send(topic, key=record.key, value=record.value, headers=record.headers).get(timeout=30)
    finally:
        producer.close()

    result = run_snippet(
        "python-consumer",
        {
            "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "HADATH_EVENTS_TOPIC": topic,
            "EVENTS_GROUP": f"doc-{uuid.uuid4().hex[:8]}",
            "STOP_AFTER_IDLE_MS": "8000",
        },
    )

    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.splitlines()) == sorted(
        [
            f"MEET {EVENT_EXAMPLE['article_id']} {EVENT_SCHEMA_ID}",
            f"AGREE {EVENT_EXAMPLE['article_id']} {EVENT_SCHEMA_ID}",
        ]
    )
