"""The "hadath pipeline" dashboard (deploy/grafana/dashboards/hadath.json) on Prometheus.

Every query selects the worker series with :data:`SELECTOR` -- the dashboard's ``job`` and
``namespace`` variables -- so the same file works for the compose stack (job ``hadath``, no
namespace label), a ServiceMonitor (job = the Service's name, one namespace per install)
and the ``prometheus.io`` annotations (whatever job that scrape config names).
Regenerate with ``make dashboards`` after a change here.
"""

from __future__ import annotations

from typing import Any

from builder import (
    PROMETHEUS,
    Threshold,
    bargauge_panel,
    finish,
    new_dashboard,
    promql,
    query_variable,
    row,
    stat_panel,
    table_panel,
    timeseries_panel,
)

# Label matchers of every worker series; the variables' values are substituted by Grafana
# (and by deploy/local/dashboard_snapshot.py, which runs the same queries without Grafana).
SELECTOR = 'job=~"$job", namespace=~"$namespace"'
ARTICLES_PER_S = "articles/s"  # custom units: Grafana prints the value, then the unit
EVENTS_PER_S = "events/s"
CORES = "cores"


def m(metric: str) -> str:
    """``metric`` restricted to the selected job and namespace."""
    return f"{metric}{{{SELECTOR}}}"


def rate(metric: str, by: str = "") -> str:
    grouping = f" by ({by})" if by else ""
    return f"sum{grouping} (rate({m(metric)}[5m]))"


def quantile(q: float, histogram: str) -> str:
    return f"histogram_quantile({q}, sum by (le) (rate({m(histogram + '_bucket')}[5m])))"


# Dead-lettered / received; absent while nothing is received (0/0 is no ratio, not NaN).
DEAD_LETTER_RATIO = (
    f"{rate('hadath_articles_dead_lettered_total')} / ({rate('hadath_articles_received_total')} > 0)"
)
# Every replica reports every partition: one value per partition before any sum.
LAG_PER_PARTITION = f"max by (namespace, topic, partition) ({m('hadath_consumer_lag_records')})"


def build() -> dict[str, Any]:
    variables = [
        query_variable(
            "job",
            "Job",
            "label_values(hadath_worker_info, job)",
            description="Prometheus job that scrapes the hadath workers",
        ),
        query_variable(
            "namespace",
            "Namespace",
            'label_values(hadath_worker_info{job=~"$job"}, namespace)',
            all_value=".*",
            description="Kubernetes namespace (All also matches series without one, e.g. compose)",
        ),
    ]
    board = new_dashboard(
        "hadath-pipeline",
        "hadath pipeline",
        "hadath: articles topic -> event extraction -> events topic. Metrics: docs/monitoring.md.",
        datasources=[PROMETHEUS],
        variables=variables,
        tags=["hadath", "kafka"],
    )

    board = board.with_row(row("Overview"))
    board = board.with_panel(
        stat_panel(
            "Workers up",
            "Worker replicas Prometheus scrapes successfully (the selected job and namespace).",
            promql(f"sum({m('up')})", "workers"),
            thresholds=[Threshold(None, "red"), Threshold(1, "green")],
        )
    )
    board = board.with_panel(
        stat_panel(
            "Articles / s",
            "Articles consumed per second over the worker group (5 m rate).",
            promql(rate("hadath_articles_received_total"), "articles/s"),
            unit=ARTICLES_PER_S,
        )
    )
    board = board.with_panel(
        stat_panel(
            "Dead-letter ratio",
            "Share of received articles sent to the dead-letter topic (5 m). Alert above 5 %. "
            "No traffic, no ratio.",
            promql(DEAD_LETTER_RATIO, "dead-lettered"),
            unit="percentunit",
            thresholds=[Threshold(None, "green"), Threshold(0.01, "orange"), Threshold(0.05, "red")],
            no_value="no traffic",
        )
    )
    board = board.with_panel(
        stat_panel(
            "Consumer lag",
            "Records on the articles topic not yet committed by the worker group, all partitions.",
            promql(f"sum({LAG_PER_PARTITION})", "records"),
            thresholds=[Threshold(None, "green"), Threshold(100, "orange"), Threshold(1000, "red")],
        )
    )
    board = board.with_panel(
        stat_panel(
            "p99 end-to-end latency",
            "99th percentile from the article record's Kafka timestamp to its events acknowledged (5 m).",
            promql(quantile(0.99, "hadath_end_to_end_latency_seconds"), "p99"),
            unit="s",
            thresholds=[Threshold(None, "green"), Threshold(10, "orange"), Threshold(60, "red")],
        )
    )
    board = board.with_panel(
        stat_panel(
            "Newest processed record",
            "Age of the newest article record whose output was acknowledged (publish time of that record).",
            promql(f"time() - max({m('hadath_last_processed_record_timestamp_seconds')} > 0)", "age"),
            unit="s",
        )
    )

    board = board.with_row(row("Throughput and latency"))
    board = board.with_panel(
        timeseries_panel(
            "Throughput",
            "Articles per second: received from the articles topic, processed (events acknowledged), "
            "dead-lettered.",
            [
                promql(rate("hadath_articles_received_total"), "received"),
                promql(rate("hadath_articles_processed_total"), "processed"),
                promql(rate("hadath_articles_dead_lettered_total"), "dead-lettered"),
            ],
            unit=ARTICLES_PER_S,
        )
    )
    board = board.with_panel(
        timeseries_panel(
            "End-to-end latency",
            "From the article record's Kafka timestamp to its events (or dead letter) acknowledged by the "
            "broker.",
            [
                promql(quantile(q, "hadath_end_to_end_latency_seconds"), f"p{int(q * 100)}")
                for q in (0.5, 0.95, 0.99)
            ],
            unit="s",
        )
    )

    board = board.with_row(row("Errors and backlog"))
    board = board.with_panel(
        timeseries_panel(
            "Dead letters by reason",
            "Articles per second sent to the dead-letter topic, by reason (docs/monitoring.md lists them).",
            [promql(rate("hadath_articles_dead_lettered_total", by="reason"), "{{reason}}")],
            unit=ARTICLES_PER_S,
            stacked=True,
            width=6,
        )
    )
    board = board.with_panel(
        timeseries_panel(
            "Error ratio",
            "Dead-lettered / received articles (5 m); a gap while nothing is received.",
            [promql(DEAD_LETTER_RATIO, "dead-letter ratio")],
            unit="percentunit",
            width=6,
        )
    )
    board = board.with_panel(
        timeseries_panel(
            "Consumer lag per partition",
            "Log end offset minus the worker group's committed offset, per articles-topic partition.",
            [promql(LAG_PER_PARTITION, "{{topic}}[{{partition}}]")],
            unit="short",
            width=6,
        )
    )
    board = board.with_panel(
        timeseries_panel(
            "Lag polls failed",
            "Failed consumer-lag polls per worker (5 m increase): while they fail, the lag above is "
            "stale (alert HadathLagPollingFailing).",
            [
                promql(
                    f"sum by (instance) (increase({m('hadath_consumer_lag_poll_errors_total')}[5m]))",
                    "{{instance}}",
                )
            ],
            unit="short",
            width=6,
        )
    )

    board = board.with_row(row("Events"))
    board = board.with_panel(
        timeseries_panel(
            "Events per type",
            "Event records produced per second, by event type (spec §3).",
            [promql(rate("hadath_events_produced_total", by="type"), "{{type}}")],
            unit=EVENTS_PER_S,
            stacked=True,
        )
    )
    board = board.with_panel(
        timeseries_panel(
            "Events per mode",
            "Event records produced per second, by mode: asserted, planned, negated (spec §4).",
            [promql(rate("hadath_events_produced_total", by="mode"), "{{mode}}")],
            unit=EVENTS_PER_S,
            stacked=True,
            width=6,
        )
    )
    board = board.with_panel(
        bargauge_panel(
            "Events by actor country (last hour)",
            "Events with a source or target actor of the country (ISO3 from the gazetteer; other = not in "
            "it), top 15.",
            promql(
                f"topk(15, sum by (country) (increase({m('hadath_events_by_actor_country_total')}[1h])))",
                "{{country}}",
                instant=True,
            ),
        )
    )

    board = board.with_row(row("Worker health"))
    board = board.with_panel(
        timeseries_panel(
            "Extraction duration",
            "Time to extract one article's events (child-process round trip in the worker).",
            [
                promql(quantile(q, "hadath_extraction_duration_seconds"), f"p{int(q * 100)}")
                for q in (0.5, 0.95, 0.99)
            ],
            unit="s",
            width=8,
        )
    )
    board = board.with_panel(
        timeseries_panel(
            "In-flight articles",
            "Articles read and not yet acknowledged, per worker (bounded by HADATH_MAX_IN_FLIGHT).",
            [promql(f"sum by (instance) ({m('hadath_articles_in_flight')})", "{{instance}}")],
            unit="short",
            width=8,
        )
    )
    board = board.with_panel(
        timeseries_panel(
            "Worker CPU",
            "CPU cores used per worker process (extraction children excluded).",
            [promql(f"rate({m('process_cpu_seconds_total')}[5m])", "{{instance}}")],
            unit=CORES,
            width=8,
        )
    )
    board = board.with_panel(
        timeseries_panel(
            "Worker memory",
            "Resident memory per worker process.",
            [promql(m("process_resident_memory_bytes"), "{{instance}}")],
            unit="bytes",
            width=8,
        )
    )
    board = board.with_panel(
        timeseries_panel(
            "Workers up",
            "1 when Prometheus scraped the worker's /metrics; 0 when it failed.",
            [promql(m("up"), "{{instance}}")],
            unit="short",
            width=8,
            height=6,
        )
    )
    board = board.with_panel(
        table_panel(
            "Worker versions",
            "hadath and extractor version per worker replica.",
            [promql(m("hadath_worker_info"), instant=True, table_format=True)],
            hide_columns=["Time", "Value", "__name__"],
            width=8,
        )
    )
    return finish(board, [PROMETHEUS])
