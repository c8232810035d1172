"""Every relative link in the project's Markdown points at a file that exists (and a heading
that exists, for ``file.md#anchor``), so a moved file or a renamed section fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted(
    {
        ROOT / "README.md",
        *ROOT.glob("docs/*.md"),
        *ROOT.glob("schemas/**/*.md"),
        *ROOT.glob("services/**/*.md"),
        *ROOT.glob("tests/fixtures/**/*.md"),
    }
)
LINK = re.compile(r"\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    out = set()
    for heading in re.findall(r"^#+\s+(.+)$", FENCE.sub("", markdown), re.M):
        out.add(re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-"))
    return out


def test_the_anchor_rule_matches_github() -> None:
    text = "# Topics\n## `hadath.articles.DLT` (dead letters)\n### EventType\n```\n# not a heading\n```"
    assert anchors(text) == {"topics", "hadatharticlesdlt-dead-letters", "eventtype"}


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(doc: Path) -> None:
    broken = []
    for link in LINK.findall(FENCE.sub("", doc.read_text(encoding="utf-8"))):
        if link.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, fragment = link.partition("#")
        target = (doc.parent / path).resolve() if path else doc
        if not target.exists():
            broken.append(f"{link}: no such file")
        elif fragment and target.suffix == ".md" and fragment not in anchors(target.read_text("utf-8")):
            broken.append(f"{link}: no such heading")
    assert not broken, f"{doc.relative_to(ROOT)}: {broken}"
