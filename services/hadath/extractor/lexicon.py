"""Trigger lexicon: loads data/triggers.tsv and expands every row into the folded
surface forms it takes in text.  The forms are not written here: verbs come from the
paradigms generated at build time (data/morphology/paradigms.tsv), nouns from the same
generator as the morphology DB (:mod:`hadath.extractor.morphology_build`); clitics are
stripped at lookup time by :mod:`hadath.extractor.morph`."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from hadath.extractor import morphology_build as mb
from hadath.extractor.text import fold

DATA_DIR = Path(__file__).resolve().parent / "data"
TRIGGERS_TSV = DATA_DIR / "triggers.tsv"

# Words inside a multiword lemma that are prepositions: not required when matching
# (they are often a clitic on the next word: توصل لاتفاق).
_OPTIONAL_PARTS = frozenset({"الى", "عن", "ب", "على", "من", "في", "ل"})


@dataclass(frozen=True, slots=True)
class TriggerEntry:
    """One row of triggers.tsv."""

    lemma: str  # as written in the file
    pos: str  # 'V' or 'N'
    type: str
    cameo: str
    plover: str
    goldstein: float
    slots: tuple[str, ...]  # target slots in order ('obj', 'any', prepositions)
    required: tuple[str, ...]  # slots that must be filled
    symmetric: bool
    needs_two: bool  # sym2
    joint_split: bool  # '+joint'
    participle: bool  # '+ptcp'
    rest: tuple[str, ...]  # folded words after the head for multiword triggers
    note: str


@dataclass(frozen=True, slots=True)
class Form:
    """A folded surface form (without clitics) of a trigger head word."""

    entry: TriggerEntry
    aspect: str | None  # 'perf' | 'imperf' | 'juss' | None for nouns
    person: str | None  # '1' when the form is unambiguously first person


def _parse_frame(frame: str) -> tuple[tuple[str, ...], tuple[str, ...], bool, bool, bool, bool]:
    joint = "+joint" in frame
    ptcp = "+ptcp" in frame
    frame = frame.replace("+joint", "").replace("+ptcp", "").replace("+hal", "").strip()
    slots: list[str] = []
    required: list[str] = []
    sym = needs_two = False
    for part in frame.split("|"):
        part = part.strip()
        if not part or part == "-":
            continue
        req = part.startswith("!")
        part = part.lstrip("!")
        if part == "sym":
            sym = True
            continue
        if part == "sym2":
            sym = needs_two = True
            continue
        p = fold(part)
        slots.append(p)
        if req:
            required.append(p)
    return tuple(slots), tuple(required), sym, needs_two, joint, ptcp


@cache
def _paradigms() -> dict[tuple[str, str], list[mb.ParadigmRow]]:
    return mb.read_paradigms()


def verb_forms(lemma: str, imperfect: str | None) -> list[tuple[str, str, str | None]]:
    """(folded surface, aspect, person) of every form of a verb, from the generated paradigm
    (data/morphology/paradigms.tsv): aspect 'perf', 'imperf' or 'juss' -- a spelling that is
    only subjunctive or jussive (لم ينف، لم يزر، لن يلتقيا، أن يتفقوا), read only after the
    particle that governs it, since without one it is another word (تدينا "religiosity");
    person '1' when the spelling is only first person.  Spellings before an object pronoun
    (اتهمو-ه، نفا-ه) are included."""
    rows = _paradigms().get(mb.paradigm_key(lemma, imperfect))
    if not rows:
        # not an exception: `make morphology-db` itself imports this package to regenerate
        # the paradigms; tests/unit/test_morphology.py fails on any verb without one
        warnings.warn(
            f"no generated paradigm for {lemma} / {imperfect or '-'} in {mb.PARADIGMS_PATH.name}:"
            " run make morphology-db",
            stacklevel=2,
        )
        return []
    cells: dict[tuple[str, str], set[str]] = {}
    for surface, form in mb.verb_surfaces(rows):
        aspect = "perf" if form.asp == "p" else "imperf" if "i" in form.moods else "juss"
        cells.setdefault((fold(surface), aspect), set()).add(form.per)
    # the perfect first: a spelling that is also a 1st person imperfect (اتهم = أتّهم "I
    # accuse") is read as the 3rd person perfect unless the context says otherwise
    order = {"perf": 0, "imperf": 1, "juss": 2}
    ranked = sorted(cells.items(), key=lambda kv: order[kv[0][1]])
    return [(s, asp, "1" if persons == {"1"} else None) for (s, asp), persons in ranked]


def noun_forms(lemma: str, listed: list[str]) -> list[str]:
    """Folded spellings of a noun and its listed forms, as the morphology DB generates them
    (duals, tanwin, ة/ت, hamza seat before a pronoun: لقاؤ-ه)."""
    return list(dict.fromkeys(fold(s) for s in mb.noun_surfaces(lemma, listed)))


@dataclass(slots=True)
class Lexicon:
    heads: dict[str, list[Form]]  # folded head form -> forms
    rest_forms: dict[str, frozenset[str]]  # folded lemma word -> folded noun forms (for multiword parts)
    entries: list[TriggerEntry]


def _rest_base(word: str) -> str | None:
    """Base spelling (marks stripped, letters as written) of a non-head word of a multiword
    lemma, None for an optional preposition.

    'استعداده' -> 'استعداد' (a real final heh is the possessive pronoun; teh marbuta
    stays), 'المسؤولية' -> 'مسؤولية' (the article is stripped)."""
    raw = mb.strip_marks(word)
    if fold(raw) in _OPTIONAL_PARTS:
        return None
    if raw.endswith("ه") and len(raw) > 3:
        raw = raw[:-1]
    if raw.startswith(("ال", "أل")) and len(raw) > 4:
        raw = raw[2:]
    return raw


def _circumstantial_entry(
    entry: TriggerEntry, words: list[str], imperfect: str | None
) -> tuple[TriggerEntry, list[str]] | None:
    """The participle sense of a '+hal' verb row (اتهم -> متهما، نافيا، داعيا): same type
    and frame, read as a participle whose agent is the main clause's subject, with the
    forms the generated paradigm gives it."""
    rows = _paradigms().get(mb.paradigm_key(words[0], imperfect), [])
    found = mb.circumstantial_participle(rows)
    if found is None:
        return None
    ap, listed = found
    lemma = " ".join([ap, *words[1:]])
    # only the circumstantial forms themselves: the bare participle is also a noun
    # (متهم "defendant", داع "preacher")
    return replace(entry, lemma=lemma, pos="N", participle=True), [fold(f) for f in listed]


@cache
def load_lexicon(path: str | None = None) -> Lexicon:
    p = Path(path) if path else TRIGGERS_TSV
    heads: dict[str, list[Form]] = {}
    rest_forms: dict[str, frozenset[str]] = {}
    entries: list[TriggerEntry] = []
    participles: list[tuple[TriggerEntry, list[str]]] = []

    def add(surface: str, form: Form) -> None:
        lst = heads.setdefault(surface, [])
        if form not in lst:
            lst.append(form)

    for raw in p.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cols = raw.split("\t")
        if len(cols) < 8:
            raise ValueError(f"triggers.tsv: expected 9 columns, got {len(cols)}: {raw!r}")
        lemma, pos, forms, etype, cameo, plover, gold, frame = (c.strip() for c in cols[:8])
        note = cols[8].strip() if len(cols) > 8 else ""
        slots, required, sym, two, joint, ptcp = _parse_frame(frame)
        words = lemma.split()
        rest_raw = [b for b in (_rest_base(w) for w in words[1:]) if b]
        rest = tuple(fold(b) for b in rest_raw)
        entry = TriggerEntry(
            lemma, pos, etype, cameo, plover, float(gold), slots, required, sym, two, joint, ptcp, rest, note
        )
        entries.append(entry)
        for raw_base, b in zip(rest_raw, rest, strict=True):
            rest_forms[b] = frozenset(noun_forms(raw_base, []))
        if pos == "V":
            imp = forms.split()[0] if forms and forms != "-" else None
            for s, aspect, person in verb_forms(words[0], imp):
                add(s, Form(entry, aspect, person))
            if "+hal" in frame and (participle := _circumstantial_entry(entry, words, imp)):
                participles.append(participle)
        elif pos == "N":
            listed = [f.split()[0] for f in forms.split(",") if f.strip() and f.strip() != "-"]
            for s in noun_forms(words[0], listed):
                add(s, Form(entry, None, None))
        else:
            raise ValueError(f"triggers.tsv: pos must be V or N: {raw!r}")
    # after every listed word: a spelling shared with a listed noun is read as that noun
    # first (مطالبة after من is the masdar "demand", not "demanding")
    for participle, surfaces in participles:
        entries.append(participle)
        for s in surfaces:
            add(s, Form(participle, None, None))
    return Lexicon(heads, rest_forms, entries)
