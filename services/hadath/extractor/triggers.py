"""Stage: trigger mentions (single words and multiword expressions) over tokens."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from hadath.extractor.lexicon import Form, Lexicon, load_lexicon
from hadath.extractor.morph import Split, splits
from hadath.extractor.text import Doc, Token

# how far (in tokens) each further word of a multiword trigger may be from the previous one
_MW_GAP = 4


@dataclass(slots=True)
class TriggerMention:
    tok: int  # head token index
    tok_end: int  # one past the last token of the expression
    start: int  # original char span of the whole expression (clitics included, like the gold)
    end: int
    head_end: int  # end of the head word (the trigger span proper)
    form: Form
    split: Split

    @property
    def entry(self):
        return self.form.entry

    @property
    def is_verb(self) -> bool:
        return self.form.entry.pos == "V"


def _allowed(form: Form, sp: Split) -> bool:
    if form.entry.pos == "V":
        if sp.article:
            return False
        if sp.future and form.aspect not in ("imperf",):
            return False
        if sp.enclitic == "ي":
            return False  # a verb's 1st-person object is ني, never ي
        return not (sp.prep and not (sp.prep == "ل" and form.aspect in ("imperf", "juss")))
    # nouns: no future prefix, no pronoun after the article
    if sp.future:
        return False
    return not (sp.article and sp.enclitic)


@lru_cache(maxsize=200_000)
def head_readings(word: str) -> tuple[tuple[Form, Split], ...]:
    """Trigger readings of one folded word (memoised per word)."""
    lex = load_lexicon()
    out: list[tuple[Form, Split]] = []
    for sp in splits(word):
        for form in lex.heads.get(sp.stem, ()):
            if _allowed(form, sp):
                out.append((form, sp))
    # prefer readings with fewer stripped clitics (the unsplit reading comes first)
    return tuple(out)


@lru_cache(maxsize=200_000)
def _rest_match(word: str, base: str) -> bool:
    forms = load_lexicon().rest_forms.get(base)
    if not forms:
        return False
    return any(sp.stem in forms for sp in splits(word))


def _match_rest(tokens: Sequence[Token], i: int, limit: int, rest: tuple[str, ...]) -> int | None:
    """Token index one past the last matched further word, or None."""
    j = i + 1
    for base in rest:
        found = None
        for k in range(j, min(limit, j + _MW_GAP + 1)):
            if tokens[k].is_punct and tokens[k].norm not in ('"', "«", "»"):
                break
            if _rest_match(tokens[k].norm, base):
                found = k
                break
        if found is None:
            return None
        j = found + 1
    return j


_NOMINAL_CONTEXT = frozenset({
    "بعد", "قبل", "عقب", "اثر", "منذ", "رغم", "حول", "بشان", "عن", "علي", "من", "الي", "في", "مع",
    "ضد", "خلال", "بسبب", "وسط", "حيال", "تجاه", "عدم",
})


def _strip_conj(w: str) -> str:
    return w[1:] if len(w) > 2 and w[0] in "وف" else w


def _lex() -> Lexicon:
    return load_lexicon()


def find_triggers(doc: Doc) -> list[TriggerMention]:
    toks = doc.tokens
    out: list[TriggerMention] = []
    for sent in doc.sentences:
        i = sent.tok_start
        while i < sent.tok_end:
            tok = toks[i]
            if tok.is_punct:
                i += 1
                continue
            best: TriggerMention | None = None
            best_len = 0
            # after a preposition/temporal noun a masdar is more likely than a verb: 'بعد نفي'
            nominal_ctx = i > sent.tok_start and _strip_conj(toks[i - 1].norm) in _NOMINAL_CONTEXT
            # folding merged teh marbuta into heh: 'وزارة' must not read as و+زار+ه
            tm = doc.text[tok.end - 1 : tok.end] == "ة"
            for form, sp in head_readings(tok.norm):
                if tm and sp.enclitic.endswith("ه"):
                    continue
                rest = form.entry.rest
                if rest:
                    j = _match_rest(toks, i, sent.tok_end, rest)
                    if j is None:
                        continue
                else:
                    j = i + 1
                n = j - i
                score = (n, (form.entry.pos == "V") != nominal_ctx and not sp.prep, -len(sp.conj + sp.prep))
                if best is None or score > (
                    best_len,
                    best.is_verb != nominal_ctx and not best.split.prep,
                    -len(best.split.conj + best.split.prep),
                ):
                    best = TriggerMention(i, j, tok.start, toks[j - 1].end, tok.end, form, sp)
                    best_len = n
            if best is not None:
                out.append(best)
                i = best.tok_end
            else:
                i += 1
    return out
