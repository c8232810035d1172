"""Generate hadath's CALIMA-format morphology database from the trigger lexicon.

camel-tools' analyzer (``camel_tools.morphology``) reads a plain-text database made of
feature DEFINES/DEFAULTS/ORDER, three morpheme lists (PREFIXES, SUFFIXES, STEMS, each line
``surface<TAB>category<TAB>feat:val ...``) and three compatibility tables between the
categories (AB prefix-stem, BC stem-suffix, AC prefix-suffix).  The published databases
cannot be fetched here, so this module derives a small one from what the project owns:

* ``data/triggers.tsv``: V rows (perfect 3ms + imperfect 3ms) and N rows (singular +
  plurals) -- the words the extractor cares about;
* ``data/morphology/function_words.tsv``: a closed class of prepositions, particles and
  pronouns so that clitic-bearing function words (وعليه، بأنه، لهم) get analyses too.

Stems are generated per inflection class (regular, final-weak ى/ا/ي, hollow, doubled,
taa-marbuta nouns, hamza-final nouns), affixes carry agreement and clitic features, and the
tables only allow well-formed combinations.  Every surface string is written *folded*
(:func:`fold`) because the analyzer folds its input the same way before lookup.

Regenerate with ``python -m hadath.extractor.morphology_build`` (``--check`` exits 1 when
the checked-in file has drifted from the lexicon).
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
MORPH_DIR = DATA_DIR / "morphology"
TRIGGERS_PATH = DATA_DIR / "triggers.tsv"
CUES_PATH = DATA_DIR / "cues.tsv"
FUNCTION_WORDS_PATH = MORPH_DIR / "function_words.tsv"
DB_PATH = MORPH_DIR / "hadath.db"

# --------------------------------------------------------------------------- folding
# Diacritics (harakat, tanwin, shadda, sukun, dagger alef, Quranic marks) and tatweel are
# dropped; alef variants, alef maqsura and Persian yeh/keheh are folded.  Unlike camel-tools'
# DEFAULT_NORMALIZE_MAP, taa marbuta is KEPT: folded to ه it collides with the pronoun
# enclitic (وزارة would read و+زار+ه "and he visited him").  Tolerance of ة written ه is
# built into the DB instead: ة-nouns accept both endings.
_DIACRITICS_RE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_FOLD_TABLE = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ي": "ي",
        "ک": "ك",
        "\u0640": None,  # tatweel
        "\u200c": None,  # zero-width non-joiner
        "\u200d": None,  # zero-width joiner
        "\u200e": None,  # LRM
        "\u200f": None,  # RLM
    }
)
_COMPOSE_NEEDED_RE = re.compile("[\u0653-\u0655]")
_PRESENTATION_FORMS_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")


def strip_marks(word: str) -> str:
    """Remove diacritics and tatweel but keep letters (alef/yeh/taa spelling) as written."""
    if _PRESENTATION_FORMS_RE.search(word):
        # legacy presentation forms (ﻻ، ﺍﻟﻠﻪ) -> ordinary letters
        word = unicodedata.normalize("NFKC", word)
    if _COMPOSE_NEEDED_RE.search(word):
        # decomposed hamza/madda (e.g. ي + U+0654) must become ئ, not ي, before stripping
        word = unicodedata.normalize("NFC", word)
    return _DIACRITICS_RE.sub("", word).replace("\u0640", "")


def fold(word: str) -> str:
    """The spelling every DB entry and every query is compared in."""
    return strip_marks(word).translate(_FOLD_TABLE)


# --------------------------------------------------------------------------- features
# camel-tools feature names and value conventions (prc2 wa_conj, prc1 bi_prep / sa_fut,
# prc0 Al_det, enc0 3ms_poss ...), plus two project features:
#   pfx / sfx -- the inflectional (non-clitic) prefix/suffix surface, so the clitic-free
#   word can be rebuilt as pfx + stem + sfx ('-' = none).
#   trig -- 'y' when the stem is a triggers.tsv word (its lex is then the lemma as written there).
FEATS = (
    "pos",
    "lex",
    "diac",
    "trig",
    "asp",
    "per",
    "gen",
    "num",
    "prc3",
    "prc2",
    "prc1",
    "prc0",
    "enc0",
    "pfx",
    "sfx",
)
CLOSED_FEATS: dict[str, tuple[str, ...]] = {
    "pos": (
        "verb",
        "noun",
        "prep",
        "conj",
        "part",
        "pron",
        "pron_dem",
        "pron_rel",
        "noun_quant",
        "adv",
        "digit",
        "punc",
        "latin",
    ),
    "trig": ("y", "n"),
    "asp": ("p", "i", "na"),
    "per": ("1", "2", "3", "na"),
    "gen": ("m", "f", "na"),
    "num": ("s", "d", "p", "na"),
    "prc3": ("0",),
    "prc2": ("0", "wa_conj", "fa_conj"),
    "prc1": ("0", "bi_prep", "li_prep", "ka_prep", "sa_fut", "li_sub"),
    "prc0": ("0", "Al_det"),
}
OPEN_FEATS = ("lex", "diac", "enc0", "pfx", "sfx")

STEM_DEFAULTS = {
    "trig": "n",
    "asp": "na",
    "per": "na",
    "gen": "na",
    "num": "na",
    "prc3": "0",
    "prc2": "0",
    "prc1": "0",
    "prc0": "0",
    "enc0": "0",
    "pfx": "-",
    "sfx": "-",
}

CONJ = (("", {}), ("و", {"prc2": "wa_conj"}), ("ف", {"prc2": "fa_conj"}))
PREPS = (("ب", "bi_prep"), ("ل", "li_prep"), ("ك", "ka_prep"))

# Pronoun enclitics: (folded surface, person-number-gender code).
ENCLITICS_3_2_1P = (
    ("ه", "3ms"),
    ("ها", "3fs"),
    ("هما", "3d"),
    ("هم", "3mp"),
    ("هن", "3fp"),
    ("ك", "2ms"),
    ("كما", "2d"),
    ("كم", "2mp"),
    ("كن", "2fp"),
    ("نا", "1p"),
)
# verbs take ني (1s object); nouns deliberately get no 1s ي: هجومي/هجومية are far more often
# the nisba adjective ("offensive") than "my attack" in news text.
VERB_ENCLITICS = (*ENCLITICS_3_2_1P, ("ني", "1s"))
NOUN_ENCLITICS = ENCLITICS_3_2_1P
# ...but after ة→ت the nisba reading is impossible (زيارتي = my visit), so ي is allowed there
TAA_NOUN_ENCLITICS = (*ENCLITICS_3_2_1P, ("ي", "1s"))
FUNC_ENCLITICS = (*ENCLITICS_3_2_1P, ("ي", "1s"), ("ني", "1s"))


def _d(surface: str) -> dict[str, str]:
    """diac feature of an affix; empty affixes carry none (camel-tools joins diacs with '+')."""
    return {"diac": surface} if surface else {}


def _feats(d: dict[str, str]) -> str:
    for key, val in d.items():
        if not val or " " in val or "\t" in val:
            raise ValueError(f"bad feature value {key}={val!r}")
    return " ".join(f"{k}:{v}" for k, v in d.items())


@dataclass
class _Db:
    prefixes: set[tuple[str, str, str]] = field(default_factory=set)
    suffixes: set[tuple[str, str, str]] = field(default_factory=set)
    stems: set[tuple[str, str, str]] = field(default_factory=set)
    ab: set[tuple[str, str]] = field(default_factory=set)
    bc: set[tuple[str, str]] = field(default_factory=set)
    ac: set[tuple[str, str]] = field(default_factory=set)

    def prefix(self, surface: str, cat: str, feats: dict[str, str]) -> None:
        self.prefixes.add((surface, cat, _feats(feats)))

    def suffix(self, surface: str, cat: str, feats: dict[str, str]) -> None:
        self.suffixes.add((surface, cat, _feats(feats)))

    def stem(self, surface: str, cat: str, feats: dict[str, str]) -> None:
        if not surface:
            raise ValueError(f"empty stem for {feats}")
        full = {"pos": feats["pos"], "lex": feats["lex"], "diac": feats["diac"]}
        full.update({k: feats.get(k, v) for k, v in STEM_DEFAULTS.items()})
        self.stems.add((surface, cat, _feats(full)))


# --------------------------------------------------------------------------- verbs
# Verb paradigms are not written here: ``data/morphology/paradigms.tsv`` holds every form of
# every verb of triggers.tsv and cues.tsv, GENERATED at build time by the mazini conjugator
# (a port of Wiktionary's Arabic conjugation engine) from the root x pattern it finds in
# mazini's attested-verb lexicon (see generate_paradigms and data/morphology/README.md).
# This module only turns those full forms into DB stems and adds the clitics.
PARADIGMS_PATH = MORPH_DIR / "paradigms.tsv"
# Active voice, all persons, the three non-past moods and the participle/masdar.  Passive
# and imperative slots are left out: unvocalised, the passive is mostly spelled like the
# active (so it adds nothing) and where it differs (أُدين "was convicted") it is not the
# trigger's sense; imperatives are rare in news and collide with nouns.
# The feminine 2nd person (تدعي "you (f) call", تدعين) is left out too: news has no
# addressee in the feminine, and تدعي is nearly always ادّعى "claims".
_SLOT_RE = re.compile(r"^(past|ind|sub|juss)_(?!2f)([123])(m|f)?(s|d|p)$|^(ap|ap_obl|vn)$")
_MOOD = {"ind": "i", "sub": "s", "juss": "j"}


@dataclass(frozen=True)
class ParadigmRow:
    """One generated surface form of a verb (undiacritised, hamza seats as generated)."""

    lemma: str
    imperfect: str  # '' when triggers.tsv gives none
    root: str
    wazn: str
    form: str
    slots: tuple[str, ...]  # mazini slot names: past_3fs, ind_3mp, juss_3ms, ap, vn


@dataclass(frozen=True)
class VerbForm:
    """A clitic-free verb form with its agreement, derived from paradigm rows."""

    surface: str  # folded (fold())
    final_alef_maqsura: bool  # written with a final ى (نفى، يلقى): ا before a pronoun
    asp: str  # 'p' | 'i'
    moods: str  # '' (perfect) or a subset of 'isj' (indicative, subjunctive, jussive)
    per: str
    gen: str  # 'm' | 'f' | 'na'
    num: str


def _slot_agreement(slot: str) -> tuple[str, str, str, str, str] | None:
    """(asp, mood, per, gen, num) of a finite slot name, None for ap/vn."""
    m = _SLOT_RE.match(slot)
    if m is None or m.group(5):
        return None
    tense, per, gen, num = m.group(1), m.group(2), m.group(3) or "na", m.group(4)
    return ("p" if tense == "past" else "i"), _MOOD.get(tense, ""), per, gen, num


def verb_forms(rows: Sequence[ParadigmRow]) -> list[VerbForm]:
    """Finite forms of one verb: one per (surface, asp, per, gen, num) with the moods merged.
    A verb listed without an imperfect is a trigger in the perfect only (لوّح "brandished";
    تلوح is "looms", from لاح)."""
    cells: dict[tuple[str, bool, str, str, str, str], set[str]] = {}
    for row in rows:
        surface, maqsura = fold(row.form), strip_marks(row.form).endswith("ى")
        for slot in row.slots:
            agr = _slot_agreement(slot)
            if agr is not None and (row.imperfect or agr[0] == "p"):
                asp, mood, per, gen, num = agr
                cells.setdefault((surface, maqsura, asp, per, gen, num), set()).add(mood)
    return [
        VerbForm(s, maqsura, asp, "".join(m for m in "isj" if m in moods), per, gen, num)
        for (s, maqsura, asp, per, gen, num), moods in sorted(cells.items())
    ]


def before_enclitic(form: VerbForm) -> str | None:
    """The spelling a verb form takes before an object pronoun, None when it takes none.

    Orthography of the clitic boundary, not inflection: the silent alef of وا goes
    (اتهموا -> اتهموه), final ى is written ا (نفى -> نفاه، يلقى -> يلقاه), تم gets its
    long vowel (تموه is left out: 2nd person plural + object is rare).  First person plural
    perfects take none: أدنّا + ه would be أدناه, nearly always the adverb "below".
    """
    s = form.surface
    if form.asp == "p" and form.per == "1" and form.num == "p":
        return None
    if s.endswith("تم") and form.asp == "p":
        return None
    if s.endswith("وا"):
        return s[:-1]
    if form.final_alef_maqsura:
        return s[:-1] + "ا"
    return s


def circumstantial_participle(rows: Sequence[ParadigmRow]) -> tuple[str, list[str]] | None:
    """(active participle, its listed forms) for a verb whose participle is used as a
    circumstantial (حال: '+hal' in triggers.tsv): قال X، متهما Y / نافيا … / داعيا …

    The forms are the indefinite accusative masculine (متهما، نافيا), the feminine (متهمة،
    نافية: a ministry or a country speaks) and the masculine plural (متهمين، نافين); the
    defective participle's ي comes from its oblique stem (ناف -> نافيا، نافية)."""
    ap = next((r.form for r in rows if "ap" in r.slots), None)
    if ap is None:
        return None
    base = next((r.form for r in rows if "ap_obl" in r.slots), ap)
    return ap, [base + "ا", base + "ة", ap + "ين"]


def _verb_affixes(db: _Db) -> None:
    """Clitics of verbs: و/ف، سـ (indicative only), لـ of purpose (subjunctive only), object pronouns."""
    for conj, cfeats in CONJ:
        db.prefix(conj, "VP_p", {**_d(conj), **cfeats})
        db.prefix(conj, "VP_i", {**_d(conj), **cfeats})
        db.prefix(conj + "س", "VP_F", {"diac": conj + "س", **cfeats, "prc1": "sa_fut"})
        db.prefix(conj + "ل", "VP_S", {"diac": conj + "ل", **cfeats, "prc1": "li_sub"})
    db.suffix("", "VS_0", {})
    for enc, code in VERB_ENCLITICS:
        db.suffix(enc, "VS_E", {"diac": enc, "enc0": f"{code}_dobj"})
    for pcat in ("VP_p", "VP_i", "VP_F", "VP_S"):
        db.ac.update({(pcat, "VS_0"), (pcat, "VS_E")})


def _verb_prefix_cats(form: VerbForm) -> tuple[str, ...]:
    """Which clitic prefixes a form takes: سـ only an indicative, لـ only a subjunctive."""
    if form.asp == "p":
        return ("VP_p",)
    cats = ["VP_i"]
    if "i" in form.moods:
        cats.append("VP_F")
    if "s" in form.moods:
        cats.append("VP_S")
    return tuple(cats)


def _add_verb(db: _Db, lemma: str, rows: Sequence[ParadigmRow]) -> None:
    for form in verb_forms(rows):
        feats = {
            "pos": "verb",
            "lex": lemma,
            "diac": form.surface,
            "trig": "y",
            "asp": form.asp,
            "per": form.per,
            "gen": form.gen,
            "num": form.num,
        }
        # jussive-only short stems (لم ينف) take no proclitic at all, not even و/ف
        jussive_only = form.asp == "i" and form.moods == "j"
        prefix_cats = ("V0",) if jussive_only else _verb_prefix_cats(form)
        kind = f"{form.asp}{form.moods}"
        cat = f"V_{kind}" + ("_J" if jussive_only else "")
        db.stem(form.surface, cat, feats)
        db.bc.add((cat, "VS_0"))
        enc_surface = before_enclitic(form)
        if enc_surface is not None:
            ecat = f"VE_{kind}" + ("_J" if jussive_only else "")
            db.stem(enc_surface, ecat, feats)
            db.bc.add((ecat, "VS_E"))
        for pcat in prefix_cats:
            db.ab.add((pcat, cat))
            if enc_surface is not None:
                db.ab.add((pcat, ecat))
    db.prefix("", "V0", {})
    db.ac.update({("V0", "VS_0"), ("V0", "VS_E")})


# ---- paradigm table: generated from mazini at build time, read everywhere else
def read_paradigms(path: Path = PARADIGMS_PATH) -> dict[tuple[str, str], list[ParadigmRow]]:
    """(folded lemma, folded imperfect or '') -> its generated rows."""
    out: dict[tuple[str, str], list[ParadigmRow]] = {}
    if not path.exists():
        return out
    for _lineno, cols in _tsv_rows(path):
        if cols[0] == "lemma":
            continue
        lemma, imperfect, root, wazn, form, slots = cols[:6]
        imperfect = "" if imperfect == "-" else imperfect
        row = ParadigmRow(lemma, imperfect, root, wazn, form, tuple(slots.split(",")))
        out.setdefault((fold(lemma), fold(imperfect)), []).append(row)
    return out


def paradigm_key(lemma: str, imperfect: str | None) -> tuple[str, str]:
    return fold(lemma), fold(imperfect or "")


_WEAK_RADICALS = frozenset("ويء")


def _candidate_roots(lemma: str, roots: Iterable[str]) -> list[str]:
    """Roots whose strong radicals appear in order in the lemma (a doubled radical once)."""
    letters = fold(lemma)
    out = []
    for root in roots:
        strong = [c for i, c in enumerate(root) if c not in _WEAK_RADICALS and (i == 0 or c != root[i - 1])]
        it = iter(letters)
        if len(strong) >= len(root) - 2 and all(c in it for c in strong):
            out.append(root)
    return out


def _shadda_positions(word: str) -> set[int]:
    """Letter indexes (in strip_marks(word)) carrying a shadda."""
    out, i = set(), -1
    for ch in unicodedata.normalize("NFC", word):
        if _DIACRITICS_RE.match(ch):
            if ch == "\u0651":
                out.add(i)
        elif ch != "\u0640":
            i += 1
    return out


def generate_paradigms(verbs: Sequence[tuple[str, str]], problems: list[str]) -> str:
    """paradigms.tsv text for (perfect 3ms as written, imperfect 3ms or '') pairs.

    Needs the build-time extra (``pip install -e '.[build-lexicon]'``: mazini).  A verb's
    root x pattern is the attested one (mazini's lexicon of 24k verbs) whose conjugated
    3ms perfect and imperfect, undiacritised, are the row's lemma and imperfect; a shadda
    written in the lemma (حذّر "warn", not حذِر "beware") must be there.  When several
    patterns spell the same (رفض I and II), their forms are merged; with no attested
    pattern every pattern is tried (the table is a list, not the language).
    """
    try:
        import mazini
        from mazini.lexicon import attested_wazns, lexicon_roots
        from mazini.wazn import WAZN_BY_NAME
    except ImportError as exc:  # pragma: no cover - the build extra is not installed
        raise SystemExit(
            "paradigm generation needs the build extra: pip install -e '.[build-lexicon]'"
        ) from exc

    def matches(root: str, wazn: str, lemma: str, imperfect: str) -> Any:
        try:
            v = mazini.conjugate(root, wazn)
        except mazini.MaziniError:
            return None
        past = [f.form for f in v.slots.get("past_3ms", ())]
        if not any(fold(p) == fold(lemma) for p in past):
            return None
        if imperfect and not any(fold(f.form) == fold(imperfect) for f in v.slots.get("ind_3ms", ())):
            return None
        want = _shadda_positions(lemma)
        if want and not any(want <= _shadda_positions(p) for p in past):
            return None
        return v

    lines = [
        "# GENERATED by `python -m hadath.extractor.morphology_build --paradigms` (make morphology-db);"
        " do not edit.",
        f"# Source: mazini {mazini.__version__} (CC BY 4.0): conjugator + attested root x pattern lexicon.",
        "# One row per distinct undiacritised form: lemma, imperfect, root, wazn, form, mazini slots.",
        "lemma\timperfect\troot\twazn\tform\tslots",
    ]
    roots = lexicon_roots()
    for lemma, imperfect in verbs:
        cands = _candidate_roots(lemma, roots)
        hits = [(r, w, v) for r in cands for w in attested_wazns(r) if (v := matches(r, w, lemma, imperfect))]
        if not hits:
            hits = [(r, w, v) for r in cands for w in WAZN_BY_NAME if (v := matches(r, w, lemma, imperfect))]
        if not hits:
            problems.append(f"no root x pattern conjugates to {lemma} / {imperfect or '-'}: verb left out")
            continue
        # prefer the patterns spelled exactly as the lemma (اتهم: افتعل, not أفعل أتهم), then,
        # for a lemma written without shadda, those spelled without one (قصف I, not II)
        exact = [h for h in hits if strip_marks(h[2].slots["past_3ms"][0].form) == strip_marks(lemma)]
        hits = exact or hits
        plain = [h for h in hits if not _shadda_positions(h[2].slots["past_3ms"][0].form)]
        if plain and not _shadda_positions(lemma):
            hits = plain
        forms: dict[str, list[str]] = {}
        for _root, _wazn, v in hits:
            for slot, values in v.slots.items():
                if not _SLOT_RE.match(slot):
                    continue
                for value in values:
                    form = strip_marks(value.form)
                    if (
                        form
                        and form != "?"
                        and _is_arabic_word(form)
                        and slot not in forms.setdefault(form, [])
                    ):
                        forms[form].append(slot)
                    if "ؤو" in form and _is_arabic_word(form):
                        # the hamza before و is also written on alef in news (بدؤوا / بدأوا)
                        variant = form.replace("ؤو", "أو")
                        if slot not in forms.setdefault(variant, []):
                            forms[variant].append(slot)
                    if slot == "ap" and value.form.endswith("\u064d"):
                        # a defective participle (نافٍ، داعٍ) shows its ي before any ending:
                        # نافيا، نافية، النافي
                        forms.setdefault(form + "ي", []).append("ap_obl")
        root = ",".join(sorted({h[0] for h in hits}))
        wazn = ",".join(sorted({h[1] for h in hits}))
        for form, slots in forms.items():
            lines.append("\t".join((lemma, imperfect or "-", root, wazn, form, ",".join(slots))))
    return "\n".join(lines) + "\n"


def read_verbs(triggers: Path = TRIGGERS_PATH, cues: Path = CUES_PATH) -> list[tuple[str, str]]:
    """(perfect 3ms head word, imperfect 3ms head word or '') of every V row of both lexicons."""
    out: dict[tuple[str, str], tuple[str, str]] = {}
    # triggers.tsv: lemma pos forms ...; cues.tsv: kind pos lemma forms ...
    for path, lemma_col, forms_col in ((triggers, 0, 2), (cues, 2, 3)):
        for _lineno, cols in _tsv_rows(path):
            if len(cols) <= lemma_col or cols[lemma_col] == "lemma" or cols[1].upper() != "V":
                continue
            lemma = _first_word(cols[lemma_col])
            forms = cols[forms_col] if len(cols) > forms_col else "-"
            imperfect = _first_word(forms) if forms.strip() not in ("", "-") else None
            if lemma is None:
                continue
            out.setdefault(paradigm_key(lemma, imperfect), (lemma, imperfect or ""))
    return list(out.values())


# --------------------------------------------------------------------------- nouns
# Noun suffix classes:
#   S  bare ''          SA tanwin-alif ا (indefinite)     SE + enclitic (no article)
#   SD dual ان/ين
#   T  ة (or ه)         TE ت + enclitic (no article)       TD dual تان/تين
_NOUN_SUFFIXES: dict[str, tuple[tuple[str, str, dict[str, str]], ...]] = {
    "S": (("", "-", {}),),
    "SA": (("ا", "-", {}),),
    "SD": (("ان", "ان", {"num": "d"}), ("ين", "ين", {"num": "d"})),
    "T": (("ة", "ة", {}), ("ه", "ة", {})),  # ه: ة written without its dots
    "TD": (("تان", "تان", {"num": "d"}), ("تين", "تين", {"num": "d"})),
}
_NOUN_ENC_CLASSES = {"SE": ("", "-"), "TE": ("ت", "ة")}  # class: (link before enclitic, sfx)
_NO_ARTICLE = ("SA", "SE", "TE")


def _noun_affixes(db: _Db) -> None:
    for conj, cfeats in CONJ:
        db.prefix(conj, "NP", {**_d(conj), **cfeats})
        db.prefix(conj + "ال", "NPA", {"diac": conj + "ال", **cfeats, "prc0": "Al_det"})
        for prep, pval in PREPS:
            db.prefix(conj + prep, "NP", {"diac": conj + prep, **cfeats, "prc1": pval})
            art = conj + ("لل" if prep == "ل" else prep + "ال")
            db.prefix(art, "NPA", {"diac": art, **cfeats, "prc1": pval, "prc0": "Al_det"})
        # ل + ال + لقاء is written للقاء: the article vanishes before a ل-initial stem
        db.prefix(conj + "ل", "NPA_L", {"diac": conj + "ل", **cfeats, "prc1": "li_prep", "prc0": "Al_det"})
    for cls, forms in _NOUN_SUFFIXES.items():
        for surface, sfx, feats in forms:
            db.suffix(surface, f"NS_{cls}", {**_d(surface), "sfx": sfx, **feats})
    for cls, (link, sfx) in _NOUN_ENC_CLASSES.items():
        for enc, code in TAA_NOUN_ENCLITICS if link == "ت" else NOUN_ENCLITICS:
            db.suffix(link + enc, f"NS_{cls}", {"diac": link + enc, "sfx": sfx, "enc0": f"{code}_poss"})
    for cls in (*_NOUN_SUFFIXES, *_NOUN_ENC_CLASSES):
        db.ac.add(("NP", f"NS_{cls}"))
        if cls not in _NO_ARTICLE:
            db.ac.add(("NPA", f"NS_{cls}"))
            db.ac.add(("NPA_L", f"NS_{cls}"))


def _noun_stems(form: str, listed: bool) -> list[tuple[str, str, tuple[str, ...]]]:
    """(stem surface, base spelling, suffix classes) for a singular or plural form as written."""
    raw = strip_marks(form)
    f = fold(form)
    dual = () if listed else ("SD",)
    if listed and f.endswith(("ون", "ين", "ا")):  # sound plurals / listed accusatives: as listed
        return [(f, f, ("S",))]
    if raw.endswith("ة"):  # دعوة: دعوة، دعوته، دعوتان
        return [(f[:-1], f[:-1], ("T", "TE") + (() if listed else ("TD",)))]
    if raw.endswith("ى"):  # شكوى: شكواه، شكويان
        return [(f, f, ("S", *dual)), (f[:-1] + "ا", f, ("SE",))]
    tanwin = () if listed or f.endswith(("ات", "اء", "ا", "و")) else ("SA",)
    if f.endswith("ات"):
        dual = ()
    out = [(f, f, ("S", "SE", *tanwin, *dual))]
    if f.endswith("اء"):  # لقاء: لقاءه / لقاؤه / لقائه by case
        out += [(f[:-1] + "ؤ", f, ("SE",)), (f[:-1] + "ئ", f, ("SE",))]
    return out


def form_features(lemma: str, form: str) -> tuple[str, str]:
    """(num, gen) of a listed N form relative to its lemma.

    triggers.tsv lists plurals but also other forms of participles/adjectives
    (متهم: متهمة، متهمين؛ ناف: نافيا، نافية، نافين), so the shape decides.
    """
    raw_l, raw_f = strip_marks(lemma), strip_marks(form)
    lf, ff = fold(lemma), fold(form)
    if ff.endswith("ات") and not lf.endswith("ات"):
        return "p", "f"
    if ff[:-2] in (lf, lf + "ي") and ff.endswith(("ون", "ين")):
        return "p", "m"
    if raw_f.endswith("ة") and not raw_l.endswith("ة") and ff[:-1] in (lf, lf + "ي"):
        return "s", "f"
    if ff in (lf + "ا", lf + "يا"):
        return "s", "m"  # indefinite accusative listed explicitly
    return "p", "f" if raw_f.endswith("ة") else "m"


def _noun_forms(lemma: str, forms: Sequence[str]) -> list[tuple[str, str, str, str]]:
    """(form, num, gen, stem kind) for the lemma, its listed forms and derived extras."""
    raw = strip_marks(lemma)
    out = [(lemma, "s", "f" if raw.endswith(("ة", "ات")) else "m", "lemma")]
    lf = fold(lemma)
    for form in forms:
        num, gen = form_features(lemma, form)
        out.append((form, num, gen, "form"))
    # defective participles (ناف، داع) are written with ي once they take the article
    # (النافي، الداعي); the listed نافيا/نافية reveal it.
    if any(fold(f) in (lf + "يا", lf + "ية") for f in forms):
        out.append((lemma + "ي", "s", "m", "form"))
    return out


def _add_noun(db: _Db, lemma: str, forms: Sequence[str]) -> None:
    for form, num, gen, kind in _noun_forms(lemma, forms):
        # listed forms get no derived dual/tanwin: they already are the inflected form
        for surface, base, classes in _noun_stems(form, kind == "form"):
            cat = "N_" + ".".join(classes) + ("_L" if surface.startswith("ل") else "")
            feats = {"pos": "noun", "lex": lemma, "diac": base, "trig": "y", "gen": gen, "num": num}
            db.stem(surface, cat, feats)
            db.ab.add(("NP", cat))
            db.ab.add(("NPA", cat))
            if cat.endswith("_L"):
                db.ab.add(("NPA_L", cat))
            for cls in classes:
                db.bc.add((cat, f"NS_{cls}"))


def noun_surfaces(lemma: str, forms: Sequence[str]) -> list[str]:
    """Every clitic-free spelling of a noun the DB accepts (folded; ة kept), plus the
    spelling each takes before a possessive pronoun (دعوت-ه، لقاؤ-ه، لقائ-ه): what a
    clitic splitter must find after cutting the pronoun off."""
    out: dict[str, None] = {}
    for form, _num, _gen, kind in _noun_forms(lemma, forms):
        for surface, _base, classes in _noun_stems(form, kind == "form"):
            for cls in classes:
                if cls in _NOUN_ENC_CLASSES:
                    out[surface + _NOUN_ENC_CLASSES[cls][0]] = None
                else:
                    for suffix, _sfx, _feats in _NOUN_SUFFIXES[cls]:
                        out[surface + suffix] = None
    return list(out)


def verb_surfaces(rows: Sequence[ParadigmRow]) -> list[tuple[str, VerbForm]]:
    """Every clitic-free spelling of a verb (folded) with its form, plus the spelling it
    takes before an object pronoun (اتهمو-ه، نفا-ه)."""
    out: list[tuple[str, VerbForm]] = []
    for form in verb_forms(rows):
        out.append((form.surface, form))
        enc = before_enclitic(form)
        if enc is not None and enc != form.surface:
            out.append((enc, form))
    return out


# --------------------------------------------------------------------------- function words
def _function_affixes(db: _Db) -> None:
    for conj, cfeats in CONJ:
        db.prefix(conj, "FP", {**_d(conj), **cfeats})
        for prep, pval in PREPS:
            db.prefix(conj + prep, "FPP", {"diac": conj + prep, **cfeats, "prc1": pval})
            if prep == "ل":  # ل + الذي -> للذي
                db.prefix(conj + prep, "FPL", {"diac": conj + prep, **cfeats, "prc1": pval})
    db.suffix("", "FS", {})
    for enc, code in FUNC_ENCLITICS:
        db.suffix(enc, "FSE", {"diac": enc, "enc0": f"{code}_pron"})
    for pcat in ("FP", "FPP", "FPL"):
        db.ac.add((pcat, "FS"))
        db.ac.add((pcat, "FSE"))


@dataclass(frozen=True)
class FunctionWord:
    form: str
    pos: str
    proclitics: str  # '-' none, 'c' conjunctions, 'cp' conjunctions + ب/ل/ك
    enclitics: str  # 'n' none, 'y' optional, 'only' required (ل، ب)


def _add_function_word(db: _Db, fw: FunctionWord, trigger_lemma: str | None = None) -> None:
    f = fold(fw.form)
    suffix_cats = {"n": ("FS",), "y": ("FS", "FSE"), "only": ("FSE",)}[fw.enclitics]
    prefix_cats = {"-": (), "c": ("FP",), "cp": ("FP", "FPP")}[fw.proclitics]
    variants = [(f, prefix_cats)]
    if "FPP" in prefix_cats and f.startswith("ال"):
        variants.append((f[1:], ("FPL",)))  # للذي، للتي
    for surface, pcats in variants:
        cat = "F_" + ".".join(suffix_cats) + "_" + (".".join(pcats) or "bare")
        lex = {"lex": trigger_lemma, "trig": "y"} if trigger_lemma else {"lex": fw.form}
        db.stem(surface, cat, {"pos": fw.pos, "diac": f, **lex})
        if not pcats:
            db.ab.add(("F0", cat))
        for pcat in pcats:
            db.ab.add((pcat, cat))
        for scat in suffix_cats:
            db.bc.add((cat, scat))
    if fw.proclitics == "-":
        db.prefix("", "F0", {})
        db.ac.update({("F0", "FS"), ("F0", "FSE")})


# --------------------------------------------------------------------------- lexicon input
@dataclass(frozen=True)
class LexEntry:
    lemma: str
    pos: str  # 'V' or 'N'
    forms: tuple[str, ...]
    circumstantial: bool = False  # V with '+hal': its participle is a trigger too


def _tsv_rows(path: Path) -> Iterable[tuple[int, list[str]]]:
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            yield lineno, [c.strip() for c in line.rstrip("\n").split("\t")]


def read_triggers(path: Path = TRIGGERS_PATH, problems: list[str] | None = None) -> list[LexEntry]:
    """Unique (lemma, pos) lexicon words of triggers.tsv.

    Multiword triggers (أبدى استعداده، اتصال هاتفي) contribute their FIRST word, the one that
    inflects; the extractor checks the following words itself.  Repeated senses merge.
    Rows or forms the generator cannot inflect (not Arabic, imperfect not in يـ, unknown pos)
    are skipped and described in ``problems`` rather than failing the whole build: the
    lexicon belongs to another module and must stay editable.
    """
    problems = problems if problems is not None else []
    merged: dict[tuple[str, str], list[str]] = {}
    circumstantial: set[str] = set()
    for lineno, cols in _tsv_rows(path):
        where = f"{path.name}:{lineno}"
        if len(cols) < 3:
            problems.append(f"{where}: skipped, expected at least lemma, pos, forms")
            continue
        phrase, pos, forms = cols[0], cols[1].upper(), cols[2]
        if phrase.lower() == "lemma":
            continue  # header row
        lemma = _first_word(phrase)
        if pos not in ("V", "N") or lemma is None:
            problems.append(f"{where}: skipped {phrase!r} (pos {cols[1]!r}): not a V/N Arabic word")
            continue
        items = merged.setdefault((lemma, pos), [])
        if pos == "V" and len(cols) > 7 and "+hal" in cols[7]:
            circumstantial.add(lemma)
        for form in forms.split(","):
            if form.strip() in ("", "-"):
                continue
            word = _first_word(form)
            if word is None or (pos == "V" and not _is_imperfect_3ms(word)):
                problems.append(f"{where}: skipped form {form.strip()!r} of {lemma}")
            elif word not in items:
                items.append(word)
    return [
        LexEntry(lemma, pos, tuple(forms), pos == "V" and lemma in circumstantial)
        for (lemma, pos), forms in merged.items()
    ]


def _first_word(phrase: str) -> str | None:
    words = phrase.split()
    return words[0] if words and _is_arabic_word(words[0]) else None


def _is_imperfect_3ms(word: str) -> bool:
    f = fold(word)
    return len(f) >= 3 and f[0] == "ي"


def read_function_words(path: Path = FUNCTION_WORDS_PATH) -> list[FunctionWord]:
    out = []
    for lineno, cols in _tsv_rows(path):
        if len(cols) < 4:
            raise ValueError(f"{path}:{lineno}: expected form, pos, proclitics, enclitics")
        fw = FunctionWord(cols[0], cols[1], cols[2], cols[3])
        if fw.pos not in CLOSED_FEATS["pos"] or fw.proclitics not in ("-", "c", "cp"):
            raise ValueError(f"{path}:{lineno}: bad pos or proclitics in {cols!r}")
        if fw.enclitics not in ("n", "y", "only") or not _is_arabic_word(fw.form):
            raise ValueError(f"{path}:{lineno}: bad enclitics or form in {cols!r}")
        out.append(fw)
    return out


_ARABIC_WORD_RE = re.compile("^[\u0621-\u064a]+$")


def _is_arabic_word(word: str) -> bool:
    return bool(_ARABIC_WORD_RE.match(fold(word)))


# --------------------------------------------------------------------------- rendering
def build_db_text(
    entries: Sequence[LexEntry],
    function_words: Sequence[FunctionWord],
    paradigms: dict[tuple[str, str], list[ParadigmRow]],
    problems: list[str] | None = None,
) -> str:
    problems = problems if problems is not None else []
    db = _Db()
    _verb_affixes(db)
    _noun_affixes(db)
    _function_affixes(db)
    fw_forms = {fold(fw.form): fw for fw in function_words}
    trigger_fw: dict[str, str] = {}
    for e in entries:
        if fold(e.lemma) in fw_forms:
            # على (of على استعداد) stays a preposition, but its analyses carry the lemma
            trigger_fw[fold(e.lemma)] = e.lemma
        elif e.pos == "V":
            rows = [r for imp in e.forms or ("",) for r in paradigms.get(paradigm_key(e.lemma, imp), ())]
            if not rows:
                problems.append(f"no paradigm for {e.lemma}: run make morphology-db")
            _add_verb(db, e.lemma, rows)
            participle = circumstantial_participle(rows) if e.circumstantial else None
            if participle is not None:
                _add_noun(db, *participle)
        else:
            _add_noun(db, e.lemma, e.forms)
    for fw in function_words:
        _add_function_word(db, fw, trigger_fw.get(fold(fw.form)))
    # camel-tools indexes prefix_stem_compat[prefix_cat] unguarded: every prefix category
    # must appear in TABLE AB even when no stem of that kind exists.
    prefix_cats = {cat for _, cat, _ in db.prefixes}
    missing = prefix_cats - {a for a, _ in db.ab}
    db.ab.update((cat, "__none__") for cat in missing)

    lines = ["###DEFINES###"]
    for feat in FEATS:
        if feat in OPEN_FEATS:
            lines.append(f"DEFINE {feat} {feat}:*open*")
        else:
            lines.append(f"DEFINE {feat} " + " ".join(f"{feat}:{v}" for v in CLOSED_FEATS[feat]))
    lines.append("###DEFAULTS###")
    for pos in CLOSED_FEATS["pos"]:
        vals = {"pos": pos, "lex": "*", "diac": "*", **STEM_DEFAULTS}
        lines.append("DEFAULT " + _feats(vals))
    lines.append("###ORDER###")
    lines.append("ORDER " + " ".join(FEATS))
    lines.append("###TOKENIZATIONS###")
    lines.append("###STEMBACKOFF###")
    lines.append("###PREFIXES###")
    lines += [f"{s}\t{c}\t{f}" for s, c, f in sorted(db.prefixes)]
    lines.append("###SUFFIXES###")
    lines += [f"{s}\t{c}\t{f}" for s, c, f in sorted(db.suffixes)]
    lines.append("###STEMS###")
    lines += [f"{s}\t{c}\t{f}" for s, c, f in sorted(db.stems)]
    lines.append("###TABLE AB###")
    lines += [f"{a} {b}" for a, b in sorted(db.ab)]
    lines.append("###TABLE BC###")
    lines += [f"{a} {b}" for a, b in sorted(db.bc)]
    lines.append("###TABLE AC###")
    lines += [f"{a} {b}" for a, b in sorted(db.ac)]
    # camel-tools' parser has no comment syntax: provenance lives in the README.
    return "\n".join(lines) + "\n"


def build_from_files(
    triggers: Path = TRIGGERS_PATH,
    function_words: Path = FUNCTION_WORDS_PATH,
    problems: list[str] | None = None,
    paradigms: Path = PARADIGMS_PATH,
) -> str:
    problems = problems if problems is not None else []
    return build_db_text(
        read_triggers(triggers, problems),
        read_function_words(function_words),
        read_paradigms(paradigms),
        problems,
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triggers", type=Path, default=TRIGGERS_PATH)
    ap.add_argument("--cues", type=Path, default=CUES_PATH)
    ap.add_argument("--function-words", type=Path, default=FUNCTION_WORDS_PATH)
    ap.add_argument("--paradigms-file", type=Path, default=PARADIGMS_PATH)
    ap.add_argument("--out", type=Path, default=DB_PATH)
    ap.add_argument(
        "--paradigms",
        action="store_true",
        help="first regenerate the verb paradigms with mazini (the build-lexicon extra)",
    )
    ap.add_argument(
        "--check", action="store_true", help="exit 1 if --out (or, with --paradigms, the paradigms) is stale"
    )
    args = ap.parse_args(argv)
    problems: list[str] = []
    stale: list[Path] = []
    if args.paradigms:
        ptext = generate_paradigms(read_verbs(args.triggers, args.cues), problems)
        if args.check:
            current = args.paradigms_file.read_text(encoding="utf-8") if args.paradigms_file.exists() else ""
            if current != ptext:
                stale.append(args.paradigms_file)
        else:
            args.paradigms_file.write_text(ptext, encoding="utf-8")
            print(f"wrote {args.paradigms_file} ({ptext.count(chr(10)) - 4} forms)")
    text = build_from_files(args.triggers, args.function_words, problems, args.paradigms_file)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            stale.append(args.out)
        for path in stale:
            print(f"{path} is stale: run make morphology-db", file=sys.stderr)
        if not stale:
            print(f"{args.out} is up to date")
        return 1 if stale else 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    n_stems = text.split("###STEMS###\n", 1)[1].split("###TABLE AB###", 1)[0].count("\n")
    print(f"wrote {args.out} ({n_stems} stems)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
