"""Reading articles from files: JSONL records (spec §1) and seed-format .txt files.

A seed file is: line 1 the title, the last line the outlet, the lines between
the body (joined with "\\n"); its id is ``seed-<file stem>``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hadath.records import parse_json


@dataclass(frozen=True)
class RawArticle:
    """One input record before validation, with where it came from (for error messages)."""

    origin: str  # "path:line" or "path"
    record: Any  # parsed JSON value (should be an object), or None when it did not parse
    error: str | None = None  # parse error, if any


def seed_record(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").strip("\n").split("\n")
    if len(lines) < 3:
        raise ValueError(f"{path}: a seed file needs a title line, body lines and an outlet line")
    return {
        "id": f"seed-{path.stem}",
        "title": lines[0].strip(),
        "body": "\n".join(lines[1:-1]).strip(),
        "source": lines[-1].strip(),
        "language": "ar",
    }


def _jsonl(lines: Iterator[str], name: str) -> Iterator[RawArticle]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        origin = f"{name}:{number}"
        try:
            yield RawArticle(origin, parse_json(line))
        except json.JSONDecodeError as exc:
            yield RawArticle(origin, None, f"invalid JSON: {exc.msg} at column {exc.colno}")
        except (ValueError, RecursionError) as exc:  # NaN/Infinity, huge integers, deep nesting
            yield RawArticle(origin, None, f"invalid JSON: {exc or type(exc).__name__}")


def read_articles(path: str) -> Iterator[RawArticle]:
    """Yield raw articles from a JSONL file, a seed .txt file, a folder of them, or '-' (stdin JSONL)."""
    if path == "-":
        yield from _jsonl(iter(sys.stdin), "<stdin>")
        return
    source = Path(path)
    if source.is_dir():
        for child in sorted(source.iterdir()):
            if child.suffix in {".txt", ".jsonl"} and child.is_file():
                yield from read_articles(str(child))
        return
    if source.suffix == ".txt":
        try:
            yield RawArticle(str(source), seed_record(source))
        except ValueError as exc:
            yield RawArticle(str(source), None, str(exc))
        return
    with source.open(encoding="utf-8") as handle:
        yield from _jsonl(handle, str(source))
