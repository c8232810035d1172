"""Stages 1-3 over one document: offset-mapped normalisation, sentences, tokens.

Every later stage matches on the *folded* text (no diacritics or tatweel, one alef,
final yeh = alef maksura, teh marbuta = heh) but reports spans of the ORIGINAL
document text. The fold is done character by character so that each folded
character remembers the index of the original character it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from camel_tools.tokenizers.word import simple_word_tokenize
from camel_tools.utils.charsets import UNICODE_PUNCT_SYMBOL_CHARSET
from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
    normalize_unicode,
)

from hadath.extractor.limits import LIMITS

__all__ = [
    "Doc",
    "Sentence",
    "Token",
    "fold",
    "fold_char",
    "make_doc",
    "normalise",
    "split_sentences",
    "tokenize",
]

# Invisible format characters that only steer rendering (RTL/LTR marks, embeddings,
# isolates, ZWJ/ZWNJ, BOM, soft hyphen): dropped from the folded text.
_INVISIBLE = frozenset(
    "\u00ad\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)
_TATWEEL = "\u0640"
# Combining hamza/madda (U+0653-U+0655) left over after per-character NFKC: alef folding
# makes them redundant, so they are dropped like diacritics.
_EXTRA_MARKS = frozenset("\u0653\u0654\u0655\u0670")
_PERSIAN = {"\u06cc": "\u064a", "\u06a9": "\u0643", "\u06c1": "\u0647", "\u06d5": "\u0647"}
# Arabic-Indic and extended (Persian) digits read as ASCII digits (٢٠١٨ = 2018)
_DIGITS = {chr(base + i): str(i) for base in (0x0660, 0x06F0) for i in range(10)}
# Hamza on a seat folded to the bare seat (مسؤول ~ مسوول, رئيس ~ رييس): only for matching
# that ignores hamza spelling (dates: 'مئة'); the lexicons keep ؤ/ئ apart.
_HAMZA_SEATS = {"\u0624": "\u0648", "\u0626": "\u064a"}
# Hashtag markup around names and phrases ('#ترمب', '#النظام_السوري'): the mark is dropped
# and the underscore read as a space, so the words inside match like running text.
_HASHTAG_MARK = "#"
_HASHTAG_SPACE = "_"


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """The folded form of one character: '' (dropped), itself, or a short string."""
    if ch in _INVISIBLE or ch in _EXTRA_MARKS or ch in (_TATWEEL, _HASHTAG_MARK, "\x00"):
        return ""
    if ch.isspace() or ch == _HASHTAG_SPACE:
        return " " if ch != "\n" else "\n"
    out = normalize_unicode(ch)
    if unicodedata.category(ch) == "Cc":
        return " "
    out = dediac_ar(out).replace(_TATWEEL, "")
    out = "".join(
        _PERSIAN.get(c, _DIGITS.get(c, c)) for c in out if c not in _EXTRA_MARKS and c not in _INVISIBLE
    )
    out = normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(out)))
    # NFKC can turn one presentation form into several letters (U+FDF2 -> 'الله'); keep
    # those, but never let a compatibility fold produce whitespace runs.
    return out


def fold(text: str) -> str:
    """Folded form of a string (no offset map); used for lexicon keys."""
    return "".join(fold_char(c) for c in text)


@dataclass(slots=True)
class Token:
    """A token of the folded text with its span in the ORIGINAL text."""

    i: int  # index in Doc.tokens
    norm: str  # folded form used for matching
    start: int  # original offsets
    end: int
    sent: int  # sentence index
    is_punct: bool = False


@dataclass(slots=True)
class Sentence:
    i: int
    start: int  # original offsets
    end: int
    tok_start: int = 0  # token index range [tok_start, tok_end)
    tok_end: int = 0


@dataclass(slots=True)
class Doc:
    """One document as every stage sees it."""

    text: str  # the original document text (title + "\n" + body)
    norm: str  # folded text
    to_orig: list[int]  # to_orig[j] = original index of folded character j (len(norm) + 1 entries)
    title_end: int = 0  # original offset where the title ends
    sentences: list[Sentence] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    info: list | None = None  # per-token attributes (analysis.token_info), computed once

    def orig_span(self, nstart: int, nend: int) -> tuple[int, int]:
        """Map a [start, end) span of the folded text to the original text."""
        start = self.to_orig[nstart]
        end = self.to_orig[nend - 1] + 1 if nend > nstart else start
        return start, end


# Precomputed fold tables over the blocks Arabic news text uses. Characters outside these
# ranges go through ``fold_char`` one by one (rare: emoji, CJK, ...).
_RANGES = ((0x0000, 0x0700), (0x0750, 0x0900), (0x2000, 0x2070), (0xFB50, 0xFF00))


def _build_tables() -> tuple[dict[int, str], str]:
    one_to_one: dict[int, str] = {}
    special: list[str] = []
    for lo, hi in _RANGES:
        for cp in range(lo, hi):
            ch = chr(cp)
            f = fold_char(ch)
            if f == ch:
                continue
            if len(f) == 1:
                one_to_one[cp] = f
            else:
                special.append(ch)
    return one_to_one, "".join(special)


_ONE_TO_ONE, _SPECIAL_CHARS = _build_tables()
_ONE_TO_ONE_SEATS = {**_ONE_TO_ONE, **{ord(a): b for a, b in _HAMZA_SEATS.items()}}
# the same tables keyed by character, for :func:`_fold_plain`
_BY_CHAR = {chr(cp): f for cp, f in _ONE_TO_ONE.items()}
_BY_CHAR_SEATS = {chr(cp): f for cp, f in _ONE_TO_ONE_SEATS.items()}


def _fold_plain(text: str, by_char: dict[str, str], table: dict[int, str]) -> str:
    """``text.translate`` of a one-to-one fold table, faster: a text holds a handful of the
    characters that fold (ة أ إ ى), and one ``str.replace`` per such character is a C scan,
    where ``translate`` with a dict looks up every character. A character folded to another
    folding character ('_' → ' ') would need the replacements in order: then ``translate``."""
    present = by_char.keys() & set(text)
    if any(by_char[c] in by_char for c in present):
        return text.translate(table)
    for c in present:
        text = text.replace(c, by_char[c])
    return text


def _class(chars: str) -> str:
    """A regex character-class body listing ``chars`` as escapes."""
    return "".join(f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}" for c in chars)


_OUTSIDE = "".join(f"\\u{lo:04x}-\\u{hi - 1:04x}" for lo, hi in _RANGES)
_SPECIAL_RE = re.compile(f"[{_class(_SPECIAL_CHARS)}]|[^{_OUTSIDE}]")


def normalise(text: str, *, hamza_seats: bool = False) -> tuple[str, list[int]]:
    """Fold ``text`` and return (folded text, map folded index -> original index).

    The one Arabic fold of the extractor (tokens, lexicons, gazetteers and dates alike);
    ``hamza_seats`` also folds ؤ → و and ئ → ي (the dates' patterns ignore hamza spelling).

    The map has one extra trailing entry (len(text)) so that an exclusive end
    offset can be mapped too. One-to-one folds keep offsets, so only characters
    that vanish (diacritics, tatweel, direction marks) or expand (ligatures) need
    the per-segment map; text without them takes a single ``str.translate``.
    """
    table = _ONE_TO_ONE_SEATS if hamza_seats else _ONE_TO_ONE
    # one-to-one folds keep every offset: done on the whole text at once
    plain = _fold_plain(text, _BY_CHAR_SEATS if hamza_seats else _BY_CHAR, table)
    if _SPECIAL_RE.search(text) is None:
        return plain, list(range(len(text) + 1))
    out: list[str] = []
    idx: list[int] = []
    pos = 0
    for m in _SPECIAL_RE.finditer(text):
        i = m.start()
        if i > pos:
            out.append(plain[pos:i])
            idx.extend(range(pos, i))
        f = fold_char(text[i])
        if hamza_seats:
            f = f.translate(table)
        if f:
            out.append(f)
            idx.extend([i] * len(f))
        pos = i + 1
    if pos < len(text):
        out.append(plain[pos:])
        idx.extend(range(pos, len(text)))
    idx.append(len(text))
    return "".join(out), idx


# Sentence ends: . ! ? ؟ and line breaks. A '.' between digits (3.5) or right after a
# single Latin capital (U.S.) does not end a sentence.
_SENT_END = frozenset(".!?؟\n")
_CLOSERS = frozenset("\"'»”’)]")


_SENT_END_RE = re.compile(r"[.!?؟\n]")


def split_sentences(norm: str) -> list[tuple[int, int]]:
    """Sentence spans over the folded text (only sentence-end characters are visited)."""
    spans: list[tuple[int, int]] = []
    n = len(norm)
    start = 0
    pos = 0
    while True:
        m = _SENT_END_RE.search(norm, pos)
        if m is None:
            break
        i = m.start()
        ch = norm[i]
        if ch == "." and 0 < i < n - 1 and norm[i - 1].isdigit() and norm[i + 1].isdigit():
            pos = i + 1
            continue
        if ch == "." and i > 0 and "A" <= norm[i - 1] <= "Z" and (i < 2 or not norm[i - 2].isalpha()):
            pos = i + 1
            continue
        if i < start:  # already consumed as a closer
            pos = i + 1
            continue
        j = i + 1
        while j < n and (norm[j] in _CLOSERS or (norm[j] in ".!?؟" and ch != "\n")):
            j += 1
        if not norm[start:j].isspace() and j > start:
            spans.append((start, j))
        start = j
        pos = j
    if start < n and norm[start:].strip():
        spans.append((start, n))
    return spans


_PUNCT = UNICODE_PUNCT_SYMBOL_CHARSET
_WORD_RE = re.compile(r"\S+")
_PLAIN_RE = re.compile(r"[\u0621-\u064aA-Za-z0-9]+")


def tokenize(norm: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Token spans of ``norm[start:end]``, splitting exactly like camel-tools'
    ``simple_word_tokenize`` (whitespace, then every punctuation/symbol character is
    its own token) but keeping offsets."""
    end = len(norm) if end is None else end
    spans: list[tuple[int, int]] = []
    for m in _WORD_RE.finditer(norm, start, end):
        ws, we = m.span()
        if _PLAIN_RE.fullmatch(norm, ws, we):
            spans.append((ws, we))
            continue
        cur = ws
        for k in range(ws, we):
            if norm[k] in _PUNCT:
                if k > cur:
                    spans.append((cur, k))
                spans.append((k, k + 1))
                cur = k + 1
        if cur < we:
            spans.append((cur, we))
    return spans


def camel_tokens(text: str) -> list[str]:
    """camel-tools' own tokenisation (used by the tests to check ``tokenize``)."""
    return simple_word_tokenize(text)


_SOFT_BREAKS = frozenset("،,؛;:")


def _bounded(spans: list[tuple[int, int]], norm: str) -> list[list[tuple[int, int]]]:
    """The token spans of one sentence in pieces of at most ``LIMITS.sentence_tokens``
    tokens, each cut after the last comma/semicolon/colon of its second half when there is one
    (a longer "sentence" is not prose, and the bound keeps every per-sentence stage linear)."""
    bound = LIMITS.sentence_tokens
    if len(spans) <= bound:
        return [spans]
    pieces = []
    start = 0
    while len(spans) - start > bound:
        end = start + bound
        for k in range(end - 1, start + bound // 2, -1):
            if norm[spans[k][0] : spans[k][1]] in _SOFT_BREAKS:
                end = k + 1
                break
        pieces.append(spans[start:end])
        start = end
    pieces.append(spans[start:])
    return pieces


def make_doc(text: str, title_len: int) -> Doc:
    """Run normalisation, sentence splitting and tokenisation."""
    norm, to_orig = normalise(text)
    doc = Doc(text=text, norm=norm, to_orig=to_orig, title_end=title_len)
    tokens = doc.tokens
    append = tokens.append
    for ns, ne in split_sentences(norm):
        pieces = _bounded(tokenize(norm, ns, ne), norm)
        for k, piece in enumerate(pieces):
            si = len(doc.sentences)
            # a cut sentence: each piece from its first token (the first from the sentence
            # start) to its last token (the last to the sentence end)
            ps = ns if k == 0 else piece[0][0]
            pe = ne if k == len(pieces) - 1 else piece[-1][1]
            os_, oe = doc.orig_span(ps, pe)
            sent = Sentence(i=si, start=os_, end=oe, tok_start=len(tokens))
            for ts, te in piece:
                tok = norm[ts:te]
                # te > ts always: map the span without the orig_span call (hot loop)
                append(Token(len(tokens), tok, to_orig[ts], to_orig[te - 1] + 1, si, tok in _PUNCT))
            sent.tok_end = len(tokens)
            doc.sentences.append(sent)
    return doc
