"""Stage 4½: every token analysed once; then typed chunks of a sentence.

`token_info(doc)` computes, once per document, the attributes that later stages and
the rule engine read for each token: the word without a leading و/ف, its clitic splits,
its cue kinds (`data/cues.tsv`), the cue kinds after a future سـ (سيجري → LIGHT) and
whether it has a trigger reading (the two-word cue phrases, من المقرر, by `phrase_kinds`). Each attribute is
memoised per word form, so a document costs one cached lookup per token.

`chunks(...)` turns one sentence into typed chunks with token offsets — actor, trigger,
cue, preposition, clause boundary, punctuation, noun phrase — for `hadath explain` and
for reading a sentence the way the rules see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from hadath.extractor.cues import kinds_by_form, kinds_of
from hadath.extractor.morph import Split, splits
from hadath.extractor.text import Doc
from hadath.extractor.triggers import head_readings

__all__ = ["Chunk", "TokenInfo", "bare_word", "chunks", "phrase_kinds", "token_info"]

_NONE: frozenset[str] = frozenset()


def bare_word(norm: str) -> str:
    """A function word without a leading و/ف ('وما' → 'ما'; two-letter words stay)."""
    return norm[1:] if len(norm) > 2 and norm[0] in "وف" else norm


@dataclass(slots=True, frozen=True)
class TokenInfo:
    """What the later stages know about one word form (read-only, shared by every token of
    that form; the two-word cue phrases are looked up by :func:`phrase_kinds`)."""

    norm: str  # the folded token
    word: str  # without a leading و/ف
    kinds: frozenset[str]  # cue kinds of the token (also after و/ف)
    future_kinds: frozenset[str]  # cue kinds of the word after a future سـ (سيجري → LIGHT)
    has_reading: bool  # the word has a trigger reading (triggers.tsv)
    splits: tuple[Split, ...]  # its clitic splits (morph.splits), the unsplit reading first


@lru_cache(maxsize=200_000)
def _word_info(norm: str) -> TokenInfo:
    word = bare_word(norm)
    fut = _NONE
    if word[:2] in ("سي", "ست", "سن") and len(word) >= 4:
        fut = kinds_by_form().get(word[1:], _NONE)
    return TokenInfo(norm, word, kinds_of(norm), fut, bool(head_readings(norm)), splits(norm))


def token_info(doc: Doc) -> list[TokenInfo]:
    """Per-token attributes of ``doc``, computed on first use and kept on the Doc."""
    if doc.info is None:
        doc.info = [_word_info(tok.norm) for tok in doc.tokens]
    return doc.info


@lru_cache(maxsize=1)
def _phrase_first_words() -> frozenset[str]:
    return frozenset(form.split(" ", 1)[0] for form in kinds_by_form() if " " in form)


def phrase_kinds(doc: Doc, i: int) -> frozenset[str]:
    """Cue kinds of the two-word phrase 'previous word + token i' (من المقرر)."""
    toks = doc.tokens
    if i == 0 or toks[i - 1].sent != toks[i].sent:
        return _NONE
    first = bare_word(toks[i - 1].norm)
    if first not in _phrase_first_words():
        return _NONE  # (most words begin no cue phrase)
    return kinds_by_form().get(f"{first} {toks[i].norm}", _NONE)


@dataclass(slots=True, frozen=True)
class Chunk:
    """A typed stretch of a sentence: tokens [tok_start, tok_end)."""

    kind: str  # actor | trigger | cue | prep | clause | punct | np
    tok_start: int
    tok_end: int
    label: str = ""  # actor code, trigger type/lemma, cue kinds


_CHUNK_KIND_OF_CUE = {"PREP": "prep", "LOC": "prep", "STOP": "clause", "CLAUSE": "clause"}


def chunks(doc: Doc, si: int, actors: list, triggers: list) -> list[Chunk]:
    """Typed chunks of sentence ``si``; consecutive plain words form one noun phrase."""
    s = doc.sentences[si]
    info = token_info(doc)
    actor_at = {a.tok_start: a for a in actors}
    trig_at = {t.tok: t for t in triggers}
    out: list[Chunk] = []
    i = s.tok_start
    while i < s.tok_end:
        tok = doc.tokens[i]
        if i in actor_at:
            a = actor_at[i]
            out.append(Chunk("actor", i, a.tok_end, a.code or f"({a.kind}, uncoded)"))
            i = a.tok_end
            continue
        if i in trig_at:
            t = trig_at[i]
            out.append(Chunk("trigger", i, t.tok_end, f"{t.entry.type} {t.entry.lemma} {t.entry.pos}"))
            i = t.tok_end
            continue
        kinds = info[i].kinds | phrase_kinds(doc, i)
        if tok.is_punct:
            out.append(Chunk("punct", i, i + 1, tok.norm))
        elif kinds:
            typed = {_CHUNK_KIND_OF_CUE[k] for k in kinds if k in _CHUNK_KIND_OF_CUE}
            kind = "prep" if "prep" in typed else "clause" if "clause" in typed else "cue"
            out.append(Chunk(kind, i, i + 1, ",".join(sorted(kinds))))
        elif out and out[-1].kind == "np" and out[-1].tok_end == i:
            out[-1] = Chunk("np", out[-1].tok_start, i + 1)
        else:
            out.append(Chunk("np", i, i + 1))
        i += 1
    return out
