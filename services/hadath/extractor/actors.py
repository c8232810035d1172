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

from dataclasses import dataclass
from functools import cache

from hadath.extractor.gazetteer import DATA_DIR, Gazetteer, Match, read_tsv
from hadath.extractor.text import Doc, fold

ACTORS_TSV = DATA_DIR / "actors.tsv"
PLACES_TSV = DATA_DIR / "places.tsv"

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
        else:
            row = ActorRow(code, kind, None)
        items.append((form, row))
        if kind == "demonym":
            items.extend((v, row) for v in _demonym_variants(form))
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
                    and nxt.start - m.end <= 1
                    and nxt.prefix_len == 0
                    and not any(toks[j].is_punct for j in range(m.end, nxt.start))
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
    return _merge_appositions(doc, out)


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
                if p.code is None and p.kind in ("title", "institution") and m.code and not gap:
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
            out.append(
                PlaceMention(m.start, m.end, doc.tokens[m.start].start, doc.tokens[m.end - 1].end, m.payload)
            )
    return out
