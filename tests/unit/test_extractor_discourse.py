"""Discourse: a pro-drop verb that opens a sentence continues the previous sentence's subject."""

from __future__ import annotations

from hadath.extractor.events import Candidate
from hadath.extractor.pipeline import analyse


def _of_type(text: str, etype: str) -> list[Candidate]:
    _doc, cands, _places = analyse(text, 0)
    return [c for c in cands if c.type == etype]


def _keys(actors) -> list[str]:
    return sorted({a.code for a in actors if a.code})


def test_feminine_verb_continues_a_country_subject() -> None:
    (c,) = _of_type("أدانت مصر الهجوم على السفارة. وطالبت بالإفراج عن المعتقلين.", "DEMAND")
    assert _keys(c.source) == ["EGY"]


def test_masculine_verb_continues_a_person_subject() -> None:
    text = "قال وزير الخارجية الروسي إن بلاده لن تقبل الضغوط. واتهم الولايات المتحدة بتأجيج التوتر."
    (c,) = _of_type(text, "ACCUSE")
    assert _keys(c.source) == ["RUSGOV"] and _keys(c.target) == ["USA"]


def test_disagreeing_verb_does_not_continue() -> None:
    # a masculine verb cannot continue a feminine country subject
    assert not any(
        c.source for c in _of_type("أدانت مصر الهجوم على السفارة. وطالب بالإفراج عن المعتقلين.", "DEMAND")
    )


def test_verb_without_conjunction_does_not_continue() -> None:
    assert not any(
        c.source for c in _of_type("أدانت مصر الهجوم على السفارة. طالبت بالإفراج عن المعتقلين.", "DEMAND")
    )


def test_uncoded_subject_after_the_verb_is_its_own() -> None:
    # 'ويطالب ناشطون …': the plain noun after the verb is its subject, not the earlier party
    assert not any(c.source for c in _of_type("انتقدت فرنسا القرار. وتطالب جمعيات بوقف التصعيد.", "DEMAND"))


def test_a_name_after_the_verb_is_its_own_subject() -> None:
    # 'واتهم فلان قطر': an unknown name right after the verb is the subject, not the carried party
    text = "قال وزير الخارجية الأمريكي إن بلاده تراقب الوضع. واتهم بلعيد قطر بدعم الإرهاب."
    assert not any(c.source for c in _of_type(text, "ACCUSE"))


def test_a_verbless_sentence_with_parties_breaks_the_chain() -> None:
    text = "أدانت مصر الهجوم على السفارة. الأردن والمغرب على الخط. وطالبت بالإفراج عن المعتقلين."
    assert not any(c.source for c in _of_type(text, "DEMAND"))


def test_possessive_pronoun_of_an_evaluation_is_its_author() -> None:
    # 'نقلت الوكالة عن X تنديده بـ…': the pronoun on the masdar is the one who condemns
    text = "نقلت الوكالة عن وزير الخارجية الفرنسي تنديده بالتهديدات الروسية."
    (c,) = _of_type(text, "CONDEMN")
    assert _keys(c.source) == ["FRAGOV"]


def test_possessive_pronoun_agrees_in_gender() -> None:
    # ها cannot refer to the (masculine) minister
    text = "نقلت الوكالة عن وزير الخارجية الفرنسي تنديدها بالتهديدات الروسية."
    assert not any(c.source for c in _of_type(text, "CONDEMN"))


def test_possessive_pronoun_without_complement_is_not_the_author() -> None:
    # 'سارعت X إلى نفيه', 'X … تنديده.': without its own complement the pronoun is what is
    # evaluated, not a party
    assert not any(c.source for c in _of_type("نقلت الوكالة عن وزير الخارجية الفرنسي تنديده.", "CONDEMN"))


def test_possessive_pronoun_of_an_accusation_is_not_its_author() -> None:
    # 'اتهامها بـ…' = accusing her of …: the pronoun is the accused
    text = "فرضت بريطانيا عقوبات على روسيا بسبب اتهامها بالتدخل في الانتخابات."
    assert not any(_keys(c.source) == ["RUS"] for c in _of_type(text, "ACCUSE"))


def test_support_verb_opening_a_sentence_continues_a_dual_subject() -> None:
    # 'وأعربتا عن إدانتهما …': the dual support verb carries both parties to its noun
    (c,) = _of_type("اجتمعت مصر والأردن في القاهرة. وأعربتا عن إدانتهما للهجمات على المدنيين.", "CONDEMN")
    assert _keys(c.source) == ["EGY", "JOR"]


def test_support_verb_with_its_own_uncoded_subject_does_not_continue() -> None:
    text = "اجتمعت مصر والأردن في القاهرة. وأعرب الجيش عن إدانته للهجمات على المدنيين."
    assert not any(c.source for c in _of_type(text, "CONDEMN"))
