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


def one_pass(
    extract: Callable[[Article], Sequence[Event]], articles: Sequence[Article]
) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, events) of one pass over ``articles``."""
    events = 0
    start, cpu = time.perf_counter(), time.process_time()
    for article in articles:
        events += len(extract(article))
    return time.perf_counter() - start, time.process_time() - cpu, events


def camel_pass(articles: Sequence[Article]) -> tuple[float, float]:
    """(wall, CPU) seconds of a plain camel-tools pass over the same texts (dediacritise,
    normalise alef, ``simple_word_tokenize``): the floor the extractor's speed is compared with."""
    from camel_tools.tokenizers.word import simple_word_tokenize
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import normalize_alef_ar

    start, cpu = time.perf_counter(), time.process_time()
    for article in articles:
        simple_word_tokenize(normalize_alef_ar(dediac_ar(article.text)))
    return time.perf_counter() - start, time.process_time() - cpu


# Shapes of one long article that once made extraction superlinear (issue 14): real prose,
# one sentence repeated, an unclosed quotation, a run of bare و and of bare event words.
_REPEATED = "وأدانت وزارة الخارجية الهجوم الذي استهدف السفارة في العاصمة، واتهمت جماعة مسلحة بتنفيذه. "
_SHAPES: dict[str, Callable[[str], str]] = {
    "real prose": lambda corpus: corpus,
    "one sentence repeated": lambda corpus: _REPEATED,
    "unclosed « quotation": lambda corpus: "«" + corpus.replace("»", ""),
    "run of و": lambda corpus: "و ",
    "bare event words": lambda corpus: "أدان اتهم هاجم رفض نفى طالب هدد التقى ",
}
SCALING_SIZES = (10_000, 100_000, 1_000_000)  # bytes of UTF-8 body


def _sized(unit: str, size: int) -> str:
    """``unit`` repeated and cut to ``size`` bytes of UTF-8 (on a character boundary)."""
    text = unit * (size // max(1, len(unit.encode())) + 1)
    return text.encode()[:size].decode("utf-8", errors="ignore")


def scaling(extract: Callable[[Article], Sequence[Event]], articles: Sequence[Article], runs: int) -> None:
    """Milliseconds per 10 KB for one article of 10 KB, 100 KB and 1 MB of each shape:
    linear extraction keeps each row flat. Median of ``runs`` (of 1 for 1 MB), CPU time."""
    corpus = "\n".join(article.body for article in articles)
    header = (
        "| shape | " + " | ".join(f"{size // 1000:,} KB: ms/10 KB" for size in SCALING_SIZES) + " | 1 MB: s |"
    )
    print("\n" + header)
    print("|" + "---|" * (len(SCALING_SIZES) + 2))
    for shape, unit_of in _SHAPES.items():
        cells, last = [], 0.0
        for size in SCALING_SIZES:
            article = Article(id=f"bench-{size}", title="", body=_sized(unit_of(corpus), size))
            times = []
            for _ in range(runs if size < 1_000_000 else 1):
                start = time.process_time()
                extract(article)
                times.append(time.process_time() - start)
            last = statistics.median(times)
            cells.append(f"{1000 * last / (size / 10_000):.1f}")
        print(f"| {shape} | " + " | ".join(cells) + f" | {last:.2f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hadath-bench", description=__doc__)
    parser.add_argument("--input", required=True, help="JSONL articles, seed .txt or a folder")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--profile", type=int, default=15, help="show the top N functions (0: none)")
    parser.add_argument(
        "--no-scaling",
        action="store_true",
        help="skip the ms-per-10-KB table (10 KB, 100 KB, 1 MB)",
    )
    args = parser.parse_args(argv)

    if not Path(args.input).exists():
        print(f"no input at {args.input}", file=sys.stderr)
        return 2
    articles = load(args.input, args.limit)
    words = sum(len(article.text.split()) for article in articles)
    t0 = time.perf_counter()
    from hadath.extractor import EXTRACTOR_VERSION, extract

    import_seconds = time.perf_counter() - t0
    first_seconds, _, events = one_pass(extract, articles)
    # like the worker shell after its warm-up: the tables and caches are permanent, keep
    # them out of every later full collection
    gc.collect()
    gc.freeze()
    passes = [one_pass(extract, articles) for _ in range(args.runs)]
    timings = [wall for wall, _, _ in passes]
    median = statistics.median(timings)
    cpu_median = statistics.median(cpu for _, cpu, _ in passes)
    camel = [camel_pass(articles) for _ in range(args.runs)]
    camel_median = statistics.median(wall for wall, _ in camel)
    camel_cpu_median = statistics.median(cpu for _, cpu in camel)

    rows = [
        ("extractor", EXTRACTOR_VERSION),
        ("articles", f"{len(articles)}"),
        ("words", f"{words}"),
        ("events", f"{events}"),
        ("import + load", f"{import_seconds:.3f} s"),
        ("first (cold) pass", f"{first_seconds:.3f} s"),
        (f"median of {args.runs} warm passes", f"{median:.3f} s"),
        ("fastest / slowest pass", f"{min(timings):.3f} s / {max(timings):.3f} s"),
        (f"median of {args.runs} warm passes, CPU time", f"{cpu_median:.3f} s"),
        ("articles/s (median)", f"{len(articles) / median:,.0f}"),
        ("words/s (median)", f"{words / median:,.0f}"),
        ("ms/article (median)", f"{1000 * median / max(1, len(articles)):.2f}"),
        ("plain camel-tools pass, articles/s", f"{len(articles) / camel_median:,.0f}"),
        ("plain camel-tools pass, CPU time (median)", f"{camel_cpu_median:.3f} s"),
        ("ratio to the camel-tools pass (issue 10: >= 0.5)", f"{camel_median / median:.2f}"),
        # a shared machine's other load inflates wall time, not CPU time
        ("ratio to the camel-tools pass, by CPU time", f"{camel_cpu_median / cpu_median:.2f}"),
    ]
    width = max(len(name) for name, _ in rows)
    print("| " + "metric".ljust(width) + " | value |")
    print("|" + "-" * (width + 2) + "|-------|")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")

    if not args.no_scaling:
        scaling(extract, articles, runs=3)

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
