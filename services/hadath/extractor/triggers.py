"""Stage: trigger mentions (single words and multiword expressions) over tokens."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from hadath.extractor.lexicon import Form, Lexicon, load_lexicon
from hadath.extractor.limits import LIMITS
from hadath.extractor.morph import Split, splits
from hadath.extractor.text import Doc, Token, fold

# how far (in tokens) each further word of a multiword trigger may be from the previous one


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
    if form.entry.participle and (sp.article or sp.prep or sp.enclitic):
        return False  # a circumstantial participle is indefinite and bare (متهما, not المتهمين)
    return not (sp.article and sp.enclitic)


@cache
def _morphology():
    """The project's camel-tools morphology (hadath.extractor.morphology), if usable."""
    try:
        from hadath.extractor.morphology import Morphology

        return Morphology.default()
    except Exception:  # pragma: no cover - missing DB/camel data: the clitic splitter alone
        return None


def _head(lemma: str) -> str:
    return fold(lemma.split()[0]) if lemma.strip() else ""


@lru_cache(maxsize=200_000)
def checked_readings(original: str, word: str) -> tuple[tuple[Form, Split], ...]:
    """Readings of ``word`` (folded) that the morphology analyser confirms for the
    original spelling: same head lemma and part of speech. When the analyser does not
    know the word at all, the splitter's readings stand."""
    readings = head_readings(word)
    if not readings:
        return readings
    morph = _morphology()
    if morph is None:
        return readings
    analyses = morph.analyze(original)
    if not analyses:
        return readings
    ok = {(fold(a.lemma.split()[0]), a.pos) for a in analyses if a.lemma}
    function_word = any(a.pos == "other" for a in analyses)
    return tuple(
        r
        for r in readings
        if (_head(r[0].entry.lemma), "verb" if r[0].entry.pos == "V" else "noun") in ok
        or (function_word and r[0].entry.rest)  # 'على استعداد': a multiword led by a function word
    )


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
        for k in range(j, min(limit, j + LIMITS.multiword_gap + 1)):
            if tokens[k].is_punct and tokens[k].norm not in ('"', "«", "»"):
                break
            if _rest_match(tokens[k].norm, base):
                found = k
                break
        if found is None:
            return None
        j = found + 1
    return j


_NOMINAL_CONTEXT = frozenset(
    {
        "بعد",
        "قبل",
        "عقب",
        "اثر",
        "منذ",
        "رغم",
        "حول",
        "بشان",
        "عن",
        "علي",
        "من",
        "الي",
        "في",
        "مع",
        "ضد",
        "خلال",
        "بسبب",
        "وسط",
        "حيال",
        "تجاه",
        "عدم",
        "سيما",
    }
)


def _strip_conj(w: str) -> str:
    return w[1:] if len(w) > 2 and w[0] in "وف" else w


def _lex() -> Lexicon:
    return load_lexicon()


# particles that govern a subjunctive or jussive (a form spelled only in those moods)
_JUSSIVE_CONTEXT = frozenset(
    {"لم", "ولم", "فلم", "لا", "ولا", "ان", "وان", "لما", "لن", "ولن", "كي", "لكي", "حتي", "الا"}
)


def find_triggers(doc: Doc, blocked: frozenset[int] | set[int] = frozenset()) -> list[TriggerMention]:
    """Trigger mentions; tokens in ``blocked`` (inside actor names: 'لندن', 'هيئة التفاوض')
    are never triggers."""
    toks = doc.tokens
    out: list[TriggerMention] = []
    for sent in doc.sentences:
        i = sent.tok_start
        while i < sent.tok_end:
            tok = toks[i]
            if tok.is_punct or i in blocked or not head_readings(tok.norm):
                i += 1  # (most words: no trigger reading at all, one cached lookup)
                continue
            jussive_ok = i > sent.tok_start and toks[i - 1].norm in _JUSSIVE_CONTEXT
            best: TriggerMention | None = None
            best_len = 0
            # after a preposition/temporal noun a masdar is more likely than a verb: 'بعد نفي'
            nominal_ctx = i > sent.tok_start and _strip_conj(toks[i - 1].norm) in _NOMINAL_CONTEXT
            # folding merged teh marbuta into heh: 'وزارة' must not read as و+زار+ه
            tm = doc.text[tok.end - 1 : tok.end] == "ة"
            for form, sp in checked_readings(doc.text[tok.start : tok.end], tok.norm):
                if tm and sp.enclitic.endswith("ه"):
                    continue
                if form.aspect == "juss" and (sp.prep or not jussive_ok):
                    continue  # the short jussive stem only after لم/لا/إن: 'لندن' is not ل+ندن
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
