"""The suite collects as one: pytest (rootdir imports, no packages) refuses two test modules
with the same file name, and then runs nothing at all. Running only tests/unit does not
show it; this test does."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_no_two_test_modules_share_a_file_name() -> None:
    where = defaultdict(list)
    for path in TESTS.rglob("test_*.py"):
        if ".venv" not in path.parts:
            where[path.name].append(str(path.relative_to(TESTS)))
    clashes = {name: paths for name, paths in where.items() if len(paths) > 1}
    assert not clashes, f"rename one of each pair (pytest collects none of the suite): {clashes}"
