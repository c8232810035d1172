"""The analyst dashboard's SQL as Grafana expands it (deploy/local/analyst_snapshot.py), and the
variables every panel honours. The SQL itself runs on real data in
tests/integration/test_analyst_dashboard.py."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy" / "local"))

from analyst_snapshot import ALL, DASHBOARD, _weighted_range, expand, panel_queries, seconds  # noqa: E402

START = datetime(2018, 4, 1, tzinfo=UTC)
END = datetime(2018, 4, 7, 23, 59, 59, tzinfo=UTC)


def test_variables_then_macros_as_grafana_expands_them() -> None:
    sql = (
        "SELECT $__timeGroupAlias(e.event_time, $bucket), count(*) FROM events e "
        "WHERE $__timeFilter(e.event_time) "
        "AND ('__all' IN (${type:sqlstring}) OR e.type IN (${type:sqlstring}))"
    )
    narrowed = expand(sql, START, END, {"type": ["MEET", "O'BRIEN"], "bucket": "6h"})
    assert narrowed == (
        'SELECT floor(extract(epoch from e.event_time)/21600)*21600 AS "time", count(*) FROM events e '
        "WHERE e.event_time BETWEEN '2018-04-01T00:00:00Z' AND '2018-04-07T23:59:59Z' "
        "AND ('__all' IN ('MEET','O''BRIEN') OR e.type IN ('MEET','O''BRIEN'))"
    )
    everything = expand(sql, START, END, {"type": ALL, "bucket": "1d"})
    assert "('__all' IN ('__all') OR e.type IN ('__all'))" in everything


def test_unknown_variables_and_macros_are_errors() -> None:
    with pytest.raises(KeyError, match="country"):
        expand("SELECT ${country:sqlstring}", START, END, {})
    with pytest.raises(ValueError, match="timeEpoch"):
        expand("SELECT $__timeEpoch(t)", START, END, {})
    assert [seconds(s) for s in ("1h", "1d", "'7d'", "30m")] == [3600, 86400, 604800, 1800]


def test_every_panel_keeps_to_the_time_range_and_the_type_and_country_variables() -> None:
    queries = panel_queries()
    assert len(queries) >= 12
    for query in queries:
        assert "$__timeFilter(e.event_time)" in query.sql, query.title
        assert "${type:sqlstring}" in query.sql and "${country:sqlstring}" in query.sql, query.title
        expanded = expand(query.sql, START, END, {"type": ALL, "country": ALL, "bucket": "1d"})
        assert "$" not in expanded, query.title
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["postgres"]["query"] == "grafana-postgresql-datasource"
    assert variables["type"]["allValue"] == variables["country"]["allValue"] == "'__all'"
    assert variables["bucket"]["current"]["value"] == "1d"
    titles = " ".join(q.title.lower() for q in queries)
    for wanted in ("latest events", "events per type", "top pairs", "conflict and cooperation", "where"):
        assert wanted in titles


def test_the_map_frames_where_most_events_are() -> None:
    # 90 events around 35..45 °E, one outlier far west: the frame leaves the outlier out
    lon = [35.0, 40.0, 45.0, -95.0]
    assert _weighted_range(lon, [30, 30, 30, 1]) == (35.0, 45.0)
    assert _weighted_range([10.0], [3]) == (10.0, 10.0)
