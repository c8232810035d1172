"""The `hadath` command line: extract offline, run the worker, produce articles, tail events, score."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from hadath.settings import Settings


def _cmd_extract(args: argparse.Namespace) -> int:
    from hadath.extractor import extract
    from hadath.inputs import read_articles
    from hadath.kafka_io import validate

    out = sys.stdout
    status = 0
    for raw in read_articles(args.input):
        checked = validate(raw)
        if isinstance(checked, str):
            print(f"hadath extract: skipping {raw.origin}: {checked}", file=sys.stderr)
            status = 1
            continue
        for event in extract(checked):
            out.write(event.model_dump_json() + "\n")
    out.flush()
    return status


def _cmd_worker(args: argparse.Namespace) -> int:
    from hadath.kafka_admin import ensure_topics
    from hadath.worker.app import create_app

    settings = Settings.from_env()
    ensure_topics(settings)
    app = create_app(settings)
    sys.argv = ["hadath-worker", "worker", "--loglevel", settings.log_level, "--without-web"]
    app.main()
    return 0


def _cmd_produce(args: argparse.Namespace) -> int:
    from hadath.inputs import read_articles
    from hadath.kafka_admin import ensure_topics
    from hadath.kafka_io import produce

    settings = Settings.from_env()
    ensure_topics(settings)
    report = produce(read_articles(args.path), settings, skip_invalid=not args.stop_on_invalid)
    for line in report.invalid:
        print(f"invalid: {line}", file=sys.stderr)
    for line in report.failed:
        print(f"not delivered: {line}", file=sys.stderr)
    print(f"sent {report.sent}, invalid {len(report.invalid)}, failed {len(report.failed)}", file=sys.stderr)
    return 0 if report.ok else 1


def _cmd_tail(args: argparse.Namespace) -> int:
    from hadath.kafka_io import iter_events

    settings = Settings.from_env()

    def ready() -> None:
        if args.ready_file:
            with open(args.ready_file, "w") as handle:
                handle.write("ready\n")

    events = iter_events(
        settings, from_beginning=not args.new_only, idle_timeout_seconds=args.idle_timeout, on_ready=ready
    )
    for count, event in enumerate(events, start=1):
        print(json.dumps(event, ensure_ascii=False), flush=True)
        if args.max and count >= args.max:
            break
    return 0


def _cmd_eval(argv: list[str]) -> int:
    from hadath.scoring import main as eval_main

    return eval_main(argv)


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hadath", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    extract = sub.add_parser("extract", help="extract events from files, no broker; JSONL to stdout")
    extract.add_argument("--input", required=True, help="JSONL file, seed .txt file, folder of them, or -")
    extract.set_defaults(func=_cmd_extract)

    worker = sub.add_parser("worker", help="run the Faust worker (settings from HADATH_* env)")
    worker.set_defaults(func=_cmd_worker)

    produce = sub.add_parser("produce", help="validate and send articles to the articles topic")
    produce.add_argument("path", help="JSONL file, seed .txt file, folder of them, or - for stdin")
    produce.add_argument("--stop-on-invalid", action="store_true", help="stop at the first invalid record")
    produce.set_defaults(func=_cmd_produce)

    tail = sub.add_parser("tail", help="print events from the events topic as JSONL")
    tail.add_argument("--idle-timeout", type=float, default=None, help="stop after this many idle seconds")
    tail.add_argument("--max", type=int, default=0, help="stop after this many events")
    tail.add_argument("--new-only", action="store_true", help="only events produced after tail starts")
    tail.add_argument("--ready-file", help="touch this file once positions are fixed (for scripts)")
    tail.set_defaults(func=_cmd_tail)

    sub.add_parser(
        "eval", help="score against gold files (spec §7); see `hadath eval --help`", add_help=False
    )

    schemas = sub.add_parser("schemas", help="check (or --write) the generated JSON Schema files")
    schemas.add_argument("--write", action="store_true")
    schemas.set_defaults(func=_cmd_schemas)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("kafka").setLevel(logging.WARNING)  # kafka-python narrates every connection at INFO
    if argv[:1] == ["eval"]:
        return _cmd_eval(argv[1:])
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
