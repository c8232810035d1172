"""The project's Markdown stays true to the tree: every relative link points at a file (and
heading) that exists, every `make TARGET` is listed by `make help`, and every
`hadath SUBCOMMAND --flag` written as code is a real subcommand and option."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from hadath.cli import build_parser
from hadath.settings import Settings

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


# ------------------------------------------------------------------ commands
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
HELP_LINE = r"^[a-z0-9-]+:.*## "  # what the help target greps for
FENCED = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)
INLINE = re.compile(r"`([^`\n]+)`")
# A command line that runs hadath: `hadath produce --check x`, `.venv/bin/hadath worker`,
# `VAR=1 hadath tail`, `cat a.jsonl | hadath produce -`; not `kubectl -n hadath ...` nor prose.
COMMAND = re.compile(r"(?:^\s*|\| *)(?:[A-Z_]+=\S* +)*(?:\S*/)?hadath ([a-z][a-z-]*)(?=\s|$)([^|;&#]*)")


def help_targets() -> set[str]:
    assert f"@grep -E '{HELP_LINE}'" in MAKEFILE, "the help target's pattern changed: update this test"
    return {line.split(":", 1)[0] for line in re.findall(HELP_LINE, MAKEFILE, re.M)}


def subcommands() -> dict[str, argparse.ArgumentParser]:
    [sub] = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def code_of(markdown: str) -> list[str]:
    """Every line of code in the document: fenced blocks and inline code spans."""
    fenced = [line for block in FENCED.findall(markdown) for line in block.splitlines()]
    return fenced + INLINE.findall(FENCED.sub("", markdown))


def test_the_scanners_see_commands() -> None:
    sample = (
        "Run `hadath produce --check x` or\n```bash\nX=1 .venv/bin/hadath tail --max 3  # note\n"
        "cat a | hadath worker\nkubectl -n hadath rollout status\nhadath bench-e2e, 01:07 UTC\n```\n"
    )
    found = [m for line in code_of(sample) for m in COMMAND.finditer(line)]
    assert sorted((m.group(1), m.group(2).strip()) for m in found) == [
        ("produce", "--check x"),
        ("tail", "--max 3"),
        ("worker", ""),
    ]
    assert {"help", "test", "bench-e2e"} <= help_targets()


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_make_target_in_the_docs_is_listed_by_make_help(doc: Path) -> None:
    mentioned = set(re.findall(r"\bmake ([a-z][a-z0-9-]*)", doc.read_text(encoding="utf-8")))
    missing = mentioned - help_targets()
    assert not missing, f"{doc.relative_to(ROOT)}: not listed by `make help`: {sorted(missing)}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_hadath_command_in_the_docs_exists_with_its_flags(doc: Path) -> None:
    commands = subcommands()
    problems = []
    for line in code_of(doc.read_text(encoding="utf-8")):
        for match in COMMAND.finditer(line):
            name, rest = match.group(1), match.group(2)
            if name not in commands:
                problems.append(f"hadath {name}: no such command")
                continue
            # `hadath eval` hands its arguments to hadath.scoring's own parser
            flags = (
                {"--gold", "--pred", "--errors", "--help"}
                if name == "eval"
                else {flag for action in commands[name]._actions for flag in action.option_strings}
            )
            for flag in re.findall(r"(?<!\S)(--[a-z][a-z-]*)", rest):
                if flag not in flags:
                    problems.append(f"hadath {name} {flag}: no such option")
    assert not problems, f"{doc.relative_to(ROOT)}: {problems}"


# ------------------------------------------------------------------ settings tables
def default_rows(markdown: str) -> list[tuple[str, str]]:
    """(variable, documented default) from every table whose second column is "default"."""
    rows, header, lines = [], None, markdown.splitlines()
    for i, line in enumerate(lines):
        if not line.startswith("|"):
            header = None
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if i + 1 < len(lines) and re.fullmatch(r"\|[-| :]+\|", lines[i + 1].strip()):
            header = [cell.lower() for cell in cells]
            continue
        if header and len(header) > 1 and header[1] == "default" and len(cells) > 1:
            variable = re.fullmatch(r"`((?:HADATH|KAFKA)_[A-Z0-9_]+)`", cells[0])
            default = re.match(r"`([^`]*)`", cells[1])
            if variable and default:
                rows.append((variable.group(1), default.group(1)))
    return rows


def _same_default(documented: str, actual: str) -> bool:
    try:
        return float(documented) == float(actual)
    except ValueError:
        return documented.lower() == actual.lower()


def test_default_rows_are_read_from_defaults_tables_only() -> None:
    text = (
        "| variable | default |\n|---|---|\n| `HADATH_PARTITIONS` | `4` |\n\n"
        "| hadath variable | Java property |\n|---|---|\n"
        "| `KAFKA_BOOTSTRAP_SERVERS` | `bootstrap.servers` |\n"
    )
    assert default_rows(text) == [("HADATH_PARTITIONS", "4")]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_settings_tables_show_the_real_defaults(doc: Path) -> None:
    """A row of a `| variable | default |` table names a real setting and its default (empty
    defaults are described in words, e.g. "system CAs", and not compared)."""
    defaults = dict(Settings.documented())
    wrong = []
    for variable, documented in default_rows(doc.read_text(encoding="utf-8")):
        if variable not in defaults:
            wrong.append(f"{variable}: not a setting")
        elif defaults[variable] and not _same_default(documented, defaults[variable]):
            wrong.append(f"{variable}: documented {documented!r}, default {defaults[variable]!r}")
    assert not wrong, f"{doc.relative_to(ROOT)}: {wrong}"
