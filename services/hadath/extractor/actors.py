"""Actor and place mentions: gazetteer match + composition.

* actors.tsv rows are matched longest-first (clitics stripped on the first word).
* Role-only rows (code ``*GOV``, ``*MIL`` ...: وزير الخارجية، الجيش، الحكومة) take their
  country from an adjacent country/demonym/capital: وزير الخارجية الروسي -> RUSGOV,
  الجيش السوري -> SYRMIL, وزير خارجية روسيا -> RUSGOV. Without one they stay uncoded.
* Apposition: consecutive mentions of the same country separated only by a comma
  (الرئيس الأمريكي، دونالد ترامب) are one actor.
* Blocked rows (code '-') and uncoded roles are kept as *uncoded* NP mentions: they
  fill a syntactic slot (a subject) without ever becoming an event actor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from hadath.extractor.gazetteer import DATA_DIR, Gazetteer, Match, read_tsv
from hadath.extractor.text import Doc, fold

ACTORS_TSV = DATA_DIR / "actors.tsv"
PLACES_TSV = DATA_DIR / "places.tsv"

# the codes the Event schema accepts (hadath_schemas.Actor.code); other rows stay uncoded
_CODE_RE = re.compile(r"^(IGO|NGO)[A-Z]{2,6}$|^IMG[A-Z]{3}$|^[A-Z]{3}([A-Z]{3})?$")
_LOC_PREPS = frozenset({
    "في", "علي", "ضد", "داخل", "قرب", "شمال", "جنوب", "شرق", "غرب", "الي", "نحو", "باتجاه",
})
_COUNTRYISH = frozenset({"country", "demonym", "capital"})
_COMMA = frozenset({",", "،"})


@dataclass(frozen=True, slots=True)
class ActorRow:
    code: str | None  # None = blocked / uncoded
    kind: str
    role: str | None  # for '*GOV' rows: 'GOV'


@dataclass(slots=True)
class ActorMention:
    tok_start: int
    tok_end: int
    start: int  # original char offsets (proclitics excluded)
    end: int
    code: str | None
    kind: str
    prep: str  # proclitic preposition on the first token ('' | 'ب' | 'ل' | 'ك')
    conj: bool  # first token carries و/ف

    @property
    def key(self) -> str | None:
        """Spec §7 scoring key: 3 letters, 6 for IGO/NGO codes."""
        if not self.code:
            return None
        return self.code[:6] if self.code[:3] in ("IGO", "NGO") else self.code[:3]


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    country: str | None
    kind: str


@dataclass(slots=True)
class PlaceMention:
    tok_start: int
    tok_end: int
    start: int
    end: int
    place: Place
    prep: bool = False  # introduced by a preposition (في حلب، بحمص، على إدلب)
    in_actor: bool = False  # the same words are an actor mention (a country/capital)


def _demonym_variants(form: str) -> list[str]:
    """الروسي -> الروسية، الروس? no: only regular adjective inflection (ية، يين، يون، يان)."""
    f = fold(form)
    if f.endswith("ي") and len(f) > 3:
        return [f + "ه", f + "ين", f + "ون", f + "ان", f + "تين"]
    return []


@cache
def actor_gazetteer() -> Gazetteer[ActorRow]:
    items: list[tuple[str, ActorRow]] = []
    for cols in read_tsv(ACTORS_TSV):
        if len(cols) < 3:
            continue
        form, code, kind = cols[0], cols[1], cols[2]
        if not form:
            continue
        if code == "-" or kind == "none":
            row = ActorRow(None, "none", None)
        elif code.startswith("*"):
            row = ActorRow(None, kind, code[1:])
        elif not _CODE_RE.match(code):
            row = ActorRow(None, "none", None)
        else:
            row = ActorRow(code, kind, None)
        items.append((form, row))
        if kind == "demonym":
            variants = [form, *_demonym_variants(form)]
            items.extend((v, row) for v in variants[1:])
            # indefinite adjective: 'إدانة أميركية', 'مصادر روسية'
            folded = (fold(x) for x in variants)
            items.extend((v[2:], row) for v in folded if v.startswith("ال") and len(v) > 5)
    return Gazetteer(items)


@cache
def place_gazetteer() -> Gazetteer[Place]:
    items: list[tuple[str, Place]] = []
    for cols in read_tsv(PLACES_TSV):
        if len(cols) < 3 or not cols[0]:
            continue
        country = cols[2] if len(cols[2]) == 3 and cols[2].isupper() else None
        items.append((cols[0], Place(cols[1], country, cols[3] if len(cols) > 3 else "")))
    return Gazetteer(items)


def _construct_gap(toks: list, m: Match[ActorRow], nxt: Match[ActorRow]) -> bool:
    """'وزير خارجية روسيا': one unlisted word between an indefinite (construct) title and
    its country. A definite title ('الحكومة') cannot head a construct, and the word in
    between must be a plain noun, not an event word ('الحكومة اتهامات روسيا')."""
    from hadath.extractor.triggers import head_readings

    if nxt.start - m.end != 1:
        return False
    head, gap = toks[m.start].norm, toks[m.end]
    if gap.is_punct or (m.prefix_len == 0 and head.startswith("ال")) or head.startswith(("وال", "بال", "لل")):
        return False
    return not gap.norm.startswith("ال") and not head_readings(gap.norm)


def _mention(doc: Doc, m: Match[ActorRow], code: str | None, kind: str) -> ActorMention:
    first = doc.tokens[m.start]
    word = first.norm
    pre = word[: m.prefix_len]
    # map the proclitic length (folded chars) to the original span
    start = first.start
    if m.prefix_len:
        # walk original characters until prefix_len folded characters were consumed
        seen = 0
        j = first.start
        while j < first.end and seen < m.prefix_len:
            if fold(doc.text[j]):
                seen += len(fold(doc.text[j]))
            j += 1
        start = j
    return ActorMention(
        tok_start=m.start,
        tok_end=m.end,
        start=start,
        end=doc.tokens[m.end - 1].end,
        code=code,
        kind=kind,
        prep=next((c for c in pre if c in "بلك"), ""),
        conj=pre[:1] in ("و", "ف"),
    )


def find_actors(doc: Doc) -> list[ActorMention]:
    """Actor mentions of the whole document, in token order, after composition."""
    gaz = actor_gazetteer()
    out: list[ActorMention] = []
    toks = doc.tokens
    for sent in doc.sentences:
        matches = gaz.find(toks, sent.tok_start, sent.tok_end)
        k = 0
        while k < len(matches):
            m = matches[k]
            row = m.payload
            if row.role is not None:
                # role + adjacent country/demonym (gap of at most one unmatched word:
                # 'وزير خارجية روسيا' when only 'وزير' is listed)
                nxt = matches[k + 1] if k + 1 < len(matches) else None
                if (
                    nxt is not None
                    and nxt.payload.code
                    and nxt.payload.kind in _COUNTRYISH
                    and nxt.prefix_len == 0
                    and (nxt.start == m.end or _construct_gap(toks, m, nxt))
                ):
                    code = nxt.payload.code[:3] + row.role
                    am = _mention(doc, m, code, row.kind)
                    am.tok_end = nxt.end
                    am.end = toks[nxt.end - 1].end
                    out.append(am)
                    k += 2
                    continue
                out.append(_mention(doc, m, None, row.kind))
                k += 1
                continue
            out.append(_mention(doc, m, row.code, row.kind))
            k += 1
    out = _merge_appositions(doc, out)
    out = _learn_names(doc, out)
    return _syrian_regime(doc, out)


def _syrian_regime(doc: Doc, ms: list[ActorMention]) -> list[ActorMention]:
    """Spec §5: a bare 'النظام' (the regime) in Syrian news is SYRGOV."""
    if not any(m.code and m.code[:3] == "SYR" for m in ms):
        return ms
    for m in ms:
        if m.code is None and m.tok_end - m.tok_start == 1:
            w = doc.tokens[m.tok_start].norm
            if w in ("النظام", "للنظام", "والنظام", "بالنظام"):
                m.code = "SYRGOV"
    return ms


_NAME_MAX = 4
_NAME_MAX_COMMA = 6
_CUE_STOP = frozenset({"SKIP", "STOP", "SAY", "PREP", "LOC", "NEG", "FUT", "OPINION", "LIGHT", "NEGPASS"})


def _name_like(word: str) -> bool:
    from hadath.extractor.cues import kinds_of  # local: cues imports this module's siblings
    from hadath.extractor.triggers import head_readings

    if not word or not word[0].isalpha() or word.isdigit():
        return False
    if word.startswith(("و", "بال", "لل", "فال", "كال")) or len(word) < 3:
        return False
    if kinds_of(word) & _CUE_STOP:
        return False
    return not head_readings(word)


def _learn_names(doc: Doc, ms: list[ActorMention]) -> list[ActorMention]:
    """Names introduced by a coded title ('وزير الخارجية الروسي، سيرغي لافروف،' ->
    'سيرغي لافروف' and 'لافروف' = RUSGOV for the rest of THIS document)."""
    toks = doc.tokens
    starts = {m.tok_start for m in ms}
    aliases: dict[tuple[str, ...], tuple[str, str]] = {}
    extended: list[ActorMention] = []
    for m in ms:
        if not m.code or m.kind not in ("title",):
            continue
        sent_end = doc.sentences[toks[m.tok_start].sent].tok_end
        j = m.tok_end
        if j < sent_end and toks[j].norm in _COMMA:
            j += 1
        run: list[int] = []
        while j < sent_end and len(run) <= _NAME_MAX_COMMA and j not in starts and _name_like(toks[j].norm):
            run.append(j)
            j += 1
        ends_ok = j >= sent_end or toks[j].is_punct or j in starts or not _name_like(toks[j].norm)
        if len(run) > _NAME_MAX and not (j < sent_end and toks[j].norm in _COMMA):
            ends_ok = False  # long names only when closed by a comma: '، الشيخ محمد بن عبدالرحمن آل ثاني،'
        if j in starts and any(x.tok_start == j and x.kind == "demonym" for x in ms):
            ends_ok = False  # 'نظيره التركي': a noun modified by a demonym is not a name
        if not run or len(run) > _NAME_MAX_COMMA or not ends_ok:
            continue
        words = tuple(toks[k].norm for k in run)
        aliases.setdefault(words, (m.code, "person"))
        if len(words) == 2:
            aliases.setdefault(words[-1:], (m.code, "person"))  # surname: 'لافروف'
        elif len(words) >= 3:
            aliases.setdefault(words[-2:], (m.code, "person"))  # 'آل ثاني', 'بن سلمان'
        # the name itself is part of this actor mention
        m.tok_end = run[-1] + 1
        m.end = toks[run[-1]].end
        extended.append(m)
    if not aliases:
        return ms
    covered = set()
    for m in ms:
        covered.update(range(m.tok_start, m.tok_end))
    added: list[ActorMention] = []
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for words in aliases:
        by_first.setdefault(words[0], []).append(words)
    for i, tok in enumerate(toks):
        if i in covered or tok.is_punct:
            continue
        w = tok.norm
        pre = ""
        cands = by_first.get(w)
        if cands is None and len(w) > 3 and w[0] in "وفبل":
            cands = by_first.get(w[1:])
            pre = w[0]
        if not cands:
            continue
        for words in sorted(cands, key=len, reverse=True):
            n = len(words)
            if all(i + k < len(toks) and toks[i + k].norm == words[k] for k in range(1, n)):
                code, kind = aliases[words]
                start = tok.start + (1 if pre else 0)
                added.append(ActorMention(i, i + n, start, toks[i + n - 1].end, code, kind,
                                          pre if pre in "بلك" and pre else "", pre in ("و", "ف")))
                covered.update(range(i, i + n))
                break
    if not added:
        return ms
    return sorted(ms + added, key=lambda m: m.tok_start)


def _merge_appositions(doc: Doc, ms: list[ActorMention]) -> list[ActorMention]:
    """'الرئيس الأمريكي، دونالد ترامب' / 'الرئيس الأمريكي دونالد ترامب' -> one actor."""
    out: list[ActorMention] = []
    toks = doc.tokens
    for m in ms:
        if out:
            p = out[-1]
            gap = range(p.tok_end, m.tok_start)
            adjacent = all(toks[j].norm in _COMMA for j in gap) and len(gap) <= 1
            same_sent = toks[p.tok_start].sent == toks[m.tok_start].sent
            if adjacent and same_sent and not m.conj and not m.prep:
                if p.code and m.code and p.code[:3] == m.code[:3] and p.key == m.key:
                    # keep the more specific code (with a role)
                    p.code = p.code if len(p.code) >= len(m.code) else m.code
                    p.tok_end, p.end = m.tok_end, m.end
                    continue
                if p.code is None and p.kind in ("title", "institution") and m.code and m.kind == "person":
                    # uncoded title + named person: 'المتحدث باسم الوزارة ماريا زاخاروفا'
                    p.code, p.kind = m.code, m.kind
                    p.tok_end, p.end = m.tok_end, m.end
                    continue
        out.append(m)
    return out


def find_places(doc: Doc) -> list[PlaceMention]:
    gaz = place_gazetteer()
    out: list[PlaceMention] = []
    for sent in doc.sentences:
        for m in gaz.find(doc.tokens, sent.tok_start, sent.tok_end):
            pre = doc.tokens[m.start].norm[: m.prefix_len]
            prev = doc.tokens[m.start - 1].norm if m.start > sent.tok_start else ""
            prev = prev[1:] if len(prev) > 2 and prev[0] in "وف" else prev
            prep = "ب" in pre or prev in _LOC_PREPS
            start, end = doc.tokens[m.start].start, doc.tokens[m.end - 1].end
            out.append(PlaceMention(m.start, m.end, start, end, m.payload, prep))
    return out
