"""Articles through the real pipeline into a real event store, for the analyst dashboard.

:func:`event_store_stack` runs a throwaway LocalKafka broker, a LocalPostgres server, one
`hadath worker` and one `hadath sink`, produces the given articles and waits until every event
is a row; it yields the database connection string. :func:`analyst_articles` picks the
articles: the shared corpus when it is there (``$SHARED/corpus/articles.jsonl``), else the
repository's seeds and synthetic articles spread over one week (CI has no corpus).
Used by ``make dashboard-snapshot`` (deploy/local/analyst_snapshot.py) and by
tests/integration/test_analyst_dashboard.py.
"""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
for _path in (HERE, REPO_ROOT / "tests", REPO_ROOT / "tests" / "integration"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))


def analyst_articles(shared: Path, synthetic: int = 300) -> tuple[list[dict[str, Any]], str]:
    """(articles, where they come from)."""
    corpus = shared / "corpus" / "articles.jsonl"
    if corpus.exists():
        articles = []
        for line in corpus.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                record.pop("provenance", None)
                articles.append(record)
        return articles, f"{corpus} ({len(articles)} articles)"
    from monitoring_demo import seed_articles, synthetic_articles

    start = datetime(2016, 9, 5, 6, tzinfo=UTC)
    spread = []
    for n, article in enumerate(synthetic_articles(synthetic, seed=12)):
        # One week of wire copy from three outlets, so the panels over time have a shape.
        published = start + timedelta(minutes=n * 7 * 24 * 60 // synthetic)
        outlet = ("وكالة الأنباء أ", "وكالة الأنباء ب", "وكالة الأنباء ج")[n % 3]
        spread.append({**article, "published_at": published.isoformat(), "source": outlet})
    articles = [*seed_articles(), *spread]
    return articles, f"seeds/ + {synthetic} synthetic articles over one week (no corpus at {corpus})"


@contextlib.contextmanager
def event_store_stack(articles: list[dict[str, Any]], timeout: float = 600.0) -> Iterator[str]:
    """Kafka + PostgreSQL + worker + sink; yields the libpq connection string once every
    article is processed and every event is stored."""
    from kafka_broker import LocalKafka
    from postgres_server import LocalPostgres
    from sink_process import SinkProcess, stories_topic, wait_caught_up
    from worker_process import TopicNames, WorkerProcess, committed_lag, produce_raw

    from hadath.kafka_admin import ensure_topics
    from hadath.settings import Settings

    names = TopicNames.unique("analyst")
    records = [(a["id"].encode(), json.dumps(a, ensure_ascii=False).encode()) for a in articles]
    with (
        tempfile.TemporaryDirectory(prefix="hadath-analyst-") as tmp,
        LocalKafka() as kafka,
        LocalPostgres() as postgres,
    ):
        database = postgres.create_database("hadath")
        env = {
            "HADATH_POSTGRES_DSN": postgres.dsn_for(database),
            "HADATH_POSTGRES_PASSWORD": postgres.password,
        }
        # Story grouping on (docs/stories.md), its rollups where this sink reads them.
        stories = {"HADATH_STORIES": "true", "HADATH_STORIES_TOPIC": stories_topic(names)}
        worker = WorkerProcess(
            kafka.bootstrap, names, Path(tmp) / "worker.log", {"HADATH_METRICS_PORT": "0", **stories}
        )
        sink = SinkProcess(kafka.bootstrap, names, Path(tmp) / "sink.log", env)
        # Topics first: a group whose topic appears after it joined waits for a metadata refresh.
        settings = Settings(
            bootstrap_servers=kafka.bootstrap,
            app_id=names.app_id,
            articles_topic=names.articles,
            events_topic=names.events,
            dead_letter_topic=names.dlt,
            stories_topic=stories_topic(names),
            stories=True,
        )
        ensure_topics(settings)
        with worker, sink:
            worker.wait_ready()
            sink.wait_ready()
            produce_raw(kafka.bootstrap, names.articles, records)
            deadline = time.monotonic() + timeout
            # Articles, then the story-grouping input: only then is every event on the events topic.
            for topic in (names.articles, settings.story_input_topic):
                while committed_lag(kafka.bootstrap, names.app_id, topic) > 0:
                    if not worker.alive or time.monotonic() > deadline:
                        raise RuntimeError(f"the worker did not process {topic}:\n{worker.log_tail()}")
                    time.sleep(0.5)
            for topic in (names.events, stories_topic(names)):
                wait_caught_up(kafka.bootstrap, names, sink, timeout=timeout, topic=topic)
            print(f"event store: {len(records)} articles through worker and sink", flush=True)
            yield postgres.conninfo(database)
