"""`make bench`: the pure extractor's speed on one core, median of several runs, plus a profile.

Only `extract` is timed (articles are parsed and validated beforehand); the first run
also pays for loading lexicons and the morphology DB, so it is reported separately.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from hadath.inputs import read_articles
from hadath.kafka_io import validate
from hadath_schemas import Article, Event


def load(path: str, limit: int | None) -> list[Article]:
    articles = []
    for raw in read_articles(path):
        checked = validate(raw)
        if not isinstance(checked, str):
            articles.append(checked)
        if limit and len(articles) >= limit:
            break
    return articles


def one_pass(extract: Callable[[Article], Sequence[Event]], articles: Sequence[Article]) -> tuple[float, int]:
    events = 0
    start = time.perf_counter()
    for article in articles:
        events += len(extract(article))
    return time.perf_counter() - start, events


def camel_pass(articles: Sequence[Article]) -> float:
    """Seconds for a plain camel-tools pass over the same texts (dediacritise, normalise
    alef, ``simple_word_tokenize``): the floor the extractor's speed is compared with."""
    from camel_tools.tokenizers.word import simple_word_tokenize
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import normalize_alef_ar

    start = time.perf_counter()
    for article in articles:
        simple_word_tokenize(normalize_alef_ar(dediac_ar(article.text)))
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hadath-bench", description=__doc__)
    parser.add_argument("--input", required=True, help="JSONL articles, seed .txt or a folder")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--profile", type=int, default=15, help="show the top N functions (0: none)")
    args = parser.parse_args(argv)

    if not Path(args.input).exists():
        print(f"no input at {args.input}", file=sys.stderr)
        return 2
    articles = load(args.input, args.limit)
    words = sum(len(article.text.split()) for article in articles)
    t0 = time.perf_counter()
    from hadath.extractor import EXTRACTOR_VERSION, extract

    import_seconds = time.perf_counter() - t0
    first_seconds, events = one_pass(extract, articles)
    # like the worker shell after its warm-up: the tables and caches are permanent, keep
    # them out of every later full collection
    gc.collect()
    gc.freeze()
    timings = [one_pass(extract, articles)[0] for _ in range(args.runs)]
    median = statistics.median(timings)
    camel_median = statistics.median(camel_pass(articles) for _ in range(args.runs))

    rows = [
        ("extractor", EXTRACTOR_VERSION),
        ("articles", f"{len(articles)}"),
        ("words", f"{words}"),
        ("events", f"{events}"),
        ("import + load", f"{import_seconds:.3f} s"),
        ("first (cold) pass", f"{first_seconds:.3f} s"),
        (f"median of {args.runs} warm passes", f"{median:.3f} s"),
        ("fastest / slowest pass", f"{min(timings):.3f} s / {max(timings):.3f} s"),
        ("articles/s (median)", f"{len(articles) / median:,.0f}"),
        ("words/s (median)", f"{words / median:,.0f}"),
        ("ms/article (median)", f"{1000 * median / max(1, len(articles)):.2f}"),
        ("plain camel-tools pass, articles/s", f"{len(articles) / camel_median:,.0f}"),
        ("ratio to the camel-tools pass (issue 10: >= 0.5)", f"{camel_median / median:.2f}"),
    ]
    width = max(len(name) for name, _ in rows)
    print("| " + "metric".ljust(width) + " | value |")
    print("|" + "-" * (width + 2) + "|-------|")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        one_pass(extract, articles)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.profile)
        print("\nwhere the time goes (one warm pass, cumulative):")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:6000])
    return 0


if __name__ == "__main__":
    sys.exit(main())
