"""LICENSE and NOTICE: every third-party data file, vendored schema or generated resource the
repository ships is covered by a NOTICE entry with its source and licence (issue 13 item 9)."""

from __future__ import annotations

import fnmatch
import re
import subprocess
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COVERED_FOLDERS = ("services/hadath/extractor/data", "tests/fixtures")
FIELD = re.compile(r"^  (\w+): ?(.*)$")


@dataclass
class Entry:
    title: str
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def globs(self) -> list[str]:
        return self.fields.get("Files", "").split()


def entries(text: str) -> list[Entry]:
    """The blocks of NOTICE whose second line is an indented `Key: value` field."""
    found = []
    for block in re.split(r"\n\s*\n", text):
        lines = block.splitlines()
        title_lines = [line for line in lines if not line.startswith(" ")]
        if not any(FIELD.match(line) for line in lines):
            continue
        entry = Entry(" ".join(title_lines))
        last = None
        for line in lines:
            match = FIELD.match(line)
            if match:
                last = match.group(1)
                entry.fields[last] = match.group(2)
            elif line.startswith(" ") and last is not None:
                entry.fields[last] += " " + line.strip()
        found.append(entry)
    return found


NOTICE = (ROOT / "NOTICE").read_text(encoding="utf-8")
ENTRIES = entries(NOTICE)


def shipped_files() -> list[str]:
    result = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", *COVERED_FOLDERS], capture_output=True, text=True, check=False
    )
    if result.returncode == 0 and result.stdout.strip():
        return result.stdout.split()
    return [  # not a git checkout: what is on disk, without caches
        str(path.relative_to(ROOT))
        for folder in COVERED_FOLDERS
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]


def test_every_shipped_data_file_and_vendored_schema_has_a_notice_entry() -> None:
    files = shipped_files()
    assert any(f.endswith("actors.tsv") for f in files) and any(f.endswith(".json") for f in files)
    uncovered = [f for f in files if not any(fnmatch.fnmatch(f, g) for e in ENTRIES for g in e.globs)]
    assert not uncovered, f"add these to an entry's Files: line in NOTICE: {uncovered}"


def test_every_entry_names_source_licence_and_real_files() -> None:
    files = shipped_files()
    assert len(ENTRIES) >= 5
    for entry in ENTRIES:
        for key in ("Files", "Source", "Licence", "Use"):
            assert entry.fields.get(key), f"{entry.title}: no {key}: line"
        stale = [g for g in entry.globs if not any(fnmatch.fnmatch(f, g) for f in files)]
        assert not stale, f"{entry.title}: Files: globs that match nothing: {stale}"


def test_the_project_licence_is_stated_once_and_agrees() -> None:
    match = re.search(r"^Project licence: (\S+) \(SPDX: ([^;]+);", NOTICE, re.M)
    assert match, "NOTICE must start with 'Project licence: NAME (SPDX: ID; ...)'"
    name, spdx = match.groups()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert pyproject["license"] == spdx
    assert set(pyproject["license-files"]) >= {"LICENSE", "NOTICE"}
    licence_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    first_line = {"MIT": "MIT License", "GPL-3.0-or-later": "GNU GENERAL PUBLIC LICENSE"}
    assert licence_text.lstrip().startswith(first_line[spdx]), f"LICENSE is not the {name} text"


@pytest.mark.parametrize(
    "vendored_licence",
    ["tests/fixtures/asyncapi/LICENSE", "tests/fixtures/schemas/compose/LICENSE.compose-spec"],
)
def test_vendored_licence_texts_travel_with_their_files(vendored_licence: str) -> None:
    assert (ROOT / vendored_licence).is_file()
    assert vendored_licence.rsplit("/", 1)[0] in NOTICE


def test_the_parser_reads_continuation_lines() -> None:
    [entry] = entries(
        "Title\n  Files: a/*\n         b/c.tsv\n  Source: s\n  more source\n  Licence: L\n  Use: u\n"
    )
    assert entry.globs == ["a/*", "b/c.tsv"]
    assert entry.fields["Source"] == "s more source"
