"""Issue 12 item 5: every panel of the analyst dashboard returns rows on real data.

Articles go through the real pipeline (LocalKafka, `hadath worker`, `hadath sink`, LocalPostgres):
the shared corpus when it is there, else the seeds and synthetic articles over one week (CI).
Then each panel's SQL, as Grafana would expand it, runs against that database: with every
variable at All, and narrowed to one type and one country.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "deploy" / "local"))

from analyst_snapshot import ALL, busiest_week, panel_queries, render, run  # noqa: E402
from event_store_demo import analyst_articles, event_store_stack  # noqa: E402

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

SHARED = Path(os.environ.get("SHARED", REPO_ROOT.parent / "shared"))  # as the Makefile's SHARED
EVERYTHING = (datetime(1990, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


@pytest.fixture(scope="module")
def event_store() -> Iterator[str]:
    articles, origin = analyst_articles(SHARED)
    print(f"\nanalyst dashboard on {origin}")
    with event_store_stack(articles) as conninfo:
        yield conninfo


def test_every_panel_returns_rows_for_all_types_and_countries(event_store: str) -> None:
    queries = panel_queries()
    kinds = {q.panel_type for q in queries}
    assert kinds >= {"stat", "table", "timeseries", "bargauge", "barchart", "geomap"}
    variables = {"type": ALL, "country": ALL, "bucket": "1d"}
    with psycopg.connect(event_store) as conn:
        week = busiest_week(conn)
        for start, end in (EVERYTHING, week):
            for query in queries:
                columns, rows = run(conn, query, start, end, variables)
                assert rows, f"{query.title}: no rows between {start} and {end}"
                if query.panel_type == "stat":
                    assert rows[0][0] is not None, query.title
                if query.time_series:
                    assert columns == ["time", "metric", "value"], query.title
        events, stories, orphans = conn.execute(
            "SELECT count(*), count(DISTINCT e.story_id), "
            "       count(*) FILTER (WHERE e.story_id IS NOT NULL AND s.story_id IS NULL) "
            "FROM events e LEFT JOIN stories s ON s.story_id = e.story_id"
        ).fetchone()  # type: ignore[misc]
    assert events > 50
    assert 0 < stories <= events  # the worker groups stories, the sink stores every rollup
    assert orphans == 0, "events whose story has no row in stories"


def test_the_type_and_country_variables_narrow_every_panel(event_store: str) -> None:
    with psycopg.connect(event_store) as conn:
        country, type_ = conn.execute(
            "SELECT c, e.type FROM events e, unnest(e.countries) c "
            "GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 1"
        ).fetchone()  # type: ignore[misc]
        narrow = {"type": [type_], "country": [country], "bucket": "7d"}
        wide = {"type": ALL, "country": ALL, "bucket": "7d"}
        for query in panel_queries():
            _, narrowed = run(conn, query, *EVERYTHING, narrow)
            _, everything = run(conn, query, *EVERYTHING, wide)
            assert narrowed, f"{query.title}: no rows for {type_} events involving {country}"
            if query.title == "Latest events":
                assert {r[1] for r in narrowed} == {type_}
                assert len(narrowed) <= len(everything)
            if query.title == "Events":
                assert 0 < narrowed[0][0] < everything[0][0]


def test_the_snapshot_draws_every_panel_from_the_same_sql(event_store: str, tmp_path: Path) -> None:
    out = tmp_path / "analyst.png"
    rows = render(event_store, out)
    assert out.stat().st_size > 50_000
    assert set(rows) == {q.title for q in panel_queries()}
    assert all(rows.values()), rows
