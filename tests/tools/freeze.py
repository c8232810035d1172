"""`make freeze`: the extractor's output over the corpus and the gold articles, diffed
against the output of a base commit (by default this branch's merge base with main).

A refactoring of the extractor (rules as data, issue 10) must not change what it
extracts, or must say why in its commit message. Other people change extraction at
the same time, so the comparison is always against the commit this branch stands
on, never against an old frozen file: the base's own source tree is exported with
`git archive` into .run/freeze/ and run with the same virtualenv.

    python tests/tools/freeze.py                 # diff working tree vs merge-base(HEAD, main)
    python tests/tools/freeze.py --base HEAD     # vs the last commit (uncommitted edits only)
    python tests/tools/freeze.py --write FILE    # only write this tree's output (used for the base)

The dev2 articles kept as a true held-out (tests/gold/dev2-holdout.ids) are left out:
nobody reads their text or their errors.
"""

from __future__ import annotations

import argparse
import collections
import difflib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# $SHARED as the Makefile passes it (../shared from the main checkout), else a worktree's
SHARED = next(
    (
        p
        for p in (
            Path(os.environ.get("SHARED", "../shared")),
            ROOT.parent / "shared",
            ROOT.parents[1] / "shared",
        )
        if (p / "corpus").is_dir()
    ),
    Path("../shared"),
)
FREEZE_DIR = ROOT / ".run" / "freeze"
HOLDOUT_IDS = ROOT / "tests" / "gold" / "dev2-holdout.ids"


def _holdout() -> set[str]:
    if not HOLDOUT_IDS.exists():
        return set()
    lines = HOLDOUT_IDS.read_text().splitlines()
    return {ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")}


def _articles(shared: Path) -> list[dict]:
    """Corpus articles, then the gold files' articles not in the corpus; no held-out ids."""
    skip = _holdout()
    seen: set[str] = set()
    out: list[dict] = []
    sources = [shared / "corpus" / "articles.jsonl", *sorted((shared / "eval").glob("*.gold.jsonl"))]
    for path in sources:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            art = rec.get("article", rec)
            aid = art.get("id")
            if not aid or aid in seen or aid in skip or "body" not in art:
                continue
            seen.add(aid)
            out.append(art)
    return out


def write(path: Path, shared: Path) -> None:
    """This source tree's events, one JSON line per event, in article order."""
    from hadath.extractor import extract
    from hadath_schemas import Article

    lines: list[str] = []
    for art in _articles(shared):
        article = Article.model_validate(art)
        for ev in extract(article):
            rec = ev.model_dump(mode="json", exclude={"extractor", "sentence"})
            lines.append(json.dumps({"article": art["id"], **rec}, ensure_ascii=False, sort_keys=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


def _base_output(base: str, shared: Path) -> Path:
    sha = _git("rev-parse", base)
    out = FREEZE_DIR / f"{sha}.jsonl"
    if out.exists():
        return out
    with tempfile.TemporaryDirectory(prefix="freeze-", dir=FREEZE_DIR) as tmp:
        archive = Path(tmp) / "src.tar"
        subprocess.run(
            ["git", "archive", "-o", str(archive), sha, "services", "schemas"],
            cwd=ROOT,
            check=True,
        )
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        env = dict(os.environ, PYTHONPATH=f"{tmp}/services:{tmp}/schemas")
        # this file's own --write (the base may predate it): run from this tree, import from the base's
        subprocess.run(
            [sys.executable, __file__, "--write", str(out), "--shared", str(shared), "--expect-src", tmp],
            env=env,
            check=True,
        )
    return out


def _types(lines: list[str]) -> collections.Counter[str]:
    return collections.Counter(json.loads(ln)["type"] for ln in lines if ln.strip())


def diff(base_file: Path, head_file: Path, context_lines: int) -> int:
    old = base_file.read_text(encoding="utf-8").splitlines()
    new = head_file.read_text(encoding="utf-8").splitlines()
    removed = sorted(set(old) - set(new))
    added = sorted(set(new) - set(old))
    changed = {json.loads(ln)["article"] for ln in removed + added}
    print(f"base {base_file.name}: {len(old)} events; this tree: {len(new)} events")
    t_old, t_new = _types(old), _types(new)
    for t in sorted(set(t_old) | set(t_new)):
        mark = "" if t_old[t] == t_new[t] else f"  ({t_new[t] - t_old[t]:+d})"
        print(f"  {t:9s} {t_old[t]:5d} -> {t_new[t]:5d}{mark}")
    if not removed and not added:
        print("frozen output: NO DIFFERENCE")
        return 0
    print(f"frozen output differs: {len(removed)} lines gone, {len(added)} new, {len(changed)} articles")
    shown = list(difflib.unified_diff(old, new, "base", "head", n=0, lineterm=""))
    for ln in shown[:context_lines]:
        print(ln)
    if len(shown) > context_lines:
        print(f"... {len(shown) - context_lines} more diff lines (--lines N)")
    return 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default=None, help="commit to compare with (default: merge-base HEAD main)")
    ap.add_argument("--write", type=Path, help="only write this source tree's output to FILE")
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--lines", type=int, default=40, help="diff lines to print")
    ap.add_argument("--expect-src", help=argparse.SUPPRESS)
    ns = ap.parse_args(argv)
    if ns.write:
        if ns.expect_src:
            import hadath.extractor

            assert hadath.extractor.__file__.startswith(ns.expect_src), hadath.extractor.__file__
        write(ns.write, ns.shared)
        return 0
    if not (ns.shared / "corpus" / "articles.jsonl").exists():
        print(f"no corpus under {ns.shared}: nothing to freeze", file=sys.stderr)
        return 2
    FREEZE_DIR.mkdir(parents=True, exist_ok=True)
    base = ns.base or _git("merge-base", "HEAD", "main")
    base_file = _base_output(base, ns.shared)
    head_file = FREEZE_DIR / "HEAD-worktree.jsonl"
    write(head_file, ns.shared)
    return diff(base_file, head_file, ns.lines)


if __name__ == "__main__":
    sys.exit(main())
