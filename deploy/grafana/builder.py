"""hadath's Grafana dashboards, built with the Grafana Foundation SDK (no hand-written JSON).

    python deploy/grafana/builder.py --write   # regenerate deploy/grafana/dashboards/*.json (make dashboards)
    python deploy/grafana/builder.py --check   # exit 1 if a committed file differs (drift)

One module per dashboard beside this one (``pipeline.py``: the Prometheus dashboard) defines
``build() -> dict`` with the helpers below; :data:`DASHBOARDS` maps each output file to its
module. Every generated file imports through Grafana's UI *and* loads through file
provisioning:

- each datasource the dashboard needs is a :class:`Datasource`: an ``__inputs`` entry (the
  import dialog asks for it), a datasource *variable* whose default is that input, and the
  ``{"type": ..., "uid": "${variable}"}`` reference every panel and query carries. Nothing
  names a datasource uid of one particular Grafana;
- ``__requires`` lists the Grafana version, datasource plugins and panel types used.

A second dashboard (another datasource, e.g. PostgreSQL) reuses all of it::

    POSTGRES = Datasource("postgres", "grafana-postgresql-datasource", "PostgreSQL")
    board = new_dashboard("hadath-analyst", "hadath events", "...", datasources=[POSTGRES])
    board.with_panel(table_panel("Latest events", "...", [sql_query("SELECT ...")], datasource=POSTGRES))
    return finish(board, [POSTGRES])
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grafana_foundation_sdk.builders import barchart, bargauge, geomap, prometheus, stat, table, timeseries
from grafana_foundation_sdk.builders import common as cb
from grafana_foundation_sdk.builders import dashboard as gd
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import common
from grafana_foundation_sdk.models import dashboard as model
from grafana_foundation_sdk.models import prometheus as prometheus_model

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "dashboards"
# Output file (in deploy/grafana/dashboards) -> module beside this file with build() -> dict.
DASHBOARDS: dict[str, str] = {
    "hadath.json": "pipeline",
    "hadath-analyst.json": "analyst",
}
# The Grafana release whose dashboard model the pinned SDK follows (its version number, 10.1.0);
# newer Grafanas migrate the JSON (schemaVersion 36) when they load it.
GRAFANA_VERSION = "10.1.0"

Panel = cogbuilder.Builder[model.Panel]
Query = cogbuilder.Builder[cogvariants.Dataquery]


# ----------------------------------------------------------------------------- datasources
@dataclass(frozen=True)
class Datasource:
    """A datasource the dashboard needs, chosen by whoever imports or provisions it."""

    variable: str  # dashboard variable name; panels use uid "${variable}"
    plugin_id: str  # Grafana plugin id: "prometheus", "grafana-postgresql-datasource"
    plugin_name: str  # shown in the import dialog

    @property
    def input_name(self) -> str:
        """The ``__inputs`` name Grafana's import dialog substitutes (``${DS_PROMETHEUS}``)."""
        return "DS_" + re.sub(r"\W", "_", self.plugin_name.upper())

    @property
    def ref(self) -> model.DataSourceRef:
        return model.DataSourceRef(type_val=self.plugin_id, uid="${" + self.variable + "}")

    def variable_builder(self) -> gd.DatasourceVariable:
        placeholder = "${" + self.input_name + "}"
        return (
            gd.DatasourceVariable(self.variable)
            .id(self.variable)
            .label(self.plugin_name)
            .type(self.plugin_id)
            .current(model.VariableOption(selected=True, text=placeholder, value=placeholder))
        )

    def input_entry(self) -> dict[str, str]:
        return {
            "name": self.input_name,
            "label": self.plugin_name,
            "description": f"The {self.plugin_name} datasource with hadath's data",
            "type": "datasource",
            "pluginId": self.plugin_id,
            "pluginName": self.plugin_name,
        }


PROMETHEUS = Datasource("datasource", "prometheus", "Prometheus")


# ----------------------------------------------------------------------------- variables
def query_variable(
    name: str,
    label: str,
    query: str,
    *,
    datasource: Datasource = PROMETHEUS,
    all_value: str | None = None,
    description: str = "",
) -> gd.QueryVariable:
    """A variable filled by a datasource query (e.g. ``label_values(metric, job)``).

    ``all_value``: offer *All* (selected by default) with this value, e.g. ``.*`` so that a
    ``label=~"$var"`` matcher also matches series without the label.
    """
    variable = (
        gd.QueryVariable(name)
        .id(name)
        .label(label)
        .description(description)
        .datasource(datasource.ref)
        .query(query)
        .refresh(model.VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(model.VariableSort.ALPHABETICAL_ASC)
    )
    if all_value is not None:
        variable = (
            variable.include_all(True)
            .all_value(all_value)
            .multi(True)
            .current(model.VariableOption(selected=True, text=["All"], value=["$__all"]))
        )
    return variable


# ----------------------------------------------------------------------------- queries
def promql(expr: str, legend: str = "", *, instant: bool = False, table_format: bool = False) -> Query:
    """A Prometheus query; ``instant`` for a value now (bar gauges, tables) instead of a range."""
    query = prometheus.Dataquery().expr(expr).legend_format(legend or "__auto")
    query = query.instant() if instant else query.range()
    if table_format:
        query = query.format(prometheus_model.PromQueryFormat.TABLE)
    return query


class RawQuery(cogbuilder.Builder[cogvariants.Dataquery]):
    """A query for a datasource plugin the SDK has no builder for (e.g. PostgreSQL): its JSON as is."""

    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = dict(fields)

    def build(self) -> _JsonQuery:
        return _JsonQuery(self.fields)


class _JsonQuery(cogvariants.Dataquery):
    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = fields

    def to_json(self) -> dict[str, Any]:
        return dict(self.fields)


def sql_query(raw_sql: str, *, table_format: bool = True) -> Query:
    """A query of Grafana's SQL datasources (PostgreSQL, MySQL), as the code editor saves it."""
    return RawQuery(
        {
            "rawSql": raw_sql,
            "format": "table" if table_format else "time_series",
            "editorMode": "code",
            "rawQuery": True,
        }
    )


# ----------------------------------------------------------------------------- panels
@dataclass(frozen=True)
class Threshold:
    value: float | None  # None: the base step
    color: str


def _thresholds(steps: Sequence[Threshold]) -> gd.ThresholdsConfig:
    return (
        gd.ThresholdsConfig()
        .mode(model.ThresholdsMode.ABSOLUTE)
        .steps([model.Threshold(value=s.value, color=s.color) for s in steps])
    )


def _common(panel: Any, title: str, description: str, queries: Iterable[Query], datasource: Datasource,
            unit: str, width: int, height: int) -> Any:  # fmt: skip
    panel = panel.title(title).description(description).datasource(datasource.ref)
    panel = panel.unit(unit).span(width).height(height)
    for ref_id, query in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", queries, strict=False):
        panel = panel.with_target(_with_ref(query, ref_id, datasource))
    return panel


def _with_ref(query: Query, ref_id: str, datasource: Datasource) -> Query:
    """Every query names its refId and the panel's datasource variable."""
    if isinstance(query, RawQuery):
        return RawQuery({"refId": ref_id, "datasource": datasource.ref.to_json(), **query.fields})
    return query.ref_id(ref_id).datasource(datasource.ref)  # type: ignore[attr-defined]


def stat_panel(
    title: str,
    description: str,
    query: Query,
    *,
    unit: str = "short",
    thresholds: Sequence[Threshold] = (),
    no_value: str | None = None,
    datasource: Datasource = PROMETHEUS,
    width: int = 4,
    height: int = 4,
) -> Panel:
    """One big number (the last value), with an area sparkline."""
    panel = _common(stat.Panel(), title, description, [query], datasource, unit, width, height)
    panel = panel.graph_mode(common.BigValueGraphMode.AREA).color_mode(common.BigValueColorMode.VALUE)
    panel = panel.reduce_options(cb.ReduceDataOptions().calcs(["lastNotNull"]).values(False))
    if thresholds:
        panel = panel.thresholds(_thresholds(thresholds))
    if no_value is not None:
        panel = panel.no_value(no_value)
    return panel


def timeseries_panel(
    title: str,
    description: str,
    queries: Sequence[Query],
    *,
    unit: str,
    stacked: bool = False,
    datasource: Datasource = PROMETHEUS,
    width: int = 12,
    height: int = 8,
) -> Panel:
    """Lines over time; ``stacked`` for parts of a whole (per reason, per type)."""
    panel = _common(timeseries.Panel(), title, description, queries, datasource, unit, width, height)
    panel = panel.line_width(1).fill_opacity(10).show_points(common.VisibilityMode.NEVER)
    panel = panel.stacking(
        cb.StackingConfig().mode(common.StackingMode.NORMAL if stacked else common.StackingMode.NONE)
    )
    panel = panel.legend(
        cb.VizLegendOptions()
        .display_mode(common.LegendDisplayMode.LIST)
        .placement(common.LegendPlacement.BOTTOM)
        .show_legend(True)
    )
    return panel.tooltip(
        cb.VizTooltipOptions().mode(common.TooltipDisplayMode.MULTI).sort(common.SortOrder.DESCENDING)
    )


def bargauge_panel(
    title: str,
    description: str,
    query: Query,
    *,
    unit: str = "short",
    datasource: Datasource = PROMETHEUS,
    width: int = 6,
    height: int = 8,
) -> Panel:
    """Horizontal bars, one per series (an instant query's labels)."""
    panel = _common(bargauge.Panel(), title, description, [query], datasource, unit, width, height)
    panel = panel.orientation(common.VizOrientation.HORIZONTAL)
    panel = panel.display_mode(common.BarGaugeDisplayMode.GRADIENT).show_unfilled(True)
    return panel.reduce_options(cb.ReduceDataOptions().calcs(["lastNotNull"]).values(False))


def table_panel(
    title: str,
    description: str,
    queries: Sequence[Query],
    *,
    unit: str = "short",
    hide_columns: Sequence[str] = (),
    datasource: Datasource = PROMETHEUS,
    width: int = 12,
    height: int = 6,
) -> Panel:
    """A table of the queries' rows; ``hide_columns`` drops fields (e.g. Time, Value)."""
    panel = _common(table.Panel(), title, description, queries, datasource, unit, width, height)
    panel = panel.show_header(True)
    if hide_columns:
        panel = panel.with_transformation(
            model.DataTransformerConfig(
                id_val="organize", options={"excludeByName": dict.fromkeys(hide_columns, True)}
            )
        )
    return panel


def barchart_panel(
    title: str,
    description: str,
    query: Query,
    *,
    x_field: str,
    unit: str = "short",
    stacked: bool = False,
    datasource: Datasource = PROMETHEUS,
    width: int = 12,
    height: int = 8,
) -> Panel:
    """Bars per category (the ``x_field`` column of a table query), one colour per value column."""
    panel = _common(barchart.Panel(), title, description, [query], datasource, unit, width, height)
    panel = panel.x_field(x_field).orientation(common.VizOrientation.AUTO).fill_opacity(80)
    panel = panel.stacking(common.StackingMode.NORMAL if stacked else common.StackingMode.NONE)
    return panel.legend(
        cb.VizLegendOptions()
        .display_mode(common.LegendDisplayMode.LIST)
        .placement(common.LegendPlacement.BOTTOM)
        .show_legend(True)
    )


def geomap_panel(
    title: str,
    description: str,
    query: Query,
    *,
    size_field: str,
    color_field: str,
    datasource: Datasource = PROMETHEUS,
    center: tuple[float, float, int] = (0.0, 0.0, 1),
    width: int = 12,
    height: int = 10,
) -> Panel:
    """Markers at the query's ``latitude``/``longitude`` columns, sized and coloured by two value columns."""
    lat, lon, zoom = center
    layer = (
        cb.MapLayerOptions()
        .type("markers")
        .name("events")
        .location(
            cb.FrameGeometrySource()
            .mode(common.FrameGeometrySourceMode.COORDS)
            .latitude("latitude")
            .longitude("longitude")
        )
        .config(
            {
                "showLegend": True,
                "style": {
                    "size": {"field": size_field, "fixed": 5, "min": 4, "max": 30},
                    "color": {"field": color_field, "fixed": "dark-green"},
                    "opacity": 0.6,
                },
            }
        )
        .tooltip(True)
    )
    panel = _common(geomap.Panel(), title, description, [query], datasource, "short", width, height)
    panel = panel.view(geomap.MapViewConfig().id("coords").lat(lat).lon(lon).zoom(zoom))
    panel = panel.basemap(cb.MapLayerOptions().type("default").name("Basemap")).layers([layer])
    return panel.color_scheme(gd.FieldColor().mode(model.FieldColorModeId.CONTINUOUS_RD_YL_GR))


def row(title: str) -> gd.Row:
    return gd.Row(title)


# ----------------------------------------------------------------------------- dashboard
def new_dashboard(
    uid: str,
    title: str,
    description: str,
    *,
    datasources: Sequence[Datasource],
    variables: Sequence[cogbuilder.Builder[model.VariableModel]] = (),
    tags: Sequence[str] = ("hadath",),
    refresh: str = "30s",
    time_from: str = "now-1h",
) -> gd.Dashboard:
    """A dashboard with one variable per datasource first, then ``variables``."""
    board = (
        gd.Dashboard(title)
        .uid(uid)
        .description(description)
        .tags(list(tags))
        .timezone("utc")
        .editable()
        .tooltip(model.DashboardCursorSync.CROSSHAIR)
        .refresh(refresh)
        .time(time_from, "now")
    )
    for source in datasources:
        board = board.with_variable(source.variable_builder())
    for variable in variables:
        board = board.with_variable(variable)
    return board


def finish(board: gd.Dashboard, datasources: Sequence[Datasource]) -> dict[str, Any]:
    """The dashboard as Grafana's "export for sharing externally" JSON: ``__inputs``,
    ``__requires``, panel ids 1..n in layout order, no instance-specific id or version."""
    data = json.loads(json.dumps(board.build(), cls=JSONEncoder))
    data.pop("id", None)
    data["version"] = 1
    for number, panel in enumerate(data.get("panels", []), start=1):
        panel["id"] = number
    panel_types = sorted({p["type"] for p in data.get("panels", []) if p["type"] != "row"})
    requires = [{"type": "grafana", "id": "grafana", "name": "Grafana", "version": GRAFANA_VERSION}]
    requires += [{"type": "datasource", "id": s.plugin_id, "name": s.plugin_name, "version": "1.0.0"}
                 for s in datasources]  # fmt: skip
    requires += [{"type": "panel", "id": kind, "name": kind, "version": ""} for kind in panel_types]
    return {"__inputs": [s.input_entry() for s in datasources], "__requires": requires, **data}


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def generated() -> dict[Path, str]:
    """Every dashboard file as this code generates it."""
    sys.path.insert(0, str(HERE))
    try:
        return {
            OUT_DIR / name: render(importlib.import_module(module).build())
            for name, module in DASHBOARDS.items()
        }
    finally:
        sys.path.remove(str(HERE))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="write the dashboard JSON files")
    action.add_argument("--check", action="store_true", help="exit 1 if a committed file is out of date")
    args = parser.parse_args(argv)
    stale = []
    for path, text in generated().items():
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == text:
            continue
        if args.write:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(HERE.parents[1])}")
        else:
            stale.append(path)
            sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), text.splitlines(True),
                                                       str(path), "generated", n=1))  # fmt: skip
    if stale:
        print(f"out of date: {', '.join(p.name for p in stale)}; run `make dashboards`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
