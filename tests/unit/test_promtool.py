"""Prometheus and Grafana files, checked by the real promtool (Debian package `prometheus`).

Nothing here is skipped: without promtool these tests FAIL and say how to install it
(`make test` installs it when missing).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hadath import metrics

ROOT = Path(__file__).resolve().parents[2]
PROM = ROOT / "deploy" / "prometheus"
GRAFANA = ROOT / "deploy" / "grafana"
DASHBOARD = GRAFANA / "dashboards" / "hadath.json"
sys.path.insert(0, str(ROOT / "deploy" / "local"))

from dashboard_snapshot import dashboard_queries  # noqa: E402
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
    assert {"HadathWorkerDown", "HadathConsumerLagGrowing", "HadathDeadLetterRatioHigh",
            "HadathNoEventsProduced", "HadathLatencyP99High"} <= expected  # fmt: skip
    assert expected <= firing, f"no firing test for {expected - firing}"
    assert expected <= silent, f"no silent test for {expected - silent}"


def test_every_alert_has_a_runbook_section_in_the_docs():
    docs = (ROOT / "docs" / "monitoring.md").read_text(encoding="utf-8").lower()
    for name in alert_names():
        assert f"### {name.lower()}" in docs, name


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


# ------------------------------------------------------------------------- Grafana
def test_dashboard_panels_query_hadath_metrics_through_the_provisioned_datasource():
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    datasource = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text())
    uid = datasource["datasources"][0]["uid"]
    panels = [p for p in dashboard["panels"] if p["type"] != "row"]
    assert len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"])
    titles = " ".join(p["title"].lower() for p in panels)
    for required in ("throughput", "latency", "dead letters", "error ratio", "lag per partition",
                     "events per type", "actor country", "workers up"):  # fmt: skip
        assert required in titles, required
    for panel in panels:
        assert panel["datasource"]["uid"] == uid, panel["title"]
        assert panel["targets"], panel["title"]
        assert panel["gridPos"]["x"] >= 0 and panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == uid
            assert "$" not in target["expr"], "plain PromQL only: the proof test runs it as is"
            assert re.search(r"\b(hadath_\w+|up|process_\w+)\b", target["expr"]), target["expr"]
    provider = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "hadath.yml").read_text())
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"


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
