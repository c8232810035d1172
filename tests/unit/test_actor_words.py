"""data/actor_words.tsv: the closed word classes of the actor mechanisms are well-formed data,
and the loader refuses a malformed row instead of skipping it."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from hadath.extractor.actors import ACTOR_WORDS_TSV, WORD_CLASSES, actor_words
from hadath.extractor.gazetteer import DATA_DIR, read_tsv
from hadath.extractor.text import fold

_ARABIC_PHRASE = re.compile(r"^[\u0621-\u064a]+( [\u0621-\u064a]+)*$")


def _iso() -> set[str]:
    return {cols[0] for cols in read_tsv(DATA_DIR / "iso3166.tsv")}


def test_every_row_has_a_known_class_and_a_plain_arabic_form() -> None:
    rows = read_tsv(ACTOR_WORDS_TSV)
    assert rows
    for cols in rows:
        assert cols[0] in WORD_CLASSES, cols
        assert _ARABIC_PHRASE.match(cols[1]), cols
        assert cols[2], cols


def test_every_class_is_used_and_no_form_repeats_within_a_class() -> None:
    rows = read_tsv(ACTOR_WORDS_TSV)
    assert {cols[0] for cols in rows} == set(WORD_CLASSES)
    folded = Counter((cols[0], " ".join(fold(cols[1]).split())) for cols in rows)
    assert [k for k, n in folded.items() if n > 1] == []


def test_class_values_are_well_formed() -> None:
    words = actor_words()
    iso = _iso()
    assert all(code.startswith("IGO") for code in words["ORG_ADJ"].values())
    assert all(int(n) >= 3 for n in words["NUMERAL"].values())
    for value in words["CONTEXT_ROLE"].values():
        country, needs, test = value.split(":")
        assert country == "*" or country in iso
        assert needs == "-" or set(needs.split(",")) <= iso
        assert test in ("any", "dominant", "lead")
    for value in words["CONTEXT_CHOICE"].values():
        codes = value.split(",")
        assert len(codes) == 2 and set(codes) <= iso
    assert set(words["LATTER"].values()) == {"m", "f"}
    plain = set(WORD_CLASSES) - {"ORG_ADJ", "NUMERAL", "CONTEXT_ROLE", "CONTEXT_CHOICE", "LATTER"}
    assert all(v == "-" for c in plain for v in words[c].values())


def test_forms_are_folded_like_the_text() -> None:
    # 'على' and 'إلى' end in alef maqsura; the matcher compares folded words
    assert {"علي", "الي"} <= set(actor_words()["LOC_PREP"])
    assert "قوات النظام" in actor_words()["CONTEXT_ROLE"]


@pytest.mark.parametrize(
    "line",
    [
        "NO_SUCH_CLASS\tفي\t-",  # a misspelt class would silently disable a mechanism
        "LOC_PREP\tفي",  # no value column
    ],
)
def test_a_malformed_row_is_an_error(tmp_path: Path, line: str) -> None:
    bad = tmp_path / "actor_words.tsv"
    bad.write_text("# header\n" + line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad row"):
        actor_words(bad)
