"""Property tests: extract never raises and its output stays bounded on hostile input."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hadath.extractor import extract
from hadath.extractor.pipeline import MAX_EVENTS, MAX_MENTIONS
from hadath_schemas import Article

_ARABIC_WORDS = [
    "اتهمت",
    "روسيا",
    "تركيا",
    "واشنطن",
    "نفت",
    "الاجتماع",
    "وسيلتقي",
    "لم",
    "سوف",
    "مع",
    "بين",
    "إلى",
    "الذي",
    "التي",
    "وزير",
    "الخارجية",
    "الروسي",
    "قصف",
    "غارات",
    "حلب",
    "دعت",
    "،",
    ".",
    ":",
    '"',
]
_ODD = [
    "\u200f",
    "\u200e",
    "\u202b",
    "\u0640",
    "\ufeff",
    "\x00",
    "ﻻ",
    "😀",
    "\u064b",
    "漢",
    "𝔸",
    "\n",
    " ",
    "\t",
]

_chunks = st.one_of(
    st.sampled_from(_ARABIC_WORDS),
    st.sampled_from(_ODD),
    st.text(max_size=30),
    st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), max_size=50),
    st.just("ا" * 900),  # huge (but schema-valid) token
    st.text(alphabet="!?.,;:()[]{}،؛؟«»-", max_size=40),  # only punctuation
)


def _article(parts: list[str]) -> Article | None:
    body = " ".join(parts)
    try:
        return Article(id="fuzz", title="", body=body)
    except ValueError:
        return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_chunks, min_size=1, max_size=60))
def test_extract_never_raises_and_is_bounded(parts: list[str]) -> None:
    art = _article(parts)
    if art is None:
        return
    events = extract(art)
    assert len(events) <= MAX_EVENTS
    text = art.text
    for e in events:
        assert len(e.mentions) <= MAX_MENTIONS
        assert text[e.trigger.start : e.trigger.end] == e.trigger.text


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=1, max_size=3000))
def test_random_unicode_with_an_arabic_letter(body: str) -> None:
    try:
        art = Article(id="fuzz", title="ا", body="ب" + body)
    except ValueError:
        return
    for e in extract(art):
        assert 0 <= e.trigger.start <= e.trigger.end <= len(art.text)


def test_pathological_long_document_is_bounded() -> None:
    body = ("اتهمت روسيا تركيا بالتصعيد واتهمت إيران إسرائيل. " * 400).strip()
    events = extract(Article(id="big", title="", body=body))
    assert 0 < len(events) <= MAX_EVENTS
    assert all(len(e.mentions) <= MAX_MENTIONS for e in events)
