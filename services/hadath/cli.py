"""The `hadath` command line: extract offline, run the worker, produce articles, tail events, score."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hadath.settings import Settings, SettingsError

if TYPE_CHECKING:
    from hadath.inputs import RawArticle
    from hadath.kafka_io import ProduceReport

EXIT_INVALID = 1  # some input records were invalid (the valid ones before/around them were sent)
EXIT_CONFIG = 2  # bad command line or settings
EXIT_NOT_DELIVERED = 3  # the cluster was unreachable or refused records


class UsageError(Exception):
    """The command line names something that is not there; the message says what."""


def _require_input(path: str) -> None:
    """Fail before connecting anywhere when the input file or folder does not exist."""
    if path != "-" and not Path(path).exists():
        raise UsageError(f"{path}: no such file or folder")


def _port(text: str) -> int:
    """argparse type: a TCP port number (0: any free port)."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port (0-65535)")
    return port


def _settings(args: argparse.Namespace) -> Settings:
    """The settings from the environment, with this command's flags on top."""
    overrides: dict[str, str] = {}
    if getattr(args, "bootstrap_server", None):
        overrides["bootstrap_servers"] = args.bootstrap_server
    if getattr(args, "topic", None):
        overrides[args.topic_setting] = args.topic
    return Settings.from_env(**overrides)


def _cmd_extract(args: argparse.Namespace) -> int:
    import time

    from hadath import __version__, metrics
    from hadath.extractor import EXTRACTOR_VERSION, extract
    from hadath.inputs import read_articles
    from hadath.kafka_io import validate

    _require_input(args.input)
    if args.metrics_port is not None:  # the same /metrics as the worker, for batch runs
        metrics.set_info(__version__, EXTRACTOR_VERSION)
        metrics.serve(Settings.from_env().metrics_host, args.metrics_port)
    out = sys.stdout
    status = 0
    for raw in read_articles(args.input):
        metrics.received()
        checked = validate(raw)
        if isinstance(checked, str):
            print(f"hadath extract: skipping {raw.origin}: {checked}", file=sys.stderr)
            metrics.dead_lettered("not_json" if raw.error else "schema_invalid")
            status = 1
            continue
        with metrics.time_extraction():
            events = extract(checked)
        for event in events:
            out.write(event.model_dump_json() + "\n")
        metrics.events_produced(events)
        metrics.processed(None)  # no Kafka record timestamp: no end-to-end latency
    out.flush()
    if args.metrics_port is not None and args.metrics_hold > 0:
        time.sleep(args.metrics_hold)  # let Prometheus scrape the final counts
    return status


def _cmd_worker(args: argparse.Namespace) -> int:
    from hadath.kafka_admin import ensure_topics
    from hadath.metrics import start_worker_metrics
    from hadath.worker.app import create_app

    settings = _settings(args)
    ensure_topics(settings)
    app = create_app(settings)
    start_worker_metrics(settings)  # /metrics, build info, consumer-lag polling thread
    # --quiet: Faust prints no banner table; HadathWorker logs its facts in hadath's format.
    sys.argv = ["hadath-worker", "--quiet", "worker", "--loglevel", settings.log_level, "--without-web"]
    app.main()
    return 0


def _cmd_sink(args: argparse.Namespace) -> int:
    from hadath.security import check_connection
    from hadath.store import sink

    settings = _settings(args)
    if args.migrate_only:
        return sink.migrate_only(settings)
    check_connection(settings, settings.connect_timeout_seconds)  # one clear line, not a traceback
    return sink.main(settings)


def _count_records(path: str) -> int | None:
    """How many records the input holds (for the progress bar), or None when unknown (stdin)."""
    if path == "-":
        return None
    source = Path(path)
    files = sorted(source.iterdir()) if source.is_dir() else [source]
    total = 0
    for child in files:
        if child.suffix == ".txt" and child.is_file():
            total += 1
        elif child.is_file() and (child.suffix == ".jsonl" or child == source):
            with child.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
    return total


def _cmd_produce(args: argparse.Namespace) -> int:
    from kafka.errors import KafkaError
    from tqdm import tqdm

    from hadath.inputs import read_articles
    from hadath.kafka_admin import TopicsMissing, ensure_topics, require_topics
    from hadath.kafka_io import produce

    _require_input(args.path)
    settings = _settings(args)
    show = args.progress or (sys.stderr.isatty() and not args.no_progress)
    if args.create_topics and not args.check:
        try:
            ensure_topics(settings, topics=[settings.articles_topic])
        except KafkaError as exc:  # e.g. no CREATE permission: say so, do not send blindly
            raise UsageError(f"cannot create {settings.articles_topic}: {exc}") from None
    elif not args.check:
        try:
            require_topics(settings, [settings.articles_topic])  # a typo must not create a topic
        except TopicsMissing as exc:
            raise UsageError(
                f"{exc} (check --topic/HADATH_ARTICLES_TOPIC; the worker creates its topics at startup, "
                "--create-topics creates it here)"
            ) from None
    bar = tqdm(
        total=_count_records(args.path) if show else None,
        unit=" records",
        file=sys.stderr,
        disable=not show,
        mininterval=0.5,
        dynamic_ncols=True,
    )

    def invalid(line: str) -> None:
        bar.write(f"invalid: {line}", file=sys.stderr)  # above the bar, not through it

    def progress(report: ProduceReport) -> None:
        bar.update(1)
        if report.read % 256 == 0:
            bar.set_postfix(sent=report.sent, invalid=len(report.invalid), failed=len(report.failed))

    if args.check:
        report = check_only(read_articles(args.path), settings, invalid, progress, args.skip_invalid)
    else:
        report = produce(
            read_articles(args.path),
            settings,
            skip_invalid=args.skip_invalid,
            on_invalid=invalid,
            on_record=progress,
        )
    bar.close()
    for line in report.failed:
        print(f"not delivered: {line}", file=sys.stderr)
    if report.stopped_at is not None:
        print(
            f"stopped at the first invalid record ({report.stopped_at}); records after it were not read "
            "(--skip-invalid sends every valid record and reports every invalid one)",
            file=sys.stderr,
        )
    verb = "valid" if args.check else "sent"
    print(
        f"hadath produce: read {report.read}, {verb} {report.sent}, invalid {len(report.invalid)}, "
        f"failed {len(report.failed)}",
        file=sys.stderr,
    )
    if report.failed:
        return EXIT_NOT_DELIVERED
    return EXIT_INVALID if report.invalid else 0


def check_only(
    raws: Iterable[RawArticle],
    settings: Settings,
    on_invalid: Callable[[str], None],
    on_record: Callable[[ProduceReport], None],
    skip_invalid: bool,
) -> ProduceReport:
    """`hadath produce --check`: the producer's validation without a broker (counts valid as sent)."""
    from hadath.kafka_io import ProduceReport, encode, validate
    from hadath_schemas import Article

    report = ProduceReport()
    for raw in raws:
        report.read += 1
        checked = validate(raw)
        value = encode(checked, settings.max_article_bytes) if isinstance(checked, Article) else checked
        if isinstance(value, str):
            report.invalid.append(f"{raw.origin}: {value}")
            on_invalid(report.invalid[-1])
            if not skip_invalid:
                report.stopped_at = raw.origin
                break
        else:
            report.sent += 1
        on_record(report)
    return report


def _since(text: str) -> datetime:
    from hadath.event_filter import parse_since

    try:
        return parse_since(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date or time: {text!r}") from None


def _cmd_tail(args: argparse.Namespace) -> int:
    from hadath.event_filter import event_filter
    from hadath.kafka_io import iter_events
    from hadath.security import check_connection

    settings = _settings(args)
    check_connection(settings, settings.connect_timeout_seconds)

    def ready() -> None:
        if args.ready_file:
            with open(args.ready_file, "w") as handle:
                handle.write("ready\n")

    keep = event_filter(args.type, args.country, args.mode, args.since)
    events = iter_events(
        settings, from_beginning=not args.new_only, idle_timeout_seconds=args.idle_timeout, on_ready=ready
    )
    for count, event in enumerate(filter(keep, events), start=1):
        print(json.dumps(event, ensure_ascii=False), flush=True)
        if args.max and count >= args.max:
            break
    return 0


def _cmd_eval(argv: list[str]) -> int:
    from hadath.scoring import main as eval_main

    return eval_main(argv)


def _cmd_explain(args: argparse.Namespace) -> int:
    from hadath.extractor.engine import Engine, using_engine
    from hadath.extractor.explain import explain
    from hadath.extractor.rules import load_rules

    text = sys.stdin.read() if args.text == "-" else args.text
    rules = load_rules()
    unknown = set(args.disable_rule) - {r.id for r in rules}
    if unknown:
        raise UsageError(f"no rule {', '.join(sorted(unknown))} (see `hadath rules`)")
    with using_engine(Engine(rules, disabled=args.disable_rule)):
        print(explain(text, title=args.title))
    return 0


def _cmd_rules(args: argparse.Namespace) -> int:
    from hadath.extractor.rules import RuleError, load_rules

    try:
        rules = load_rules()
    except RuleError as exc:
        print(f"hadath rules: {exc}", file=sys.stderr)
        return 1
    if args.check:
        print(f"{len(rules)} rules in {len({r.family for r in rules})} families: valid")
        return 0
    for r in rules:
        print(f"{r.id}\t{r.family}\t{r.group or '-'}\t{r.priority}\t{r.doc}")
    return 0


def _cmd_schemas(args: argparse.Namespace) -> int:
    from hadath_schemas.generate import check, write

    if args.write:
        for path in write():
            print(f"wrote {path}")
        return 0
    drift = check()
    for path in drift:
        print(f"out of date: {path} (run `hadath schemas --write`)", file=sys.stderr)
    return 1 if drift else 0


def _cmd_replay_dlt(args: argparse.Namespace) -> int:
    from hadath.kafka_admin import TopicsMissing, require_topics
    from hadath.replay import replay_dlt

    settings = _settings(args)
    needed = (
        [settings.dlt_topic] if args.dry_run else [settings.dlt_topic, args.to or settings.articles_topic]
    )
    try:
        # Checks the connection first (one clear line, not a traceback); replaying into a
        # misspelt topic must not create it.
        require_topics(settings, needed)
    except TopicsMissing as exc:
        raise UsageError(f"{exc} (check --topic and --to)") from None
    try:
        report = replay_dlt(
            settings,
            reasons=set(args.reason or []) or None,
            target=args.to,
            dry_run=args.dry_run,
            limit=args.max,
        )
    except TimeoutError as exc:  # the dead-letter topic stopped yielding records
        print(f"hadath replay-dlt: {exc}", file=sys.stderr)
        return EXIT_NOT_DELIVERED
    for line in report.failed:
        print(f"not delivered: {line}", file=sys.stderr)
    skipped = ", ".join(f"{reason} {n}" for reason, n in sorted(report.skipped.items())) or "none"
    verb = "would replay" if args.dry_run else "replayed"
    print(
        f"read {report.read} dead letters from {settings.dlt_topic}; {verb} {report.replayed} "
        f"to {args.to or settings.articles_topic}; skipped by reason: {skipped}; failed {len(report.failed)}",
        file=sys.stderr,
    )
    return 0 if report.ok else 1


def _cmd_settings(args: argparse.Namespace) -> int:
    """Every variable hadath reads, with the value it would use now (password masked)."""
    settings = Settings.from_env()
    # documented() and redacted() both follow the model's field order.
    for (variable, default), value in zip(Settings.documented(), settings.redacted().values(), strict=True):
        shown = str(value)
        note = "" if shown == default else f"  # default: {default or '(empty)'}"
        print(f"{variable}={shown}{note}")
    return 0


def _command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str, summary: str, **kwargs: Any
) -> argparse.ArgumentParser:
    """A subcommand whose one-line summary shows in `hadath --help` and heads its own --help."""
    kwargs.setdefault("description", summary[:1].upper() + summary[1:] + ".")
    return sub.add_parser(name, help=summary, **kwargs)


def _connection_flags(command: argparse.ArgumentParser, topic_setting: str | None, topic_help: str) -> None:
    """--bootstrap-server (and --topic) as Kafka's own tools spell them; each overrides its variable."""
    command.add_argument(
        "--bootstrap-server",
        metavar="HOST:PORT[,...]",
        help="Kafka brokers to connect to (default: KAFKA_BOOTSTRAP_SERVERS, else 127.0.0.1:9092)",
    )
    if topic_setting is not None:
        command.add_argument("--topic", help=topic_help)
        command.set_defaults(topic_setting=topic_setting)


def build_parser() -> argparse.ArgumentParser:
    from hadath import __version__

    parser = argparse.ArgumentParser(
        prog="hadath",
        description=__doc__,
        epilog="Settings come from HADATH_*/KAFKA_* variables (`hadath settings` lists them); "
        "`hadath COMMAND --help` describes a command.",
    )
    parser.add_argument("--version", action="version", version=f"hadath {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    extract = _command(sub, "extract", "extract events from article files, no broker; event JSONL to stdout")
    extract.add_argument("--input", required=True, help="JSONL file, seed .txt file, folder of them, or -")
    extract.add_argument("--metrics-port", type=_port, default=None, help="serve /metrics on this port")
    extract.add_argument(
        "--metrics-hold", type=float, default=0.0, help="keep /metrics up this many seconds at the end"
    )
    extract.set_defaults(func=_cmd_extract)

    worker = _command(
        sub,
        "worker",
        "run the streaming worker: articles topic -> extraction -> events and dead-letter topics",
        epilog="Settings: HADATH_*/KAFKA_* variables (`hadath settings`); /metrics, /livez and /readyz "
        "on HADATH_METRICS_HOST:HADATH_METRICS_PORT (docs/deployment.md).",
    )
    _connection_flags(worker, None, "")
    worker.set_defaults(func=_cmd_worker)

    sink = _command(
        sub,
        "sink",
        "store the events topic in PostgreSQL: one row per event, upserted by event_id",
        epilog="A consumer group (HADATH_SINK_GROUP) that applies the schema migrations, then writes "
        "each poll in one transaction and commits its offsets only after the database commit. "
        "Database: HADATH_POSTGRES_DSN and HADATH_POSTGRES_PASSWORD (docs/analysts.md).",
    )
    _connection_flags(sink, None, "")
    sink.add_argument("--migrate-only", action="store_true", help="apply the schema migrations and exit")
    sink.set_defaults(func=_cmd_sink)

    produce = _command(
        sub,
        "produce",
        "validate articles and send them to the articles topic",
        description="Validate every record against the Article contract and send the valid ones to "
        "the articles topic, keyed by article id, with an idempotent acks=all producer. "
        "Connection and security settings come from KAFKA_* variables (docs/producers.md).",
        epilog=f"exit status: 0 every record sent; {EXIT_INVALID} some records invalid; "
        f"{EXIT_CONFIG} bad usage or settings; {EXIT_NOT_DELIVERED} cluster unreachable or records "
        "not delivered",
    )
    produce.add_argument("path", help="JSONL file, seed .txt file, folder of them, or - for stdin")
    _connection_flags(
        produce, "articles_topic", "the topic to send the articles to (default: HADATH_ARTICLES_TOPIC)"
    )
    produce.add_argument(
        "--skip-invalid",
        action="store_true",
        help="send every valid record and report every invalid one "
        "(default: stop at the first invalid record; the records before it are sent)",
    )
    produce.add_argument("--check", action="store_true", help="validate only: no broker, nothing is sent")
    produce.add_argument(
        "--create-topics",
        action="store_true",
        help="create the articles topic when it is missing (HADATH_PARTITIONS, HADATH_REPLICATION_FACTOR); "
        "without it a missing topic is an error (exit 2), never created by accident",
    )
    produce.add_argument(
        "--progress", action="store_true", help="show the progress bar even when stderr is not a terminal"
    )
    produce.add_argument("--no-progress", action="store_true", help="never show the progress bar")
    produce.set_defaults(func=_cmd_produce)

    tail = _command(sub, "tail", "print the events on the events topic as JSONL")
    _connection_flags(tail, "events_topic", "the topic to read events from (default: HADATH_EVENTS_TOPIC)")
    tail.add_argument("--idle-timeout", type=float, default=None, help="stop after this many idle seconds")
    tail.add_argument("--max", type=int, default=0, help="stop after this many events")
    tail.add_argument("--new-only", action="store_true", help="only events produced after tail starts")
    tail.add_argument("--ready-file", help="touch this file once positions are fixed (for scripts)")
    tail.add_argument(
        "--type", action="append", help="only these event types (repeatable or a,b): MEET,ATTACK"
    )
    tail.add_argument(
        "--country", action="append", help="only events involving these countries, as actor or place: SYR,RUS"
    )
    tail.add_argument("--mode", action="append", help="only these modes: asserted, planned, negated")
    tail.add_argument(
        "--since",
        type=_since,
        help="only events with event_time (else published_at) at or after this ISO date/time (UTC if no "
        "zone)",
    )
    tail.set_defaults(func=_cmd_tail)

    replay = _command(
        sub,
        "replay-dlt",
        "re-send dead letters (original key, value, headers) to the articles topic after a fix",
        epilog=f"exit status: 0 every selected record re-sent; 1 some not delivered; {EXIT_NOT_DELIVERED} "
        "the cluster is unreachable or the dead-letter topic stopped yielding records (docs/reliability.md)",
    )
    _connection_flags(
        replay,
        "dead_letter_topic",
        "the dead-letter topic to read (default: HADATH_DEAD_LETTER_TOPIC, else <articles topic>.DLT)",
    )
    replay.add_argument("--reason", action="append", help="only this reason (repeatable): extractor_error")
    replay.add_argument("--to", help="target topic (default: the articles topic)")
    replay.add_argument("--max", type=int, default=None, help="replay at most this many")
    replay.add_argument("--dry-run", action="store_true", help="count what would be replayed, send nothing")
    replay.set_defaults(func=_cmd_replay_dlt)

    _command(
        sub,
        "eval",
        "score the extractor against gold files (spec §7); `hadath eval --help` lists its options",
        add_help=False,
    )

    explain = _command(
        sub, "explain", "how the extractor reads a text: chunks, candidate events, the rules that decided"
    )
    explain.add_argument("text", help="an Arabic sentence or article body (- : read stdin)")
    explain.add_argument("--title", default="", help="the article's headline, if any")
    explain.add_argument(
        "--disable-rule",
        action="append",
        default=[],
        metavar="ID",
        help="extract without this rule (repeatable)",
    )
    explain.set_defaults(func=_cmd_explain)

    rules = _command(sub, "rules", "list the extractor's rules (data/rules/*.yaml); --check validates them")
    rules.add_argument(
        "--check", action="store_true", help="only validate the rule files (exit 1 if invalid)"
    )
    rules.set_defaults(func=_cmd_rules)

    schemas = _command(
        sub,
        "schemas",
        "check (or --write) the files generated from the models: JSON Schema, AsyncAPI, docs/topics.md",
    )
    schemas.add_argument("--write", action="store_true", help="regenerate the files instead of checking")
    schemas.set_defaults(func=_cmd_schemas)

    show = _command(
        sub, "settings", "print every HADATH_*/KAFKA_* variable with the value it has now (secrets masked)"
    )
    show.set_defaults(func=_cmd_settings)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from hadath import logs

    logs.configure_from_env()  # HADATH_LOG_LEVEL, HADATH_LOG_FORMAT (text or json)
    if argv[:1] == ["eval"]:
        return _cmd_eval(argv[1:])
    args = build_parser().parse_args(argv)
    from hadath.security import ConnectionFailed

    try:
        return int(args.func(args) or 0)
    except ConnectionFailed as exc:
        print(f"hadath {args.command}: cannot use the Kafka cluster: {exc}", file=sys.stderr)
        return EXIT_NOT_DELIVERED
    except SettingsError as exc:
        print(f"hadath {args.command}: bad setting: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except UsageError as exc:
        print(f"hadath {args.command}: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        print(f"hadath {args.command}: cannot read {exc.filename}: {exc.strerror}", file=sys.stderr)
        return EXIT_CONFIG


if __name__ == "__main__":
    sys.exit(main())
