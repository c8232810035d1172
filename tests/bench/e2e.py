"""`make bench-e2e`: the worker end to end on a real local broker, against offline extraction.

Runs (each on fresh topics of one LocalKafka broker, 4 partitions):

- offline: ``hadath extract`` over the same articles (one process, start-up subtracted);
- e2e: one worker, the full pipeline; a backlog of N articles is produced as fast as
  possible once the worker is ready; throughput = N / (last output appended - first article
  created); CPU seconds of the worker and its extraction process per article; peak RSS;
- latency: the same warm worker fed at 50 % of the measured e2e rate for a while;
  latency = broker append time of an article's last output - the article's create time;
- pass-through: the same worker with ``HADATH_EXTRACTOR=passthrough`` (decode, validate,
  one small record per article, no extraction process): the framework's ceiling;
- null extractor: full pipeline with an extractor returning [] (costs of the extraction
  process round trip without extraction);
- variants (--variants): max in flight 1 (await each article before the next), producer
  linger 0, gzip; and two workers in one group (--workers2);
- sink (--sink): `hadath sink` on the events topic of the 1-worker run, into a fresh database
  of a LocalPostgres each time: events stored per second, from the sink's readiness to its
  group's committed offsets reaching the end of the topic; against the extractor's rate.

Articles: ``$SHARED/corpus/articles.jsonl`` cycled with fresh ids when present, otherwise
seeds/ and synthetic articles. Medians over --repeat runs are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "integration")]

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition  # noqa: E402
from kafka.admin import NewTopic  # noqa: E402
from kafka_broker import LocalKafka  # noqa: E402
from postgres_server import LocalPostgres  # noqa: E402
from sink_process import SinkProcess, sink_group  # noqa: E402
from synthetic import articles as synthetic_articles  # noqa: E402
from worker_process import BIG, TopicNames, WorkerProcess, committed_lag  # noqa: E402

from hadath.inputs import read_articles  # noqa: E402
from hadath_schemas import Article  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------ articles
def base_articles(shared: Path) -> tuple[list[dict[str, Any]], str]:
    corpus = shared / "corpus" / "articles.jsonl"
    if corpus.exists():
        base = []
        for line in corpus.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            record.pop("provenance", None)
            try:
                Article.model_validate(record)
            except ValueError:
                continue
            base.append(record)
        return base, f"{corpus} ({len(base)} articles, cycled with fresh ids)"
    base = [raw.record for raw in read_articles(str(ROOT / "seeds"))] + list(
        synthetic_articles(200, prefix="b")
    )
    return base, "seeds/ + 200 synthetic articles (no corpus found), cycled with fresh ids"


def batch(base: list[dict[str, Any]], n: int, tag: str) -> list[tuple[bytes, bytes]]:
    out = []
    for i in range(n):
        record = dict(base[i % len(base)], id=f"{tag}-{i:06d}")
        out.append((record["id"].encode(), json.dumps(record, ensure_ascii=False).encode("utf-8")))
    return out


# -------------------------------------------------------------- kafka bits
def create_topics(bootstrap: str, names: TopicNames) -> None:
    """Outputs get LogAppendTime: an output's timestamp is when the broker had it."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    append = {"message.timestamp.type": "LogAppendTime", "max.message.bytes": str(BIG)}
    try:
        admin.create_topics(
            [
                NewTopic(names.articles, 4, 1, topic_configs={"max.message.bytes": str(BIG)}),
                NewTopic(names.events, 4, 1, topic_configs=append),
                NewTopic(names.dlt, 4, 1, topic_configs=append),
            ]
        )
    finally:
        admin.close()


def produce(
    bootstrap: str, topic: str, records: list[tuple[bytes, bytes]], rate: float | None = None
) -> None:
    producer = KafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=0 if rate else 20, max_request_size=BIG
    )
    try:
        t0 = time.monotonic()
        for i, (key, value) in enumerate(records):
            if rate:
                delay = t0 + i / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            producer.send(topic, key=key, value=value)
        producer.flush(timeout=120)
    finally:
        producer.close()


def read_topic(bootstrap: str, topic: str) -> list[Any]:
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        max_partition_fetch_bytes=BIG,
        fetch_max_bytes=BIG,
    )
    try:
        tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        ends = consumer.end_offsets(tps)
        out: list[Any] = []
        while any(consumer.position(tp) < ends[tp] for tp in tps):
            for records in consumer.poll(timeout_ms=500).values():
                out.extend(records)
        return out
    finally:
        consumer.close()


def wait_consumed(bootstrap: str, group: str, topic: str, timeout: float) -> None:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    try:
        tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        ends = consumer.end_offsets(tps)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all((consumer.committed(tp) or 0) >= ends[tp] for tp in tps):
                return
            time.sleep(0.25)
        raise TimeoutError(f"group {group} did not reach the end of {topic} in {timeout} s")
    finally:
        consumer.close()


# ------------------------------------------------------------------ process
def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def peak_rss_mb(pids: list[int]) -> list[float]:
    out = []
    for pid in pids:
        try:
            match = re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
        except OSError:
            continue
        if match:
            out.append(int(match.group(1)) / 1024)
    return out


# ------------------------------------------------------------------ runs
@dataclass
class Result:
    label: str
    articles: int
    seconds: float
    events: int = 0
    dead: int = 0
    cpu_per_article_ms: float | None = None
    rss_mb: list[float] = field(default_factory=list)
    # (fraction of the measured rate, rate, percentiles)
    latency: list[tuple[float, float, dict[str, float]]] = field(default_factory=list)
    events_topic: str = ""  # where a worker run's events are (the sink run reads them)
    note: str = ""

    @property
    def rate(self) -> float:
        return self.articles / self.seconds

    @property
    def event_rate(self) -> float:
        return self.events / self.seconds


def offline(records: list[tuple[bytes, bytes]], workdir: Path) -> Result:
    path = workdir / "offline.jsonl"
    path.write_bytes(b"\n".join(v for _, v in records) + b"\n")
    one = workdir / "one.jsonl"
    one.write_bytes(records[0][1] + b"\n")
    cmd = [sys.executable, "-m", "hadath.cli", "extract", "--input"]

    def timed(p: Path) -> tuple[float, float, int]:
        before = os.times()
        t0 = time.perf_counter()
        out = subprocess.run([*cmd, str(p)], capture_output=True, check=True).stdout
        wall = time.perf_counter() - t0
        after = os.times()
        cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        return wall, cpu, out.count(b"\n")

    wall1, cpu1, _ = timed(one)
    wall, cpu, events = timed(path)
    n = len(records)
    return Result("offline `hadath extract`", n, wall - wall1, events, 0, (cpu - cpu1) / n * 1000)


def log_time(line: str) -> float:
    """The time of a Faust log line ([2026-01-02 10:00:00,123] ...) or a hadath one (2026-... ,123 ...)."""
    stamp = re.match(r"\[?(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3})", line)
    assert stamp, line
    return time.mktime(time.strptime(stamp.group(1), "%Y-%m-%d %H:%M:%S")) + int(stamp.group(2)) / 1000


def e2e(
    bootstrap: str,
    records: list[tuple[bytes, bytes]],
    label: str,
    env: dict[str, str],
    workdir: Path,
    workers: int = 1,
    latency: tuple[list[dict[str, Any]], float, list[float]] | None = None,
) -> Result:
    names = TopicNames.unique(re.sub(r"[^a-z0-9]+", "-", label.lower())[:20])
    create_topics(bootstrap, names)
    procs = [
        WorkerProcess(bootstrap, names, workdir / f"{names.app_id}-{i}.log", env) for i in range(workers)
    ]
    try:
        for i, proc in enumerate(procs):
            proc.start()
            proc.wait_ready(count=1)
            for earlier in procs[:i]:  # everyone has the final assignment
                earlier.wait_ready(count=i + 1)
        time.sleep(1)
        pids = [pid for p in procs for pid in p.process_tree()]
        cpu0 = cpu_seconds(pids)
        produce(bootstrap, names.articles, records)
        wait_consumed(bootstrap, names.app_id, names.articles, timeout=1800)
        cpu1 = cpu_seconds(pids)
        rss = peak_rss_mb(pids)
        inputs = read_topic(bootstrap, names.articles)
        outputs = read_topic(bootstrap, names.events) + read_topic(bootstrap, names.dlt)
        first_in = min(r.timestamp for r in inputs) / 1000
        last_out = max(r.timestamp for r in outputs) / 1000
        events = sum(1 for r in outputs if r.topic == names.events)
        result = Result(
            label,
            len(records),
            last_out - first_in,
            events,
            len(outputs) - events,
            (cpu1 - cpu0) / len(records) * 1000,
            rss,
            events_topic=names.events,
        )
        if latency is not None:  # the same warm worker at fractions of the rate just measured
            base, seconds, fractions = latency
            for fraction in fractions:
                rate = result.rate * fraction
                paced = batch(base, max(50, int(rate * seconds)), f"paced{fraction}")
                produce(bootstrap, names.articles, paced, rate=rate)
                wait_consumed(bootstrap, names.app_id, names.articles, timeout=600)
                result.latency.append((fraction, rate, latencies(bootstrap, names, {k for k, _ in paced})))
            result.rss_mb = peak_rss_mb(pids)
        for proc in procs:
            proc.terminate()
        return result
    finally:
        for proc in procs:
            proc.kill()


def sink(bootstrap: str, worker_run: Result, postgres: LocalPostgres, workdir: Path) -> Result:
    """`hadath sink` over the events of a worker run, into an empty database."""
    names = TopicNames.unique("sinkbench")
    names = TopicNames(names.app_id, names.articles, worker_run.events_topic, names.dlt)
    database = postgres.create_database()
    env = {"HADATH_POSTGRES_DSN": postgres.dsn_for(database), "HADATH_POSTGRES_PASSWORD": postgres.password}
    process = SinkProcess(bootstrap, names, workdir / f"{names.app_id}.log", env).start()
    try:
        process.wait_ready()
        log = process.log_since_start().splitlines()
        ready = log_time(next(line for line in log if process.ready_line in line))
        while committed_lag(bootstrap, sink_group(names), names.events) > 0:
            if not process.alive:
                raise RuntimeError(process.log_tail())
            time.sleep(0.05)
        done = time.time()
        assert process.terminate() == 0, process.log_tail()
    finally:
        process.kill()
    import psycopg

    with psycopg.connect(postgres.conninfo(database)) as conn:
        rows = conn.execute("SELECT count(*) FROM events").fetchone()[0]  # type: ignore[index]
    stored = len(read_topic(bootstrap, names.events))
    return Result("sink: events topic -> PostgreSQL", worker_run.articles, done - ready, stored, 0, None, [],
                  note=f"{rows} rows")  # fmt: skip


def latencies(bootstrap: str, names: TopicNames, keys: set[bytes]) -> dict[str, float]:
    created = {r.key: r.timestamp for r in read_topic(bootstrap, names.articles) if r.key in keys}
    done: dict[bytes, int] = {}
    for r in read_topic(bootstrap, names.events):
        subject = dict(r.headers or []).get("ce_subject")
        if subject in created:
            done[subject] = max(done.get(subject, 0), r.timestamp)
    for r in read_topic(bootstrap, names.dlt):
        if r.key in created:
            done[r.key] = max(done.get(r.key, 0), r.timestamp)
    values = sorted(done[k] - created[k] for k in done)
    if not values:
        return {}

    def pct(p: float) -> float:
        return float(values[min(len(values) - 1, int(p / 100 * len(values)))])

    return {"p50": pct(50), "p95": pct(95), "p99": pct(99), "n": float(len(values))}


def median_result(results: list[Result]) -> Result:
    if len(results) == 1:
        return results[0]
    ordered = sorted(results, key=lambda r: r.rate)
    return ordered[len(ordered) // 2]


# ------------------------------------------------------------------ main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=5000, help="articles per throughput run")
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--latency-seconds", type=float, default=20.0)
    parser.add_argument("--latency-fractions", default="0.5,0.25", help="fractions of the measured rate")
    parser.add_argument("--repeat", type=int, default=1, help="runs per configuration; the median is shown")
    parser.add_argument("--variants", action="store_true", help="also in-flight 1, linger 0, gzip")
    parser.add_argument("--workers2", action="store_true", help="also two workers in one group")
    parser.add_argument("--sink", action="store_true", help="also hadath sink into PostgreSQL")
    parser.add_argument("--variant-n", type=int, default=1500, help="articles per variant run")
    parser.add_argument("--variant-rounds", type=int, default=3, help="interleaved rounds of variants")
    args = parser.parse_args(argv)

    base, source = base_articles(Path(args.shared))
    records = batch(base, args.n, "bench")
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"hadath bench-e2e, {started}; {platform.node()}: {os.cpu_count()} CPUs, "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    print(
        f"articles: {source}; N = {args.n}; "
        f"mean value {statistics.mean(len(v) for _, v in records):.0f} bytes"
    )
    print(f"load average at the start (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    sys.stdout.flush()

    rows: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="hadath-bench-") as tmp, LocalKafka() as broker:
        workdir = Path(tmp)
        bootstrap = broker.bootstrap

        def measure(label: str, env: dict[str, str], recs: list[tuple[bytes, bytes]], **kw: Any) -> Result:
            runs = [e2e(bootstrap, recs, label, env, workdir, **kw) for _ in range(args.repeat)]
            result = median_result(runs)
            rows.append(result)
            print(f"  done: {label}: {result.rate:.1f} articles/s", flush=True)
            return result

        off = median_result([offline(records, workdir) for _ in range(args.repeat)])
        rows.append(off)
        print(f"  done: offline: {off.rate:.1f} articles/s", flush=True)
        fractions = [float(f) for f in args.latency_fractions.split(",")]
        full = measure("e2e, 1 worker", {}, records, latency=(base, args.latency_seconds, fractions))
        measure("pass-through (no extraction)", {"HADATH_EXTRACTOR": "passthrough"}, records)
        measure(
            "null extractor (child, 1 tiny event)", {"HADATH_EXTRACTOR": "fault_extractor:nothing"}, records
        )
        if args.sink:
            with LocalPostgres() as postgres:
                runs = [sink(bootstrap, full, postgres, workdir) for _ in range(max(args.repeat, 3))]
            stored = median_result(runs)
            rows.append(stored)
            rates = ", ".join(f"{r.event_rate:.0f}" for r in runs)
            print(f"  done: sink: {rates} events/s ({stored.note} of {stored.events} events)", flush=True)
        if args.workers2:
            measure("e2e, 2 workers in 1 group", {}, records, workers=2)
        if args.variants:
            # Interleaved rounds (A B C ... A B C ...) and medians: the machine's spare CPU
            # drifts, and back-to-back runs of one variant would carry that drift.
            small = records[: args.variant_n]
            null = {"HADATH_EXTRACTOR": "fault_extractor:nothing"}
            variants = [
                ("defaults (in flight 256, linger 5 ms)", {}),
                ("max in flight 1", {"HADATH_MAX_IN_FLIGHT": "1"}),
                ("linger 0 ms", {"HADATH_PRODUCER_LINGER_MS": "0"}),
                ("gzip", {"HADATH_PRODUCER_COMPRESSION": "gzip"}),
                ("2 extraction processes", {"HADATH_EXTRACT_PROCESSES": "2"}),
                ("null extractor, defaults", null),
                ("null extractor, max in flight 1", {**null, "HADATH_MAX_IN_FLIGHT": "1"}),
                ("null extractor, linger 0 ms", {**null, "HADATH_PRODUCER_LINGER_MS": "0"}),
            ]
            runs: dict[str, list[Result]] = {label: [] for label, _ in variants}
            for _ in range(max(args.repeat, args.variant_rounds)):
                for label, env in variants:
                    runs[label].append(e2e(bootstrap, small, label, env, workdir))
            for label, _ in variants:
                result = median_result(runs[label])
                result.label = f"N={len(small)} {label}"
                rows.append(result)
                rates = ", ".join(f"{r.rate:.0f}" for r in runs[label])
                print(f"  done: {label}: {rates} articles/s", flush=True)

    print()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average at the end (1, 5, 15 min): {load} — other processes share these cores")
    head = ("run (median of runs)", "articles/s", "events/s", "CPU ms/art", "peak RSS MB")
    print(f"{head[0]:46} {head[1]:>10} {head[2]:>9} {head[3]:>10} {head[4]:>16}")
    for r in rows:
        rss = "+".join(f"{x:.0f}" for x in r.rss_mb) if r.rss_mb else "-"
        cpu = f"{r.cpu_per_article_ms:.2f}" if r.cpu_per_article_ms is not None else "-"
        print(f"{r.label:46} {r.rate:10.1f} {r.event_rate:9.1f} {cpu:>10} {rss:>16}")
    print()
    for fraction, rate, pct in full.latency:
        if pct:
            print(
                f"latency at {rate:.1f} articles/s ({fraction:.0%} of e2e max), {pct['n']:.0f} articles: "
                f"p50 {pct['p50']:.0f} ms, p95 {pct['p95']:.0f} ms, p99 {pct['p99']:.0f} ms"
            )
    overhead = full.rate / off.rate
    peak = sum(full.rss_mb)
    print(
        f"streaming overhead = e2e / offline = {full.rate:.1f} / {off.rate:.1f} = {overhead:.2f} "
        "(target >= 0.80)"
    )
    if off.cpu_per_article_ms and full.cpu_per_article_ms:
        cpu_off, cpu_e2e = off.cpu_per_article_ms, full.cpu_per_article_ms
        print(
            f"CPU ms per article offline / e2e = {cpu_off:.2f} / {cpu_e2e:.2f} = {cpu_off / cpu_e2e:.2f} "
            "(overhead in CPU terms, insensitive to other load)"
        )
    print(f"worker peak RSS (worker + extraction process) = {peak:.0f} MB (target < 400)")
    if args.sink:
        extraction = off.event_rate
        print(
            f"sink events/s / offline extraction events/s = {stored.event_rate:.0f} / {extraction:.0f} = "
            f"{stored.event_rate / extraction:.1f} (one sink keeps up with that many extraction cores)"
        )
    half = [pct for fraction, _, pct in full.latency if fraction == 0.5 and pct]
    if half:
        print(f"p99 at half load = {half[0]['p99']:.0f} ms (target < 250)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
