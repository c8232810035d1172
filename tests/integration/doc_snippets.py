"""Code blocks of the docs that tests execute, found by their `<!-- snippet: NAME -->` marker."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PRODUCERS_DOC = REPO_ROOT / "docs" / "producers.md"


def snippet(name: str, doc: Path = PRODUCERS_DOC) -> str:
    """The fenced python block right after ``<!-- snippet: name -->``."""
    text = doc.read_text(encoding="utf-8")
    found = re.findall(rf"<!-- snippet: {re.escape(name)} -->\n```python\n(.*?)\n```", text, flags=re.S)
    if len(found) != 1:
        raise LookupError(f"{doc}: expected one python block marked {name!r}, found {len(found)}")
    return found[0]


def run_snippet(name: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run a snippet as its own program (a fresh interpreter, only the given KAFKA_*/HADATH_* env)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HADATH_", "KAFKA_"))}
    return subprocess.run(
        [sys.executable, "-c", snippet(name)],
        capture_output=True,
        text=True,
        env={**base, **env},
        timeout=timeout,
    )
