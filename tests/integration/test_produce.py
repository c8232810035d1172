"""`hadath produce` against a real broker, run as a subprocess like a producer team would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic
from kafka_broker import free_port

from hadath_schemas import Article

pytestmark = pytest.mark.kafka

ROOT = Path(__file__).resolve().parents[2]


def article(article_id: str, body: str = "التقى وزير الخارجية الروسي نظيره الأمريكي في جنيف.") -> dict:
    return {"id": article_id, "title": "لقاء في جنيف", "body": body, "source": "test"}


def run_produce(
    bootstrap: str,
    topic: str,
    *args: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    create: bool = True,
) -> subprocess.CompletedProcess[str]:
    """`hadath produce` as a subprocess; ``create`` adds --create-topics (the tests' topics are new)."""
    args = ("--create-topics", *args) if create else args
    full_env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "HADATH_ARTICLES_TOPIC": topic,
        "HADATH_CONNECT_TIMEOUT_SECONDS": "10",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "hadath.cli", "produce", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


def read_topic(bootstrap: str, topic: str, expected: int, timeout: float = 30.0) -> list[tuple[bytes, bytes]]:
    """Every record of ``topic`` from the beginning; waits for ``expected``, then 1 s for extras."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(assigned)
        consumer.seek_to_beginning(*assigned)
        got: list[tuple[bytes, bytes]] = []
        deadline = time.monotonic() + timeout
        quiet_until = None
        while time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=300).values():
                got.extend((m.key, m.value) for m in batch)
            if len(got) >= expected:
                quiet_until = quiet_until or time.monotonic() + 1.0  # catch records that should not be there
                if time.monotonic() >= quiet_until:
                    break
        return got
    finally:
        consumer.close()


def unique_topic() -> str:
    return f"articles-{uuid.uuid4().hex[:10]}"


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_valid_jsonl_is_sent_keyed_by_article_id(kafka_bootstrap: str, tmp_path: Path) -> None:
    topic = unique_topic()
    records = [article(f"a-{i}") for i in range(5)]
    path = write_jsonl(tmp_path / "in.jsonl", [json.dumps(r, ensure_ascii=False) for r in records])

    result = run_produce(kafka_bootstrap, topic, str(path))

    assert result.returncode == 0, result.stderr
    assert "read 5, sent 5, invalid 0, failed 0" in result.stderr
    got = read_topic(kafka_bootstrap, topic, 5)
    assert sorted(key for key, _ in got) == [f"a-{i}".encode() for i in range(5)]
    for key, value in got:
        assert Article.model_validate_json(value).id == key.decode()


def test_default_stops_at_the_first_invalid_line_and_says_where(kafka_bootstrap: str, tmp_path: Path) -> None:
    topic = unique_topic()
    path = write_jsonl(
        tmp_path / "in.jsonl",
        [json.dumps(article("first")), "{not json", json.dumps(article("never-sent"))],
    )

    result = run_produce(kafka_bootstrap, topic, str(path))

    assert result.returncode == 1
    assert f"invalid: {path}:2: invalid JSON" in result.stderr
    assert f"stopped at the first invalid record ({path}:2)" in result.stderr
    assert "read 2, sent 1, invalid 1, failed 0" in result.stderr
    assert [key for key, _ in read_topic(kafka_bootstrap, topic, 1)] == [b"first"]


def test_skip_invalid_sends_the_rest_and_reports_every_bad_line(kafka_bootstrap: str, tmp_path: Path) -> None:
    topic = unique_topic()
    path = write_jsonl(
        tmp_path / "in.jsonl",
        [
            json.dumps(article("ok-1")),
            json.dumps({"id": "latin", "body": "no Arabic here"}),
            "",  # blank lines are skipped, but still counted for line numbers
            json.dumps({"id": "no-body"}),
            "[1, 2]",
            json.dumps(article("ok-2")),
        ],
    )

    result = run_produce(kafka_bootstrap, topic, str(path), "--skip-invalid")

    assert result.returncode == 1, result.stderr
    invalid = [line for line in result.stderr.splitlines() if line.startswith("invalid: ")]
    assert invalid == [
        f"invalid: {path}:2: body: Value error, body contains no Arabic letters",
        f"invalid: {path}:4: body: Field required",
        f"invalid: {path}:5: record is a JSON list, not an object",
    ]
    assert "read 5, sent 2, invalid 3, failed 0" in result.stderr
    assert sorted(key for key, _ in read_topic(kafka_bootstrap, topic, 2)) == [b"ok-1", b"ok-2"]


def test_records_over_the_size_limit_are_invalid_not_sent(kafka_bootstrap: str, tmp_path: Path) -> None:
    topic = unique_topic()
    path = write_jsonl(tmp_path / "in.jsonl", [json.dumps(article("big", "نص " * 2000))])

    result = run_produce(kafka_bootstrap, topic, str(path), env={"HADATH_MAX_ARTICLE_BYTES": "4096"})

    assert result.returncode == 1
    assert "the limit is 4096 (HADATH_MAX_ARTICLE_BYTES)" in result.stderr


def test_seed_folder_and_stdin(kafka_bootstrap: str) -> None:
    topic = unique_topic()
    seeds = run_produce(kafka_bootstrap, topic, str(ROOT / "seeds"))
    assert seeds.returncode == 0, seeds.stderr
    piped = run_produce(kafka_bootstrap, topic, "-", stdin=json.dumps(article("from-stdin")) + "\n")
    assert piped.returncode == 0, piped.stderr

    expected = {f"seed-{p.stem}".encode() for p in (ROOT / "seeds").glob("*.txt")} | {b"from-stdin"}
    assert {key for key, _ in read_topic(kafka_bootstrap, topic, len(expected))} == expected


def test_a_record_the_broker_refuses_is_reported_as_not_delivered(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    # The topic accepts at most 1000 bytes per record batch; hadath's own limit is higher,
    # so validation passes and the broker's refusal must surface as a delivery failure.
    topic = unique_topic()
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        admin.create_topics([NewTopic(topic, 1, 1, topic_configs={"max.message.bytes": "1000"})])
    finally:
        admin.close()
    path = write_jsonl(
        tmp_path / "in.jsonl", [json.dumps(article("small")), json.dumps(article("large", "نص " * 1000))]
    )

    result = run_produce(kafka_bootstrap, topic, str(path), "--skip-invalid", create=False)

    assert result.returncode == 3, result.stderr
    assert f"not delivered: {path}:2:" in result.stderr
    assert "read 2, sent 1, invalid 0, failed 1" in result.stderr


def test_unreachable_cluster_fails_fast_with_exit_3(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", [json.dumps(article("x"))])
    result = run_produce(
        f"127.0.0.1:{free_port()}", unique_topic(), str(path), env={"HADATH_CONNECT_TIMEOUT_SECONDS": "2"}
    )
    assert result.returncode == 3
    assert "nothing listens at 127.0.0.1:" in result.stderr


def test_progress_bar_only_on_request_when_not_a_terminal(kafka_bootstrap: str, tmp_path: Path) -> None:
    topic = unique_topic()
    path = write_jsonl(tmp_path / "in.jsonl", [json.dumps(article(f"p-{i}")) for i in range(50)])

    quiet = run_produce(kafka_bootstrap, topic, str(path))
    shown = run_produce(kafka_bootstrap, topic, str(path), "--progress")

    assert quiet.returncode == shown.returncode == 0
    assert "records/s" not in quiet.stderr
    assert "50/50" in shown.stderr and "records/s" in shown.stderr


def topic_exists(bootstrap: str, topic: str) -> bool:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        return topic in admin.list_topics()
    finally:
        admin.close()


def test_a_missing_topic_is_an_error_and_is_not_created(kafka_bootstrap: str, tmp_path: Path) -> None:
    # The test broker has auto.create.topics.enable=true, like many clusters: only hadath's
    # own check stands between a misspelt topic name and a new topic nobody reads.
    typo = unique_topic() + "-typo"
    path = write_jsonl(tmp_path / "in.jsonl", [json.dumps(article("a-1"))])

    result = run_produce(kafka_bootstrap, typo, str(path), create=False)

    assert result.returncode == 2, result.stderr
    assert f"hadath produce: topic {typo} does not exist on {kafka_bootstrap}" in result.stderr
    assert "--create-topics" in result.stderr
    assert not topic_exists(kafka_bootstrap, typo)


def test_create_topics_creates_the_articles_topic_with_the_configured_partitions(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    topic = unique_topic()
    path = write_jsonl(tmp_path / "in.jsonl", [json.dumps(article("a-1"))])

    result = run_produce(
        kafka_bootstrap, topic, str(path), "--create-topics", create=False, env={"HADATH_PARTITIONS": "3"}
    )

    assert result.returncode == 0, result.stderr
    consumer = KafkaConsumer(bootstrap_servers=kafka_bootstrap, group_id=None)
    try:
        assert consumer.partitions_for_topic(topic) == {0, 1, 2}
    finally:
        consumer.close()
    assert [key for key, _ in read_topic(kafka_bootstrap, topic, 1)] == [b"a-1"]


def test_the_topic_flag_names_the_topic(kafka_bootstrap: str, tmp_path: Path) -> None:
    from_env, from_flag = unique_topic(), unique_topic()
    path = write_jsonl(tmp_path / "in.jsonl", [json.dumps(article("flagged"))])

    result = run_produce(kafka_bootstrap, from_env, str(path), "--topic", from_flag)

    assert result.returncode == 0, result.stderr
    assert [key for key, _ in read_topic(kafka_bootstrap, from_flag, 1)] == [b"flagged"]
    assert not topic_exists(kafka_bootstrap, from_env)


def test_replay_into_a_missing_topic_is_an_error_and_creates_nothing(kafka_bootstrap: str) -> None:
    articles = unique_topic()
    assert run_produce(kafka_bootstrap, articles, str(ROOT / "seeds")).returncode == 0
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        admin.create_topics([NewTopic(f"{articles}.DLT", 1, 1)])
    finally:
        admin.close()
    typo = articles + "-typo"
    result = subprocess.run(
        [sys.executable, "-m", "hadath.cli", "replay-dlt", "--to", typo],
        capture_output=True,
        text=True,
        env={**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "HADATH_ARTICLES_TOPIC": articles},
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert f"topic {typo} does not exist" in result.stderr
    assert not topic_exists(kafka_bootstrap, typo)
