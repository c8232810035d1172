"""Date expressions in Arabic news text: detection (:func:`find_dates`) and resolution (:func:`resolve`).

Pure (spec EVENTS.md §6).

Matching works on a *folded* copy of the text made by the extractor's one fold,
:func:`hadath.extractor.text.normalise` with hamza seats folded: diacritics, tatweel and
invisible direction marks are removed (an index table maps every folded position back to
the original string, so offsets always point into the text we were given) and letters are
folded: أ إ آ ٱ → ا, ى → ي, ة → ه, ؤ → و, ئ → ي, Arabic-Indic digits → ASCII.
Patterns are written in folded spelling, whole tokens only (``(?<!\\w)`` … ``(?!\\w)``),
and are built from alternations of literals with single, non-nested quantifiers, so
matching is linear in the text length (one pass of one compiled pattern; ~0.3 s for the
1.37M characters of the 475-article corpus).

Decisions where the spec is silent (documented here, tested in tests/unit/test_dates.py):

* Mention spans leave out a leading conjunction/preposition clitic (و ف ب ك ل):
  "ويوم الخميس" → "يوم الخميس". "لل" + noun keeps its whole token ("للشهر الماضي").
* A weekday on its own is the latest such day on or before publication; with
  ``planned=True`` the earliest on or *after* (so "الثلاثاء" in a Tuesday article about a
  planned session is that Tuesday); "المقبل/القادم" is strictly after, "الماضي" strictly
  before publication. The modifier wins over ``planned``.
* "أمس الأول"/"أول أمس" = two days back, "بعد غد" = two days ahead, "الليلة الماضية" =
  yesterday, "الليلة" = today. "أمس الاثنين", "اليوم الخميس" are one weekday mention.
* A weekday directly followed by an explicit date ("الاثنين 9 نيسان/أبريل"), also across
  its Hijri date ("الأحد 27/5/1437هـ الموافق 6/3/2016م"), is one mention resolved by the
  explicit Gregorian date. Numeric dates may have spaces around their separators
  ("6 / 3 / 2016م"); a Hijri date alone is not resolved (no Hijri calendar here).
* A month name alone: needs a cue so that words such as "مارس" (he practised), "آب"/"أب"
  (father) or "مفاعل تموز" are not dates — a day number or ordinal, a part-of-month word
  (منتصف، مطلع …), "شهر", a year, a modifier (الماضي …), a paired name ("آذار/مارس"), or a
  preceding preposition (في، خلال، منذ، حتى، قبل، بعد، من، إلى). "آب" and "مارس" with a
  clitic glued on are never months ("باب").
* Month without year: "الماضي" = the last such month strictly before the publication
  month; "المقبل" = the first strictly after; "الحالي/الجاري" = the publication year;
  unmarked = the latest on or before the publication month (or on/after when planned).
  "من العام الماضي/المقبل/الحالي" sets the year relative to publication. A day + month
  without year follows the same rules at day granularity.
* Part-of-month words (منتصف، مطلع، أوائل، أواخر، بداية، نهاية …) give month precision;
  "أول" + month is the 1st.
* "الشهر الماضي/المقبل/الحالي" → month precision; "الأسبوع الماضي/المقبل/الحالي" → the
  *month* (precision "month") of the date 7 days before/after/at publication, since the
  schema has no week precision; "العام الماضي …" and "عام 2015" → precision "year",
  value "YYYY".
* Without ``published_at`` anything relative resolves to ``(None, precision)``; a date
  with an explicit year still resolves. The publication date is taken in the timezone
  ``published_at`` carries (no conversion).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from hadath.extractor.gazetteer import DATA_DIR, read_tsv
from hadath.extractor.text import normalise

__all__ = ["DateMention", "find_dates", "fold", "resolve"]

# ---------------------------------------------------------------------------
# Folding
# ---------------------------------------------------------------------------


class _Folded:
    """Folded text (:func:`hadath.extractor.text.normalise`, hamza seats folded too) plus
    the map from folded offsets back to original offsets."""

    __slots__ = ("_to_orig", "original", "text")

    def __init__(self, original: str) -> None:
        self.original = original
        self.text, self._to_orig = normalise(original, hamza_seats=True)

    def orig(self, i: int) -> int:
        """Original offset of folded offset ``i`` (an end offset lands after the diacritics
        of the last letter: the next kept character's offset)."""
        return self._to_orig[i]


def fold(text: str) -> str:
    """The folded form used for matching (diacritics removed, letters normalised)."""
    return normalise(text, hamza_seats=True)[0]


# ---------------------------------------------------------------------------
# Lexicon: data/dates.tsv, folded like the text
# ---------------------------------------------------------------------------

DATES_TSV = DATA_DIR / "dates.tsv"
_WS = re.compile(r"\s+")


def _load_words(path: Path = DATES_TSV) -> dict[str, dict[str, str]]:
    """``kind -> {folded form: value}`` from data/dates.tsv (see its header for the kinds)."""
    words: dict[str, dict[str, str]] = {}
    for cols in read_tsv(path):
        kind, form, value = cols[0], cols[1], cols[2] if len(cols) > 2 else "-"
        words.setdefault(kind, {})[_WS.sub(" ", fold(form))] = value
    return words


_WORDS = _load_words()
WEEKDAYS: dict[str, int] = {w: int(v) for w, v in _WORDS["WEEKDAY"].items()}  # Monday = 0
MONTHS: dict[str, int] = {w: int(v) for w, v in _WORDS["MONTH"].items()}
ORDINALS: dict[str, int] = {w: int(v) for w, v in _WORDS["ORDINAL"].items()}
_AMBIGUOUS_MONTHS = frozenset(_WORDS["AMBIGUOUS"])
_RELATIONS: dict[str, str] = _WORDS["RELATION"]
_PARTS_MONTH: dict[str, str] = _WORDS["PART"]
_PREPOSITIONS = frozenset(_WORDS["MONTH_PREP"])
_UNITS: dict[str, str] = _WORDS["UNIT"]
_YEAR_NOUNS = [w for w, u in _UNITS.items() if u == "year"]


def _alt(words: Iterable[str]) -> str:
    """Regex alternation of literal words, longest first, spaces as \\s+.

    Written as a trie (each common prefix once, a longer continuation tried before the
    word that ends there): the same matches, in the same order of preference, as the flat
    longest-first list, but the regex engine no longer tries every word at every token
    start (the words that can match at one place are prefixes of each other)."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here
    return "(?:" + _trie_regex(trie) + ")"


def _trie_regex(node: dict[str, dict]) -> str:
    branches = [
        (r"\s+" if ch == " " else re.escape(ch)) + _trie_regex(child)
        for ch, child in sorted(node.items())
        if ch
    ]
    if "" in node:
        branches.append("")  # the shorter word last: longest first
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


_WD = r"(?:ال|لل)" + _alt(WEEKDAYS)
_MON = _alt(MONTHS) + r"(?!\w)"
_ORD = _alt(ORDINALS) + r"(?!\w)"
_REL = _alt(_RELATIONS) + r"ه?(?!\w)"
_PART_MON = _alt(_PARTS_MONTH)
_TOD = _alt(_WORDS["TIME"])
_NOT_TODAY = _alt(_WORDS["NOT_TODAY"])
_UNIT = _alt(_UNITS)
_UNIT_DEF = _alt("ال" + u for u in _UNITS)
_YEAR_NOUN = _alt([*_YEAR_NOUNS, *("ال" + u for u in _YEAR_NOUNS)])
_YEAR = r"(?:19|20)\d\d(?!\d)"
# Branch bodies, tried in this order at each token start (first success wins, so
# "أمس الاثنين" is one weekday rather than "أمس" + "الاثنين"). Each branch is
# ``(body, tail)``: ``body`` is the reported span, ``tail`` the right boundary.
# "4/8/2015", "4 / 8 / 2015م" (Saudi style; a Hijri "19 / 10 / 1436هـ" is no match: its
# year is not 19xx/20xx)
_B_NUMERIC = (
    r"(?<![/.\-])(?<![/.\-]\s)(?:(?P<ny>"
    + _YEAR
    + r")(?P<s1>\s?[/\-.]\s?)(?P<nm>[01]?\d)(?P=s1)(?P<nd>[0-3]?\d)"
    r"|(?P<nd2>[0-3]?\d)(?P<s2>\s?[/\-.]\s?)(?P<nm2>[01]?\d)(?P=s2)(?P<ny2>" + _YEAR + r")(?:م(?!\w))?)",
    r"(?![\w/]|\s?[/.\-]\s?\d)",
)
_B_DATE = (
    r"(?:(?:(?P<dn>[0-3]?\d)\s+(?:من\s+)?|(?P<do>" + _ORD + r")\s+من\s+|(?P<part>" + _PART_MON + r")\s+)"
    r"(?:(?P<shahr>شهر)\s+)?|(?P<shahr2>شهر)\s+)?"
    r"(?P<mon>" + _MON + r")"
    r"(?:(?:\s*[/\\\-–]\s*|\s*\(\s*|\s+)(?P<mon2>" + _MON + r")\)?)?"
    r"(?:(?:\s*[،,]\s*|\s+)(?:(?:من\s+)?(?:" + _YEAR_NOUN + r"|لعام)\s+)?(?P<year>" + _YEAR + r")(?:م(?!\w))?"
    r"|\s+(?P<rel>" + _REL + r")"
    r"|\s+من\s+(?:(?P<ythis>هذا)\s+" + _YEAR_NOUN + r"|" + _YEAR_NOUN + r"\s+(?P<yrel>" + _REL + r")))?",
    r"(?!\w)",
)
_B_WEEKDAY = (
    r"(?:" + _TOD + r"\s+)?(?:(?P<pre>يوم|اليوم|امس)\s+|(?P<paren>يوم|اليوم|امس)\s*\(\s*)?"
    r"(?P<wd>" + _WD + r")"
    r"(?!\s+عشر)(?:\s+(?P<rel>" + _REL + r"))?(?(paren)\s*\))",
    r"(?!\w)",
)
_B_OFFSET = (
    r"(?:(?:" + _TOD + r"\s+)?(?:امس\s+الاول|اول\s+(?:من\s+)?امس|(?:ال)?امس(?!\s+الحاجه)|البارحه)"
    r"|(?:(?:يوم|" + _TOD + r")\s+)?(?:بعد\s+)?غد(?:ا)?"
    r"|(?:(?:يوم|" + _TOD + r")\s+)(?:الغد)"
    r"|الليله(?:\s+الماضيه)?"
    r"|(?:" + _TOD + r"\s+)?اليوم(?!\s+" + _NOT_TODAY + r"(?!\w)))",
    r"(?!\w)",
)
_B_PERIOD = (
    r"(?:(?P<part>" + _PART_MON + r")\s+)?"
    r"(?:(?P<this>هذا|هذه)\s+(?P<unit1>" + _UNIT_DEF + r")"
    r"|(?:ال|لل)(?P<unit2>" + _UNIT + r")\s+(?P<rel>" + _REL + r"))",
    r"(?!\w)",
)
_B_YEAR = (r"" + _YEAR_NOUN + r"\s+(?P<year>" + _YEAR + r")", r"(?:م)?(?!\w)")

# weekday … explicit date, also across its Hijri date: "الثلاثاء 19/10/1436هـ الموافق 4/8/2015م"
_BRIDGE = re.compile(r"[\s،,\-–(]*(?:[0-3]?\d\s?/\s?[01]?\d\s?/\s?1[34]\d\d\s?ه?[\s،,]*)?(?:الموافق[\s،,]*)?")


def _relation(word: str | None) -> str | None:
    if not word:
        return None
    return _RELATIONS.get(word.removesuffix("ه"))


# ---------------------------------------------------------------------------
# Mentions
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DateMention:
    """A date expression found in a text.

    ``start``/``end`` are ``str`` offsets into the original text given to
    :func:`find_dates`; ``text`` is ``original[start:end]``. The parsed pieces:

    * ``kind`` — ``"weekday"`` (``weekday`` set), ``"offset"`` (``offset`` days from the
      publication day), ``"date"`` (some of ``day``/``month``/``year``; ``weekday`` too when
      written "الاثنين 9 نيسان"), ``"period"`` (``unit`` in week/month/year with ``offset``
      -1/0/+1: "الشهر الماضي").
    * ``relation`` — ``"past"`` (الماضي …), ``"future"`` (المقبل …), ``"current"``
      (الحالي/الجاري) or ``None``.
    * ``year_offset`` — year relative to publication ("أيار من العام الماضي" → -1).
    * ``precision`` — what the expression can resolve to: ``"day"``, ``"month"``, ``"year"``.
    """

    start: int
    end: int
    text: str
    kind: str
    precision: str
    day: int | None = None
    month: int | None = None
    year: int | None = None
    weekday: int | None = None
    offset: int | None = None
    unit: str | None = None
    relation: str | None = None
    year_offset: int | None = None


def _prev_word(folded: str, start: int) -> str:
    i = start
    while i > 0 and folded[i - 1].isspace():
        i -= 1
    j = i
    while j > 0 and (folded[j - 1].isalnum() or folded[j - 1] == "_"):
        j -= 1
    return folded[j:i]


def _month_of(name: str) -> int:
    return MONTHS[_WS.sub(" ", name)]


def _cand_weekday(m: _Branch, f: _Folded) -> dict[str, object] | None:
    name = m.group("wd")[2:]  # after ال / لل
    return {
        "kind": "weekday",
        "precision": "day",
        "weekday": WEEKDAYS[name],
        "relation": _relation(m.group("rel")),
    }


def _cand_offset(m: _Branch, f: _Folded) -> dict[str, object] | None:
    words = _WS.sub(" ", m.group("body")).split(" ")
    if words[-1] == "اليوم" and _prev_word(f.text, m.start("body")) == "روسيا":
        return None  # the channel "روسيا اليوم"
    if {"امس", "الامس", "البارحه"} & set(words):
        off = -2 if ("الاول" in words or "اول" in words) else -1
    elif {"غد", "غدا", "الغد"} & set(words):
        off = 2 if "بعد" in words else 1
    elif "الماضيه" in words:  # الليلة الماضية
        off = -1
    else:  # اليوم، الليلة
        off = 0
    return {"kind": "offset", "precision": "day", "offset": off, "unit": "day"}


def _cand_date(m: _Branch, f: _Folded) -> dict[str, object] | None:
    mon_name = _WS.sub(" ", m.group("mon"))
    month = MONTHS[mon_name]
    if mon_name == "اب" and f.original[f.orig(m.start("mon"))] != "آ" and not m.group("mon2"):
        return None  # August is written آب; أب/اب is "father" unless paired with أغسطس
    mon2 = m.group("mon2")
    if mon2 and MONTHS[_WS.sub(" ", mon2)] != month:
        return None  # "آذار/أبريل" is not one month
    day: int | None = None
    if m.group("dn"):
        day = int(m.group("dn"))
    elif m.group("do"):
        day = ORDINALS[_WS.sub(" ", m.group("do"))]
    part = m.group("part")
    if part and _PARTS_MONTH.get(_WS.sub(" ", part)) == "first":
        day = 1
    year = int(m.group("year")) if m.group("year") else None
    rel = _relation(m.group("rel"))
    year_offset: int | None = None
    if m.group("ythis"):
        year_offset = 0
    elif m.group("yrel"):
        year_offset = {"past": -1, "future": 1, "current": 0}[_relation(m.group("yrel")) or "current"]
    has_cue = bool(
        day or part or m.group("shahr") or m.group("shahr2") or year or rel or mon2 or year_offset is not None
    )
    # a bare month name needs a preposition before it
    if not has_cue and _prev_word(f.text, m.start("body")) not in _PREPOSITIONS:
        return None
    if mon_name in _AMBIGUOUS_MONTHS and m.group("cl") and not (day or part or m.group("shahr2")):
        return None  # "باب", "ومارس" …
    if day is not None:
        last = calendar.monthrange(year if year else 2000, month)[1]  # 2000: leap, allows 29 شباط
        if not 1 <= day <= last:
            return None
    return {
        "kind": "date",
        "precision": "day" if day else "month",
        "day": day,
        "month": month,
        "year": year,
        "relation": rel,
        "year_offset": year_offset,
    }


def _cand_numeric(m: _Branch, f: _Folded) -> dict[str, object] | None:
    if m.group("ny"):
        y, mo, d = int(m.group("ny")), int(m.group("nm")), int(m.group("nd"))
    else:
        y, mo, d = int(m.group("ny2")), int(m.group("nm2")), int(m.group("nd2"))
    try:
        date(y, mo, d)
    except ValueError:
        return None
    return {"kind": "date", "precision": "day", "day": d, "month": mo, "year": y}


def _cand_year(m: _Branch, f: _Folded) -> dict[str, object] | None:
    return {"kind": "date", "precision": "year", "year": int(m.group("year"))}


def _cand_period(m: _Branch, f: _Folded) -> dict[str, object] | None:
    unit_word = (m.group("unit1") or "").removeprefix("ال") or m.group("unit2")
    unit = _UNITS[unit_word]
    rel = "current" if m.group("this") else _relation(m.group("rel"))
    off = {"past": -1, "future": 1, "current": 0}[rel or "current"]
    return {
        "kind": "period",
        "precision": "year" if unit == "year" else "month",
        "unit": unit,
        "offset": off,
        "relation": rel,
    }


_BRANCHES = (
    (_B_NUMERIC, _cand_numeric),
    (_B_DATE, _cand_date),
    (_B_WEEKDAY, _cand_weekday),
    (_B_OFFSET, _cand_offset),
    (_B_PERIOD, _cand_period),
    (_B_YEAR, _cand_year),
)


def _compile() -> re.Pattern[str]:
    """One pattern for all branches (one pass over the text); group names get a per-branch prefix."""
    alts = []
    for k, ((body, tail), _) in enumerate(_BRANCHES):
        body = re.sub(r"\(\?P<(\w+)>", rf"(?P<b{k}_\1>", body)
        body = re.sub(r"\(\?P=(\w+)\)", rf"(?P=b{k}_\1)", body)
        body = re.sub(r"\(\?\((\w+)\)", rf"(?(b{k}_\1)", body)
        alts.append(f"(?P<b{k}>{body}){tail}")
    # conjunction + preposition clitics stay outside the reported span; "ل" not before
    # "ل" so that "للشهر" stays whole; a preposition typed without its space before a
    # day number ("في20 أيار") is read as the preposition.
    glued = _alt(_PREPOSITIONS) + r"(?=\d)"
    return re.compile(r"(?<!\w)(?P<cl>[وف]?(?:[بك]|ل(?!ل)|" + glued + r")?)(?:" + "|".join(alts) + ")")


_PATTERN = _compile()


class _Branch:
    """View of a combined-pattern match with the branch's own group names."""

    __slots__ = ("_k", "_m")

    def __init__(self, m: re.Match[str], k: int) -> None:
        self._m, self._k = m, k

    def _name(self, name: str) -> str:
        if name == "cl":
            return "cl"
        return f"b{self._k}" if name == "body" else f"b{self._k}_{name}"

    def group(self, name: str) -> str | None:
        return self._m.group(self._name(name))

    def start(self, name: str) -> int:
        return self._m.start(self._name(name))


def find_dates(text: str) -> list[DateMention]:
    """All date expressions in ``text``, left to right, non-overlapping.

    One pass of one compiled pattern over the folded text: at each token start the
    branches are tried in the order of ``_BRANCHES`` and the first that matches *and*
    passes its checks wins (a rejected match lets the scan resume one character later).
    A weekday directly followed by an explicit day+month becomes one mention. Offsets
    are into ``text`` itself.
    """
    if not text:
        return []
    f = _Folded(text)
    ft = f.text
    kept: list[tuple[int, int, dict[str, object]]] = []
    pos = 0
    while (m := _PATTERN.search(ft, pos)) is not None:
        k = next(i for i in range(len(_BRANCHES)) if m.group(f"b{i}") is not None)
        view = _Branch(m, k)
        info = _BRANCHES[k][1](view, f)
        if info is None:
            pos = m.start() + 1  # rejected: let a later token start inside it match
            continue
        kept.append((m.start(f"b{k}"), m.end(f"b{k}"), info))
        pos = m.end()
    merged: list[tuple[int, int, dict[str, object]]] = []
    for c in kept:
        if merged:
            ps, pe, pinfo = merged[-1]
            if (
                pinfo["kind"] == "weekday"
                and c[2]["kind"] == "date"
                and c[2].get("day")
                and _BRIDGE.fullmatch(ft, pe, c[0])
            ):
                merged[-1] = (ps, c[1], {**c[2], "weekday": pinfo["weekday"]})
                continue
        merged.append(c)
    out: list[DateMention] = []
    for s, e, info in merged:
        os_, oe = f.orig(s), f.orig(e)
        # a removed run right after the last letter belongs to the word (its diacritics)
        out.append(DateMention(start=os_, end=oe, text=text[os_:oe], **info))  # type: ignore[arg-type]
    return out


# ---------------------------------------------------------------------------
# Resolution
# ---------------------------------------------------------------------------


def _ref_day(published_at: datetime | date | str | None) -> date | None:
    if published_at is None:
        return None
    if isinstance(published_at, str):
        try:
            published_at = datetime.fromisoformat(published_at.replace("Z", "+00:00"))
        except ValueError:
            return None
    if isinstance(published_at, datetime):
        return published_at.date()
    return published_at


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + k
    return idx // 12, idx % 12 + 1


def _pick_month_year(month: int, ref: date, relation: str | None, planned: bool) -> int:
    """Year for a month named without a year (see module docstring)."""
    here = ref.year * 12 + ref.month - 1
    cands = [(y, y * 12 + month - 1) for y in (ref.year - 1, ref.year, ref.year + 1)]
    if relation == "current":
        return ref.year
    if relation == "past":
        return max(y for y, idx in cands if idx < here)
    if relation == "future":
        return min(y for y, idx in cands if idx > here)
    if planned:
        return min(y for y, idx in cands if idx >= here)
    return max(y for y, idx in cands if idx <= here)


def _pick_day_year(day: int, month: int, ref: date, relation: str | None, planned: bool) -> int | None:
    if relation is not None:
        return _pick_month_year(month, ref, relation, planned)
    cands: list[tuple[int, date]] = []
    for y in (ref.year - 1, ref.year, ref.year + 1):
        try:
            cands.append((y, date(y, month, day)))
        except ValueError:
            continue
    if planned:
        after = [y for y, d in cands if d >= ref]
        return min(after) if after else None
    before = [y for y, d in cands if d <= ref]
    return max(before) if before else None


def _fmt(y: int, m: int | None = None, d: int | None = None) -> str:
    if m is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def resolve(
    m: DateMention,
    published_at: datetime | date | str | None,
    planned: bool = False,
    *,
    anchor: date | None = None,
) -> tuple[str | None, str | None]:
    """Resolve a mention to ``(value, precision)``.

    ``value`` is ``"YYYY-MM-DD"`` (precision ``"day"``), ``"YYYY-MM"`` (``"month"``) or
    ``"YYYY"`` (``"year"``). ``planned`` says the event is announced for the future
    (spec §4), which turns "nearest before" into "nearest on or after". ``anchor``
    (optional) replaces the publication day as the reference — for text whose "أمس" is
    relative to a day named earlier. Relative mentions without a reference day give
    ``(None, precision)``.
    """
    ref = anchor or _ref_day(published_at)
    if m.kind == "date":
        if m.year is not None and m.month is not None:
            return _fmt(m.year, m.month, m.day), m.precision
        if m.year is not None:
            return _fmt(m.year), "year"
        if ref is None or m.month is None:
            return None, m.precision
        if m.year_offset is not None:
            y: int | None = ref.year + m.year_offset
        elif m.day is not None:
            y = _pick_day_year(m.day, m.month, ref, m.relation, planned)
        else:
            y = _pick_month_year(m.month, ref, m.relation, planned)
        if y is None:
            return None, m.precision
        if m.day is not None:
            try:
                date(y, m.month, m.day)
            except ValueError:  # 29 شباط in a non-leap year
                return None, m.precision
        return _fmt(y, m.month, m.day), m.precision
    if ref is None:
        return None, m.precision
    if m.kind == "weekday" and m.weekday is not None:
        delta_back = (ref.weekday() - m.weekday) % 7
        delta_fwd = (m.weekday - ref.weekday()) % 7
        if m.relation == "past":
            d = ref - timedelta(days=delta_back or 7)
        elif m.relation == "future":
            d = ref + timedelta(days=delta_fwd or 7)
        elif planned:
            d = ref + timedelta(days=delta_fwd)
        else:
            d = ref - timedelta(days=delta_back)
        return d.isoformat(), "day"
    if m.kind == "offset" and m.offset is not None:
        return (ref + timedelta(days=m.offset)).isoformat(), "day"
    if m.kind == "period" and m.offset is not None:
        if m.unit == "year":
            return _fmt(ref.year + m.offset), "year"
        if m.unit == "week":
            d = ref + timedelta(days=7 * m.offset)
            return _fmt(d.year, d.month), "month"
        y2, mo = _add_months(ref.year, ref.month, m.offset)
        return _fmt(y2, mo), "month"
    return None, m.precision
