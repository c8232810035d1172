"""hadath.extractor.morphology: camel-tools analyzer over the DB generated from triggers.tsv.

Most behaviour is tested against a DB built from a small fixture lexicon, so the tests
do not move when the core lexicon is edited; the shipped DB gets the drift test and
lexicon-wide round-trip properties instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hadath.extractor import morphology_build as mb
from hadath.extractor.morphology import Analysis, Morphology, fold

FIXTURE_TRIGGERS = """\
# lemma\tpos\tforms\ttype\tcameo\tplover\tgoldstein\tframe\tnote
التقى\tV\tيلتقي\tMEET\t040\tCONSULT\t1.0\tsym\tmeet
اتهم\tV\tيتهم\tACCUSE\t112\tACCUSE\t-2.0\tobj\taccuse
نفى\tV\tينفي\tDENY\t016\tREJECT\t-1.0\tany\tdeny
دعا\tV\tيدعو\tDEMAND\t100\tREQUEST\t-5.0\tobj\tcall on
دعا\tV\tيدعو\tPROPOSE\t030\tAGREE\t4.0\tobj\tsame word, second sense
أدان\tV\tيدين\tCONDEMN\t111\tACCUSE\t-2.0\tobj\tcondemn (hollow)
زار\tV\tيزور\tMEET\t042\tCONSULT\t1.9\tobj\tvisit (hollow)
حثّ\tV\tيحث\tDEMAND\t100\tREQUEST\t-5.0\tobj\turge (doubled)
ألقى اللوم\tV\tيلقي اللوم\tACCUSE\t112\tACCUSE\t-2.0\tعلى\tmultiword: first word inflects
اتهام\tN\tاتهامات\tACCUSE\t112\tACCUSE\t-2.0\tل\taccusation
اجتماع\tN\tاجتماعات\tMEET\t040\tCONSULT\t1.0\tsym\tmeeting
دعوة\tN\tدعوات\tDEMAND\t100\tREQUEST\t-5.0\tobj\tcall
لقاء\tN\tلقاءات\tMEET\t040\tCONSULT\t1.0\tsym\tmeeting (hamza-final)
قمة\tN\tقمم\tMEET\t040\tCONSULT\t1.0\tsym\tsummit
ناف\tN\tنافيا,نافية,نافين\tDENY\t016\tREJECT\t-1.0\tany\tdenying (participle)
على استعداد\tN\t-\tPROPOSE\t030\tAGREE\t4.0\tمع\tfirst word is a function word
"""


@pytest.fixture(scope="module")
def morph(tmp_path_factory: pytest.TempPathFactory) -> Morphology:
    d = tmp_path_factory.mktemp("morph")
    triggers = d / "triggers.tsv"
    triggers.write_text(FIXTURE_TRIGGERS, encoding="utf-8")
    db = d / "fixture.db"
    db.write_text(mb.build_from_files(triggers, mb.FUNCTION_WORDS_PATH), encoding="utf-8")
    return Morphology(db)


def _find(analyses: tuple[Analysis, ...], **want: object) -> Analysis:
    for a in analyses:
        if all(getattr(a, k) == v for k, v in want.items()):
            return a
    raise AssertionError(f"no analysis with {want} in {analyses}")


# ---------------------------------------------------------------- verbs
def test_future_imperfect_with_conjunction(morph: Morphology) -> None:
    a = _find(morph.analyze("وسيلتقي"), lemma="التقى")
    assert (a.pos, a.aspect, a.person, a.number, a.gender) == ("verb", "imperf", "3", "s", "m")
    assert (a.conj, a.future, a.prep, a.article, a.enclitic) == ("و", True, None, False, None)
    assert a.stem == "يلتقي"


def test_final_weak_perfect_3fs(morph: Morphology) -> None:
    a = _find(morph.analyze("نفت"), lemma="نفى")
    assert (a.aspect, a.person, a.number, a.gender, a.stem) == ("perf", "3", "s", "f", "نفت")


@pytest.mark.parametrize(
    ("word", "lemma", "aspect", "png"),
    [
        ("نفوا", "نفى", "perf", ("3", "p", "m")),
        ("نفيا", "نفى", "perf", ("3", "d", "m")),
        ("نفى", "نفى", "perf", ("3", "s", "m")),
        ("دعت", "دعا", "perf", ("3", "s", "f")),
        ("دعوا", "دعا", "perf", ("3", "p", "m")),
        ("دعوا", "دعا", "perf", ("3", "d", "m")),
        ("التقت", "التقى", "perf", ("3", "s", "f")),
        ("التقوا", "التقى", "perf", ("3", "p", "m")),
        ("التقيا", "التقى", "perf", ("3", "d", "m")),
        ("التقينا", "التقى", "perf", ("1", "p", None)),
        ("ينفي", "نفى", "imperf", ("3", "s", "m")),
        ("ينفون", "نفى", "imperf", ("3", "p", "m")),
        ("يدعو", "دعا", "imperf", ("3", "s", "m")),
        ("يدعون", "دعا", "imperf", ("3", "p", "m")),
        ("يدعوان", "دعا", "imperf", ("3", "d", "m")),
        ("يلتقيان", "التقى", "imperf", ("3", "d", "m")),
        ("تلتقيان", "التقى", "imperf", ("3", "d", "f")),
        ("تتهم", "اتهم", "imperf", ("3", "s", "f")),
        ("نتهم", "اتهم", "imperf", ("1", "p", None)),
        ("اتهمت", "اتهم", "perf", ("3", "s", "f")),
        ("أدانت", "أدان", "perf", ("3", "s", "f")),
        ("أدنا", "أدان", "perf", ("1", "p", None)),
        ("أدنت", "أدان", "perf", ("1", "s", None)),
        ("يدينون", "أدان", "imperf", ("3", "p", "m")),
        ("زاروا", "زار", "perf", ("3", "p", "m")),
        ("زرت", "زار", "perf", ("1", "s", None)),
        ("حثت", "حثّ", "perf", ("3", "s", "f")),
        ("حثوا", "حثّ", "perf", ("3", "p", "m")),
        ("يحثون", "حثّ", "imperf", ("3", "p", "m")),
    ],
)
def test_verb_inflection(morph: Morphology, word: str, lemma: str, aspect: str, png: tuple) -> None:
    a = _find(morph.analyze(word), lemma=lemma, aspect=aspect, person=png[0], number=png[1], gender=png[2])
    assert a.pos == "verb"


def test_written_taa_marbuta_is_never_an_enclitic(morph: Morphology) -> None:
    # وزارة (ministry) must not read و + زار + ه; وزاره (ة written ه) may
    assert "زار" not in morph.lemmas("وزارة")
    assert "زار" in morph.lemmas("وزاره")
    assert "ألقى" not in morph.lemmas("القوة")


def test_moods_after_future_and_purpose_lam(morph: Morphology) -> None:
    assert "أدان" not in morph.lemmas("لندن")  # jussive stem after ل
    assert "اتهم" not in morph.lemmas("ليتهمان")  # ل takes the subjunctive ليتهما
    assert _find(morph.analyze("ليتهما"), lemma="اتهم").number == "d"
    assert _find(morph.analyze("ليتهموا"), lemma="اتهم").number == "p"
    assert _find(morph.analyze("سيتهمون"), lemma="اتهم").future
    assert "اتهم" not in morph.lemmas("سيتهموا")  # سـ takes the indicative
    assert "نفى" not in morph.lemmas("سينف")  # no jussive after سـ
    assert "نفى" not in morph.lemmas("وينف")  # nor after و: it attaches to لم
    assert "ألقى" not in morph.lemmas("فيلق")  # "corps", not ف+ي+لق


def test_nun_merge_takes_no_enclitic(morph: Morphology) -> None:
    assert "أدان" not in morph.lemmas("أدناه")  # the adverb "below"


def test_jussive_short_forms(morph: Morphology) -> None:
    assert _find(morph.analyze("ينف"), lemma="نفى").stem == "ينف"  # لم ينف
    assert _find(morph.analyze("يدع"), lemma="دعا").aspect == "imperf"  # لم يدع
    assert _find(morph.analyze("يزر"), lemma="زار").aspect == "imperf"  # لم يزر


def test_verb_object_enclitics(morph: Morphology) -> None:
    a = _find(morph.analyze("اتهموه"), lemma="اتهم")
    assert (a.number, a.enclitic, a.stem) == ("p", "ه", "اتهموا")
    a = _find(morph.analyze("نفاها"), lemma="نفى")  # ى becomes ا before an enclitic
    assert (a.aspect, a.number, a.enclitic, a.stem) == ("perf", "s", "ها", "نفي")
    a = _find(morph.analyze("ويتهمونهم"), lemma="اتهم")
    assert (a.conj, a.number, a.enclitic, a.stem) == ("و", "p", "هم", "يتهمون")
    a = _find(morph.analyze("ألقاه"), lemma="ألقى")
    assert (a.aspect, a.enclitic) == ("perf", "ه")


def test_lam_of_purpose_on_imperfect(morph: Morphology) -> None:
    a = _find(morph.analyze("ليلتقي"), lemma="التقى")
    assert (a.prep, a.future, a.aspect) == ("ل", False, "imperf")


def test_multiword_trigger_contributes_its_first_word(morph: Morphology) -> None:
    assert _find(morph.analyze("ألقت"), lemma="ألقى").gender == "f"
    assert _find(morph.analyze("يلقون"), lemma="ألقى").number == "p"


# ---------------------------------------------------------------- nouns
def test_sound_plural_with_enclitic(morph: Morphology) -> None:
    a = _find(morph.analyze("اتهاماتها"), lemma="اتهام")
    assert (a.pos, a.number, a.enclitic, a.article, a.stem) == ("noun", "p", "ها", False, "اتهامات")


def test_conjunction_article_plural(morph: Morphology) -> None:
    a = _find(morph.analyze("والاجتماعات"), lemma="اجتماع")
    assert (a.conj, a.article, a.number, a.prep) == ("و", True, "p", None)


def test_preposition_article_plural(morph: Morphology) -> None:
    a = _find(morph.analyze("بالاتهامات"), lemma="اتهام")
    assert (a.prep, a.article, a.number, a.conj) == ("ب", True, "p", None)


def test_taa_marbuta_before_enclitic(morph: Morphology) -> None:
    a = _find(morph.analyze("دعوته"), lemma="دعوة")
    assert (a.pos, a.number, a.enclitic, a.stem) == ("noun", "s", "ه", fold("دعوة"))
    assert _find(morph.analyze("دعوتي"), lemma="دعوة").enclitic == "ي"
    # ...but no 1s ي on other nouns: اجتماعي is the adjective "social"
    assert "اجتماع" not in morph.lemmas("اجتماعي")
    a = _find(morph.analyze("ودعوتهم"), lemma="دعوة")
    assert (a.conj, a.enclitic) == ("و", "هم")


def test_noun_duals_tanwin_and_broken_plurals(morph: Morphology) -> None:
    assert _find(morph.analyze("اجتماعين"), lemma="اجتماع").number == "d"
    assert _find(morph.analyze("الدعوتين"), lemma="دعوة").number == "d"
    assert _find(morph.analyze("اجتماعا"), lemma="اجتماع").number == "s"  # indefinite accusative
    assert _find(morph.analyze("القمم"), lemma="قمة").number == "p"
    assert _find(morph.analyze("للقمة"), lemma="قمة").article  # ل + ال = لل


def test_lam_article_before_lam_initial_noun(morph: Morphology) -> None:
    # ل + ال + لقاء is written للقاء
    a = _find(morph.analyze("للقاء"), lemma="لقاء", article=True)
    assert a.prep == "ل"


def test_hamza_seat_changes_before_enclitic(morph: Morphology) -> None:
    for word in ("لقائه", "لقاؤه", "لقاءه"):
        a = _find(morph.analyze(word), lemma="لقاء")
        assert (a.enclitic, a.stem) == ("ه", "لقاء")


def test_article_excludes_enclitic(morph: Morphology) -> None:
    assert not [a for a in morph.analyze("الاجتماعه") if a.lemma == "اجتماع" and a.article]


def test_listed_forms_get_their_own_features(morph: Morphology) -> None:
    assert _find(morph.analyze("نافية"), lemma="ناف", enclitic=None).gender == "f"
    assert _find(morph.analyze("نافين"), lemma="ناف").number == "p"
    assert _find(morph.analyze("النافي"), lemma="ناف").article  # defective participle + article


# ---------------------------------------------------------------- function words and non-words
def test_function_words_carry_clitics_without_lemma(morph: Morphology) -> None:
    a = _find(morph.analyze("ومنها"), stem="من")
    assert (a.lemma, a.pos, a.conj, a.enclitic) == (None, "other", "و", "ها")
    a = _find(morph.analyze("بأنه"), stem="ان")
    assert (a.prep, a.enclitic) == ("ب", "ه")
    assert _find(morph.analyze("لهم"), stem="ل").enclitic == "هم"
    assert _find(morph.analyze("للذين"), stem="الذين").prep == "ل"


def test_function_word_that_starts_a_trigger_phrase_has_the_lemma(morph: Morphology) -> None:
    a = _find(morph.analyze("وعلى"), stem="علي")
    assert (a.lemma, a.pos, a.conj) == ("على", "other", "و")


@pytest.mark.parametrize(
    "word", ["", " ", "كتاب", "روسيا", "BBC", "2015", "٢٠١٥", "؟", "...", "اجتماع2", "و-"]
)
def test_non_words_give_nothing(morph: Morphology, word: str) -> None:
    assert morph.analyze(word) == ()


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("وَسَيَلْتَقِي", "التقى"),  # diacritics
        ("نفـــت", "نفى"),  # tatweel
        ("إتهامات", "اتهام"),  # hamza-on-alef variant
        ("اتّهم", "اتهم"),  # shadda
        ("ادانت", "أدان"),  # hamza dropped
        ("التقي", "التقى"),  # ى written ي
        ("القمه", "قمة"),  # ة written ه
        ("دعوة\u200c", "دعوة"),  # stray zero-width non-joiner
        ("\ufedf\ufed8\ufe8e\ufe80", "لقاء"),  # presentation forms
    ],
)
def test_spelling_variants_are_tolerated(morph: Morphology, word: str, lemma: str) -> None:
    assert lemma in morph.lemmas(word)


def test_lexicon_analyses_rank_first(morph: Morphology) -> None:
    res = morph.analyze("تتهم")
    assert (res[0].lemma, res[0].person, res[0].gender) == ("اتهم", "3", "f")  # 3fs before 2ms


# ---------------------------------------------------------------- strip_clitics
@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("وبروسيا", (("وب", "روسيا"), ("و", "بروسيا"), ("", "وبروسيا"))),
        ("والسعودية", (("وال", "سعودية"), ("و", "السعودية"), ("", "والسعودية"))),
        ("للسعودية", (("لل", "سعودية"), ("ل", "لسعودية"), ("", "للسعودية"))),
        ("بوتين", (("ب", "وتين"), ("", "بوتين"))),
        ("لبنان", (("ل", "بنان"), ("", "لبنان"))),
        ("وب", (("", "وب"),)),
        ("", (("", ""),)),
    ],
)
def test_strip_clitics(word: str, expected: tuple) -> None:
    assert Morphology.strip_clitics(word) == expected


def test_strip_clitics_removes_marks_but_keeps_letters() -> None:
    assert Morphology.strip_clitics("وَبِأمريكا")[0] == ("وب", "أمريكا")


@given(st.text(max_size=30))
def test_strip_clitics_splits_concatenate(word: str) -> None:
    for pro, rest in Morphology.strip_clitics(word):
        assert pro + rest == mb.strip_marks(word.strip())


# ---------------------------------------------------------------- robustness and memo
ARABIC_ALPHABET = "".join(chr(c) for c in range(0x0621, 0x064B)) + "\u064b\u064e\u0651\u0640ىةأإآ"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=25))
def test_analyze_never_raises_on_arbitrary_strings(word: str) -> None:
    res = Morphology.default().analyze(word)
    assert isinstance(res, tuple)
    assert all(isinstance(a, Analysis) for a in res)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ARABIC_ALPHABET, max_size=12))
def test_arabic_letter_soup_is_consistent(word: str) -> None:
    m = Morphology.default()
    res = m.analyze(word)
    assert res == m.analyze_uncached(word)
    assert len(set(res)) == len(res)  # deduplicated
    for a in res:
        assert a.pos in ("verb", "noun", "other")
        assert (a.aspect is not None) == (a.pos == "verb")
        assert not (a.article and a.enclitic)


def test_folded_search_matches_camel_tools_analyze(morph: Morphology) -> None:
    """_FoldedAnalyzer.analyze_folded is camel-tools' Analyzer.analyze minus its token checks."""
    from camel_tools.morphology.analyzer import Analyzer
    from camel_tools.utils.charmap import CharMapper

    # same folding as ours: camel-tools' default map would also turn ة into ه
    ref = Analyzer(morph._db, norm_map=CharMapper({}))
    words = ["وسيلتقي", "دعوته", "للقاء", "بالاتهامات", "ومنها", "كتاب", "اتهموه", "والاجتماعات", "لهم"]
    words += [lem for lem, *_ in (line.split("\t") for line in FIXTURE_TRIGGERS.splitlines()[1:])]
    for w in words:
        f = fold(w.split()[0])
        got = sorted(json.dumps(d, sort_keys=True) for d in morph._analyzer.analyze_folded(f))
        assert got == sorted(json.dumps(d, sort_keys=True) for d in ref.analyze(f)), w


def test_default_is_a_singleton_and_memoises() -> None:
    m = Morphology.default()
    assert m is Morphology.default()
    m.analyze("نفت")
    hits = m.cache_info().hits
    m.analyze("نفت")
    assert m.cache_info().hits == hits + 1


# ---------------------------------------------------------------- the shipped DB
def test_shipped_db_is_in_sync_with_triggers_tsv() -> None:
    """Fails when triggers.tsv (or function_words.tsv, or the generator) changed without
    regenerating: run `python -m hadath.extractor.morphology_build`."""
    assert mb.DB_PATH.read_text(encoding="utf-8") == mb.build_from_files(), (
        "hadath.db is stale: run python -m hadath.extractor.morphology_build"
    )


def test_every_verb_of_both_lexicons_has_a_generated_paradigm() -> None:
    paradigms = mb.read_paradigms()
    missing = [v for v in mb.read_verbs() if mb.paradigm_key(*v) not in paradigms]
    assert not missing, f"run make morphology-db: no paradigm for {missing}"


def test_committed_paradigms_are_what_mazini_generates() -> None:
    """The rows of a few verbs of each class are regenerated (the whole table takes a minute)."""
    pytest.importorskip("mazini", reason="the build-lexicon extra is not installed")
    verbs = [("نفى", "ينفي"), ("أدان", "يدين"), ("دعا", "يدعو"), ("اتهم", "يتهم"), ("حث", "يحث")]
    problems: list[str] = []
    fresh = mb.generate_paradigms(verbs, problems).splitlines()
    committed = mb.PARADIGMS_PATH.read_text(encoding="utf-8").splitlines()
    keys = {f"{lemma}\t{imperfect}\t" for lemma, imperfect in verbs}
    assert not problems

    def rows_of(lines: list[str]) -> list[str]:
        return sorted(r for r in lines if r[: r.find("\t", r.find("\t") + 1) + 1] in keys)

    assert rows_of(fresh) == rows_of(committed)
    assert len(rows_of(fresh)) > 100


def test_paradigm_pattern_choice(tmp_path: Path) -> None:
    """The written spelling picks the pattern: اتهم is افتعل (not أفعل أتهم); a written
    shadda picks form II (حذّر warn), none prefers form I; no imperfect = perfect only."""
    pytest.importorskip("mazini", reason="the build-lexicon extra is not installed")
    verbs = [("اتهم", "يتهم"), ("حذّر", "يحذر"), ("حذر", "يحذر"), ("لوح", "")]
    path = tmp_path / "paradigms.tsv"
    path.write_text(mb.generate_paradigms(verbs, []), encoding="utf-8")
    rows = mb.read_paradigms(path)
    assert {r.wazn for r in rows[mb.paradigm_key("اتهم", "يتهم")]} == {"افتعل"}
    shadda = rows[mb.paradigm_key("حذّر", "يحذر")] + rows[mb.paradigm_key("حذر", "يحذر")]
    assert {r.wazn for r in shadda if "\u0651" in r.lemma} == {"فعّل"}
    assert "فعّل" not in {r.wazn for r in shadda if "\u0651" not in r.lemma}
    lawwah = mb.verb_forms(rows[mb.paradigm_key("لوح", None)])
    assert lawwah and {f.asp for f in lawwah} == {"p"}


def test_paradigm_spelling_variants_and_participles(tmp_path: Path) -> None:
    """The hamza before و in both news spellings (بدؤوا / بدأوا); a defective participle's
    oblique stem (نافٍ -> نافيا) for the circumstantial forms."""
    pytest.importorskip("mazini", reason="the build-lexicon extra is not installed")
    path = tmp_path / "paradigms.tsv"
    path.write_text(mb.generate_paradigms([("بدأ", "يبدأ"), ("نفى", "ينفي"), ("اتهم", "يتهم")], []), "utf-8")
    rows = mb.read_paradigms(path)
    surfaces = {f.surface for f in mb.verb_forms(rows[mb.paradigm_key("بدأ", "يبدأ")])}
    assert {"بدؤوا", "بداوا", "يبدؤون", "يبداون"} <= surfaces
    assert mb.circumstantial_participle(rows[mb.paradigm_key("نفى", "ينفي")]) == (
        "ناف",
        ["نافيا", "نافية", "نافين"],
    )
    assert mb.circumstantial_participle(rows[mb.paradigm_key("اتهم", "يتهم")]) == (
        "متهم",
        ["متهما", "متهمة", "متهمين"],
    )


def test_every_shipped_lexicon_word_analyses_to_its_lemma() -> None:
    m = Morphology.default()
    function_words = {fold(fw.form) for fw in mb.read_function_words()}
    missing = []
    for e in mb.read_triggers():
        words = [e.lemma, *e.forms]
        if e.pos == "V":
            words += [f"و{e.lemma}", *(f"وس{f}" for f in e.forms)]
        elif fold(e.lemma) not in function_words and not fold(e.lemma).startswith("ال"):
            words += [f"وال{e.lemma}", f"ب{e.lemma}"]
        missing += [(e.lemma, w) for w in words if e.lemma not in m.lemmas(w)]
    assert not missing


def test_rows_the_generator_cannot_inflect_are_skipped_and_reported(tmp_path: Path) -> None:
    bad = tmp_path / "triggers.tsv"
    bad.write_text(
        "G7\tN\t-\tMEET\nقمة\tX\t-\tMEET\nاتهم\tV\tتتهم,يتهم\tACCUSE\nنفى\tV\tينفي\tDENY\n",
        encoding="utf-8",
    )
    problems: list[str] = []
    entries = mb.read_triggers(bad, problems)
    assert [(e.lemma, e.forms) for e in entries] == [("اتهم", ("يتهم",)), ("نفى", ("ينفي",))]
    assert len(problems) == 3 and "G7" in problems[0] and "تتهم" in problems[2]


def test_local_catalogue_prevents_any_download(tmp_path: Path) -> None:
    """Importing the module with no CAMELTOOLS_DATA and an empty HOME must not reach for the
    network nor write camel-tools data anywhere (camel_tools.data downloads a missing catalogue)."""
    env = {k: v for k, v in os.environ.items() if k != "CAMELTOOLS_DATA"}
    env["HOME"] = str(tmp_path)
    env["http_proxy"] = env["https_proxy"] = env["HTTPS_PROXY"] = env["HTTP_PROXY"] = "http://127.0.0.1:9"
    code = (
        "import os\n"
        "from hadath.extractor.morphology import Morphology\n"
        "import camel_tools.data as d\n"
        "print(os.environ['CAMELTOOLS_DATA']); print(d.CT_DATA_DIR)\n"
        "print(bool(Morphology.default().analyze('وفيها')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.split()
    expected = str(mb.MORPH_DIR / "camel_data")
    assert lines[0] == expected and lines[1] == expected
    assert lines[2] == "True"
    # camel_tools.data always mkdirs an empty ~/.camel_tools; no file (catalogue) may appear
    assert [p for p in tmp_path.rglob("*") if not p.is_dir()] == []
    catalogue = json.loads((mb.MORPH_DIR / "camel_data" / "catalogue.json").read_text())
    assert catalogue["packages"] == {} and catalogue["components"] == {}


def test_build_cli_writes_then_checks(tmp_path: Path) -> None:
    out = tmp_path / "x.db"
    assert mb.main(["--out", str(out), "--check"]) == 1  # missing = stale
    assert mb.main(["--out", str(out)]) == 0
    assert mb.main(["--out", str(out), "--check"]) == 0
    out.write_text(out.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert mb.main(["--out", str(out), "--check"]) == 1
    assert mb.main(["--out", str(out)]) == 0
    assert Morphology(out).analyze("وفيها")  # the file the CLI wrote loads in camel-tools


def test_import_survives_an_unwritable_home(tmp_path: Path) -> None:
    """camel_tools.data mkdirs ~/.camel_tools at import; a read-only HOME must not break us."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("", encoding="utf-8")
    env = dict(os.environ, HOME=str(blocker / "home"))  # mkdir under a file always fails
    code = (
        "import os\n"
        "from hadath.extractor.morphology import Morphology\n"
        "print(os.environ['HOME']); print(bool(Morphology.default().analyze('وفيها')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [str(blocker / "home"), "True"]  # HOME restored afterwards
