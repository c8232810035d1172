"""The "hadath events" dashboard for analysts (deploy/grafana/dashboards/hadath-analyst.json).

Every panel is SQL on the event store that `hadath sink` fills (docs/analysts.md): what
happened, between whom, where, and whether it was conflict or cooperation. Each query keeps
to the dashboard's time range and its ``type`` and ``country`` variables through
:data:`FILTER`; ``bucket`` sets the width of the time buckets. Regenerate with
``make dashboards``; deploy/local/analyst_snapshot.py draws the same SQL without Grafana.
"""

from __future__ import annotations

from typing import Any

from builder import (
    Datasource,
    Threshold,
    barchart_panel,
    bargauge_panel,
    finish,
    geomap_panel,
    new_dashboard,
    query_variable,
    row,
    sql_query,
    stat_panel,
    table_panel,
    timeseries_panel,
)
from grafana_foundation_sdk.builders import dashboard as gd
from grafana_foundation_sdk.models import dashboard as model

POSTGRES = Datasource("postgres", "grafana-postgresql-datasource", "PostgreSQL")

# The value of a variable's "All": Grafana inserts a custom all value as is, unformatted.
ALL = "'__all'"
# The time range and the type and country variables, on the events table as ``e``.
FILTER = (
    "$__timeFilter(e.event_time)"
    " AND ('__all' IN (${type:sqlstring}) OR e.type IN (${type:sqlstring}))"
    " AND ('__all' IN (${country:sqlstring}) OR e.countries && ARRAY[${country:sqlstring}]::text[])"
)
BUCKETS = ["1h", "6h", "1d", "7d", "30d"]
EVENTS = "events"  # custom unit


def sql(text: str) -> str:
    """One query as the code editor would keep it: single spaces, FILTER in place."""
    return " ".join(text.replace("{FILTER}", FILTER).split())


def stat_sql(expression: str, alias: str, joins: str = "") -> str:
    return sql(f"SELECT {expression} AS {alias} FROM events e {joins} WHERE {{FILTER}}")


LATEST_EVENTS = sql(
    """
    SELECT e.event_time AS "time", e.type, e.mode,
           coalesce(nullif(array_to_string(e.source_codes, ', '), ''), '-') || ' → ' ||
           coalesce(nullif(array_to_string(e.target_codes, ', '), ''), '-') AS "source → target",
           coalesce(e.place_name, e.place_text, '-') AS place,
           e.goldstein, e.outlet, coalesce(s.article_count, 1) AS "articles in story", e.url AS link
    FROM events e LEFT JOIN stories s ON s.story_id = e.story_id
    WHERE {FILTER}
    ORDER BY e.event_time DESC, e.event_id
    LIMIT 200
    """
)
EVENTS_PER_TYPE = sql(
    """
    SELECT $__timeGroupAlias(e.event_time, $bucket), e.type AS metric, count(*) AS value
    FROM events e WHERE {FILTER} GROUP BY 1, 2 ORDER BY 1, 2
    """
)
CONFLICT_COOPERATION = sql(
    """
    SELECT $__timeGroupAlias(e.event_time, $bucket), t.quad_class AS metric, count(*) AS value
    FROM events e JOIN event_types t ON t.type = e.type
    WHERE {FILTER} GROUP BY 1, 2 ORDER BY 1, 2
    """
)
# Mean Goldstein score of the events each country is involved in, for the selected countries
# (All: the six with the most events in the range).
GOLDSTEIN_PER_COUNTRY = sql(
    """
    WITH involved AS (
        SELECT e.event_time, e.goldstein, c.country
        FROM events e CROSS JOIN LATERAL unnest(e.countries) AS c(country)
        WHERE {FILTER}
          AND ('__all' IN (${country:sqlstring}) OR c.country IN (${country:sqlstring}))
    ), top AS (
        SELECT country FROM involved GROUP BY country ORDER BY count(*) DESC, country LIMIT 6
    )
    SELECT $__timeGroupAlias(i.event_time, $bucket), i.country AS metric, avg(i.goldstein) AS value
    FROM involved i JOIN top USING (country) GROUP BY 1, 2 ORDER BY 1, 2
    """
)
TOP_PAIRS = sql(
    """
    SELECT p.source_code || ' → ' || p.target_code AS pair, count(*) AS events
    FROM event_pairs p JOIN events e ON e.event_id = p.event_id
    WHERE {FILTER} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 15
    """
)
PER_COUNTRY = sql(
    """
    SELECT c.country,
           count(*) FILTER (WHERE t.stance = 'cooperation') AS cooperation,
           count(*) FILTER (WHERE t.stance = 'conflict') AS conflict
    FROM events e JOIN event_types t ON t.type = e.type
    CROSS JOIN LATERAL unnest(e.countries) AS c(country)
    WHERE {FILTER} GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 12
    """
)
PLACES = sql(
    """
    SELECT coalesce(e.place_name, e.place_text) AS place, e.place_latitude AS latitude,
           e.place_longitude AS longitude, count(*) AS events, avg(e.goldstein) AS goldstein
    FROM events e
    WHERE {FILTER} AND e.place_latitude IS NOT NULL
    GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1
    """
)


def build() -> dict[str, Any]:
    variables = [
        query_variable(
            "type",
            "Event type",
            "SELECT type FROM event_types ORDER BY type",
            datasource=POSTGRES,
            all_value=ALL,
            description="hadath event types (spec §3)",
        ),
        query_variable(
            "country",
            "Country",
            "SELECT DISTINCT unnest(countries) FROM events ORDER BY 1",
            datasource=POSTGRES,
            all_value=ALL,
            description="Events involving these countries: as an actor's country or the place's",
        ),
        gd.CustomVariable("bucket")
        .id("bucket")
        .label("Time bucket")
        .description("Width of the time buckets of the panels over time")
        .values(",".join(BUCKETS))
        .current(model.VariableOption(selected=True, text="1d", value="1d")),
    ]
    board = new_dashboard(
        "hadath-analyst",
        "hadath events",
        "What happened, between whom and where: the events hadath extracted, as stored by `hadath sink` "
        "(docs/analysts.md).",
        datasources=[POSTGRES],
        variables=variables,
        tags=["hadath", "events"],
        refresh="1m",
        time_from="now-7d",
    )

    board = board.with_row(row("At a glance"))
    for title, description, query, unit, thresholds in [
        ("Events", "Events in the range, for the selected types and countries.",
         stat_sql("count(*)", "events"), EVENTS, []),
        ("Articles", "Articles these events come from.",
         stat_sql("count(DISTINCT e.article_id)", "articles"), "short", []),
        ("Outlets", "Outlets that published those articles.",
         stat_sql("count(DISTINCT e.outlet)", "outlets"), "short", []),
        ("Stories", "Real-world events: reports of the same event by several articles count once.",
         stat_sql("count(DISTINCT e.story_id)", "stories"), "short", []),
        ("Conflict share", "Share of the events that are conflict (PLOVER quad class verbal or "
         "material conflict) rather than cooperation.",
         stat_sql("avg((t.stance = 'conflict')::int)", "conflict", "JOIN event_types t ON t.type = e.type"),
         "percentunit", [Threshold(None, "green"), Threshold(0.5, "orange"), Threshold(0.75, "red")]),
        ("Mean Goldstein", "Mean Goldstein score (-10 most conflictual .. +10 most cooperative).",
         stat_sql("avg(e.goldstein)", "goldstein"), "none",
         [Threshold(None, "red"), Threshold(-2, "orange"), Threshold(0, "green")]),
    ]:  # fmt: skip
        panel = stat_panel(
            title, description, sql_query(query), unit=unit, thresholds=thresholds, datasource=POSTGRES
        )
        board = board.with_panel(panel)

    board = board.with_row(row("What happened"))
    latest = table_panel(
        "Latest events",
        "Newest first: type, mode (asserted, planned, negated), who acted on whom (actor codes, spec §5), "
        "place, Goldstein score, outlet, how many articles report the same story, and the article.",
        [sql_query(LATEST_EVENTS)],
        datasource=POSTGRES,
        width=24,
        height=10,
    )
    latest = latest.override_by_name(
        "link",
        [model.DynamicConfigValue(id_val="links", value=[
            {"title": "open the article", "url": "${__value.raw}", "targetBlank": True}
        ])],
    )  # fmt: skip
    board = board.with_panel(latest)
    board = board.with_panel(
        timeseries_panel(
            "Events per type",
            "Events per time bucket, by type.",
            [sql_query(EVENTS_PER_TYPE, table_format=False)],
            unit=EVENTS,
            stacked=True,
            datasource=POSTGRES,
        )
    )
    board = board.with_panel(
        timeseries_panel(
            "Conflict and cooperation",
            "Events per time bucket by PLOVER quad class: verbal cooperation (meet, propose, agree), "
            "verbal conflict (accuse, condemn, deny, demand, reject, threaten), material conflict (attack).",
            [sql_query(CONFLICT_COOPERATION, table_format=False)],
            unit=EVENTS,
            stacked=True,
            datasource=POSTGRES,
        )
    )

    board = board.with_row(row("Between whom and where"))
    board = board.with_panel(
        bargauge_panel(
            "Top pairs of actors",
            "Who acted on whom most often: source actor → target actor (actor codes, spec §5).",
            sql_query(TOP_PAIRS),
            unit=EVENTS,
            datasource=POSTGRES,
            width=8,
            height=10,
        )
    )
    board = board.with_panel(
        barchart_panel(
            "Conflict and cooperation per country",
            "Events involving each country (as an actor's country or the place's), by stance.",
            sql_query(PER_COUNTRY),
            x_field="country",
            unit=EVENTS,
            stacked=True,
            datasource=POSTGRES,
            width=8,
            height=10,
        )
    )
    board = board.with_panel(
        timeseries_panel(
            "Goldstein per country",
            "Mean Goldstein score of the events each country is involved in, per time bucket: the six "
            "countries with the most events, or the selected ones. Below 0: conflict dominates.",
            [sql_query(GOLDSTEIN_PER_COUNTRY, table_format=False)],
            unit="none",
            datasource=POSTGRES,
            width=8,
            height=10,
        )
    )
    board = board.with_panel(
        geomap_panel(
            "Where",
            "Event places (gazetteer coordinates): size = events, colour = mean Goldstein score "
            "(red conflict, green cooperation). Events without a known place are left out.",
            sql_query(PLACES),
            size_field="events",
            color_field="goldstein",
            datasource=POSTGRES,
            center=(30.0, 40.0, 3),
            width=24,
            height=12,
        )
    )
    dashboard = finish(board, [POSTGRES])
    for panel in dashboard["panels"]:
        if panel["type"] == "bargauge":  # one bar per row of the table, not one per column
            panel["options"]["reduceOptions"]["values"] = True
    return dashboard
