"""Prometheus and Grafana files, checked by the real promtool (Debian package `prometheus`).

Nothing here is skipped: without promtool these tests FAIL and say how to install it
(`make test` installs it when missing).
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from grafana_foundation_sdk.cog.encoder import JSONEncoder as SdkJSONEncoder
from grafana_foundation_sdk.models.dashboard import Dashboard as SdkDashboard

from hadath import metrics

ROOT = Path(__file__).resolve().parents[2]
PROM = ROOT / "deploy" / "prometheus"
GRAFANA = ROOT / "deploy" / "grafana"
DASHBOARD = GRAFANA / "dashboards" / "hadath.json"
sys.path.insert(0, str(ROOT / "deploy" / "local"))
sys.path.insert(0, str(GRAFANA))
sys.path.insert(0, str(PROM))

import builder as grafana_builder  # noqa: E402
import render_rules  # noqa: E402
from dashboard_snapshot import dashboard_queries, substitute  # noqa: E402
from local_prometheus import INSTALL_HINT, rule_files  # noqa: E402

RULE_FILES = sorted((PROM / "rules").glob("*.yml"))
RULE_TESTS = sorted((PROM / "tests").glob("*.yml"))


@pytest.fixture(scope="module")
def promtool() -> str:
    found = shutil.which("promtool")
    if not found:
        pytest.fail(f"promtool not found: {INSTALL_HINT}")
    return found


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, input=stdin.decode() if stdin else None, capture_output=True, text=True, timeout=120
    )


def test_promtool_check_config(promtool):
    result = run(promtool, "check", "config", str(PROM / "prometheus.yml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(RULE_FILES)} rule files found" in result.stdout + result.stderr


def test_prometheus_yml_loads_every_rule_file():
    assert RULE_FILES and rule_files() == RULE_FILES


def test_promtool_check_rules(promtool):
    result = run(promtool, "check", "rules", *map(str, RULE_FILES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_test_rules(promtool):
    assert RULE_TESTS
    result = run(promtool, "test", "rules", *map(str, RULE_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout and "FAILED" not in result.stdout


def alert_names() -> set[str]:
    names = set()
    for path in RULE_FILES:
        for group in yaml.safe_load(path.read_text())["groups"]:
            names.update(rule["alert"] for rule in group["rules"] if "alert" in rule)
    return names


def test_every_alert_has_a_firing_and_a_silent_unit_test():
    firing: set[str] = set()
    silent: set[str] = set()
    for path in RULE_TESTS:
        for case in yaml.safe_load(path.read_text())["tests"]:
            for check in case.get("alert_rule_test") or []:
                (firing if check.get("exp_alerts") else silent).add(check["alertname"])
    expected = alert_names()
    assert {"HadathWorkerDown", "HadathNoWorkers", "HadathConsumerLagGrowing", "HadathDeadLetterRatioHigh",
            "HadathNoEventsProduced", "HadathLatencyP99High", "HadathConsumerStalled",
            "HadathLagPollingFailing"} <= expected  # fmt: skip
    assert expected <= firing, f"no firing test for {expected - firing}"
    assert expected <= silent, f"no silent test for {expected - silent}"


def test_every_alert_has_a_runbook_url_to_its_section_in_the_docs():
    docs = (ROOT / "docs" / "monitoring.md").read_text(encoding="utf-8").lower()
    for group in render_rules.rule_groups():
        for rule in group["rules"]:
            if "alert" in rule:
                name = rule["alert"].lower()
                assert rule["annotations"]["runbook_url"] == f"docs/monitoring.md#{name}"
                assert f"### {name}" in docs, name


# ------------------------------------------------------------ the selector as a setting
WORKER_SERIES = re.compile(r"\b(hadath_[a-z_]+|up|process_[a-z_]+)\b(?!:)(\{[^}]*\})?")


def test_rules_select_every_worker_series_with_the_source_selector():
    for group in render_rules.rule_groups():
        sink = group["name"].startswith("hadath-sink")  # the sink's rules select the sink's job
        expected = render_rules.SINK_SOURCE_SELECTOR if sink else render_rules.SOURCE_SELECTOR
        for rule in group["rules"]:
            found = [(m.group(1), m.group(2) or "") for m in WORKER_SERIES.finditer(rule["expr"])
                     if not rule["expr"][: m.start()].endswith(":")]  # fmt: skip
            for metric, matchers in found:
                assert metric.startswith("hadath_sink_") == sink or metric == "up", (group["name"], metric)
                assert expected in matchers, (rule.get("alert") or rule["record"], metric)


def test_rendered_rules_carry_the_given_selector_and_runbook_base():
    selector = 'job="kubernetes-pods", app_kubernetes_io_name="hadath"'
    groups = render_rules.rule_groups(selector, "https://docs.example/hadath/")
    text = json.dumps(groups)
    assert render_rules.SOURCE_SELECTOR.replace('"', '\\"') not in text
    rules = [rule for group in groups for rule in group["rules"]]
    assert sum(selector in rule["expr"] for rule in rules) >= 10
    urls = [r["annotations"]["runbook_url"] for r in rules if "alert" in r]
    assert urls and all(u.startswith("https://docs.example/hadath/docs/monitoring.md#") for u in urls)
    with pytest.raises(ValueError):
        render_rules.rule_groups('job="x"} or vector(1) # ')


def test_render_rules_writes_a_rule_file_promtool_accepts(promtool, tmp_path):
    out = tmp_path / "hadath-rules.yml"
    selector = 'job="kubernetes-service-endpoints", namespace=~"hadath|hadath-staging"'
    assert render_rules.main(["--selector", selector, "--out", str(out)]) == 0
    result = run(promtool, "check", "rules", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    count = sum(len(group["rules"]) for group in render_rules.rule_groups())
    assert f"{count} rules found" in result.stdout
    assert 'job="hadath"' not in out.read_text(encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        render_rules.main(["--selector", "hadath", "--out", str(out)])
    assert exit_info.value.code == 2


def test_the_k8s_prometheus_rule_is_generated_from_the_rule_files():
    text = render_rules.K8S_RULE_FILE.read_text(encoding="utf-8")
    assert text == render_rules.dump(render_rules.prometheus_rule()), "stale: run `make k8s-rules`"


def test_the_k8s_rules_pass_promtool_and_the_same_unit_tests(promtool, tmp_path):
    """The rules as the PrometheusRule carries them, with every unit test's series relabelled
    to the ServiceMonitor's job: same alerts, same results."""
    rules = yaml.safe_load(render_rules.K8S_RULE_FILE.read_text(encoding="utf-8"))["spec"]
    (tmp_path / "rules.yml").write_text(yaml.safe_dump(rules), encoding="utf-8")
    result = run(promtool, "check", "rules", str(tmp_path / "rules.yml"))
    assert result.returncode == 0, result.stdout + result.stderr
    k8s_job = re.fullmatch(r'job="([^"]+)"', render_rules.K8S_SELECTOR).group(1)
    for path in RULE_TESTS:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec["rule_files"] = [str(tmp_path / "rules.yml")]
        text = yaml.safe_dump(spec, sort_keys=False, allow_unicode=True, width=1000)
        text = text.replace(render_rules.SOURCE_SELECTOR, render_rules.K8S_SELECTOR)
        text = text.replace(render_rules.SINK_SOURCE_SELECTOR, render_rules.K8S_SINK_SELECTOR)
        text = re.sub(r"^(\s+job: )hadath$", rf"\g<1>{k8s_job}", text, flags=re.M)
        text = re.sub(r"^(\s+job: )hadath-sink$", r"\g<1>hadath-sink-metrics", text, flags=re.M)
        assert "-metrics" in text
        (tmp_path / path.name).write_text(text, encoding="utf-8")
        result = run(promtool, "test", "rules", str(tmp_path / path.name))
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_exposition_passes_promtool_check_metrics(promtool):
    # every family with data: a labelled child of each, histograms observed
    metrics.set_info("0.0.0", "hadath/test")
    metrics.received()
    metrics.extraction_seconds(0.01)
    metrics.events_produced([{"type": "MEET", "mode": "asserted", "source": [{"code": "RUSGOV"}]}])
    metrics.processed(1_700_000_000_000)
    metrics.CONSUMER_LAG.labels(topic="t", partition="0").set(3)
    text = metrics.exposition()
    result = run(promtool, "check", "metrics", stdin=text)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "" and result.stderr.strip() == "", result.stdout + result.stderr
    metrics.CONSUMER_LAG.remove("t", "0")


def test_the_sink_exposition_passes_promtool_check_metrics(promtool):
    metrics.sink_batch_stored(events=3, stories=1, dead_letter_reasons=["not_json"], seconds=0.02)
    metrics.sink_db_error()
    metrics.sink_offset_commit_failed()
    metrics.SINK_LAG_POLL_ERRORS.inc()
    metrics.SINK_CONSUMER_LAG.labels(topic="t", partition="0").set(3)
    text = metrics.sink_exposition()
    result = run(promtool, "check", "metrics", stdin=text)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "" and result.stderr.strip() == "", result.stdout + result.stderr
    assert b"hadath_sink_rows_upserted_total" in text and b"hadath_articles_received_total" not in text
    metrics.SINK_CONSUMER_LAG.remove("t", "0")


# ------------------------------------------------------------------------- Grafana
IMPORT_SCHEMA = ROOT / "tests" / "fixtures" / "schemas" / "grafana" / "dashboard-import.schema.json"
DASHBOARD_FILES = sorted((GRAFANA / "dashboards").glob("*.json"))


def import_schema_errors(dashboard: dict) -> list[str]:
    """Errors of a dashboard against the import rules: the JSON Schema, then what a schema
    cannot say (each datasource variable has its input, each panel names one of them)."""
    schema = json.loads(IMPORT_SCHEMA.read_text(encoding="utf-8"))
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in jsonschema.Draft202012Validator(schema).iter_errors(dashboard)
    ]
    if errors:
        return errors
    inputs = {item["name"]: item["pluginId"] for item in dashboard["__inputs"]}
    variables = {}
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "datasource":
            placeholder = variable["current"]["value"]
            if inputs.get(placeholder[2:-1]) != variable["query"]:
                errors.append(f"datasource variable {variable['name']}: no __inputs entry {placeholder}")
            variables[variable["name"]] = variable["query"]
    required = {(r["type"], r["id"]) for r in dashboard["__requires"]}
    for panel in dashboard["panels"]:
        if panel["type"] == "row":
            continue
        if ("panel", panel["type"]) not in required:
            errors.append(f"{panel['title']}: panel type {panel['type']} missing from __requires")
        for ref in [panel["datasource"]] + [t["datasource"] for t in panel["targets"]]:
            name = ref["uid"][2:-1]
            if variables.get(name) != ref["type"]:
                errors.append(f"{panel['title']}: datasource {ref} is no datasource variable of its type")
    return errors


def test_dashboards_are_generated_by_the_builder():
    # like the schemas: edit deploy/grafana/<dashboard>.py, then `make dashboards`
    generated = grafana_builder.generated()
    assert sorted(generated) == DASHBOARD_FILES, "a dashboard JSON without its builder module, or unwritten"
    for path, text in generated.items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run `make dashboards`"


@pytest.mark.parametrize("path", DASHBOARD_FILES, ids=lambda p: p.name)
def test_dashboard_imports_into_any_grafana(path: Path):
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    assert import_schema_errors(dashboard) == []
    # and Grafana's own model (the Foundation SDK's) reads every field back
    parsed = json.loads(json.dumps(SdkDashboard.from_json(dashboard), cls=SdkJSONEncoder))
    assert set(dashboard) - set(parsed) == {"__inputs", "__requires"}
    assert [p["id"] for p in parsed["panels"]] == list(range(1, len(dashboard["panels"]) + 1))


def test_an_import_substitutes_the_chosen_datasource_into_the_variable_only():
    """What Grafana's import dialog does with __inputs: every ``${DS_...}`` becomes the uid the
    user picked. The variable then defaults to it; panels keep following the variable."""
    text = DASHBOARD.read_text(encoding="utf-8")
    dashboard = json.loads(text)
    for item in dashboard["__inputs"]:
        text = text.replace("${" + item["name"] + "}", "their-prometheus-uid")
    imported = json.loads(text)
    assert "${DS_" not in text
    variable = next(v for v in imported["templating"]["list"] if v["type"] == "datasource")
    assert variable["current"]["value"] == "their-prometheus-uid"
    refs = {json.dumps(p["datasource"]) for p in imported["panels"] if p["type"] != "row"}
    assert refs == {json.dumps({"type": "prometheus", "uid": "${datasource}"})}


def test_the_builder_makes_an_importable_dashboard_on_another_datasource():
    # the API a second dashboard (PostgreSQL) uses
    postgres = grafana_builder.Datasource("postgres", "grafana-postgresql-datasource", "PostgreSQL")
    board = grafana_builder.new_dashboard("hadath-test", "test", "a test board", datasources=[postgres])
    board = board.with_row(grafana_builder.row("Events"))
    board = board.with_panel(
        grafana_builder.table_panel(
            "Latest events", "newest first", [grafana_builder.sql_query("SELECT 1")], datasource=postgres
        )
    )
    dashboard = grafana_builder.finish(board, [postgres])
    assert import_schema_errors(dashboard) == []
    assert dashboard["__inputs"][0]["name"] == "DS_POSTGRESQL"
    target = dashboard["panels"][1]["targets"][0]
    assert target == {
        "refId": "A",
        "datasource": {"type": "grafana-postgresql-datasource", "uid": "${postgres}"},
        "rawSql": "SELECT 1",
        "format": "table",
        "editorMode": "code",
        "rawQuery": True,
    }


def test_the_import_check_rejects_hard_coded_datasources():
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    broken = copy.deepcopy(dashboard)
    broken["panels"][1]["datasource"] = {"type": "prometheus", "uid": "hadath-prometheus"}
    assert import_schema_errors(broken)
    broken = copy.deepcopy(dashboard)
    del broken["__inputs"]
    assert import_schema_errors(broken)
    broken = copy.deepcopy(dashboard)
    broken["panels"][1]["targets"][0]["datasource"] = {"type": "prometheus", "uid": "${job}"}
    assert import_schema_errors(broken)
    broken = copy.deepcopy(dashboard)
    broken["__inputs"][0]["name"] = "DS_OTHER"
    assert import_schema_errors(broken)


def test_dashboard_panels_select_the_workers_with_the_job_and_namespace_variables():
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["job"]["query"] == "label_values(hadath_worker_info, job)"
    assert variables["namespace"]["allValue"] == ".*"  # All matches series without the label too
    panels = [p for p in dashboard["panels"] if p["type"] != "row"]
    titles = " ".join(p["title"].lower() for p in panels)
    for required in ("throughput", "latency", "dead letters", "error ratio", "lag per partition",
                     "events per type", "actor country", "workers up", "cpu", "memory"):  # fmt: skip
        assert required in titles, required
    for panel in panels:
        assert panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24
        for target in panel["targets"]:
            expr = target["expr"]
            selectors = re.findall(r"\b(hadath_\w+|up|process_\w+)(\{[^}]*\})?", expr)
            assert selectors, expr
            for metric, matchers in selectors:
                assert 'job=~"$job"' in matchers and 'namespace=~"$namespace"' in matchers, (metric, expr)
    units = {p["title"]: p["fieldConfig"]["defaults"]["unit"] for p in panels}
    assert units["Worker CPU"] == "cores" and units["Worker memory"] == "bytes"  # one unit per axis
    assert units["Events per type"] == units["Events per mode"] == "events/s"
    assert "reqps" not in units.values()
    provider = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "hadath.yml").read_text())
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"


def test_snapshot_queries_substitute_every_variable():
    queries = dashboard_queries(DASHBOARD, {"job": "hadath-worker-metrics"})
    assert all("$" not in q.expr for q in queries)
    assert any('job=~"hadath-worker-metrics"' in q.expr for q in queries)
    with pytest.raises(KeyError, match="unknown"):
        substitute('up{job=~"$unknown"}', {})


def test_dashboard_queries_are_valid_promql(promtool, tmp_path):
    # promtool parses rule expressions offline: wrap each panel query in a recording rule
    queries = dashboard_queries(DASHBOARD)
    assert len(queries) >= 20
    rules = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [{"record": f"dashboard:q{i}", "expr": q.expr} for i, q in enumerate(queries)],
            }
        ]
    }
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(yaml.safe_dump(rules), encoding="utf-8")
    result = run(promtool, "check", "rules", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
