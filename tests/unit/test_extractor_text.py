"""Stage tests: offset-mapped normalisation, sentence splitting, tokenisation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hadath.extractor.text import camel_tokens, fold, make_doc, normalise, split_sentences, tokenize


def test_fold_letters_and_marks() -> None:
    assert fold("أإآٱ") == "اااا"
    assert fold("مستشفى") == "مستشفي"
    assert fold("مدرسة") == "مدرسه"
    assert fold("قَالَ") == "قال"
    assert fold("اجتمـــاع") == "اجتماع"
    assert fold("\u200fروسيا\u200e") == "روسيا"
    assert fold("ﻻ") == "لا"  # presentation-form ligature expands to two letters


def test_normalise_offsets_point_into_original() -> None:
    text = "وَسَيَلْتَقِي الوزيـــر \u200fبنظيره ﻻحقاً"
    norm, idx = normalise(text)
    assert len(idx) == len(norm) + 1
    assert idx[-1] == len(text)
    for j, ch in enumerate(norm):
        assert fold(text[idx[j]]).find(ch) >= 0
    start = norm.index("الوزير")
    o1, o2 = idx[start], idx[start + len("الوزير") - 1] + 1
    assert fold(text[o1:o2]) == "الوزير"


def test_hashtag_markup_reads_like_running_text() -> None:
    # the mark is dropped and an underscore joins words like a space; spans stay original
    text = "والتقى #عمر_الخيام مع #الوفد_المغربي"
    doc = make_doc(text, 0)
    assert [t.norm for t in doc.tokens] == ["والتقي", "عمر", "الخيام", "مع", "الوفد", "المغربي"]
    assert [text[t.start : t.end] for t in doc.tokens][1:3] == ["عمر", "الخيام"]


def test_normalise_fast_path_is_identity_on_plain_text() -> None:
    norm, idx = normalise("قال الوزير")
    assert norm == "قال الوزير"
    assert idx == list(range(len("قال الوزير") + 1))


def test_tokenize_matches_camel_tools() -> None:
    text = 'وقال المتحدث، في بيان: "لن نقبل" (CNN)-- 3.5 مليار!'
    norm, _ = normalise(text)
    assert [norm[a:b] for a, b in tokenize(norm)] == camel_tokens(norm)


@given(st.text(alphabet=st.sampled_from(list("ابت ثجح،.\"'()-:؟!\n\t0123456789xyz")), max_size=80))
def test_tokenize_matches_camel_tools_property(text: str) -> None:
    assert [text[a:b] for a, b in tokenize(text)] == camel_tokens(text)


def test_sentences() -> None:
    text = "قال الوزير إن 3.5 مليار وصلت. وأضاف: نعم!\nسطر جديد؟"
    spans = split_sentences(text)
    parts = [text[a:b].strip() for a, b in spans]
    assert parts == ["قال الوزير إن 3.5 مليار وصلت.", "وأضاف: نعم!", "سطر جديد؟"]


def test_make_doc_token_offsets_in_original() -> None:
    text = "العنوان\nوَقَالَ الوزيـر، أمس: اجتماع"
    doc = make_doc(text, len("العنوان"))
    assert doc.sentences[0].tok_end == 1  # the title is its own sentence
    for tok in doc.tokens:
        assert fold(text[tok.start : tok.end]) == tok.norm
    assert [t.norm for t in doc.tokens] == ["العنوان", "وقال", "الوزير", "،", "امس", ":", "اجتماع"]


def test_a_sentence_longer_than_the_bound_is_cut_after_a_comma_and_keeps_offsets():
    from hadath.extractor.limits import LIMITS
    from hadath.extractor.text import make_doc

    clause = "قال الوزير إن الاجتماع انتهى، "  # 6 tokens with the comma
    text = clause * 300  # 1,800 tokens and no sentence end
    doc = make_doc(text, 0)
    lengths = [s.tok_end - s.tok_start for s in doc.sentences]
    assert len(doc.sentences) > 1
    assert max(lengths) <= LIMITS.sentence_tokens
    assert sum(lengths) == len(doc.tokens)  # no token lost or doubled
    for s in doc.sentences[:-1]:
        assert doc.tokens[s.tok_end - 1].norm == "،"  # each piece ends at a comma
    for tok in doc.tokens:
        assert text[tok.start : tok.end].strip()  # offsets still point into the original text
    for s in doc.sentences:  # each piece's span covers its tokens
        assert s.start <= doc.tokens[s.tok_start].start and doc.tokens[s.tok_end - 1].end <= s.end


def test_a_short_sentence_is_not_cut():
    from hadath.extractor.text import make_doc

    doc = make_doc("التقى الوزيران في جنيف، وبحثا الأزمة.", 0)
    assert len(doc.sentences) == 1
