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
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

from hadath.extractor.gazetteer import DATA_DIR, Gazetteer, Match, read_tsv
from hadath.extractor.limits import LIMITS
from hadath.extractor.text import Doc, fold

ACTORS_TSV = DATA_DIR / "actors.tsv"
PLACES_TSV = DATA_DIR / "places.tsv"
ACTOR_WORDS_TSV = DATA_DIR / "actor_words.tsv"

# Word classes the mechanisms look for, one (class, form, value) row each: see the header
# of data/actor_words.tsv. Loaded once at import like the other tables.
WORD_CLASSES = (
    "LOC_PREP",
    "IN_NAME_OF",
    "LOCATED_IN",
    "COMPOSE_ONLY",
    "MEDIA_HEAD",
    "AGENCY_NOUN",
    "ORG_ADJ",
    "ORG_HEAD",
    "ALIAS_HEAD",
    "ALIAS_NEXT_OK",
    "DUAL",
    "COUNTERPART",
    "GROUP_NOUN",
    "NUMERAL",
    "PLURAL_TITLE",
    "NOT_NAME",
    "HONORIFIC",
    "CONTEXT_ROLE",
    "CONTEXT_CHOICE",
    "LATTER",
    "COPULA",
)


@cache
def actor_words(path: Path = ACTOR_WORDS_TSV) -> dict[str, dict[str, str]]:
    """class -> folded form (words joined by one space) -> value, from actor_words.tsv.
    An unknown class or a row without a value is an error in the data, not skipped."""
    out: dict[str, dict[str, str]] = {c: {} for c in WORD_CLASSES}
    for cols in read_tsv(path):
        if len(cols) < 3 or cols[0] not in out or not cols[1] or not cols[2]:
            raise ValueError(f"{path.name}: bad row {cols!r}")
        out[cols[0]][" ".join(fold(cols[1]).split())] = cols[2]
    return out


def _words(cls: str) -> frozenset[str]:
    return frozenset(actor_words()[cls])


_LOC_PREPS = _words("LOC_PREP")
_LOCATED_IN = _words("LOCATED_IN")
_IN_NAME_OF = _words("IN_NAME_OF")
_AGENCY_NOUNS = _words("AGENCY_NOUN")
_COMPOSE_ONLY = _words("COMPOSE_ONLY")

# the codes the Event schema accepts (hadath_schemas.Actor.code); other rows stay uncoded
_CODE_RE = re.compile(r"^(IGO|NGO)[A-Z]{2,6}$|^IMG[A-Z]{3}$|^[A-Z]{3}([A-Z]{3})?$")
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
    role: str | None = None  # for role-only rows ('*GOV' -> 'GOV'), kept when still uncoded
    named: bool = False  # a listed person's name is part of this mention already
    # further parties the same words stand for: the dual 'الطرفان' = both parties named
    # before it (events._dedup expands them into the role)
    also: tuple[ActorMention, ...] = ()

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


def _relational_adjective(word: str) -> bool:
    """A definite nisba adjective (folded): 'الشيعي', 'الحقوقيه', 'الشخصي'."""
    return word.startswith("ال") and word.endswith(("ي", "يه")) and len(word) >= 5


def _adjective_gap(toks: list, m: Match[ActorRow], nxt: Match[ActorRow]) -> bool:
    """'رجل الدين الشيعي العراقي', 'الناشط الحقوقي المصري': one definite relational
    adjective (ال…ي / ال…ية) between a definite title and its nationality adjective. The
    nationality must be an adjective too (a definite demonym), not a country noun."""
    from hadath.extractor.triggers import head_readings

    if nxt.start - m.end != 1 or nxt.payload.kind != "demonym" or m.payload.kind != "title":
        return False
    gap = toks[m.end].norm
    if not _relational_adjective(gap):
        return False
    head, adj = toks[m.start].norm[m.prefix_len :], toks[nxt.start].norm
    definite = head.startswith("ال") or toks[m.end - 1].norm.startswith("ال")
    return definite and adj.startswith("ال") and _agrees(head, adj) and not head_readings(gap)


def _agrees(head: str, adjective: str) -> bool:
    """A nationality adjective agrees in gender with the title it describes (folded: ة is
    ه): 'الناشطة … المغربية', 'وزير … التركي'; a plural adjective is taken as agreeing."""
    if adjective.endswith(("يون", "يين", "يان")):
        return True
    return adjective.endswith("يه") == head.endswith("ه")


def _portfolio_gap(toks: list, m: Match[ActorRow], nxt: Match[ActorRow]) -> bool:
    """'وزير العدل التركي', 'وزارة العدل الأمريكية': an indefinite (construct) title or
    institution, its definite genitive (the portfolio) and the nationality adjective of the
    title (it agrees with the title in gender). The genitive must be a plain noun, not an
    event word."""
    from hadath.extractor.triggers import head_readings

    if (
        nxt.start - m.end != 1
        or nxt.payload.kind != "demonym"
        or m.payload.kind not in ("title", "institution")
    ):
        return False
    head, gap, adj = toks[m.start].norm[m.prefix_len :], toks[m.end].norm, toks[nxt.start].norm
    if head.startswith(("ال", "لل")) or m.end - m.start != 1:
        return False  # a definite title takes adjectives, not a genitive ('الوزير الأول')
    if not _agrees(head, adj):
        return False  # 'مسؤول الدائرة الفلسطينية': the adjective is the department's
    return gap.startswith("ال") and adj.startswith("ال") and not head_readings(gap)


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
        # the article is no preposition: 'الطائرات' matched by the row 'طائرات' has the
        # prefix 'ال', whose lam is not the preposition ل ('بال' -> ب, 'لل' -> ل)
        prep=next((c for c in pre.removesuffix("ال") if c in "بلك"), ""),
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
                    and (
                        nxt.start == m.end
                        or (_construct_gap(toks, m, nxt) and _gap_word(toks[m.end].norm))
                        or _adjective_gap(toks, m, nxt)
                        or _portfolio_gap(toks, m, nxt)
                        # 'المعارضة في سوريا': an institution located in a country is its
                        or (
                            row.kind == "institution"
                            and nxt.start - m.end == 1
                            and toks[m.end].norm in _LOCATED_IN
                        )
                    )
                ):
                    code = _with_role(nxt.payload.code, row.role)
                    am = _mention(doc, m, code, row.kind)
                    am.tok_end = nxt.end
                    am.end = toks[nxt.end - 1].end
                    out.append(am)
                    k += 2
                    continue
                am = _mention(doc, m, None, row.kind)
                am.role = row.role
                # the next word is no gazetteer row, or a blocked collective that an
                # organisation's adjective also is: 'دبلوماسيون روس' (short plural demonym),
                # 'المبعوث الأوروبي', 'وزراء الخارجية الأوروبيون' (alone: the Europeans)
                blocked_next = (
                    nxt is not None
                    and nxt.start == m.end
                    and nxt.end == m.end + 1
                    and nxt.payload.kind == "none"
                )
                if m.end < sent.tok_end and (nxt is None or nxt.start > m.end or blocked_next):
                    code = _adjective_code(toks[m.end].norm, row.role)
                    if code is not None:
                        am.code, am.tok_end, am.end = code, m.end + 1, toks[m.end].end
                        if blocked_next:
                            k += 1  # the collective row is this adjective
                out.append(am)
                k += 1
                continue
            out.append(_mention(doc, m, row.code, row.kind))
            k += 1
    out = _demonym_chains(doc, out)
    out = _media_names(doc, out)
    out = _merge_appositions(doc, out)
    out = _head_aliases(doc, out)
    if _compose_offices(doc, out):
        out = [m for m in out if m.tok_end > m.tok_start]
    out = _learn_names(doc, out)
    _surnames(doc, out)
    _context_roles(doc, out)
    # an indefinite role noun that found no country or organisation ('إرسال قوات إلى',
    # 'شنت طائرات غارات') says nothing about who acts: no mention rather than an uncoded
    # NP that would block the argument slots around it
    # 'الجانب', 'العاصمة' are an actor only with their country ('الجانب التركي')
    out = [
        m
        for m in out
        if m.code
        or m.role is None
        or (_definite(doc, m, anywhere=True) and _definite_form(toks[m.tok_start].norm) not in _COMPOSE_ONLY)
    ]
    for m in out:
        if m.kind == "media" or (m.code and m.code.endswith("MED") and m.kind != "person"):
            # an outlet reports, it is not a party: the speaker of 'ذكرت وكالة …' is not an
            # event actor (and must not become the fallback subject of the next event)
            m.code, m.kind = None, "media"
    out = _latter(doc, out)
    out = _dual_parties(doc, out)
    return out


def _feminine(doc: Doc, m: ActorMention) -> bool:
    """Grammatical gender of a party for 'الأخيرة' vs 'الأخير': countries and cities are
    feminine, so is a noun phrase whose head ends in ة or the plural ات (الولايات المتحدة,
    المفوضية); persons and titles are taken as masculine."""
    if m.kind in ("country", "capital"):
        return True
    head = _word_after_conj(doc.tokens[m.tok_start].norm)
    return m.kind not in ("person", "title") and head.endswith(("ه", "ات"))


def _latter_reading(doc: Doc, i: int, taken: set[int]) -> bool:
    """'الأخير' at token i is the noun 'the latter', not the adjective 'last': it follows
    a particle, a verb or an indefinite construct noun ('لكن الأخيرة', 'تعرض الأخيرة',
    'طلب الأخير') or opens the clause — not a definite noun, a name, a possessed noun
    (زيارته الأخيرة), an accusative (عاما الأخيرة) or a copula (لن تكون الأخيرة)."""
    toks = doc.tokens
    word = toks[i].norm
    if word[:1] in "بلك" or (word[1:2] in "بلك" and word[:1] in "وف"):
        return True  # a preposition: 'للأخيرة', 'وبالأخير' is a noun
    lo = doc.sentences[toks[i].sent].tok_start
    if i == lo or toks[i - 1].is_punct:
        return True
    prev = toks[i - 1].norm
    return not (
        i - 1 in taken
        or _definite(doc, ActorMention(i - 1, i, 0, 0, None, "", "", False))
        or prev.endswith(("ه", "ها", "هم", "هما", "ا"))
        or not prev.isalpha()
        or prev in _COPULAS
    )


def _unknown_name_between(doc: Doc, lo: int, hi: int, taken: set[int]) -> bool:
    """Two adjacent unlisted name-like words in tokens [lo, hi): a person the gazetteer
    does not know ('… ومواطنه أحمد أبو فلان، الذي … استهداف الأخير') may be the latter."""
    toks = doc.tokens
    words = [(j, toks[j].norm) for j in range(lo, hi)]
    plain = [j not in taken and _name_like(w) and not w.startswith("ال") for j, w in words]
    return any(a and b for a, b in pairwise(plain))


def _latter(doc: Doc, ms: list[ActorMention]) -> list[ActorMention]:
    """The epithet 'the latter' (الأخير / الأخيرة) is the nearest coded party before it of
    the same gender in its sentence: 'طالبت أنقرة واشنطن بتسليمه، لكن الأخيرة رفضت' ->
    Washington. Not across sentences: the last one named there is often an unknown person."""
    if not any(form in doc.norm for form in _LATTER_STEMS):
        return ms
    toks = doc.tokens
    taken = _covered(ms)
    added: list[ActorMention] = []
    for i, tok in enumerate(toks):
        form = _LATTER_FORMS.get(tok.norm)
        if form is None or i in taken or not _latter_reading(doc, i, taken):
            continue
        conj, prep, gender = form
        lo = doc.sentences[tok.sent].tok_start
        before = [m for m in ms if m.key and not m.also and lo <= m.tok_start and m.tok_end <= i]
        referent = next((m for m in reversed(before) if _feminine(doc, m) == (gender == "f")), None)
        if referent is None or _unknown_name_between(doc, referent.tok_end, i, taken):
            continue
        fused = tok.norm[len(conj) :].startswith("لل")  # ل + ال in one: keep the ل in the span
        start = tok.start + len(conj) + (0 if fused else len(prep))
        added.append(ActorMention(i, i + 1, start, tok.end, referent.code, "alias", prep, bool(conj)))
    if not added:
        return ms
    return sorted(ms + added, key=lambda m: m.tok_start)


# Outlet nouns: 'جريدة الشاهد اليومية الكويتية', 'صحيفة «الرياض» السعودية', 'قناة روسيا اليوم'.
_MEDIA_HEADS = _words("MEDIA_HEAD")
_MEDIA_WINDOW = 5
_QUOTES = frozenset({'"', "«", "»", "“", "”", "'"})


def _media_forms() -> dict[str, str]:
    """Every surface form of an outlet noun with its proclitics -> the proclitics."""
    return {pre + h: pre for h in _MEDIA_HEADS for pre in ("", "و", "ف", "ب", "ل", "وب", "ول", "فب", "فل")}


_MEDIA_FORMS = _media_forms()


def _media_names(doc: Doc, ms: list[ActorMention]) -> list[ActorMention]:
    """An outlet's name with its country adjective is ONE media mention, not a state:
    in 'حوار نشرته جريدة الشاهد اليومية الكويتية' Kuwait is no party to anything."""
    toks = doc.tokens
    if not ms:
        return ms
    by_start = {m.tok_start: k for k, m in enumerate(ms)}
    drop: set[int] = set()
    for i, tok in enumerate(toks):
        pre = _MEDIA_FORMS.get(tok.norm)
        if pre is None or i in by_start:
            continue
        sent_end = doc.sentences[tok.sent].tok_end
        nxt = toks[i + 1].norm if i + 1 < sent_end else ""
        if tok.norm[len(pre) :] in _AGENCY_NOUNS and nxt.startswith("ال"):
            continue  # 'وكالة الاستخبارات الأمريكية' is a state agency, not an outlet
        absorbed: list[int] = []
        closed = False  # the name ends with a demonym / a listed outlet
        j = i + 1
        while j < min(sent_end, i + 1 + _MEDIA_WINDOW):
            if toks[j].norm in ("،", ",", ".", ":"):
                break
            k = by_start.get(j)
            if k is None:
                j += 1
                continue
            m = ms[k]
            if m.conj or m.kind not in ("demonym", "country", "capital", "media", "person"):
                break
            # 'السعودية' after a name is the adjective (folded like the country name)
            adjective = m.kind == "country" and m.tok_end - m.tok_start == 1 and toks[j].norm.startswith("ال")
            if m.kind in ("country", "capital", "person") and absorbed and not adjective:
                break
            absorbed.append(k)
            j = m.tok_end
            if m.kind in ("demonym", "media") or (adjective and len(absorbed) > 1):
                closed = True
                break
        if not absorbed:
            continue
        lead = [t for t in range(i + 1, ms[absorbed[0]].tok_start) if toks[t].norm not in _QUOTES]
        if not closed and lead:
            continue  # 'صحيفة «الرياض»' (adjacent name) yes; a country further on: no
        first, last = ms[absorbed[0]], ms[absorbed[-1]]
        code = last.code if last.kind == "media" else (last.code[:3] + "MED" if last.code else None)
        first.tok_start, first.start = i, tok.start + len(pre)
        first.tok_end, first.end = last.tok_end, last.end
        first.code, first.kind = code, "media"
        first.prep = next((c for c in pre if c in "بلك"), "")
        first.conj = pre[:1] in ("و", "ف")
        drop.update(absorbed[1:])
    if not drop:
        return ms
    return [m for k, m in enumerate(ms) if k not in drop]


def _gap_word(word: str) -> bool:
    """The construct noun of 'وزير خارجية روسيا' is no particle ('دبلوماسي بين أنقرة') and
    no accusative object ('قوات الاحتلال شبانا فلسطينيين')."""
    from hadath.extractor.cues import kinds_of  # local: cues imports this module's siblings

    return not word.isdigit() and not (len(word) >= 4 and word.endswith("ا")) and not kinds_of(word)


def _with_role(code: str, role: str | None) -> str:
    """A role row's code from its country/organisation: RUS + GOV -> RUSGOV; an
    organisation keeps its own code (المسؤول الأممي -> IGOUNO, not 'IGOGOV')."""
    if code[:3] in ("IGO", "NGO", "IMG") or not role:
        return code
    return code[:3] + role


# Adjectives of organisations, used ONLY right after a role noun: 'المبعوث الأوروبي' is the
# EU's envoy, 'وزراء الخارجية الخليجيون' the GCC's ministers; alone they are collective
# ('الدول الأوروبية', 'الأمن الخليجي') and stay uncoded (spec §5).
_ORG_ADJ: dict[str, str] = {
    form + ending: code
    for form, code in actor_words()["ORG_ADJ"].items()
    for ending in ("", "ه", "ون", "ين")  # folded: ة -> ه
}


@cache
def _demonyms() -> dict[str, str]:
    """Folded definite demonym forms -> country code (for short indefinite plurals: روس)."""
    out: dict[str, str] = {}
    for cols in read_tsv(ACTORS_TSV):
        if len(cols) >= 3 and cols[2] == "demonym" and _CODE_RE.match(cols[1]):
            out.setdefault(fold(cols[0]), cols[1])
    return out


@cache
def _short_demonyms() -> frozenset[str]:
    """Indefinite plurals of listed demonyms too short to be listed bare: 'روس' (الروس)."""
    return frozenset(f[2:] for f in _demonyms() if f.startswith("ال") and len(f) <= 5)


def _nationality_word(toks: list, j: int) -> bool:
    """Token j is a demonym ('التركي', 'أتراك', 'وروس'), not a name ('ويلبور روس')."""
    m = actor_gazetteer().match_at(toks, j, j + 1)
    return (m is not None and m.payload.kind == "demonym") or _word_after_conj(
        toks[j].norm
    ) in _short_demonyms()


def _demonym_chains(doc: Doc, ms: list[ActorMention]) -> list[ActorMention]:
    """'مسؤولون أتراك وروس وإيرانيون': a short plural demonym that no row lists ('روس' is
    also a surname) is a party when it is coordinated right after a nationality word."""
    toks = doc.tokens
    short = _short_demonyms()
    if not any("و" + w in doc.norm for w in short):
        return ms  # (almost every article: no candidate word, no work)
    ends = {m.tok_end: m for m in ms if m.code and _nationality_word(toks, m.tok_end - 1)}
    added: list[ActorMention] = []
    taken = _covered(ms)
    for i, tok in enumerate(toks):
        prev = ends.get(i)
        if prev is None or i in taken or tok.norm[:1] != "و" or toks[prev.tok_start].sent != tok.sent:
            continue
        code = _demonyms().get("ال" + tok.norm[1:]) if tok.norm[1:] in _short_demonyms() else None
        if code is None:
            continue
        mention = ActorMention(i, i + 1, tok.start + 1, tok.end, code, "demonym", "", True)
        added.append(mention)
        ends[i + 1] = mention  # the chain goes on: 'وروس وعرب'
    if not added:
        return ms
    return sorted(ms + added, key=lambda m: m.tok_start)


def _adjective_code(word: str, role: str) -> str | None:
    """Code of a role noun + the unlisted adjective ``word`` after it, or None."""
    if word in _ORG_ADJ:
        return _ORG_ADJ[word]
    if not word.startswith("ال") and len(word) >= 3:
        # 'دبلوماسيين روس', 'مسؤولين عرب' (blocked), 'خبراء ألمان': the definite form is a
        # listed demonym; only right after a role noun, so a name like 'روس' stays free
        code = _demonyms().get("ال" + word)
        if code:
            return _with_role(code, role)
    return None


# Titles that head an organisation and take it with لـ: 'الأمين العام لجامعة الدول العربية',
# 'المبعوث الخاص للأمم المتحدة'. Not 'الرئيس'/'الوزير': there لـ is the addressee
# ('قال الرئيس لروسيا اليوم') — they take their country in the genitive or as an adjective.
_ORG_HEADS = _words("ORG_HEAD")
# the organisation after لـ may be any coded non-state actor, but not a country/capital
# ('المبعوث الخاص لسوريا' = the envoy TO Syria) and not an outlet
_LAM_KINDS = frozenset({"igo", "ngo", "group", "institution", "title", "person"})


def _word_after_conj(word: str) -> str:
    return word[1:] if len(word) > 3 and word[0] in "وف" else word


def _definite(doc: Doc, m: ActorMention, anywhere: bool = False) -> bool:
    """The mention's first word carries the article (also 'الرئيس' matched by a row
    listed without it, and 'للوزير' = ل + ال); ``anywhere``: or a later word, as in the
    construct 'رئيسة الوزراء' that is definite through its genitive."""
    for j in range(m.tok_start, m.tok_end if anywhere else m.tok_start + 1):
        w = _word_after_conj(doc.tokens[j].norm)
        if w.startswith(("ال", "لل")) or (w[:1] in "بك" and w[1:3] == "ال"):
            return True
    return False


def _compose_offices(doc: Doc, ms: list[ActorMention]) -> bool:
    """Office holder + organisation in ONE mention with the organisation's code:
    'المتحدث باسم الخارجية الروسية' (RUSGOV), 'الأمين العام لجامعة الدول العربية'
    (IGOARL), 'مبعوث الأمم المتحدة' / 'سفير الاتحاد الأوروبي' (construct state),
    'قوات الحوثي' (YEMREB), 'قوات حفتر' (LBYMIL). Only an uncoded role noun composes.
    The absorbed mention is emptied in place (tok_end = tok_start); returns True if any."""
    toks = doc.tokens
    changed = False
    for k in range(len(ms) - 1):
        p, m = ms[k], ms[k + 1]
        if p.code is not None or p.kind not in ("title", "institution") or not m.code:
            continue
        if m.kind == "media" or m.conj or toks[p.tok_start].sent != toks[m.tok_start].sent:
            continue
        gap = [toks[j].norm for j in range(p.tok_end, m.tok_start) if toks[j].norm not in _QUOTES]
        if gap and gap[-1] in _ALIAS_HEADS and m.kind in ("igo", "ngo", "group"):
            gap = gap[:-1]  # 'ممثل منظمة "هيومن رايتس ووتش"': the organisation's own head noun
        head = fold(doc.text[p.start : toks[p.tok_start].end])
        code: str | None = None
        lam = m.prep == "ل" or _word_after_conj(toks[m.tok_start].norm).startswith("لل")
        if lam and head in _ORG_HEADS and all(_relational_adjective(w) for w in gap):
            gap = []  # 'المبعوث الشخصي للعاهل المغربي': the envoy acts for the king's state
        if len(gap) == 1 and gap[0] in _IN_NAME_OF and not m.prep:
            # spokesman of X: X's code; a bare country speaks through its government
            code = _with_role(m.code, "GOV") if m.kind in _COUNTRYISH else m.code
        elif not gap and lam and head in _ORG_HEADS and m.kind in _LAM_KINDS:
            code = m.code
        elif not gap and not m.prep and not lam and not _definite(doc, p) and m.kind not in _COUNTRYISH:
            # construct state: the role noun has no article, the organisation/person is its
            # genitive. Groups and organisations keep their code; a person's office gives
            # the country with the role noun's role (قوات الأسد -> SYRMIL).
            if m.kind in ("group", "igo", "ngo") or len(m.code) != 6:
                code = m.code
            else:
                code = _with_role(m.code, p.role)
        if code is None:
            continue
        p.code, p.kind = code, "title" if p.kind == "title" or gap else p.kind
        p.tok_end, p.end = m.tok_end, m.end
        p.named = m.named or m.kind == "person"
        m.tok_end = m.tok_start  # absorbed
        changed = True
    return changed


def _country_counts(ms: list[ActorMention]) -> dict[str, int]:
    out: dict[str, int] = {}
    for m in ms:
        if m.code and m.code[:3] not in ("IGO", "NGO", "IMG"):
            out[m.code[:3]] = out.get(m.code[:3], 0) + 1
    return out


# Role nouns whose country is the article's context when no adjacent country names it
# (spec §5: "النظام" in Syrian news -> SYRGOV). form (folded, without clitics) ->
# (country, the country keys that must be mentioned in the article, dominant?)
def _context_rule(value: str) -> tuple[str | None, frozenset[str], str]:
    """'SYR:SYR:any' -> ('SYR', {'SYR'}, 'any'); '*:-:lead' -> (None, {}, 'lead')."""
    country, needs, test = value.split(":")
    if test not in ("any", "dominant", "lead"):
        raise ValueError(f"{ACTOR_WORDS_TSV.name}: CONTEXT_ROLE test {test!r}")
    keys = frozenset() if needs == "-" else frozenset(needs.split(","))
    return (None if country == "*" else country), keys, test


_CONTEXT_ROLES: dict[str, tuple[str | None, frozenset[str], str]] = {
    form: _context_rule(value) for form, value in actor_words()["CONTEXT_ROLE"].items()
}


def _definite_form(word: str) -> str:
    """'والنظام', 'بالنظام', 'للنظام' -> 'النظام' (other words unchanged)."""
    w = _word_after_conj(word)
    if w.startswith(("بال", "كال")):
        return w[1:]
    if w.startswith("لل") and len(w) > 3:
        return "ال" + w[2:]
    return w


# Names shared by two countries' institutions: the one the article mentions more (strictly).
_CONTEXT_CHOICE: dict[str, tuple[str, ...]] = {
    form: tuple(value.split(",")) for form, value in actor_words()["CONTEXT_CHOICE"].items()
}


def _context_roles(doc: Doc, ms: list[ActorMention]) -> None:
    """Uncoded context roles (النظام، قوات الاحتلال، الحكومة الشرعية) -> the article's
    country, when the article speaks of it (and, where marked, mostly of it)."""
    counts = _country_counts(ms)
    if not counts:
        return
    ranked = sorted(counts.values(), reverse=True)
    top, second = ranked[0], (ranked[1] if len(ranked) > 1 else 0)
    toks = doc.tokens
    lead: str | None = None  # the article's clear country, computed when first needed
    for m in ms:
        if m.code is not None or m.kind not in ("institution", "title"):
            continue
        words = [toks[j].norm for j in range(m.tok_start, m.tok_end)]
        if not words:
            continue
        words[0] = _definite_form(words[0])  # also 'الجيش' matched by a row without ال
        choice = _CONTEXT_CHOICE.get(" ".join(words))
        if choice is not None:
            found = sorted(((counts.get(c, 0), c) for c in choice), reverse=True)
            if found[0][0] and found[0][0] > found[1][0]:
                m.code = found[0][1] + (m.role or "GOV")
            continue
        ctx = _CONTEXT_ROLES.get(" ".join(words))
        if ctx is None:
            continue
        country, needs, test = ctx
        if test == "lead":
            if lead is None:
                lead = _lead_country(doc, ms, counts)
            if lead and _sentence_countries(doc, ms, m) <= {lead}:
                m.code = lead + (m.role or "GOV")
            continue
        if country is None:
            if top > second:
                m.code = max(counts, key=lambda c: counts[c]) + (m.role or "GOV")
            continue
        n = max((counts.get(c, 0) for c in needs), default=0)
        if n and (test == "any" or (n == top and n > second) or _local_top(doc, ms, m) == country):
            m.code = country + (m.role or "GOV")


_LEAD_SENTENCES = LIMITS.lead_sentences  # title + the first body sentences: the article's news


def _lead_country(doc: Doc, ms: list[ActorMention], counts: dict[str, int]) -> str:
    """The country the article is clearly about, or '': the one country that has more
    mentions in the lead (actors and places) than all other countries together AND is
    the article's strictly most mentioned country. A bilateral or round-up story has none."""
    toks = doc.tokens
    lead = [x for x in ms if toks[x.tok_start].sent < _LEAD_SENTENCES]
    in_lead = _country_counts(lead)
    for p in find_places(doc, _LEAD_SENTENCES):
        if p.place.country and not any(x.tok_start <= p.tok_start < x.tok_end for x in lead):
            in_lead[p.place.country] = in_lead.get(p.place.country, 0) + 1
    if not in_lead:
        return ""
    best = max(in_lead, key=lambda c: in_lead[c])
    if 2 * in_lead[best] <= sum(in_lead.values()):
        return ""
    if any(n >= counts.get(best, 0) for c, n in counts.items() if c != best):
        return ""
    return best


def _sentence_countries(doc: Doc, ms: list[ActorMention], m: ActorMention) -> set[str]:
    """Country keys of the coded actors in m's sentence: a bare 'الحكومة' next to another
    state's actor may be that state's government."""
    sent = doc.tokens[m.tok_start].sent
    return set(_country_counts([x for x in ms if doc.tokens[x.tok_start].sent == sent]))


def _local_top(doc: Doc, ms: list[ActorMention], m: ActorMention) -> str | None:
    """The strictly most mentioned country (places included) in m's sentence and the one
    before: 'التحالف … استجابة لمناشدة الحكومة الشرعية للدفاع عن الشعب اليمني'."""
    toks = doc.tokens
    sent = toks[m.tok_start].sent
    near = [x for x in ms if sent - 1 <= toks[x.tok_start].sent <= sent]
    counts = _country_counts(near)
    for p in find_places(doc):
        if (
            p.place.country
            and sent - 1 <= toks[p.tok_start].sent <= sent
            and not any(x.tok_start <= p.tok_start < x.tok_end for x in near)
        ):
            counts[p.place.country] = counts.get(p.place.country, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if not ranked or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


# Head nouns of organisation names that a later bare definite noun refers back to:
# 'لجنة مبادرة السلام العربية … وحملت اللجنة', 'حركة حماس … الحركة', 'منظمة هيومن رايتس
# ووتش … المنظمة'. Not جيش/قوات/دولة: bare 'الجيش'/'الدولة' usually mean another referent.
_ALIAS_HEADS = _words("ALIAS_HEAD")
# definite words after the head noun that describe it rather than name another body:
# relative pronouns and participles ('الحركة التي تسيطر على غزة', 'المجلس المكون من 47 عضوا')
_ALIAS_OK_NEXT = _words("ALIAS_NEXT_OK")
# bare 'الحكومة' is left out: in a round-up article it is the government of the current
# story, not the last one named. A name is referred back to only this many sentences on.
_ALIAS_SENTENCES = LIMITS.alias_sentences


def _alias_forms() -> dict[str, tuple[str, str]]:
    """'واللجنه' -> ('و', 'لجنه'), 'للجنه' -> ('ل', 'لجنه'): every definite surface form of
    a head noun with its proclitics."""
    out: dict[str, tuple[str, str]] = {}
    for h in _ALIAS_HEADS:
        for conj in ("", "و", "ف"):
            out[conj + "ال" + h] = (conj, h)
            out[conj + "بال" + h] = (conj + "ب", h)
            out[conj + "كال" + h] = (conj + "ك", h)
            out[conj + "لل" + h] = (conj + "ل", h)
    return out


_ALIAS_FORMS = _alias_forms()


def _bare_head(word: str) -> tuple[str, str] | None:
    """'واللجنة' -> ('و', 'لجنه'), 'للجنة' -> ('ل', 'لجنه'): a definite head noun with
    its proclitics, or None."""
    return _ALIAS_FORMS.get(word)


def _head_aliases(doc: Doc, ms: list[ActorMention]) -> list[ActorMention]:
    """A bare definite head noun ('اللجنة', 'الحركة', 'التحالف') refers back to the
    organisation named earlier in THIS article with that head, when every earlier such
    name has the same scoring key (two different committees: left uncoded)."""
    toks = doc.tokens
    named: dict[str, list[ActorMention]] = {}
    for m in ms:
        if m.code and m.kind in ("igo", "ngo", "group") and m.tok_start > 0:
            # 'منظمة "هيومن رايتس ووتش"', 'حركة حماس' when only the name is listed
            j = m.tok_start - 1
            while j > 0 and toks[j].norm in _QUOTES:
                j -= 1
            head = _word_after_conj(toks[j].norm)
            if head in _ALIAS_HEADS and toks[j].sent == toks[m.tok_start].sent:
                named.setdefault(head, []).append(m)
        if m.code and m.tok_end - m.tok_start >= 2 and m.kind in ("igo", "ngo", "group", "institution"):
            h = _bare_head(toks[m.tok_start].norm)
            first = fold(doc.text[m.start : toks[m.tok_start].end])
            stem = h[1] if h else (first if first in _ALIAS_HEADS else None)
            if stem:
                named.setdefault(stem, []).append(m)
    if not named:
        return ms
    at = {m.tok_start: m for m in ms if m.tok_end > m.tok_start}
    covered = {j for m in ms for j in range(m.tok_start, m.tok_end)}
    added: list[ActorMention] = []
    for i, tok in enumerate(toks):
        if tok.is_punct:
            continue
        h = _bare_head(tok.norm)
        if h is None or h[1] not in named:
            continue
        prior = [m for m in named[h[1]] if m.tok_end <= i]
        if not prior or len({m.key for m in prior}) != 1:
            continue
        # the referent's latest mention, an alias included: 'المجلس' keeps referring back
        # through a long article as long as each mention is near the previous one
        last = max(prior, key=lambda m: m.tok_start)
        if tok.sent - toks[last.tok_start].sent > _ALIAS_SENTENCES:
            continue
        existing = at.get(i)
        if existing is not None:
            if existing.code is None and existing.tok_end == i + 1:
                existing.code, existing.kind = prior[-1].code, "alias"
                named[h[1]].append(existing)
            continue
        if i in covered:
            continue
        nxt = toks[i + 1].norm if i + 1 < len(toks) and toks[i + 1].sent == tok.sent else ""
        if (nxt.startswith(("ال", "لل")) and nxt not in _ALIAS_OK_NEXT) or (i + 1) in at:
            continue  # 'اللجنة الأولمبية': a different, longer name
        pre = h[0]
        added.append(
            alias := ActorMention(
                i,
                i + 1,
                tok.start + len(pre),
                tok.end,
                prior[-1].code,
                "alias",
                next((c for c in pre if c in "بلك"), ""),
                pre[:1] in ("و", "ف"),
            )
        )
        named[h[1]].append(alias)
    if not added:
        return ms
    return sorted(ms + added, key=lambda m: m.tok_start)


# The dual 'the two sides/parties/countries/leaders/presidents/ministers' (unambiguous forms
# only: البلدان is also the plural 'countries'). With و/ف and ب/ل/ك proclitics.
def _dual_forms() -> dict[str, tuple[str, str]]:
    """Surface form -> (conjunction, preposition) for the unambiguous duals."""
    out: dict[str, tuple[str, str]] = {}
    for w in actor_words()["DUAL"]:
        for c in ("", "و", "ف"):
            for p in ("", "ب", "ك"):
                out[fold(c + p + w)] = (c, p)
            if w.endswith("ين"):
                out[fold(c + "لل" + w[2:])] = (c, "ل")  # ل + ال: 'للطرفين'
    return out


_DUALS = _dual_forms()


def _latter_forms() -> dict[str, tuple[str, str, str]]:
    """Surface form -> (conjunction, preposition, gender) of 'the latter'."""
    out: dict[str, tuple[str, str, str]] = {}
    for w, gender in actor_words()["LATTER"].items():
        for c in ("", "و", "ف"):
            for p in ("", "ب", "ك"):
                out[c + p + w] = (c, p, gender)
            out[c + "لل" + w[2:]] = (c, "ل", gender)  # ل + ال: 'للأخيرة'
    return out


_LATTER_FORMS = _latter_forms()
_LATTER_STEMS = frozenset(form[2:] for form in actor_words()["LATTER"])  # 'اخير' (a substring test)
_COPULAS = _words("COPULA")
_COUNTERPART = _words("COUNTERPART")


# 'the three leaders', 'the four states': a plural group noun + a numeral
_GROUP_NOUNS = _words("GROUP_NOUN")
_NUMERALS = {form: int(n) for form, n in actor_words()["NUMERAL"].items()}


def _group_forms(word: str) -> tuple[str, str] | None:
    """'والزعماء' -> ('و', ''), 'للدول' -> ('', 'ل'): proclitics of a group noun, or None."""
    for c in ("", "و", "ف"):
        if not word.startswith(c):
            continue
        w = word[len(c) :]
        if w in _GROUP_NOUNS:
            return c, ""
        if w[:1] in "بك" and w[1:] in _GROUP_NOUNS:
            return c, w[0]
        if w.startswith("لل") and "ال" + w[2:] in _GROUP_NOUNS:
            return c, "ل"
    return None


def _dual_parties(doc: Doc, ms: list[ActorMention]) -> list[ActorMention]:
    """'استقبل بوتين نظيره التركي … وبحث الجانبان': the dual stands for the two parties
    named just before it — in its own sentence, else also the previous one — when exactly
    two keys stand out; 'الزعماء الثلاثة' / 'الدول الأربع' likewise for three / four.
    Agents (persons, titles, institutions, capitals) weigh 1, a bare country or a demonym
    half ('وحدة العراق', 'الأزمة السورية' are topics), a counterpart's demonym ('نظيره
    التركي') and coordinated parties 1; each party needs weight >= 1."""
    toks = doc.tokens
    found: list[tuple[int, int, int, str, str]] = []  # (token, n tokens, n parties, conj, prep)
    for i, t in enumerate(toks):
        if t.norm in _DUALS:
            found.append((i, 1, 2, *_DUALS[t.norm]))
        elif i + 1 < len(toks) and toks[i + 1].norm in _NUMERALS and toks[i + 1].sent == t.sent:
            g = _group_forms(t.norm)
            if g is not None:
                found.append((i, 2, _NUMERALS[toks[i + 1].norm], *g))
    if not found:
        return ms
    blocked = {m.tok_start: m for m in ms if m.kind == "none"}
    covered = {j for m in ms if m.kind != "none" for j in range(m.tok_start, m.tok_end)}
    index = _MentionIndex(ms)  # built once: _parties is asked once or twice per dual
    demonym_starts = {m.tok_start for m in ms if m.kind == "demonym"}
    added: list[ActorMention] = []
    dropped: set[int] = set()
    for i, width, n, conj, prep in found:
        if any(j in covered for j in range(i, i + width)):
            continue
        if i + width < len(toks) and i + width in demonym_starts:
            continue  # 'الجانبين الأردني والأمريكي': the adjectives name the parties
        sent = toks[i].sent
        parties = _parties(doc, index, doc.sentences[sent].tok_start, i, n)
        if parties is None and sent > 0:
            # nobody (or too few) named before it in its own sentence: the previous one
            parties = _parties(doc, index, doc.sentences[sent - 1].tok_start, i, n)
        if not parties:
            continue  # None: too few parties; (): another one competes
        fused = toks[i].norm[len(conj) :].startswith("لل")  # ل + ال written as one: keep it
        start = toks[i].start + len(conj) + (0 if fused else len(prep))
        end = toks[i + width - 1].end
        rest = tuple(
            ActorMention(i, i + width, start, end, p.code, "alias", prep, bool(conj)) for p in parties[1:]
        )
        added.append(
            ActorMention(i, i + width, start, end, parties[0].code, "alias", prep, bool(conj), also=rest)
        )
        if i in blocked:
            dropped.add(id(blocked[i]))  # 'الدول الأربع' (blocked: code each named state)
    if not added:
        return ms
    return sorted([m for m in ms if id(m) not in dropped] + added, key=lambda m: m.tok_start)


def _coordinated(
    toks: list, m: ActorMention, starts: dict[int, ActorMention], ends: dict[int, ActorMention]
) -> bool:
    """'الأردن وإسرائيل' / 'الأردن و إسرائيل': m is coordinated with another coded actor."""
    nxt = starts.get(m.tok_end)
    if nxt is None and m.tok_end < len(toks) and toks[m.tok_end].norm == "و":
        nxt = starts.get(m.tok_end + 1)
    elif nxt is not None and not nxt.conj:
        nxt = None
    prv = ends.get(m.tok_start) if m.conj else None
    if prv is None and m.tok_start > 0 and toks[m.tok_start - 1].norm == "و":
        prv = ends.get(m.tok_start - 1)
    return bool((nxt is not None and nxt.code) or (prv is not None and prv.code))


class _MentionIndex:
    """Actor mentions by start and end token, and sorted by start, so that the mentions
    of a token range are found by bisection instead of a scan of the whole article."""

    def __init__(self, ms: list[ActorMention]) -> None:
        self.sorted = sorted(ms, key=lambda m: m.tok_start)
        self.tok_starts = [m.tok_start for m in self.sorted]
        self.ends = {m.tok_end: m for m in ms}
        self.starts = {m.tok_start: m for m in ms}

    def between(self, lo: int, hi: int) -> list[ActorMention]:
        return self.sorted[bisect_left(self.tok_starts, lo) : bisect_left(self.tok_starts, hi)]


def _parties(doc: Doc, index: _MentionIndex, lo: int, hi: int, n: int) -> tuple[ActorMention, ...] | None:
    """The n parties named in tokens [lo, hi), in the order named: None if fewer than n
    qualify, () if one more competes with the n-th."""
    toks = doc.tokens
    weight: dict[str, float] = {}
    latest: dict[str, ActorMention] = {}
    ends, starts = index.ends, index.starts
    for m in index.between(lo, hi):
        if not m.key:
            continue
        w = 1.0
        if m.kind == "demonym" and not m.named:  # 'والتركي، رجب طيب أردوغان' is a person
            before = toks[m.tok_start - 1].norm if m.tok_start > 0 else ""
            paired = any(
                x is not None and x.kind == "demonym" for x in (ends.get(m.tok_start), starts.get(m.tok_end))
            )
            # 'نظيره التركي' and the pair 'الصراع الفلسطيني الإسرائيلي' name sides
            w = 1.0 if paired or _word_after_conj(before).lstrip("بل") in _COUNTERPART else 0.5
        elif m.kind == "country":
            # a bare country is often a topic ('وحدة العراق'), but not when coordinated
            # with another party ('حثت المنظمة الأردن وإسرائيل')
            w = 1.0 if _coordinated(toks, m, starts, ends) else 0.5
        weight[m.key] = weight.get(m.key, 0.0) + w
        latest[m.key] = m
    ranked = sorted(weight.items(), key=lambda kv: -kv[1])
    if len(ranked) < n or ranked[n - 1][1] < 1.0:
        return None
    if len(ranked) > n and ranked[n][1] >= ranked[n - 1][1]:
        return ()
    return tuple(sorted((latest[k] for k, _ in ranked[:n]), key=lambda m: m.tok_start))


_NAME_MAX = 4
_NAME_MAX_COMMA = 6
_PLURAL_TITLES = _words("PLURAL_TITLE")
_NOT_NAMES = _words("NOT_NAME")
_HONORIFICS = _words("HONORIFIC")
_CUE_STOP = frozenset({"SKIP", "STOP", "SAY", "PREP", "LOC", "NEG", "FUT", "OPINION", "LIGHT", "NEGPASS"})


def _with_article(doc: Doc, j: int) -> bool:
    """Token j starts with the article: folded 'ال' that was no hamza alef in the text
    ('ألكسندر', 'إلمار' fold to 'ال…' too but are names)."""
    tok = doc.tokens[j]
    return tok.norm.startswith("ال") and doc.text[tok.start : tok.start + 1] not in ("أ", "إ", "آ")


def _name_like(word: str) -> bool:
    from hadath.extractor.cues import kinds_of  # local: cues imports this module's siblings
    from hadath.extractor.triggers import head_readings

    if not word or not word[0].isalpha() or word.isdigit():
        return False
    if word.startswith(("و", "بال", "لل", "فال", "كال")) or len(word) < 3:
        return False
    if word in _NOT_NAMES or any("a" <= ch.lower() <= "z" for ch in word):
        return False  # 'بأنه', 'كبير', 'لـCNN': no part of a name
    if kinds_of(word) & _CUE_STOP:
        return False
    return not head_readings(word)


def _covered(ms: list[ActorMention]) -> set[int]:
    """Token indices inside some mention."""
    return {j for m in ms for j in range(m.tok_start, m.tok_end)}


# cue kinds (cues.tsv) that are verbs: speech, support (light) and opinion verbs
_CLAUSE_VERBS = frozenset({"SAY", "LIGHT", "OPINION"})


def _verb_word(word: str) -> bool:
    """A speech, support, opinion or trigger verb ('قال', 'وكرر', 'ووصف', 'اتهم')."""
    from hadath.extractor.cues import kinds_of  # local: cues imports this module's siblings
    from hadath.extractor.triggers import head_readings

    return bool(kinds_of(word) & _CLAUSE_VERBS) or any(form.aspect for form, _ in head_readings(word))


def _name_before(doc: Doc, m: ActorMention, taken: set[int]) -> list[int]:
    """'قال جون فلان، السفير الأمريكي، إن': the name right before a comma and the title it
    is in apposition with — two to four name words that start after a clause boundary (the
    sentence start, punctuation, a speech verb, a preposition other than a locative one: in
    'في قصر الصخير، الجنرال' the words before the comma are a place). Without the comma only
    before an indefinite construct title and right after a verb ('وكرر فلان فلان سفير روسيا'):
    elsewhere the words before a title are as often a verb and its object ('حيث تولى منصب
    سفير')."""
    toks = doc.tokens
    lo = doc.sentences[toks[m.tok_start].sent].tok_start
    j = m.tok_start - 1
    comma = j > lo and toks[j].norm in _COMMA
    if comma:
        j -= 1
    elif _definite(doc, m):
        return []  # without a comma only an indefinite (construct) title: 'فلان سفير روسيا'
    run: list[int] = []
    while j >= lo and j not in taken and _name_like(toks[j].norm) and toks[j].norm not in _NOT_NAMES:
        run.insert(0, j)
        if len(run) > _NAME_MAX:
            return []  # a long run of plain words is a clause, not a name
        j -= 1
    if len(run) < 2 or _with_article(doc, run[0]):
        return []
    before = toks[j].norm if j >= lo else ""
    if j >= lo and (j in taken or before in _LOC_PREPS or (before[:1] in "وف" and before[1:] in _LOC_PREPS)):
        return []  # 'مع الجانب X، …' / 'في قصر فلان، الجنرال': no name of a person
    if not comma and not (j >= lo and _verb_word(before)):
        return []  # 'وكرر فلان فلان سفير روسيا': only as the subject right after a verb
    return run


def _phrase_like(doc: Doc, run: list[int]) -> bool:
    """A run of words that reads as a phrase, not a personal name: a word with the article
    ('الأوضاع') or a first word with a preposition ('لبحث', 'بدعم')."""
    first = doc.tokens[run[0]].norm
    return any(_with_article(doc, j) for j in run) or (first[:1] in "بل" and len(first) > 3)


def _after_counterpart(toks: list, i: int) -> bool:
    """Token i follows 'نظيره', 'ونظيرها', 'بنظيره' (his/her counterpart)."""
    if i == 0 or toks[i - 1].sent != toks[i].sent:
        return False
    word = _word_after_conj(toks[i - 1].norm)
    return word in _COUNTERPART or (word[:1] in "بل" and word[1:] in _COUNTERPART)


def _learn_names(doc: Doc, ms: list[ActorMention]) -> list[ActorMention]:
    """Names introduced by a coded title ('وزير الخارجية الروسي، سيرغي لافروف،' ->
    'سيرغي لافروف' and 'لافروف' = RUSGOV for the rest of THIS document)."""
    toks = doc.tokens
    starts = {m.tok_start for m in ms}
    demonym_starts = {m.tok_start for m in ms if m.kind == "demonym"}
    aliases: dict[tuple[str, ...], tuple[str, str]] = {}
    extended: list[ActorMention] = []
    taken = _covered(ms)
    for m in ms:
        if not m.code or m.named:
            continue  # 'المتحدث باسم الخارجية مارك فلان، الرسالة …': the name is there already
        counterpart = m.kind == "demonym" and _after_counterpart(toks, m.tok_start)
        if m.kind != "title" and not counterpart:
            continue
        if fold(doc.text[m.start : toks[m.tok_start].end]) in _PLURAL_TITLES:
            continue  # 'مسؤولين سعوديين تقارير …': a plural has no personal name
        sent_end = doc.sentences[toks[m.tok_start].sent].tok_end
        j = m.tok_end
        comma = j < sent_end and toks[j].norm in _COMMA
        if comma:
            j += 1
        while j < sent_end and toks[j].norm in _HONORIFICS:
            # 'الأمين العام … الدكتور نبيل العربي', 'نائب الوزير الأسبق جيمس فلان': the name
            # follows the honorific / the adjective of the title
            j += 1
        run: list[int] = []
        while j < sent_end and len(run) <= _NAME_MAX_COMMA and j not in starts and _name_like(toks[j].norm):
            run.append(j)
            j += 1
        ends_ok = j >= sent_end or toks[j].is_punct or j in starts or not _name_like(toks[j].norm)
        if len(run) > _NAME_MAX and not (j < sent_end and toks[j].norm in _COMMA):
            ends_ok = False  # long names only when closed by a comma: '، الشيخ محمد بن عبدالرحمن آل ثاني،'
        if j in demonym_starts:
            ends_ok = False  # 'نظيره التركي': a noun modified by a demonym is not a name
        if (
            not run
            or len(run) > _NAME_MAX_COMMA
            or not ends_ok
            or _with_article(doc, run[0])  # 'رئيس روسيا القرار': an object, not a name
            or any(toks[k].norm in _NOT_NAMES for k in run)  # 'أحمد فلان خلال': ran into the clause
            or (len(run) == 1 and not comma and not (j >= sent_end or toks[j].is_punct))
            # after a counterpart only a full name, no phrase: 'نظيره الروسي لدعمه',
            # 'نظيره الفرنسي لبحث الأوضاع' (a purpose clause)
            or (counterpart and (len(run) < 2 or _phrase_like(doc, run)))
        ):
            # (one bare word glued to the title, 'وزير خارجية فرنسا بأن', is no name either)
            run = _name_before(doc, m, taken)
            if not run:
                continue
            m.tok_start, m.start, m.prep, m.conj = run[0], toks[run[0]].start, "", False
            m.named = True
        if counterpart:
            # 'نظيره الأذربيجاني فلان فلان': a counterpart is an office holder of that state
            m.code, m.kind = _with_role(m.code, "GOV"), "title"
        words = tuple(toks[k].norm for k in run)
        aliases.setdefault(words, (m.code, "person"))
        if len(words) == 2:
            aliases.setdefault(words[-1:], (m.code, "person"))  # surname: 'لافروف'
        elif len(words) >= 3 and not all(w.startswith("ال") for w in words[-2:]):
            # 'آل ثاني', 'بن سلمان'; never two definite nouns ('… لشؤون الشرق الأوسط')
            aliases.setdefault(words[-2:], (m.code, "person"))  # 'آل ثاني', 'بن سلمان'
        if run[0] >= m.tok_end:  # the name itself is part of this actor mention
            m.tok_end = run[-1] + 1
            m.end = toks[run[-1]].end
        extended.append(m)
    if not aliases:
        return ms
    covered = _covered(ms)
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
                added.append(
                    ActorMention(
                        i,
                        i + n,
                        start,
                        toks[i + n - 1].end,
                        code,
                        kind,
                        pre if pre in "بلك" and pre else "",
                        pre in ("و", "ف"),
                    )
                )
                covered.update(range(i, i + n))
                break
    if not added:
        return ms
    return sorted(ms + added, key=lambda m: m.tok_start)


def _surnames(doc: Doc, ms: list[ActorMention]) -> None:
    """A surname shared by several listed people is blocked ('العتيبي', 'المالكي'); once
    THIS document has named one of them in full ('منصور العتيبي'), the bare surname after
    it is that person (when the document names only one such person)."""
    toks = doc.tokens
    full: dict[str, set[str]] = {}
    first_at: dict[str, int] = {}
    for m in ms:
        if m.code and m.kind == "person" and m.tok_end - m.tok_start >= 2:
            last = toks[m.tok_end - 1].norm
            full.setdefault(last, set()).add(m.code)
            first_at.setdefault(last, m.tok_start)
    if not full:
        return
    for m in ms:
        if m.code is None and m.kind == "none" and m.tok_end - m.tok_start == 1:
            w = fold(doc.text[m.start : m.end])
            codes = full.get(w)
            if codes and len(codes) == 1 and first_at[w] < m.tok_start:
                m.code, m.kind = next(iter(codes)), "person"


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
                # without a comma only a name follows its title ('الرئيس الأمريكي دونالد
                # ترامب'); two bare NPs of one country are subject and object ('طالبت حماس
                # حكومة الوفاق الفلسطينية', 'مثّل المملكة وزير الخارجية')
                name_apposition = bool(gap) or (
                    m.kind == "person" and p.kind in ("title", "institution", "demonym")
                )
                if p.code and m.code and p.code[:3] == m.code[:3] and p.key == m.key and name_apposition:
                    # keep the more specific code (with a role)
                    p.code = p.code if len(p.code) >= len(m.code) else m.code
                    p.tok_end, p.end = m.tok_end, m.end
                    p.named = p.named or m.kind == "person"
                    continue
                if p.code is None and p.kind in ("title", "institution") and m.code and m.kind == "person":
                    # uncoded title + named person: 'المتحدث باسم الوزارة ماريا زاخاروفا'
                    p.code, p.kind = m.code, m.kind
                    p.tok_end, p.end = m.tok_end, m.end
                    p.named = True
                    continue
        out.append(m)
    return out


# a place name read after a proclitic needs at least this many letters of its own: 'باب'
# (a gate) and 'لأب' (for a father) are no ب/ل + Ibb
_MIN_CLITIC_STEM = 3


def _false_clitic_split(doc: Doc, m: Match[Place], limit: int) -> bool:
    """A place read by cutting a proclitic off a word that is something else whole: a
    known name ('باراك أوباما' is no ب + Arak), a stem too short to trust, or ك 'like'
    ('كريمة' is no ك + Raymah; 'like a city' never locates an event)."""
    toks = doc.tokens
    word = toks[m.start].norm
    pre = word[: m.prefix_len]
    if not pre or pre.endswith(("ال", "لل")):
        return False  # no proclitic, or the article (السورية: an adjective, read as before)
    if "ك" in pre or (m.end - m.start == 1 and len(word) - m.prefix_len < _MIN_CLITIC_STEM):
        return True
    whole = actor_gazetteer().match_at(toks, m.start, limit)
    return whole is not None and whole.prefix_len == 0


def find_places(doc: Doc, n_sentences: int | None = None) -> list[PlaceMention]:
    """Place mentions of the document (of its first ``n_sentences`` sentences)."""
    gaz = place_gazetteer()
    out: list[PlaceMention] = []
    for sent in doc.sentences[:n_sentences]:
        for m in gaz.find(doc.tokens, sent.tok_start, sent.tok_end):
            if _false_clitic_split(doc, m, sent.tok_end):
                continue
            pre = doc.tokens[m.start].norm[: m.prefix_len]
            prev = doc.tokens[m.start - 1].norm if m.start > sent.tok_start else ""
            prev = prev[1:] if len(prev) > 2 and prev[0] in "وف" else prev
            prep = "ب" in pre or prev in _LOC_PREPS
            start, end = doc.tokens[m.start].start, doc.tokens[m.end - 1].end
            out.append(PlaceMention(m.start, m.end, start, end, m.payload, prep))
    return out
