"""The coverage report tool finds names after titles that the actor gazetteer lacks."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

TOOL = (
    Path(__file__).resolve().parents[2]
    / "services"
    / "hadath"
    / "extractor"
    / "data"
    / "tools"
    / "coverage.py"
)


@pytest.fixture(scope="module")
def cov() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gazetteer_coverage", TOOL)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# A tiny gazetteer, so that the test does not depend on what actors.tsv happens to lack.
MINI = (
    "# test gazetteer\n"
    "الرئيس\t*GOV\ttitle\t\n"
    "وزير الخارجية\t*GOV\ttitle\t\n"
    "السفير\t*GOV\ttitle\t\n"
    "الروسي\tRUS\tdemonym\t\n"
    "الفنلندي\tFIN\tdemonym\t\n"
    "لافروف\tRUSGOV\tperson\t\n"
)


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    path = tmp_path / "actors.tsv"
    path.write_text(MINI, encoding="utf-8")
    return path


def test_real_gazetteer_loads(cov: ModuleType) -> None:
    forms, titles, places = cov.load_forms(cov.DATA / "actors.tsv")
    assert cov.fold("وزير الخارجية") in titles and cov.fold("الروسي") in places and len(forms) > 1000


def test_reports_unknown_names_and_skips_known_ones(cov: ModuleType, mini: Path) -> None:
    forms, titles, places = cov.load_forms(mini)
    texts = [
        "وقال وزير الخارجية الروسي سيرغي لافروف إن المحادثات مستمرة.",
        "والتقى الرئيس الفنلندي ساولي نينيستو نظيره في هلسنكي.",
        "وأكد وزير الخارجية الفنلندي، تيمو سويني، أن بلاده تدعم الحل.",
        "وقال الرئيس الفنلندي ساولي نينيستو إن بلاده مستعدة.",
    ]
    counts = cov.uncovered(texts, forms, titles, places)
    assert counts[cov.fold("ساولي نينيستو")] == 2
    assert counts[cov.fold("تيمو سويني")] == 1
    assert not any("لافروف" in name for name in counts)


def test_cli_reads_gold_and_article_lines(
    cov: ModuleType, mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "c.jsonl"
    art = {"id": "a", "title": "", "body": "وقال السفير الفنلندي ياري فيرتانين إن الوضع خطير."}
    corpus.write_text(
        json.dumps(art, ensure_ascii=False)
        + "\n"
        + json.dumps({"article": art, "events": []}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    assert cov.main([str(corpus), "--actors", str(mini), "--min-count", "2"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out == [f"2\t{cov.fold('ياري فيرتانين')}"]
