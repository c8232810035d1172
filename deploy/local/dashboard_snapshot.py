"""Render hadath's dashboard panels to one PNG from Prometheus data, without Grafana.

    python deploy/local/dashboard_snapshot.py --prometheus http://127.0.0.1:9090 --out dashboard.png
    python deploy/local/dashboard_snapshot.py --demo --out dashboard.png     # `make dashboard-snapshot`

The panels and their PromQL come from deploy/grafana/dashboards/hadath.json itself, with the
dashboard variables substituted as Grafana would (``$job`` = ``--job``, default ``hadath``;
``$namespace`` = All, ``.*``), so the picture shows what the Grafana dashboard shows: time
series panels through ``/api/v1/query_range``, the actor-country bar gauge and the stat row
through ``/api/v1/query``.
``--demo`` first brings up a throwaway pipeline (broker, worker, Prometheus), feeds it the
seed article and synthetic ones (deploy/local/monitoring_demo.py), then renders it.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = REPO_ROOT / "deploy" / "grafana" / "dashboards" / "hadath.json"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from local_prometheus import api_get  # noqa: E402

PLOTTED = ("timeseries", "bargauge")
# Values of the dashboard's query variables (its datasource variable is the Prometheus queried).
DEFAULT_VARIABLES = {"job": "hadath", "namespace": ".*"}
VARIABLE = re.compile(r"\$\{(\w+)\}|\$(\w+)")


@dataclass(frozen=True)
class Query:
    panel: str
    panel_type: str
    expr: str
    legend: str
    instant: bool
    unit: str


def substitute(expr: str, variables: dict[str, str]) -> str:
    """``expr`` with ``$name`` / ``${name}`` replaced; a variable without a value is an error."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        if name not in variables:
            raise KeyError(f"dashboard variable ${name} has no value (in {expr})")
        return variables[name]

    return VARIABLE.sub(value, expr)


def dashboard_queries(path: Path = DASHBOARD, variables: dict[str, str] | None = None) -> list[Query]:
    """Every PromQL expression of the dashboard, with its panel, variables substituted."""
    variables = {**DEFAULT_VARIABLES, **(variables or {})}
    dashboard = json.loads(Path(path).read_text(encoding="utf-8"))
    out = []
    for panel in dashboard["panels"]:
        unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit", "short")
        for target in panel.get("targets", []):
            out.append(
                Query(
                    panel["title"],
                    panel["type"],
                    substitute(target["expr"], variables),
                    target.get("legendFormat", ""),
                    bool(target.get("instant")),
                    unit,
                )
            )
    return out


def legend(fmt: str, labels: dict[str, str], expr: str) -> str:
    if fmt and fmt != "__auto":
        return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: labels.get(m.group(1), ""), fmt)
    shown = {k: v for k, v in labels.items() if k != "__name__"}
    return ", ".join(f"{k}={v}" for k, v in shown.items()) or expr[:40]


def scale(unit: str) -> tuple[float, str]:
    """Multiplier and axis label for a Grafana unit."""
    known = {
        "percentunit": (100.0, "%"),
        "s": (1.0, "seconds"),
        "bytes": (2.0**-20, "MiB"),
        "short": (1.0, ""),
    }
    # Anything else is a custom unit (articles/s, events/s, cores): Grafana prints it as is.
    return known.get(unit, (1.0, unit))


def fmt_stat(value: float, unit: str) -> str:
    if math.isnan(value):
        return "n/a"
    factor, label = scale(unit)
    shown = value * factor
    suffix = {"%": " %", "seconds": " s", "": ""}.get(label, f" {label}")
    return f"{shown:.3g}{suffix}"


def render(
    prometheus_url: str,
    out: Path,
    *,
    range_seconds: float = 1800.0,
    end: float | None = None,
    dashboard: Path = DASHBOARD,
    variables: dict[str, str] | None = None,
) -> dict[str, int]:
    """Draw the panels to ``out``; returns {panel title: number of series drawn}."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    end = time.time() if end is None else end
    start = end - range_seconds
    step = max(1.0, range_seconds / 240)  # ~240 points per line
    queries = dashboard_queries(dashboard, variables)
    panels: dict[str, list[Query]] = {}
    for q in queries:
        if q.panel_type in PLOTTED:
            panels.setdefault(q.panel, []).append(q)

    stats = []
    for q in queries:
        if q.panel_type == "stat":
            result = api_get(prometheus_url, "query", query=q.expr, time=end)["result"]
            value = float(result[0]["value"][1]) if result else float("nan")
            stats.append(f"{q.panel}: {fmt_stat(value, q.unit)}")

    cols = 3
    rows = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(7 * cols, 3.4 * rows + 1.4), squeeze=False)
    drawn: dict[str, int] = {}
    for ax, (title, targets) in zip(axes.flat, panels.items(), strict=False):
        factor, ylabel = scale(targets[0].unit)
        count = 0
        if targets[0].panel_type == "bargauge":
            bars: list[tuple[str, float]] = []
            for q in targets:
                for series in api_get(prometheus_url, "query", query=q.expr, time=end)["result"]:
                    bars.append((legend(q.legend, series["metric"], q.expr), float(series["value"][1])))
            bars.sort(key=lambda bar: bar[1])
            if bars:
                ax.barh([b[0] for b in bars], [b[1] for b in bars], color="#3274d9")
            count = len(bars)
        else:
            lines = []
            for q in targets:
                params = {"query": q.expr, "start": start, "end": end, "step": step}
                data = api_get(prometheus_url, "query_range", **params)["result"]
                for series in data:
                    xs = [datetime.fromtimestamp(float(t), UTC) for t, _ in series["values"]]
                    ys = [float(v) * factor for _, v in series["values"]]
                    lines.append((xs, ys, legend(q.legend, series["metric"], q.expr)))
            # Pre-initialised label sets read 0 until they happen: leave flat-zero lines out
            # of the picture unless nothing else is there (Grafana would show them all).
            moving = [line for line in lines if any(y != 0 for y in line[1])]
            for xs, ys, label in moving or lines:
                ax.plot(xs, ys, linewidth=1.2, label=label)
                count += 1
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M:%S"))
            ax.tick_params(axis="x", labelsize=7)
            if count:
                ax.legend(fontsize=7, loc="upper left", ncol=2 if count > 4 else 1)
            ax.set_ylabel(ylabel, fontsize=8)
            ax.grid(alpha=0.3)
        if not count:
            ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes, color="grey")
        ax.set_title(title, fontsize=10)
        drawn[title] = count
    for ax in list(axes.flat)[len(panels) :]:
        ax.set_visible(False)

    first, last = datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(end, UTC)
    when = f"{first:%Y-%m-%d %H:%M:%S} - {last:%H:%M:%S} UTC"
    fig.suptitle(f"hadath pipeline  |  {when}  |  {prometheus_url}", fontsize=13, y=0.995)
    fig.text(0.5, 0.965, "   ".join(stats), ha="center", fontsize=10, family="monospace")
    fig.tight_layout(rect=(0, 0, 1, 0.955))
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=90)
    plt.close(fig)
    return drawn


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--prometheus", help="Prometheus base URL, e.g. http://127.0.0.1:9090")
    source.add_argument("--demo", action="store_true", help="run a throwaway pipeline and render it")
    parser.add_argument("--out", default="dashboard.png", type=Path)
    parser.add_argument("--minutes", type=float, default=30.0, help="time range to draw (ending now)")
    parser.add_argument("--job", default="hadath", help="the dashboard's $job: Prometheus job of the workers")
    parser.add_argument("--namespace", default=".*", help="the dashboard's $namespace (a regex; .* = All)")
    args = parser.parse_args(argv)
    variables = {"job": args.job, "namespace": args.namespace}
    if args.demo:
        from monitoring_demo import demo_stack

        with demo_stack() as demo:
            seconds = max(60.0, time.time() - demo.started)
            drawn = render(demo.prometheus_url, args.out, range_seconds=seconds, variables=variables)
    else:
        drawn = render(args.prometheus, args.out, range_seconds=args.minutes * 60, variables=variables)
    empty = [title for title, count in drawn.items() if not count]
    print(f"wrote {args.out}: {len(drawn)} panels" + (f" (no data: {', '.join(empty)})" if empty else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
