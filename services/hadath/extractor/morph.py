"""Clitic segmentation of one folded word (memoised).

The extractor's lexicon lookups need the possible (proclitics, stem, enclitic) splits
of a word: وسيلتقي = و + س + يلتقي, لاتفاق = ل + اتفاق, وللولايات = و + ل + الولايات,
استعدادها = استعداد + ها. The project's morphology module
(:mod:`hadath.extractor.morphology`, camel-tools analyser over a generated DB) answers
the same question with more linguistic knowledge; this module is the fast, always
available splitter the matchers use directly, and it is the fallback when that
module is absent.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

__all__ = ["Split", "splits"]


class Split(NamedTuple):
    """One (proclitics, stem, enclitic) reading. A NamedTuple: tens of thousands are built
    on a cold start, and a tuple is several times cheaper to create than a frozen dataclass."""

    conj: str  # '' | 'و' | 'ف'
    prep: str  # '' | 'ب' | 'ل' | 'ك'
    article: bool  # ال (also the ل of لل = ل + ال)
    future: bool  # سـ
    stem: str
    enclitic: str  # '' or a pronoun suffix

    @property
    def has_proclitic(self) -> bool:
        return bool(self.conj or self.prep or self.article or self.future)


_ENCLITICS = ("", "ه", "ها", "هم", "هما", "هن", "ك", "كم", "نا", "ي", "ني")
_MIN_STEM = 2


def _proclitic_splits(word: str) -> list[tuple[str, str, bool, bool, str]]:
    """(conj, prep, article, future, rest) for every plausible proclitic prefix."""
    out: list[tuple[str, str, bool, bool, str]] = []
    conj_opts = [("", word)]
    if word[:1] in "وف" and len(word) > 2:
        conj_opts.append((word[0], word[1:]))
    for conj, w in conj_opts:
        out.append((conj, "", False, False, w))
        if w.startswith("ال") and len(w) > 3:
            out.append((conj, "", True, False, w[2:]))
        if w[:1] == "س" and len(w) > 3 and w[1] in "يتنا":
            out.append((conj, "", False, True, w[1:]))
        if w[:1] in "بلك" and len(w) > 2:
            p, r = w[0], w[1:]
            out.append((conj, p, False, False, r))
            if r.startswith("ال") and len(r) > 3:
                out.append((conj, p, True, False, r[2:]))
            if p == "ل" and r.startswith("ل") and len(r) > 2:  # لل = ل + ال (the alef is elided)
                out.append((conj, p, True, False, r[1:]))
    return out


@lru_cache(maxsize=200_000)
def splits(word: str) -> tuple[Split, ...]:
    """All plausible clitic splits of a folded word, the unsplit reading first."""
    if not word or len(word) > 40:
        return (Split("", "", False, False, word, ""),)
    res: list[Split] = []
    # the enclitics the word can end with (checked once, not per proclitic reading)
    encs = [e for e in _ENCLITICS[1:] if word.endswith(e)]
    for conj, prep, art, fut, rest in _proclitic_splits(word):
        if len(rest) >= _MIN_STEM:
            res.append(Split(conj, prep, art, fut, rest, ""))
        if art:
            continue
        for enc in encs:
            if fut and enc == "ي":
                continue
            if len(rest) - len(enc) < _MIN_STEM:
                continue
            res.append(Split(conj, prep, art, fut, rest[: -len(enc)], enc))
    return tuple(res)
