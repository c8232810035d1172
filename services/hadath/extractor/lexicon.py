"""Trigger lexicon: loads data/triggers.tsv and expands every row into the folded
surface forms it takes in text (inflection is generated here; clitics are stripped
at lookup time by :mod:`hadath.extractor.morph`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

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
    frame = frame.replace("+joint", "").replace("+ptcp", "").strip()
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


def perfect_forms(lemma: str) -> list[tuple[str, str | None]]:
    """Folded perfect-tense forms of a 3ms perfect verb, with '1' for 1st-person forms."""
    p = fold(lemma)
    out: list[tuple[str, str | None]] = [(p, None)]
    if lemma.endswith(("أ", "ء", "ئ", "ؤ")):
        # hamza-final (بدأ): sound, although its folded spelling ends in ا
        out += [(p + "ت", None), (p + "وا", None), (p + "تا", None), (p + "نا", "1"), (p + "تم", None)]
    elif p.endswith("ي") and len(p) > 2:  # defective in ى: نفى، التقى، أبدى
        b = p[:-1]
        out += [
            (b + "ت", None),
            (b + "وا", None),
            (b + "و", None),
            (b + "يا", None),
            (b + "تا", None),
            (b + "ين", None),
            (b + "ينا", "1"),
            (b + "يت", None),
            (b + "يتم", None),
        ]
    elif p.endswith("ا") and len(p) > 2:  # defective in ا: دعا
        b = p[:-1]
        out += [
            (b + "ت", None),
            (b + "وا", None),
            (b + "و", None),
            (b + "تا", None),
            (b + "ون", None),
            (b + "ونا", "1"),
            (b + "وت", None),
            (b + "وتم", None),
        ]
    else:
        out += [
            (p + "ت", None),
            (p + "وا", None),
            (p + "و", None),
            (p + "ا", None),
            (p + "تا", None),
            (p + "ن", None),
            (p + "نا", "1"),
            (p + "تم", None),
        ]
        if len(p) == 3 and p[1] == "ا":  # hollow: زار -> زرت، زرنا
            out += [(p[0] + p[2] + "ت", None), (p[0] + p[2] + "نا", "1")]
        if len(p) == 4 and p[0] == "ا" and p[2] == "ا":  # أدان -> أدنت، أدنا
            out += [(p[:2] + p[3] + "ت", None), (p[:2] + p[3] + "نا", "1")]
    return out


def imperfect_forms(form3ms: str) -> list[tuple[str, str | None, str]]:
    """Folded imperfect forms (all persons/numbers, plus the short jussive stem)."""
    f = fold(form3ms)
    stem = f[1:] if f[:1] in "يت" else f
    out: list[tuple[str, str | None, str]] = []
    bases = []
    if stem.endswith(("ي", "و")) and len(stem) > 2:  # defective: ينفي، يدعو، يلتقي
        s = stem[:-1]
        bases = [
            (stem, "imperf"),
            (s + "ون", "imperf"),
            (s + "وا", "imperf"),
            (s + "و", "imperf"),
            (stem + "ان", "imperf"),
            (s + "ين", "imperf"),
            (stem + "ن", "imperf"),
            (s, "juss"),
        ]
    else:
        bases = [
            (stem, "imperf"),
            (stem + "ون", "imperf"),
            (stem + "وا", "imperf"),
            (stem + "و", "imperf"),
            (stem + "ان", "imperf"),
            (stem + "ين", "imperf"),
            (stem + "ن", "imperf"),
        ]
        if len(stem) == 3 and stem[1] in "وي":  # hollow: يزور -> jussive يزر
            bases.append((stem[0] + stem[2], "juss"))
    for b, asp in bases:
        for pre, person in (("ي", None), ("ت", None), ("ن", "1"), ("ا", "1")):
            out.append((pre + b, person, asp))
    return out


def noun_forms(lemma: str, listed: list[str]) -> list[str]:
    """Folded noun forms: singular, tanwin-alef, dual, sound plurals, construct (ت) and listed forms."""
    n = fold(lemma)
    out = [n]
    if n.endswith("ه"):  # teh marbuta (folded to heh)
        b = n[:-1]
        out += [b + "ت", b + "تا", b + "تان", b + "تين", b + "ات"]
    elif n.endswith("ات"):
        pass
    else:
        out += [n + "ا", n + "ان", n + "ين", n + "ات", n + "ه"]
    for f in listed:
        g = fold(f)
        out.append(g)
        if g.endswith("ه"):
            out.append(g[:-1] + "ت")
    return out


@dataclass(slots=True)
class Lexicon:
    heads: dict[str, list[Form]]  # folded head form -> forms
    rest_forms: dict[str, frozenset[str]]  # folded lemma word -> folded noun forms (for multiword parts)
    entries: list[TriggerEntry]


def _rest_base(word: str) -> str | None:
    """Folded base of a non-head word of a multiword lemma (None: optional preposition).

    'استعداده' -> 'استعداد' (a real final heh is the possessive pronoun; teh marbuta
    stays), 'المسؤولية' -> 'مسؤوليه' (the article is stripped)."""
    fw = fold(word)
    if fw in _OPTIONAL_PARTS:
        return None
    if word.endswith("ه") and len(fw) > 3:
        fw = fw[:-1]
    if fw.startswith("ال") and len(fw) > 4:
        fw = fw[2:]
    return fw


@cache
def load_lexicon(path: str | None = None) -> Lexicon:
    p = Path(path) if path else TRIGGERS_TSV
    heads: dict[str, list[Form]] = {}
    rest_forms: dict[str, frozenset[str]] = {}
    entries: list[TriggerEntry] = []

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
        rest = tuple(b for b in (_rest_base(w) for w in words[1:]) if b)
        entry = TriggerEntry(
            lemma, pos, etype, cameo, plover, float(gold), slots, required, sym, two, joint, ptcp, rest, note
        )
        entries.append(entry)
        for b in rest:
            rest_forms[b] = frozenset(noun_forms(b, []))
        if pos == "V":
            for s, person in perfect_forms(words[0]):
                add(s, Form(entry, "perf", person))
            imp = forms.split()[0] if forms and forms != "-" else ""
            if imp:
                for s, person, asp in imperfect_forms(imp):
                    add(s, Form(entry, asp, person))
        elif pos == "N":
            listed = [f.split()[0] for f in forms.split(",") if f.strip() and f.strip() != "-"]
            for s in noun_forms(words[0], listed):
                add(s, Form(entry, None, None))
        else:
            raise ValueError(f"triggers.tsv: pos must be V or N: {raw!r}")
    return Lexicon(heads, rest_forms, entries)
