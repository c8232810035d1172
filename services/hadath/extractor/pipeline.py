"""The extractor pipeline: stages over one document, then merge and build records.

    text -> normalise (offset-mapped fold) -> sentences -> tokens
         -> triggers (+ morphology/clitics) -> actors / places / dates
         -> candidates (attachment, mode, attribution, non-event filters)
         -> merge (one record per distinct event) -> Event records

Each stage is a plain function over :class:`hadath.extractor.text.Doc` and can be
run and tested on its own; offsets always point into the original document text.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Generic, TypeVar

from hadath import EXTRACTOR_VERSION
from hadath.extractor import dates as dates_mod
from hadath.extractor.actors import ActorMention, PlaceMention, find_actors, find_places
from hadath.extractor.confidence import confidence, features
from hadath.extractor.cues import kinds_of
from hadath.extractor.events import Candidate, candidates
from hadath.extractor.gazetteer import place_coordinates
from hadath.extractor.limits import LIMITS
from hadath.extractor.text import Doc, make_doc
from hadath.extractor.triggers import find_triggers
from hadath_schemas import Actor, Article, Attribution, Event, EventDate, Location, Span

T = TypeVar("T")

# hard bounds so that a pathological article cannot produce an unbounded output
MAX_EVENTS = 200
MAX_MENTIONS = 50
MAX_SENTENCE_CHARS = 1000


class Cluster:
    """Mentions of one distinct event being merged.

    Mentions are only ever appended, so everything merge asks of a cluster (its head,
    mode, actor keys, dates, years, anchoring sentence) is kept up to date on append:
    asking is O(1), and merging n mentions stays linear in n, however many of them
    join one cluster (an article that repeats a sentence thousands of times).
    """

    __slots__ = (
        "_first_standalone",
        "_first_strong_mode",
        "_first_verb",
        "anchored_sent",
        "cands",
        "dates",
        "has_headline",
        "has_other_year",
        "has_strong_mode",
        "sents",
        "source_keys",
        "target_keys",
        "type",
        "uncoded_target",
        "years",
    )

    def __init__(self, type: str, cands: list[Candidate] | None = None) -> None:
        self.type = type
        self.cands: list[Candidate] = []
        self.source_keys: set[str] = set()
        self.target_keys: set[str] = set()
        self.dates: set[str] = set()
        self.years: set[str | None] = set()
        self.has_other_year = False
        self.has_strong_mode = False  # any mention, standalone or not, with an explicit mode
        self.sents: set[int] = set()
        self.uncoded_target = False
        self.has_headline = False
        self.anchored_sent: int | None = None  # latest sentence of a mention with a coded actor
        self._first_verb: Candidate | None = None
        self._first_standalone: Candidate | None = None
        self._first_strong_mode: Candidate | None = None
        for c in cands or ():
            self.add(c)

    def add(self, c: Candidate) -> None:
        self.cands.append(c)
        src, tgt = _keys(c.source), _keys(c.target)
        self.source_keys |= src
        self.target_keys |= tgt
        if c.date_value:
            self.dates.add(c.date_value)
            self.years.add(c.date_value[:4])
        self.years.add(c.other_year)
        self.has_other_year = self.has_other_year or bool(c.other_year)
        self.uncoded_target = self.uncoded_target or any(a.code is None for a in c.target)
        self.has_headline = self.has_headline or c.sent == 0
        self.has_strong_mode = self.has_strong_mode or c.mode_strong
        self.sents.add(c.sent)
        if src or tgt:
            self.anchored_sent = c.sent if self.anchored_sent is None else max(self.anchored_sent, c.sent)
        if c.standalone:
            if self._first_standalone is None:
                self._first_standalone = c
            if self._first_verb is None and c.trig.is_verb:
                self._first_verb = c
            if self._first_strong_mode is None and c.mode_strong:
                self._first_strong_mode = c

    @property
    def head(self) -> Candidate:
        return self._first_verb or self._first_standalone or self.cands[0]

    @property
    def mode(self) -> str:
        return (self._first_strong_mode or self.cands[0]).mode

    def keys(self, role: str) -> set[str]:
        return self.source_keys if role == "source" else self.target_keys


def _keys(actors: list[ActorMention]) -> set[str]:
    return {a.key for a in actors if a.key}


def _compatible_sets(a: set[str], b: set[str]) -> bool:
    return not a or not b or a <= b or b <= a


def _full(c: Candidate) -> bool:
    """A self-contained report: a verb, or a noun with its own explicit agent and target."""
    return c.trig.is_verb or (c.explicit_source and bool(c.target))


def _compatible(cl: Cluster, c: Candidate, title_sent: bool, has_title: bool = True) -> bool:
    if cl.type != c.type or cl.head.symmetric != c.symmetric:
        return False
    if c.distinct and c.sent in cl.sents:
        return False
    if c.symmetric:
        ok = _compatible_sets(cl.source_keys | cl.target_keys, _keys(c.source) | _keys(c.target))
    else:
        cs, ct = _keys(c.source), _keys(c.target)
        ks, kt = cl.source_keys, cl.target_keys
        ok = _compatible_sets(ks, cs) and _compatible_sets(kt, ct)
        if ok and cs and ct and ks and kt and (cs != ks or ct != kt):
            ok = False  # both fully specified and different: 'طالبت X Y' vs 'مطالبة X Y وZ' are two demands
        if ok and ct and not kt and cl.uncoded_target:
            ok = False  # 'تدعو روسيا الغرب' vs 'تطالب روسيا المنظمة': an unnamed addressee is not none
    if not ok:
        return False
    dates = cl.dates
    if c.date_value and dates and c.date_value not in dates:
        return False  # 'فجر الإثنين' vs 'في 7 أبريل': two different attacks
    mine = c.other_year or (c.date_value[:4] if c.date_value else None)
    if (c.other_year or cl.has_other_year) and mine not in cl.years:
        return False  # 'في 2010' vs this year's event (or no year at all): a background event
    if c.mode_strong and c.mode != cl.mode and cl.has_strong_mode:
        return False
    # two full verbal reports of the same kind in the body are kept apart unless one is
    # in the title (the headline restates the lead) or they are close together
    head = cl.head
    if _full(c) and _full(head) and c.standalone and head.standalone:
        if title_sent or (has_title and cl.has_headline):
            return True  # the headline event is restated in the body
        if c.mode in ("planned", "negated"):
            return True
        if c.date_value and c.date_value in dates:
            return True  # same parties, same day: the same event told again
        # (an actor-less mention that joined the cluster does not extend its reach)
        anchored = cl.anchored_sent if cl.anchored_sent is not None else cl.cands[-1].sent
        return abs(c.sent - anchored) <= 1
    return True


def merge(cands: list[Candidate], has_title: bool = True) -> list[Cluster]:
    clusters: list[Cluster] = []
    by_type: dict[str, list[Cluster]] = {}  # only a cluster of the mention's type can take it
    for c in cands:
        has_actor = bool(_keys(c.source) or _keys(c.target))
        target: Cluster | None = None
        for cl in reversed(by_type.get(c.type, ())):
            # sentence 0 is the headline only when the article has a title
            if _compatible(cl, c, has_title and c.sent == 0, has_title):
                target = cl
                break
            if not has_actor:
                break  # an actor-less mention only joins the nearest same-type event
        if target is not None:
            target.add(c)
        elif c.standalone:
            cluster = Cluster(c.type, [c])
            clusters.append(cluster)
            by_type.setdefault(c.type, []).append(cluster)
    return clusters


def _span(doc: Doc, start: int, end: int) -> Span:
    return Span(text=doc.text[start:end], start=start, end=end)


def _actor(doc: Doc, a: ActorMention) -> Actor:
    return Actor(text=doc.text[a.start : a.end], code=a.code or "", start=a.start, end=a.end)


def _event_id(
    article_id: str, etype: str, src: list[str], tgt: list[str], symmetric: bool, date: str | None
) -> str:
    if symmetric:
        roles = "P:" + ",".join(sorted(set(src) | set(tgt)))
    else:
        roles = "S:" + ",".join(sorted(set(src))) + "|T:" + ",".join(sorted(set(tgt)))
    key = "\x1f".join([article_id, etype, roles, date or ""])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def _first_by_key(actors: list[ActorMention]) -> list[ActorMention]:
    seen: set[str] = set()
    out = []
    for a in actors:
        if not a.code or a.key in seen:
            continue
        seen.add(a.key or "")
        out.append(a)
    return out


def _location(doc: Doc, c: Candidate, places: _ByStart[PlaceMention]) -> PlaceMention | None:
    """The first place of the trigger's sentence at most 14 tokens after it."""
    sent = doc.sentences[c.sent]
    near = places.between(max(sent.tok_start, c.trig.tok_end), min(sent.tok_end, c.trig.tok_end + 15))
    return near[0] if near else None


# a denial answers an accusation, a rejection a proposal or demand
_ANSWERS = {"DENY": ("ACCUSE",), "REJECT": ("PROPOSE", "DEMAND")}


def _accuser(
    clusters: list[Cluster], deny: Cluster, src: list[ActorMention], types: tuple[str, ...] = ("ACCUSE",)
) -> list[ActorMention]:
    """A denial answers the latest earlier accusation against the denier: its target is
    that accusation's author ('وجهت ماي أصابع الاتهام إلى موسكو، التي نفت' -> GBR);
    likewise a rejection answers the latest proposal/demand addressed to the rejecter."""
    keys = {a.key for a in src if a.key}
    start = min(c.trig.start for c in deny.cands)
    best: Cluster | None = None
    for cl in clusters:
        if cl.type not in types or cl.head.symmetric or min(c.trig.start for c in cl.cands) >= start:
            continue
        if keys & cl.keys("target") and not keys & cl.keys("source"):
            best = cl
    if best is None:
        return []
    out: list[ActorMention] = []
    for c in best.cands:
        out.extend(a for a in c.source if a.code)
    return _first_by_key(out)


def _struck_place(doc: Doc, c: Candidate, places: _ByStart[PlaceMention]) -> PlaceMention | None:
    """The first place after an attack trigger in its sentence that is introduced by a
    preposition (في حلب، على إدلب، بحمص) or is not also a country/capital actor."""
    sent = doc.sentences[c.sent]
    for p in places.between(max(sent.tok_start, c.trig.tok_end), min(sent.tok_end, c.trig.tok_end + 15)):
        if p.place.country and (p.prep or not p.in_actor):
            return p
    return None


def _resolve(m: dates_mod.DateMention, published_at: datetime | None, mode: str) -> EventDate:
    value, precision = dates_mod.resolve(m, published_at, planned=(mode == "planned"))
    if precision not in ("day", "month", "year"):
        precision = None
    return EventDate(text=m.text, value=value, precision=precision)


class _ByStart(Generic[T]):
    """Mentions sorted by a start position, so the mentions of a span are found by
    bisection instead of a scan of the whole article (build asks once per event)."""

    def __init__(self, items: Iterable[T], start: Callable[[T], int]) -> None:
        self.sorted = sorted(items, key=start)
        self.starts = [start(x) for x in self.sorted]

    def between(self, lo: int, hi: int) -> list[T]:
        """The mentions starting in [lo, hi), in order."""
        return self.sorted[bisect_left(self.starts, lo) : bisect_left(self.starts, hi)]


def _by_char(found: Iterable[dates_mod.DateMention]) -> _ByStart[dates_mod.DateMention]:
    return _ByStart(found, lambda m: m.start)


def _possible(date: EventDate, published_at: datetime | None, mode: str) -> bool:
    """An event that happened (not planned) cannot be dated after its publication: a
    lead about a summit on 12 أيار المقبل does not date an attack the story mentions."""
    if mode == "planned" or published_at is None or not date.value:
        return True
    return date.value <= published_at.date().isoformat()[: len(date.value)]


def _cluster_date(
    doc: Doc, cl: Cluster, usable: _ByStart[dates_mod.DateMention], published_at: datetime | None, mode: str
) -> EventDate | None:
    """The date of the event: of its mentions' own date expressions (:func:`_attach_dates`;
    day/month precision only: 'عام 2016' dates a context, not an event) the one next to
    the earliest mention, else one fronted well before a mention. An event without its
    own date takes the first date of the article's lead that is possible for it
    (:func:`_possible`)."""
    ranked: list[tuple[int, int, int, dates_mod.DateMention]] = []
    for c in cl.cands:
        for m in c.date_mentions:
            if m.start >= c.trig.end:
                d, far = m.start - c.trig.end, 0
            else:  # a date well before the trigger more likely dates an earlier verb
                d = c.trig.start - m.end
                far = 0 if d <= LIMITS.date_before else 1
                if far and mode == "planned":
                    continue  # 'أعلن أمس أنه سيزور …': the announcement's date, not the visit's
            ranked.append((far, c.trig.start, d, m))
    if ranked:
        return _resolve(min(ranked, key=lambda r: r[:3])[3], published_at, mode)
    if mode != "planned" and not any(c.other_year for c in cl.cands):
        # story date: an asserted event without its own date expression is dated by the
        # first date of the article's lead (the convention of news event coding) — not a
        # background event of another year ('في 2010')
        lead_end = doc.sentences[min(LIMITS.lead_sentences, len(doc.sentences)) - 1].end
        for m in usable.between(0, lead_end):
            date = _resolve(m, published_at, mode)
            if _possible(date, published_at, mode):
                return date
    return None


def _confidence(
    cl: Cluster, src: list, tgt: list, n_mentions: int, in_title: bool, attributed: bool, located: bool
) -> float:
    """The calibrated probability that the event is right (extractor/confidence.py)."""
    return confidence(features(cl.type, len(src), len(tgt), n_mentions, in_title, attributed, located))


def _location_record(doc: Doc, place: PlaceMention) -> Location:
    where = place_coordinates().get((place.place.name, place.place.country or ""))
    return Location(
        text=doc.text[place.start : place.end],
        name=place.place.name or None,
        country=place.place.country,
        latitude=where.latitude if where else None,
        longitude=where.longitude if where else None,
        gazetteer_id=where.gazetteer_id if where else None,
    )


def event_time(date: EventDate | None, published_at: datetime | None) -> datetime | None:
    """The start (00:00 UTC) of a resolved day or month date, else the publication time."""
    if date is not None and date.value and date.precision in ("day", "month"):
        year, month, *day = (int(part) for part in date.value.split("-"))
        return datetime(year, month, day[0] if day else 1, tzinfo=UTC)
    return published_at


def build(
    doc: Doc,
    article: Article,
    clusters: list[Cluster],
    places: list[PlaceMention],
    found_dates: list[dates_mod.DateMention],
) -> list[Event]:
    from hadath.extractor.lexicon import load_lexicon  # noqa: F401  (lexicon already loaded)

    events: list[Event] = []
    used_ids: dict[str, int] = {}
    usable_dates = _by_char(m for m in found_dates if m.precision in ("day", "month"))
    places_at = _ByStart(places, lambda p: p.tok_start)
    for cl in clusters:
        head = cl.head
        e = head.trig.entry
        src_m: list[ActorMention] = []
        tgt_m: list[ActorMention] = []
        for c in sorted(cl.cands, key=lambda c: (not c.standalone, c.trig.start)):
            src_m.extend(c.source)
            tgt_m.extend(c.target)
        src = _first_by_key(src_m)
        tgt = [a for a in _first_by_key(tgt_m) if not head.symmetric]
        if head.symmetric:
            src = _first_by_key(src_m + tgt_m)
        place = _location(doc, head, places_at)
        struck = _struck_place(doc, head, places_at) if cl.type == "ATTACK" and not tgt else None
        if struck is not None and struck.place.country:
            # ATTACK target = the country of the place struck when only a place is named
            tgt = [
                ActorMention(
                    struck.tok_start,
                    struck.tok_end,
                    struck.start,
                    struck.end,
                    struck.place.country,
                    "place",
                    "",
                    False,
                )
            ]
        if cl.type in _ANSWERS and src and not tgt:
            tgt = _accuser(clusters, cl, src, _ANSWERS[cl.type])
        if not src and not tgt:
            continue  # an event needs at least one identifiable (coded) actor
        if not src and not head.symmetric and cl.type != "ATTACK":
            continue  # an accusation/demand/... without its author is not coded (attackers may be unnamed)
        mode = cl.mode
        date = _cluster_date(doc, cl, usable_dates, article.published_at, mode)
        spans = sorted({(c.trig.start, c.trig.head_end) for c in cl.cands})[:MAX_MENTIONS]
        src_keys = [a.key or "" for a in src]
        tgt_keys = [a.key or "" for a in tgt]
        eid = _event_id(article.id, cl.type, src_keys, tgt_keys, head.symmetric, date.value if date else None)
        n = used_ids.get(eid, 0)
        used_ids[eid] = n + 1
        if n:
            eid = f"{eid}-{n}"
        sent = doc.sentences[head.sent]
        att = head.attributed
        events.append(
            Event(
                event_id=eid,
                article_id=article.id,
                type=cl.type,
                cameo=e.cameo if e.type == cl.type else _DEFAULT_CAMEO[cl.type][0],
                plover=e.plover if e.type == cl.type else _DEFAULT_CAMEO[cl.type][1],
                goldstein=e.goldstein if e.type == cl.type else _DEFAULT_CAMEO[cl.type][2],
                mode=mode,
                trigger=_span(doc, head.trig.start, head.trig.head_end),
                mentions=[_span(doc, s, t) for s, t in spans],
                source=[_actor(doc, a) for a in src],
                target=[_actor(doc, a) for a in tgt],
                location=_location_record(doc, place) if place else None,
                date=date,
                attributed_to=Attribution(text=doc.text[att.start : att.end], code=att.code) if att else None,
                sentence=doc.text[sent.start : sent.end].strip()[:MAX_SENTENCE_CHARS],
                confidence=_confidence(
                    cl,
                    src,
                    tgt,
                    len(spans),
                    head.trig.start < len(article.title),
                    att is not None,
                    place is not None,
                ),
                extractor=EXTRACTOR_VERSION,
                published_at=article.published_at,
                outlet=article.source,
                url=article.url,
                event_time=event_time(date, article.published_at),
            )
        )
        if len(events) >= MAX_EVENTS:
            break
    return events


# (cameo, plover, goldstein) when an event's type differs from its head trigger's row
# (دعا -> PROPOSE, a verbal ATTACK -> CONDEMN); every type is listed so build never fails
_DEFAULT_CAMEO = {
    "MEET": ("040", "CONSULT", 1.0),
    "PROPOSE": ("030", "AGREE", 4.0),
    "ACCUSE": ("112", "ACCUSE", -2.0),
    "CONDEMN": ("111", "ACCUSE", -2.0),
    "DENY": ("016", "REJECT", -1.0),
    "DEMAND": ("100", "REQUEST", -5.0),
    "AGREE": ("057", "AGREE", 8.0),
    "REJECT": ("120", "REJECT", -4.0),
    "THREATEN": ("130", "THREATEN", -4.4),
    "ATTACK": ("190", "ASSAULT", -10.0),
}


def analyse(text: str, title_len: int) -> tuple[Doc, list[Candidate], list[PlaceMention]]:
    """Run every stage up to the candidates (used by tests and by :func:`extract`)."""
    doc = make_doc(text, title_len)
    actors = find_actors(doc)
    in_names = {k for a in actors for k in range(a.tok_start, a.tok_end) if a.code}
    trigs = find_triggers(doc, in_names)
    places = find_places(doc)
    covered = {k for a in actors for k in range(a.tok_start, a.tok_end)}
    for p in places:
        p.in_actor = p.tok_start in covered
    cands = candidates(doc, trigs, actors)
    return doc, cands, places


_YEAR_AFTER = re.compile(r"([^.،,؛]*?\s)(?:في|عام|العام|سنة)\s+((?:19|20)\d\d)(?!\d)")


def _clause_break(doc: Doc, start: int, tok_end: int) -> bool:
    """A subordinator or relative pronoun (cue kind STOP) among the tokens from the
    character ``start`` up to the token ``tok_end``."""
    k = tok_end - 1
    while k >= 0 and doc.tokens[k].start >= start:
        if "STOP" in kinds_of(doc.tokens[k].norm):
            return True
        k -= 1
    return False


def _date_owners(doc: Doc, m: dates_mod.DateMention, in_sentence: list[Candidate]) -> list[Candidate]:
    """The mentions of a sentence (sorted by position) that a date expression dates.

    A date before every trigger of its sentence is a fronted adverbial and dates them all
    ('وفي 3 شباط، اجتمع الوزراء وأدانوا …'). Otherwise it dates the nearest trigger
    before it, even across its subject ('وقعت الدولتان، الثلاثاء، على اتفاق'; 'التقى
    الوفد … بعد القصف الذي وقع يوم 2 آذار' dates the shelling, not the meeting; 'انتقد
    الوزير، الأحد، القصف' the criticism, not the shelling; a long subject may stand
    between), unless that trigger is far (``LIMITS.date_clause``) and the date stands
    right before the next one, in its clause ('التقى الوفد … وأشاد
    بمشاركتهم، مطلع هذا الشهر، في قصف' dates the shelling; not 'قصفت المدفعية البلدة
    لساعات منذ الجمعة فيما أعلن …')."""
    prev = nxt = None
    for k, c in enumerate(in_sentence):
        if c.trig.end <= m.start:
            prev = k
        elif c.trig.start >= m.end:
            nxt = k
            break
    if prev is None:
        return in_sentence
    if (
        nxt is not None
        and m.start - in_sentence[prev].trig.end > LIMITS.date_clause
        and in_sentence[nxt].trig.start - m.end <= LIMITS.date_before
        and not _clause_break(doc, m.end, in_sentence[nxt].trig.tok)
    ):
        prev = nxt
    at = in_sentence[prev].trig.start  # every candidate read from that trigger
    return [c for c in in_sentence if c.trig.start == at]


def _share_dates(doc: Doc, in_sentence: list[Candidate]) -> None:
    """A verb without a date of its own shares the dates of the dated verb before it in
    its clause: coordinated verbs of one subject are one moment ('دان الوزير السبت
    القصف ودعا إلى التهدئة'; not the date of a noun: 'أدان الهجوم الذي وقع الأحد
    وحمل …'). Not a planned event, and not across a subordinator ('… أمس وقال إن
    بلاده ستفرض')."""
    last: Candidate | None = None
    for c in in_sentence:
        if c.date_mentions:
            last = c if c.trig.is_verb else None
        elif (
            last is not None
            and c.trig.is_verb
            and c.mode != "planned"
            and not _clause_break(doc, last.trig.end, c.trig.tok)
        ):
            c.date_mentions = [m for m in last.date_mentions if m.end <= c.trig.start]


def _attach_dates(
    doc: Doc, cands: list[Candidate], found: list[dates_mod.DateMention], published_at: datetime | None
) -> None:
    """Give every date expression to the mention it dates (``date_mentions``,
    :func:`_date_owners`) and each mention the resolved date right next to it
    (``date_value``: used to keep apart same-type events)."""
    by_sentence: dict[int, list[Candidate]] = {}
    for c in cands:
        by_sentence.setdefault(c.sent, []).append(c)
        if published_at is not None:
            sent = doc.sentences[c.sent]
            # 'آخر زيارة قام بها لموسكو في 2010': a background event of another year (not
            # when a definite noun intervenes: 'مسؤولية الانقلاب الفاشل عام 2016' dates the coup)
            y = _YEAR_AFTER.match(doc.text, c.trig.end, min(sent.end, c.trig.end + LIMITS.date_near))
            if (
                y
                and y.group(2) != f"{published_at.year:04d}"
                and not any(w.startswith("ال") for w in y.group(1).split())
            ):
                c.other_year = y.group(2)
    if not found:
        return
    by_char = _by_char(m for m in found if m.precision in ("day", "month"))
    for si, group in by_sentence.items():
        group.sort(key=lambda c: c.trig.start)
        sent = doc.sentences[si]
        for m in by_char.between(sent.start, sent.end):
            for c in _date_owners(doc, m, group):
                c.date_mentions.append(m)
        _share_dates(doc, group)
    for c in cands:
        best = None
        for m in c.date_mentions:
            d = m.start - c.trig.end if m.start >= c.trig.end else c.trig.start - m.end
            if m.start < c.trig.end and d > LIMITS.date_before:
                continue
            if d <= LIMITS.date_near and (best is None or d < best[0]):
                best = (d, m)
        if best is not None:
            c.date_value = dates_mod.resolve(best[1], published_at, planned=(c.mode == "planned"))[0]


def extract(article: Article) -> list[Event]:
    """Events of one article (pure, deterministic)."""
    text = article.text
    doc, cands, places = analyse(text, len(article.title))
    found = dates_mod.find_dates(text) if cands else []
    _attach_dates(doc, cands, found, article.published_at)
    clusters = merge(cands, has_title=bool(article.title.strip()))
    return build(doc, article, clusters, places, found)
