"""Issue 5's proof: a real Prometheus scrapes a real worker on the real broker.

The worker processes the seed article, synthetic articles and records it must dead-letter;
Prometheus (the Debian binary, started here on a free port with the config generated from
deploy/prometheus/prometheus.yml) scrapes it every second. Then every PromQL expression of
the Grafana dashboard and of the rule files is evaluated through Prometheus' HTTP API:
each dashboard query and recording rule must return data, each alert expression must
evaluate without error, and the numbers must match what is on the topics.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from kafka_broker import free_port
from worker_process import TopicNames, WorkerProcess, consume_all, produce_raw

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy" / "local"))

from dashboard_snapshot import dashboard_queries, render  # noqa: E402
from local_prometheus import INSTALL_HINT, LocalPrometheus, rule_files  # noqa: E402
from monitoring_demo import BAD_RECORDS, records  # noqa: E402

pytestmark = pytest.mark.kafka

SYNTHETIC = 40
HADATH = str(Path(sys.executable).with_name("hadath"))


@dataclass
class Pipeline:
    prometheus: LocalPrometheus
    worker: WorkerProcess
    names: TopicNames
    metrics_url: str
    sent: int
    good: int
    events: list


def wait_for(prometheus: LocalPrometheus, expr: str, predicate, timeout: float, what: str) -> float:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        result = prometheus.query(expr)["result"]
        if result:
            last = float(result[0]["value"][1])
            if predicate(last):
                return last
        time.sleep(0.5)
    raise AssertionError(f"{what}: `{expr}` is {last} after {timeout} s")


@pytest.fixture(scope="module")
def pipeline(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    if not shutil.which("prometheus"):
        pytest.fail(f"prometheus not found: {INSTALL_HINT}")
    tmp = tmp_path_factory.mktemp("monitoring")
    names = TopicNames.unique("monitoring")
    port = free_port()
    env = {"HADATH_METRICS_PORT": str(port), "HADATH_METRICS_LAG_INTERVAL_SECONDS": "1"}
    batch = records(SYNTHETIC)
    with WorkerProcess(kafka_bootstrap, names, tmp / "worker.log", env=env) as worker:
        worker.wait_ready()
        with LocalPrometheus([f"127.0.0.1:{port}"], workdir=tmp / "prometheus") as prometheus:
            wait_for(prometheus, 'up{job="hadath"}', lambda v: v == 1, 30, "worker scraped")
            half = len(batch) // 2  # two waves: the rates have a shape, not a single step
            produce_raw(kafka_bootstrap, names.articles, batch[:half])
            time.sleep(3)
            produce_raw(kafka_bootstrap, names.articles, batch[half:])
            done = "sum(hadath_articles_processed_total) + sum(hadath_articles_dead_lettered_total)"
            wait_for(prometheus, done, lambda v: v >= len(batch), 120, "all records processed")
            # committed (Faust commits every second) and polled (every second) -> lag 0
            wait_for(prometheus, "sum(hadath_consumer_lag_records)", lambda v: v == 0, 60, "lag drained")
            time.sleep(2)  # one more scrape + rule evaluation over the final counts
            counted = int(scalar(prometheus, "sum(hadath_events_produced_total)"))
            # read at least that many (and whatever more arrives): the test compares them by type
            events = consume_all(kafka_bootstrap, names.events, expected=counted, timeout=60, idle=2)
            yield Pipeline(
                prometheus,
                worker,
                names,
                f"http://127.0.0.1:{port}/metrics",
                len(batch),
                len(batch) - len(BAD_RECORDS),
                events,
            )
            assert worker.alive, worker.log_tail()


def scalar(prometheus: LocalPrometheus, expr: str) -> float:
    result = prometheus.query(expr)["result"]
    assert len(result) == 1, (expr, result)
    return float(result[0]["value"][1])


def test_prometheus_counts_match_the_topics(pipeline: Pipeline):
    prom = pipeline.prometheus
    assert scalar(prom, "sum(hadath_articles_received_total)") == pipeline.sent
    assert scalar(prom, "sum(hadath_articles_processed_total)") == pipeline.good
    by_reason = {
        r["metric"]["reason"]: float(r["value"][1])
        for r in prom.query("sum by (reason) (hadath_articles_dead_lettered_total) > 0")["result"]
    }
    assert by_reason == dict(Counter(reason for _, _, reason in BAD_RECORDS))
    # every event record on the topic is counted once, by its type and mode
    on_topic = Counter((json.loads(r.value)["type"], json.loads(r.value)["mode"]) for r in pipeline.events)
    assert len(on_topic) >= 4
    counted = {
        (r["metric"]["type"], r["metric"]["mode"]): float(r["value"][1])
        for r in prom.query("sum by (type, mode) (hadath_events_produced_total) > 0")["result"]
    }
    assert counted == dict(on_topic)
    by_country = prom.query("hadath_events_by_actor_country_total > 0")["result"]
    countries = {r["metric"]["country"] for r in by_country}
    assert {"RUS", "USA"} <= countries
    assert scalar(prom, "sum(hadath_end_to_end_latency_seconds_count)") == pipeline.sent
    assert scalar(prom, "sum(hadath_articles_in_flight)") == 0
    info = prom.query("hadath_worker_info")["result"][0]["metric"]
    assert info["version"] and info["extractor_version"]


def test_every_dashboard_query_returns_data(pipeline: Pipeline):
    queries = dashboard_queries()
    assert len(queries) >= 20
    empty = [f"{q.panel}: {q.expr}" for q in queries if not pipeline.prometheus.query(q.expr)["result"]]
    assert not empty, "dashboard queries without data:\n" + "\n".join(empty)


def rules() -> list[dict]:
    out = []
    for path in rule_files():
        for group in yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]:
            out.extend(group["rules"])
    return out


def test_every_recording_rule_returns_data_and_every_alert_evaluates(pipeline: Pipeline):
    prom = pipeline.prometheus
    recording = [r for r in rules() if "record" in r]
    alerts = [r for r in rules() if "alert" in r]
    assert len(recording) >= 10 and len(alerts) >= 5
    for rule in recording:
        assert prom.query(rule["expr"])["result"], rule["expr"]  # evaluated by hand...
        assert prom.query(rule["record"])["result"], rule["record"]  # ...and recorded by Prometheus
    for rule in alerts:
        prom.query(rule["expr"])  # raises with Prometheus' error message if it cannot evaluate
    loaded = [r for g in prom.api("rules")["groups"] for r in g["rules"]]
    assert len(loaded) == len(recording) + len(alerts)
    unhealthy = [(r["name"], r.get("lastError")) for r in loaded if r["health"] != "ok"]
    assert not unhealthy, unhealthy
    # a healthy pipeline: no alert is firing
    firing = [a["labels"]["alertname"] for a in prom.api("alerts")["alerts"] if a["state"] == "firing"]
    assert not firing, firing


def test_the_worker_exposition_passes_promtool_check_metrics(pipeline: Pipeline):
    promtool = shutil.which("promtool")
    assert promtool, INSTALL_HINT
    with urllib.request.urlopen(pipeline.metrics_url, timeout=10) as response:
        text = response.read()
    assert b"hadath_consumer_lag_records{" in text
    result = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, timeout=60)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_dashboard_snapshot_renders_every_panel(pipeline: Pipeline, tmp_path: Path):
    out = tmp_path / "dashboard.png"
    drawn = render(pipeline.prometheus.url, out, range_seconds=180)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_size > 20_000
    assert len(drawn) >= 10
    assert all(count > 0 for count in drawn.values()), drawn


def test_extract_cli_serves_the_same_metrics(tmp_path: Path):
    promtool = shutil.which("promtool")
    assert promtool, INSTALL_HINT
    port = free_port()
    seed = sorted((ROOT / "seeds").glob("*.txt"))[0]
    proc = subprocess.Popen(
        [HADATH, "extract", "--input", str(seed), "--metrics-port", str(port), "--metrics-hold", "60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert proc.stdout is not None
        lines = []
        deadline = time.monotonic() + 120
        text = b""
        while time.monotonic() < deadline:  # the events are printed, then /metrics holds
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
                    text = response.read()
            except OSError:
                time.sleep(0.3)
                continue
            if b"hadath_articles_processed_total 1.0" in text:
                break
            time.sleep(0.3)
        proc.terminate()
        lines = [line for line in proc.stdout.read().splitlines() if line.strip()]
    finally:
        proc.kill()
        proc.wait(10)
    assert b"hadath_articles_processed_total 1.0" in text, text[-2000:]
    produced = sum(
        float(line.rsplit(b" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(b"hadath_events_produced_total{")
    )
    assert lines and produced == len(lines)
    result = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, timeout=60)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_lag_monitor_reports_the_groups_committed_lag(kafka_bootstrap: str):
    from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
    from kafka.admin import NewTopic
    from kafka.structs import OffsetAndMetadata

    from hadath import metrics
    from hadath.settings import Settings

    names = TopicNames.unique("lag")
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        admin.create_topics([NewTopic(names.articles, 2, 1)])
    finally:
        admin.close()
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    try:
        for partition, count in ((0, 5), (1, 2)):
            for n in range(count):
                producer.send(names.articles, value=b"%d" % n, partition=partition)
        producer.flush(timeout=30)
    finally:
        producer.close()
    settings = Settings(bootstrap_servers=kafka_bootstrap, articles_topic=names.articles, app_id=names.app_id)
    monitor = metrics.LagMonitor(settings)

    def gauge(partition: int) -> float | None:
        labels = {"topic": names.articles, "partition": str(partition)}
        return metrics.REGISTRY.get_sample_value("hadath_consumer_lag_records", labels)

    try:
        assert monitor.poll_once() == {0: 5, 1: 2}  # nothing committed: everything is lag
        assert (gauge(0), gauge(1)) == (5, 2)
        # the group commits 3 records of partition 0 (what Faust does after acking them)
        group = KafkaConsumer(
            bootstrap_servers=kafka_bootstrap, group_id=names.app_id, enable_auto_commit=False
        )
        try:
            tp = TopicPartition(names.articles, 0)
            group.assign([tp])
            group.commit({tp: OffsetAndMetadata(3, "", -1)})
        finally:
            group.close()
        assert monitor.poll_once() == {0: 2, 1: 2}
        assert (gauge(0), gauge(1)) == (2, 2)
    finally:
        monitor.stop()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=lambda s: s.name)
def test_local_prometheus_stops_its_child_on_a_termination_signal(tmp_path: Path, stop_signal: int):
    """`local_prometheus.py` in the foreground, then `kill` it: its Prometheus goes too."""
    if not shutil.which("prometheus"):
        pytest.fail(f"prometheus not found: {INSTALL_HINT}")
    script = ROOT / "deploy" / "local" / "local_prometheus.py"
    wrapper = subprocess.Popen(
        [sys.executable, str(script), "--target", f"127.0.0.1:{free_port()}", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    child = None
    try:
        assert wrapper.stdout is not None
        banner = wrapper.stdout.readline()  # printed once Prometheus answers /-/ready
        match = re.match(r"prometheus \(pid (\d+)\) on (http://\S+)", banner)
        assert match, banner + wrapper.stdout.read()
        child, url = int(match.group(1)), match.group(2)
        with urllib.request.urlopen(f"{url}/-/ready", timeout=10) as ready:
            assert ready.status == 200
        wrapper.send_signal(stop_signal)
        assert wrapper.wait(60) == 0
        deadline = time.monotonic() + 30
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(child), f"prometheus pid {child} outlived local_prometheus.py"
        with pytest.raises(OSError):
            urllib.request.urlopen(f"{url}/-/ready", timeout=2)
    finally:
        if wrapper.poll() is None:
            wrapper.kill()
            wrapper.wait(10)
        if child is not None and _alive(child):
            os.kill(child, signal.SIGKILL)
