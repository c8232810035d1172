"""`make rules-report`: for each rule of data/rules/, how often it decides on the corpus and
what disabling it does to the shared gold figures (seed, dev, dev2 without the held-out
ids). A rule that fires once or never is a suspect (issue 10).

    python tests/tools/rules_report.py [--shared DIR] [--rules ID ...]
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from freeze import SHARED, _articles, _holdout

from hadath.extractor.engine import Engine, using_engine
from hadath.extractor.pipeline import analyse
from hadath.extractor.rules import load_rules
from hadath.scoring import read_jsonl, run_extractor, score
from hadath_schemas import Article


def fire_counts(shared: Path) -> collections.Counter[str]:
    """Candidates each rule decided for, over the corpus (held-out ids left out)."""
    counts: collections.Counter[str] = collections.Counter()
    for art in _articles(shared):
        article = Article.model_validate(art)
        _doc, cands, _ = analyse(article.text, len(article.title))
        for c in cands:
            counts.update(c.rules)
    return counts


def gold_sets(shared: Path) -> dict[str, list[dict]]:
    skip = _holdout()
    out = {}
    for path in sorted((shared / "eval").glob("*.gold.jsonl")):
        out[path.name.split(".")[0]] = [g for g in read_jsonl(path) if g["article"]["id"] not in skip]
    return out


def figures(golds: dict[str, list[dict]]) -> dict[str, tuple[float, float]]:
    """(event F1, full F1) per gold set with the current engine."""
    out = {}
    for name, gold in golds.items():
        s = score(gold, run_extractor(gold)).summary()
        out[name] = (s["event_f1"] or 0.0, s["full_f1"] or 0.0)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--rules", nargs="*", help="only these rule ids")
    ap.add_argument("--json", action="store_true", help="one JSON object per rule instead of a table")
    ns = ap.parse_args(argv)
    rules = load_rules()
    chosen = [r for r in rules if not ns.rules or r.id in ns.rules]
    counts = fire_counts(ns.shared)
    golds = gold_sets(ns.shared)
    base = figures(golds)
    names = list(golds)
    head = "  ".join(f"{n} ev/full" for n in names)
    print("baseline: " + "  ".join(f"{n} {base[n][0]:.3f}/{base[n][1]:.3f}" for n in names))
    if not ns.json:
        print(f"{'rule':32s} {'fires':>6s}  disabled: {head}")
    for r in chosen:
        with using_engine(Engine(rules, disabled={r.id})):
            off = figures(golds)
        deltas = {n: (off[n][0] - base[n][0], off[n][1] - base[n][1]) for n in names}
        if ns.json:
            print(json.dumps({"rule": r.id, "fires": counts[r.id], "delta_event_full": deltas}))
            continue
        cells = "  ".join(f"{deltas[n][0]:+.3f}/{deltas[n][1]:+.3f}".rjust(len(n) + 8) for n in names)
        flag = "  <- fires once or never" if counts[r.id] <= 1 else ""
        print(f"{r.id:32s} {counts[r.id]:6d}            {cells}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
