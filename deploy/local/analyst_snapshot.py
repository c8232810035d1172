"""Render the analyst dashboard's panels to one PNG from the event store, without Grafana.

    python deploy/local/analyst_snapshot.py --postgres "host=... dbname=hadath ..." --out analyst.png
    python deploy/local/analyst_snapshot.py --demo --out analyst.png   # part of `make dashboard-snapshot`

The panels and their SQL come from deploy/grafana/dashboards/hadath-analyst.json itself. Each
query is expanded as Grafana does it: dashboard variables first (``type`` and ``country`` All,
``bucket`` = ``--bucket``), then the PostgreSQL datasource macros ``$__timeFilter`` and
``$__timeGroupAlias``; so the picture shows what the Grafana dashboard shows. The time range
is the busiest week of the data unless ``--from``/``--to`` say otherwise. ``--demo`` first puts
the shared corpus (or, without it, seeds and synthetic articles) through a throwaway pipeline
(deploy/local/event_store_demo.py).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = REPO_ROOT / "deploy" / "grafana" / "dashboards" / "hadath-analyst.json"
sys.path.insert(0, str(Path(__file__).resolve().parent))

ALL = "__all"  # a multi-value variable set to All
_VARIABLE = re.compile(r"\$\{(\w+)(?::(\w+))?\}|\$(?!__)(\w+)")
_MACRO = re.compile(r"\$__(\w+)\(([^()]*)\)")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@dataclass(frozen=True)
class PanelQuery:
    title: str
    panel_type: str
    sql: str
    time_series: bool  # Grafana format "time_series" (time, metric, value) rather than "table"
    unit: str


def panel_queries(path: Path = DASHBOARD) -> list[PanelQuery]:
    """Every panel's SQL, in layout order."""
    dashboard = json.loads(Path(path).read_text(encoding="utf-8"))
    out = []
    for panel in dashboard["panels"]:
        unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit", "short")
        for target in panel.get("targets", []):
            out.append(
                PanelQuery(
                    panel["title"], panel["type"], target["rawSql"], target["format"] == "time_series", unit
                )
            )
    return out


def seconds(interval: str) -> int:
    """A Grafana interval ("1d", "6h", "30m") in seconds."""
    match = re.fullmatch(r"'?(\d+)([smhdw])'?", interval.strip())
    if not match:
        raise ValueError(f"not an interval: {interval!r}")
    return int(match.group(1)) * _UNITS[match.group(2)]


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def expand(sql: str, start: datetime, end: datetime, variables: dict[str, str | list[str]]) -> str:
    """``sql`` as Grafana's PostgreSQL datasource runs it: variables, then macros.

    A multi-value variable is a list (``sqlstring``: ``'a','b'``) or :data:`ALL` (the
    dashboard's custom all value ``'__all'``, inserted unformatted as Grafana does).
    """

    def variable(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        if name not in variables:
            raise KeyError(f"dashboard variable ${name} has no value")
        value = variables[name]
        if value == ALL:
            return _sql_string(ALL)
        if isinstance(value, list):
            return ",".join(_sql_string(v) for v in value)
        return _sql_string(value) if match.group(2) == "sqlstring" else value

    def macro(match: re.Match[str]) -> str:
        name, args = match.group(1), [a.strip() for a in match.group(2).split(",")]
        if name == "timeFilter":
            return f"{args[0]} BETWEEN '{start:%Y-%m-%dT%H:%M:%SZ}' AND '{end:%Y-%m-%dT%H:%M:%SZ}'"
        if name == "timeGroupAlias":
            width = seconds(args[1])
            return f'floor(extract(epoch from {args[0]})/{width})*{width} AS "time"'
        raise ValueError(f"macro $__{name} is not supported here")

    return _MACRO.sub(macro, _VARIABLE.sub(variable, sql))


def run(conn: Any, query: PanelQuery, start: datetime, end: datetime, variables: dict) -> tuple[list, list]:
    """(column names, rows) of one panel query."""
    cursor = conn.execute(expand(query.sql, start, end, variables))  # type: ignore[arg-type]
    return [c.name for c in cursor.description], cursor.fetchall()


def busiest_week(conn: Any) -> tuple[datetime, datetime]:
    """The 7 days with the most events: from 00:00 UTC of the first to 23:59:59 of the last
    (Grafana's time range is inclusive at both ends)."""
    days = conn.execute(
        "SELECT date_trunc('day', event_time AT TIME ZONE 'UTC') AS day, count(*) FROM events "
        "WHERE event_time IS NOT NULL GROUP BY 1 ORDER BY 1"
    ).fetchall()
    if not days:
        now = datetime.now(UTC)
        return now - timedelta(days=7), now
    counts = {day.replace(tzinfo=UTC): n for day, n in days}
    best = max(counts, key=lambda d: (sum(counts.get(d + timedelta(days=i), 0) for i in range(7)), d))
    return best, best + timedelta(days=7, seconds=-1)


def _series(columns: list[str], rows: list) -> dict[str, tuple[list[datetime], list[float]]]:
    """Grafana's long time-series frame (time, metric, value) -> one line per metric."""
    lines: dict[str, tuple[list[datetime], list[float]]] = defaultdict(lambda: ([], []))
    for when, metric, value in rows:
        xs, ys = lines[str(metric)]
        xs.append(datetime.fromtimestamp(float(when), UTC))
        ys.append(float(value))
    return dict(lines)


def _weighted_range(values: list[float], weights: list[int], share: float = 0.05) -> tuple[float, float]:
    """The values between the ``share`` and ``1 - share`` weighted quantiles."""
    ordered = sorted(zip(values, weights, strict=True))
    total = sum(weights)
    low = high = ordered[0][0]
    seen = 0
    for value, weight in ordered:
        if seen <= share * total:
            low = value
        seen += weight
        if seen - weight < (1 - share) * total:
            high = value
    return low, high


def _stat(value: Any, unit: str) -> str:
    if value is None:
        return "0"
    if unit == "percentunit":
        return f"{float(value) * 100:.0f} %"
    if isinstance(value, float) or unit == "none":
        return f"{float(value):+.2f}" if unit == "none" else f"{float(value):.3g}"
    return f"{value:,}"


def render(
    conninfo: str,
    out: Path,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    bucket: str = "1d",
    dashboard: Path = DASHBOARD,
) -> dict[str, int]:
    """Draw every panel to ``out``; returns {panel title: rows its SQL returned}."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    import psycopg

    variables: dict[str, str | list[str]] = {"type": ALL, "country": ALL, "bucket": bucket}
    results: dict[str, tuple[PanelQuery, list[str], list]] = {}
    with psycopg.connect(conninfo) as conn:
        if start is None or end is None:
            start, end = busiest_week(conn)
        for query in panel_queries(dashboard):
            columns, rows = run(conn, query, start, end, variables)
            results[query.title] = (query, columns, rows)

    stats = [(t, _stat(rows[0][0] if rows else None, q.unit)) for t, (q, _, rows) in results.items()
             if q.panel_type == "stat"]  # fmt: skip
    fig = plt.figure(figsize=(22, 25))
    grid = fig.add_gridspec(4, 3, height_ratios=[1.1, 1, 1, 1.35], hspace=0.35, wspace=0.22, top=0.955)
    fig.suptitle(
        f"hadath events  |  {start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} UTC  |  "
        f"all types, all countries, {bucket} buckets",
        fontsize=16,
        y=0.995,
    )
    fig.text(0.5, 0.975, "     ".join(f"{t}: {v}" for t, v in stats), ha="center", fontsize=13,
             family="monospace")  # fmt: skip

    def table(ax: Any, title: str) -> None:
        _, columns, rows = results[title]
        ax.axis("off")
        ax.set_title(f"{title} (newest {min(len(rows), 14)} of {len(rows)})", fontsize=12, loc="left")
        shown = [c for c in columns if c != "link"]
        cells = []
        for r in rows[:14]:
            values = dict(zip(columns, r, strict=True))
            cells.append([
                f"{values['time']:%Y-%m-%d %H:%M}" if c == "time" else
                f"{values[c]:+.1f}" if c == "goldstein" else
                textwrap.shorten(str(values[c] if values[c] is not None else "-"), 38)
                for c in shown
            ])  # fmt: skip
        if cells:
            tab = ax.table(cellText=cells, colLabels=shown, cellLoc="left", bbox=(0, 0, 1, 0.97))
            tab.auto_set_font_size(False)
            tab.set_fontsize(10)
            tab.auto_set_column_width(list(range(len(shown))))

    def over_time(ax: Any, title: str, ylabel: str, stacked: bool) -> None:
        _, columns, rows = results[title]
        lines = _series(columns, rows)
        if stacked and lines:
            times = sorted({x for xs, _ in lines.values() for x in xs})
            bottom = [0.0] * len(times)
            width = seconds(bucket) / 86400 * 0.9
            for label, (xs, ys) in sorted(lines.items()):
                by_time = dict(zip(xs, ys, strict=True))
                heights = [by_time.get(t, 0.0) for t in times]
                ax.bar(times, heights, width=width, bottom=bottom, label=label, align="edge")
                bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
            ax.set_ylim(0, max(bottom) * 1.3)  # room for the legend above the highest bar
        else:
            for label, (xs, ys) in sorted(lines.items()):
                ax.plot(xs, ys, marker="o", linewidth=1.5, label=label)
            ax.axhline(0, color="grey", linewidth=0.8)
        ax.set_xlim(start, end)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%a %d %b"))
        ax.tick_params(axis="x", labelrotation=30, labelsize=9)
        ax.set_title(title, fontsize=12, loc="left")
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        if lines:
            ax.legend(fontsize=8, ncol=2, loc="upper left")

    def pairs(ax: Any, title: str) -> None:
        _, _, rows = results[title]
        rows = list(reversed(rows))
        ax.barh([r[0] for r in rows], [r[1] for r in rows], color="#3274d9")
        ax.set_title(title, fontsize=12, loc="left")
        ax.set_xlabel("events")
        ax.tick_params(axis="y", labelsize=9)

    def per_country(ax: Any, title: str) -> None:
        _, _, rows = results[title]
        countries = [r[0] for r in rows]
        ax.bar(countries, [r[1] for r in rows], color="#56a64b", label="cooperation")
        cooperation = [r[1] for r in rows]
        ax.bar(countries, [r[2] for r in rows], bottom=cooperation, color="#e02f44", label="conflict")
        ax.set_title(title, fontsize=12, loc="left")
        ax.set_ylabel("events")
        ax.tick_params(axis="x", labelrotation=45, labelsize=9)
        ax.legend(fontsize=9)

    def places(ax: Any, title: str) -> None:
        _, _, rows = results[title]
        ax.set_title(f"{title} (size: events, colour: mean Goldstein)", fontsize=12, loc="left")
        if rows:
            lon = [float(r[2]) for r in rows]
            lat = [float(r[1]) for r in rows]
            sizes = [30 + 25 * float(r[3]) for r in rows]
            colours = [float(r[4]) for r in rows]
            points = ax.scatter(lon, lat, s=sizes, c=colours, cmap="RdYlGn", vmin=-10, vmax=10, alpha=0.7,
                                edgecolors="black", linewidths=0.4)  # fmt: skip
            fig.colorbar(points, ax=ax, label="mean Goldstein", shrink=0.8)
            # Frame where most events are (by events, 5th..95th percentile); name the rest.
            west, east = _weighted_range(lon, [r[3] for r in rows])
            south, north = _weighted_range(lat, [r[3] for r in rows])
            ax.set_xlim(west - 6, east + 6)
            ax.set_ylim(south - 4, north + 4)
            ax.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
            inside = [r for r in rows if west - 6 <= r[2] <= east + 6 and south - 4 <= r[1] <= north + 4]
            for r in inside[:12]:
                ax.annotate(f"{r[0]} ({r[3]})", (float(r[2]), float(r[1])), fontsize=9,
                            xytext=(5, 5), textcoords="offset points")  # fmt: skip
            outside = [f"{r[0]} ({r[3]})" for r in rows if r not in inside]
            if outside:
                ax.text(0.01, 0.01, "outside the frame: " + ", ".join(outside[:8]), transform=ax.transAxes,
                        fontsize=9, color="dimgrey")  # fmt: skip
        ax.set_xlabel("longitude °E")
        ax.set_ylabel("latitude °N")
        ax.grid(alpha=0.3)

    table(fig.add_subplot(grid[0, :]), "Latest events")
    over_time(fig.add_subplot(grid[1, :2]), "Events per type", "events", stacked=True)
    over_time(fig.add_subplot(grid[1, 2]), "Conflict and cooperation", "events", stacked=True)
    pairs(fig.add_subplot(grid[2, 0]), "Top pairs of actors")
    per_country(fig.add_subplot(grid[2, 1]), "Conflict and cooperation per country")
    over_time(fig.add_subplot(grid[2, 2]), "Goldstein per country", "mean Goldstein", stacked=False)
    places(fig.add_subplot(grid[3, :]), "Where")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=70, bbox_inches="tight")
    plt.close(fig)
    return {title: len(rows) for title, (_, _, rows) in results.items()}


def _day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--postgres", help="libpq connection string of the event store (with its password)")
    source.add_argument("--demo", action="store_true", help="run a throwaway pipeline first")
    parser.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared", help="--demo: corpus")
    parser.add_argument("--out", default="analyst-dashboard.png", type=Path)
    parser.add_argument("--from", dest="start", type=_day, help="YYYY-MM-DD (default: the busiest week)")
    parser.add_argument("--to", dest="end", type=_day, help="YYYY-MM-DD, exclusive")
    parser.add_argument("--bucket", default="1d", help="time bucket of the panels over time")
    args = parser.parse_args(argv)
    if args.demo:
        from event_store_demo import analyst_articles, event_store_stack

        articles, origin = analyst_articles(args.shared)
        print(f"demo: {origin}", flush=True)
        with event_store_stack(articles) as conninfo:
            rows = render(conninfo, args.out, start=args.start, end=args.end, bucket=args.bucket)
    else:
        rows = render(args.postgres, args.out, start=args.start, end=args.end, bucket=args.bucket)
    empty = [title for title, n in rows.items() if not n]
    print(f"wrote {args.out}: {len(rows)} panels" + (f" (no rows: {', '.join(empty)})" if empty else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
