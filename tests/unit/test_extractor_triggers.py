"""Stage tests: trigger lexicon expansion, clitics and inflection, multiword triggers."""

from __future__ import annotations

import pytest

from hadath.extractor.lexicon import load_lexicon, noun_forms, verb_forms
from hadath.extractor.morph import splits
from hadath.extractor.text import fold, make_doc
from hadath.extractor.triggers import checked_readings, find_triggers, head_readings
from hadath_schemas import EventType


def _types(word: str) -> set[str]:
    return {f.entry.type for f, _ in head_readings(fold(word))}


def test_lexicon_rows_are_well_formed() -> None:
    lex = load_lexicon()
    assert lex.entries
    for e in lex.entries:
        assert e.pos in ("V", "N")
        assert e.type in {event_type.value for event_type in EventType}
        assert e.cameo.isdigit() and 3 <= len(e.cameo) <= 4
        assert -10 <= e.goldstein <= 10


def test_verb_inflection_comes_from_the_generated_paradigm() -> None:
    forms = verb_forms("نفى", "ينفي")
    surfaces = {s for s, _, _ in forms}
    assert {"نفي", "نفت", "نفوا", "نفيا", "ينفي", "تنفي", "ينفون", "ننفي"} <= surfaces
    assert "نفا" in surfaces  # before an object pronoun: نفاه
    assert ("ينف", "juss", None) in forms  # لم ينف
    assert {"دعت", "دعوا", "يدعون", "يدعوان"} <= {s for s, _, _ in verb_forms("دعا", "يدعو")}
    assert ("نتوصل", "imperf", "1") in verb_forms("توصل", "يتوصل")
    assert ("اتهمو", "perf", None) in verb_forms("اتهم", "يتهم")  # اتهموه


def test_a_verb_without_a_generated_paradigm_is_reported() -> None:
    with pytest.warns(UserWarning, match="make morphology-db"):
        assert verb_forms("فعلل", "يفعلل") == []


def test_noun_inflection() -> None:
    assert {"اتهام", "اتهامات", "اتهاما", "اتهامين"} <= set(noun_forms("اتهام", ["اتهامات"]))
    assert {"زياره", "زيارت", "زيارتين"} <= set(noun_forms("زيارة", []))
    # the hamza takes the seat of the case vowel before a pronoun: لقاؤه، لقائه، لقاءه
    assert {"لقاؤ", "لقائ", "لقاء"} <= set(noun_forms("لقاء", ["لقاءات"]))


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("لقاؤه", "لقاء"),  # hamza on waw before a pronoun (nominative)
        ("لقائهما", "لقاء"),  # hamza on yeh (genitive)
        ("اعتداؤها", "اعتداء"),
        ("نداؤه", "نداء"),
        ("ونفاه", "نفى"),  # final ى written ا before the object pronoun
        ("اتهموها", "اتهم"),
        ("إدانته", "إدانة"),  # a masdar with a possessive pronoun
        ("رفضها", "رفض"),
    ],
)
def test_forms_before_a_pronoun_are_read(word: str, lemma: str) -> None:
    assert lemma in {f.entry.lemma for f, _ in head_readings(fold(word))}


@pytest.mark.parametrize(
    ("word", "etype"),
    [
        ("متهما", "ACCUSE"),  # '+hal' rows: the generated participle as a circumstantial
        ("متهمة", "ACCUSE"),
        ("نافيا", "DENY"),  # defective: the oblique stem نافي-
        ("نافية", "DENY"),
        ("داعين", "DEMAND"),
        ("منددا", "CONDEMN"),
        ("محذرة", "THREATEN"),  # حذّر: the shadda picks form II (محذر), not حذِر (حاذر)
        ("رافضا", "REJECT"),
    ],
)
def test_circumstantial_participles_come_from_the_paradigm(word: str, etype: str) -> None:
    readings = [f for f, _ in head_readings(fold(word)) if f.entry.participle]
    assert readings and {f.entry.type for f in readings} == {etype}


@pytest.mark.parametrize("word", ["المتهم", "والمتهمين", "الداعية", "متهم", "مهدد", "لمطالب"])
def test_a_participle_with_the_article_or_alone_is_not_circumstantial(word: str) -> None:
    # المتهم "the defendant", الداعية "the preacher", مهدد "threatened": nouns, not حال
    assert not [f for f, _ in checked_readings(word, fold(word)) if f.entry.participle]


def test_a_masdar_spelled_like_a_participle_is_read_as_the_masdar_first() -> None:
    readings = head_readings(fold("مطالبة"))
    assert readings[0][0].entry.lemma == "مطالبة" and not readings[0][0].entry.participle


def test_clitic_splits() -> None:
    stems = {(s.conj, s.prep, s.article, s.future, s.stem, s.enclitic) for s in splits("وسيلتقي")}
    assert ("و", "", False, True, "يلتقي", "") in stems
    assert any(s.prep == "ل" and s.article and s.stem == "ولايات" for s in splits("للولايات"))
    assert any(s.stem == "استعداد" and s.enclitic == "ها" for s in splits("استعدادها"))


@pytest.mark.parametrize(
    ("word", "etype"),
    [
        ("وسيلتقي", "MEET"),
        ("المباحثات", "MEET"),
        ("واتهمت", "ACCUSE"),
        ("بالاتهامات", "ACCUSE"),
        ("نفت", "DENY"),
        ("نافيا", "DENY"),
        ("وطالبت", "DEMAND"),
        ("ودعت", "DEMAND"),
        ("أدانت", "CONDEMN"),
        ("للهجمات", "ATTACK"),
        ("والغارات", "ATTACK"),
        ("ستهدد", "THREATEN"),
        ("رفضها", "REJECT"),
        ("واقترحت", "PROPOSE"),
    ],
)
def test_single_word_triggers(word: str, etype: str) -> None:
    assert etype in _types(word)


def test_non_triggers() -> None:
    for word in ("الوزير", "روسيا", "قال", "في", "سوف"):
        assert not head_readings(word)
    # an article never goes on a verb, a future prefix never on a noun
    assert "ACCUSE" not in _types("الاتهم")
    assert not _types("ساجتماع")


def _doc_triggers(text: str) -> list[tuple[str, str]]:
    doc = make_doc(text, 0)
    return [(text[t.start : t.end], t.entry.type) for t in find_triggers(doc)]


def test_multiword_triggers() -> None:
    got = _doc_triggers("وتوصل الطرفان إلى اتفاق نهائي")
    assert ("وتوصل الطرفان إلى اتفاق", "AGREE") in got
    got = _doc_triggers("وأبدت الحكومة استعدادها للتعاون")
    assert ("وأبدت الحكومة استعدادها", "PROPOSE") in got
    got = _doc_triggers("ووجهت الوزيرة أصابع الاتهام إلى جارتها")
    assert ("ووجهت الوزيرة أصابع الاتهام", "ACCUSE") in got
    got = _doc_triggers("وقال إن هذه الأنباء عارية من الصحة")
    assert ("عارية من الصحة", "DENY") in got


def test_teh_marbuta_is_not_a_pronoun() -> None:
    # 'وزارة' (ministry) must not read as و + زار + ه (and he visited him)
    assert _doc_triggers("وزارة الخارجية") == []
    assert _doc_triggers("وزاره الوزير") == [("وزاره", "MEET")]  # with a real heh it is the verb


def test_masdar_preferred_after_preposition() -> None:
    doc = make_doc("بعد نفي الحكومة", 0)
    (t,) = find_triggers(doc)
    assert t.entry.pos == "N" and t.entry.type == "DENY"


def test_morphology_confirms_readings() -> None:
    from hadath.extractor.triggers import checked_readings

    # the analyser knows 'طالب' only as the verb here, so the verb reading stays
    assert {f.entry.lemma for f, _ in checked_readings("طالب", "طالب")} == {"طالب"}
    # a function-word-led multiword trigger is not filtered away
    assert any(f.entry.lemma == "على استعداد" for f, _ in checked_readings("على", "علي"))
