"""Cue lexicon (data/cues.tsv): speech/opinion verbs, negators, future markers,
purpose openers, joint-action words, argument-window stops and skips."""

from __future__ import annotations

from functools import cache, lru_cache

from hadath.extractor.gazetteer import DATA_DIR, read_tsv
from hadath.extractor.lexicon import verb_forms
from hadath.extractor.text import fold

CUES_TSV = DATA_DIR / "cues.tsv"


@cache
def cues() -> dict[str, frozenset[str]]:
    """kind -> folded surface forms (phrases joined by a single space)."""
    out: dict[str, set[str]] = {}
    for cols in read_tsv(CUES_TSV):
        if len(cols) < 3:
            continue
        kind, pos, lemma = cols[0], cols[1], cols[2]
        forms = cols[3] if len(cols) > 3 else "-"
        bucket = out.setdefault(kind, set())
        if pos == "V":
            bucket.update(s for s, _, _ in verb_forms(lemma, forms if forms and forms != "-" else None))
        else:
            bucket.add(" ".join(fold(lemma).split()))
            if forms and forms != "-":
                bucket.update(" ".join(fold(f).split()) for f in forms.split(",") if f.strip())
    return {k: frozenset(v) for k, v in out.items()}


@cache
def kinds_by_form() -> dict[str, frozenset[str]]:
    """form -> the cue kinds it belongs to (one lookup per word instead of one per kind)."""
    out: dict[str, set[str]] = {}
    for kind, forms in cues().items():
        for f in forms:
            out.setdefault(f, set()).add(kind)
    return {f: frozenset(k) for f, k in out.items()}


@lru_cache(maxsize=200_000)
def kinds_of(word: str) -> frozenset[str]:
    """Cue kinds of a folded word, also after a leading و/ف (memoised)."""
    by_form = kinds_by_form()
    bare = word[1:] if len(word) > 2 and word[0] in "وف" else word
    a = by_form.get(word, _NO_KINDS)
    if bare is word:
        return a
    b = by_form.get(bare, _NO_KINDS)
    return a | b if a and b else (a or b)  # (most words: one shared empty set)


_NO_KINDS: frozenset[str] = frozenset()
