"""Issue 12 item 4: `hadath sink` on the real broker and a real PostgreSQL server.

At-least-once upstream (the same event record delivered twice) becomes exactly one row per
event_id; records that are not Events become dead-letter rows; the schema comes from the
numbered migrations, applied once.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from conftest import PostgresDatabase
from kafka_broker import free_port
from postgres_server import LocalPostgres
from sink_process import (
    SinkProcess,
    decoded,
    event_records,
    row_count,
    sink_group,
    stored_ids,
    stories_topic,
    wait_caught_up,
)
from worker_process import TopicNames, committed_lag, produce_raw

from hadath import stories
from hadath.store import migrations
from hadath_schemas import Event, Story

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


def test_migrations_apply_once_in_order_and_refuse_an_edited_file(postgres_db: PostgresDatabase) -> None:
    shipped = migrations.available()
    assert [m.version for m in shipped] == sorted({m.version for m in shipped})
    with psycopg.connect(postgres_db.conninfo) as conn:
        assert migrations.migrate(conn) == shipped
        assert migrations.migrate(conn) == []  # the second run applies nothing
        assert migrations.applied(conn) == [m.version for m in shipped]
        edited = [migrations.Migration(shipped[0].version, shipped[0].name, shipped[0].sql + "\n-- edit")]
        with pytest.raises(migrations.MigrationError, match="changed after it was applied"):
            migrations.migrate(conn, edited)


def test_duplicates_become_one_row_and_bad_records_dead_letters(
    kafka_bootstrap: str, postgres_db: PostgresDatabase, tmp_path: Path
) -> None:
    names = TopicNames.unique("sink")
    records = event_records(40, "sink")
    duplicates = records[::3]  # redelivered, as after a worker crash
    with_nul = json.loads(records[0][1]) | {"event_id": "nul", "outlet": "a\x00b"}  # no NUL in PG text
    bad = [
        (b"bad-1", b"{not json"),
        (b"bad-2", json.dumps({"event_id": "x"}).encode()),
        (b"bad-3", None),
        (b"bad-4", json.dumps(with_nul).encode()),
    ]
    produce_raw(kafka_bootstrap, names.events, records + bad + duplicates)

    with SinkProcess(kafka_bootstrap, names, tmp_path / "sink.log", postgres_db.env()) as sink:
        sink.wait_ready()
        wait_caught_up(kafka_bootstrap, names, sink)
        assert sink.terminate() == 0, sink.log_tail()

    expected = decoded(records)
    with psycopg.connect(postgres_db.conninfo) as conn:
        rows = dict(conn.execute("SELECT event_id, record FROM events").fetchall())
        dead = conn.execute("SELECT key, reason FROM dead_letters ORDER BY key").fetchall()
        types = {r[0] for r in conn.execute("SELECT type FROM event_types")}
    assert len(records) > 40  # several events per article: a real stream
    assert rows == expected  # every event once, stored exactly as it was on the topic
    assert [(bytes(k), reason) for k, reason in dead] == [
        (b"bad-1", "not_json"),
        (b"bad-2", "schema_invalid"),
        (b"bad-3", "null_value"),
        (b"bad-4", "not_storable"),
    ]
    assert {e["type"] for e in expected.values()} <= types
    assert committed_lag(kafka_bootstrap, sink_group(names), names.events) == 0


def test_sigkill_ten_times_loses_nothing_and_doubles_nothing(
    kafka_bootstrap: str, postgres_db: PostgresDatabase, tmp_path: Path
) -> None:
    names = TopicNames.unique("sinkkill")
    records = event_records(2000, "sinkkill")
    # At least once upstream: a tenth of the events arrive a second time, later in the stream.
    stream = records + records[::10]
    random.Random(12).shuffle(stream)
    # Eleven slices: one sent before each kill, the last after the last kill, so every kill
    # falls inside the stream.
    slices = [stream[i::11] for i in range(11)]
    sink = SinkProcess(kafka_bootstrap, names, tmp_path / "sink.log", postgres_db.env()).start()
    rng = random.Random(2026)
    rows_at_kill = []
    try:
        sink.wait_ready()
        for part in slices[:10]:
            produce_raw(kafka_bootstrap, names.events, part)
            time.sleep(rng.uniform(0.2, 1.5))
            rows_at_kill.append(row_count(postgres_db.conninfo))
            sink.kill()  # SIGKILL: mid-transaction or between the DB commit and the offset commit
            sink.start()
            sink.wait_ready()
        produce_raw(kafka_bootstrap, names.events, slices[10])
        wait_caught_up(kafka_bootstrap, names, sink)
        assert sink.terminate() == 0, sink.log_tail()
    finally:
        sink.kill()

    on_topic = decoded(records)
    with psycopg.connect(postgres_db.conninfo) as conn:
        rows = conn.execute("SELECT event_id, record FROM events").fetchall()
    stored = dict(rows)
    print(
        f"\n{len(records)} events of 2000 articles, {len(stream)} records with redeliveries; "
        f"10 SIGKILLs at {rows_at_kill} rows; {len(rows)} rows"
    )
    assert len(rows) == len(stored) == len(on_topic)  # none doubled
    assert stored == on_topic  # none lost, none changed
    # The sink was working when it was killed, and the stream was not over.
    assert all(n < len(on_topic) for n in rows_at_kill), rows_at_kill
    assert sum(n > 0 for n in rows_at_kill) >= 9, rows_at_kill


def test_offsets_wait_for_the_database(kafka_bootstrap: str, tmp_path: Path) -> None:
    """PostgreSQL down: the sink retries the batch and commits no offset until the rows are in."""
    names = TopicNames.unique("sinkdb")
    records = event_records(100, "sinkdb")
    with LocalPostgres() as server:
        database = PostgresDatabase(server, server.create_database())
        with SinkProcess(kafka_bootstrap, names, tmp_path / "sink.log", database.env()) as sink:
            sink.wait_ready()
            server.stop()
            produce_raw(kafka_bootstrap, names.events, records)
            time.sleep(8)  # several retries while the database is away
            assert sink.alive, sink.log_tail()
            assert "PostgreSQL unavailable" in sink.log_since_start()
            assert committed_lag(kafka_bootstrap, sink_group(names), names.events) == len(records)
            server.start()
            wait_caught_up(kafka_bootstrap, names, sink)
            assert sink.terminate() == 0, sink.log_tail()
        assert stored_ids(database.conninfo) and sorted(stored_ids(database.conninfo)) == sorted(
            decoded(records)
        )


def test_stories_keep_the_latest_rollup_and_a_tombstone_deletes(
    kafka_bootstrap: str, postgres_db: PostgresDatabase, tmp_path: Path
) -> None:
    names = TopicNames.unique("sinkstory")
    records = event_records(60, "sinkstory")
    events = [Event.model_validate_json(value) for _, value in records]
    # The rollups the worker publishes: one record per change of a story, keyed by story_id.
    current: dict[str, Story] = {}
    rollups = []
    for event in events:
        pool = [s for s in current.values() if s.type == event.type]
        decision = stories.assign(pool, stories.StoryEvent.of(event))
        current[decision.story.story_id] = decision.story
        rollups.append((decision.story.story_id.encode(), decision.story.model_dump_json().encode()))
    gone = next(iter(current))
    produce_raw(kafka_bootstrap, stories_topic(names), [*rollups, (gone.encode(), None)])
    produce_raw(kafka_bootstrap, names.events, records)

    with SinkProcess(kafka_bootstrap, names, tmp_path / "sink.log", postgres_db.env()) as sink:
        sink.wait_ready()
        wait_caught_up(kafka_bootstrap, names, sink, topic=stories_topic(names))
        wait_caught_up(kafka_bootstrap, names, sink)
        assert sink.terminate() == 0, sink.log_tail()

    with psycopg.connect(postgres_db.conninfo) as conn:
        rows = dict(conn.execute("SELECT story_id, record FROM stories").fetchall())
        counts = dict(conn.execute("SELECT story_id, article_count FROM stories").fetchall())
    expected = {sid: json.loads(s.model_dump_json()) for sid, s in current.items() if sid != gone}
    assert len(rollups) > len(current) > len(expected)  # stories grew, and one is deleted
    assert rows == expected
    assert counts == {sid: s.article_count for sid, s in current.items() if sid != gone}


def test_a_stories_topic_created_after_the_sink_started_is_read(
    kafka_bootstrap: str, postgres_db: PostgresDatabase, tmp_path: Path
) -> None:
    names = TopicNames.unique("sinklate")
    records = event_records(5, "sinklate")
    produce_raw(kafka_bootstrap, names.events, records)  # the events topic exists, the stories one not yet
    with SinkProcess(kafka_bootstrap, names, tmp_path / "sink.log", postgres_db.env()) as sink:
        sink.wait_ready()
        event = Event.model_validate_json(records[0][1])
        story = stories.new_story(stories.StoryEvent.of(event))
        produce_raw(
            kafka_bootstrap,
            stories_topic(names),
            [(story.story_id.encode(), story.model_dump_json().encode())],
        )
        deadline = time.monotonic() + 90  # the sink refreshes its metadata every 30 s
        while row_count(postgres_db.conninfo, "stories") == 0:
            assert time.monotonic() < deadline, sink.log_tail()
            time.sleep(0.5)
        assert sink.terminate() == 0, sink.log_tail()


def test_an_unreachable_cluster_is_one_clear_line(postgres_db: PostgresDatabase) -> None:
    env = {**os.environ, **postgres_db.env(), "HADATH_CONNECT_TIMEOUT_SECONDS": "3"}
    port = free_port()  # nothing listens there
    result = subprocess.run(
        [sys.executable, "-m", "hadath.cli", "sink", "--bootstrap-server", f"127.0.0.1:{port}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 3, result.stderr
    assert "hadath sink: cannot use the Kafka cluster: nothing listens at" in result.stderr


def test_two_sinks_in_one_group_share_the_partitions_and_store_each_event_once(
    kafka_bootstrap: str, postgres_db: PostgresDatabase, tmp_path: Path
) -> None:
    names = TopicNames.unique("sinkpair")
    records = event_records(300, "sinkpair")
    first = SinkProcess(kafka_bootstrap, names, tmp_path / "sink-1.log", postgres_db.env()).start()
    second = SinkProcess(kafka_bootstrap, names, tmp_path / "sink-2.log", postgres_db.env())
    try:
        first.wait_ready()
        produce_raw(kafka_bootstrap, names.events, records[: len(records) // 2])
        second.start()
        first.wait_ready(count=2)  # the group rebalanced: each sink holds some partitions
        second.wait_ready()
        produce_raw(kafka_bootstrap, names.events, records + records[::4])  # with redeliveries
        wait_caught_up(kafka_bootstrap, names, first)
        assert first.terminate() == 0 and second.terminate() == 0
    finally:
        first.kill()
        second.kill()
    assert f"('{names.events}', " in second.log_text()  # the second sink was given events partitions
    assert sorted(stored_ids(postgres_db.conninfo)) == sorted(decoded(records))
