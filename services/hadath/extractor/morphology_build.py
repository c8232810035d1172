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

DATA_DIR = Path(__file__).resolve().parent / "data"
MORPH_DIR = DATA_DIR / "morphology"
TRIGGERS_PATH = DATA_DIR / "triggers.tsv"
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
# Perfect suffix classes.  A verb stem lists which classes it takes, so weak verbs can use
# different stem spellings per class (نفى: نفي+ا but نف+ت, نف+وا).
#   0  : 3ms, no enclitic        0E : 3ms + enclitic
#   T  : ت 3fs, تا 3fd            A  : ا 3md
#   W  : وا 3mp (و before an enclitic)
#   C  : consonant-initial: ن 3fp, ت 1s/2ms/2fs, نا 1p, تم 2mp, تما 2d, تن 2fp
#   CN : ن/نا merged into a stem-final ن (أدنّا)
_PV_CELLS: dict[str, tuple[tuple[str, str, str, str, str], ...]] = {
    # class: (suffix, per, gen, num, form before enclitic or '' when no enclitic allowed)
    "0": (("", "3", "m", "s", ""),),
    "0E": (("", "3", "m", "s", "="),),
    "T": (("ت", "3", "f", "s", "ت"), ("تا", "3", "f", "d", "تا")),
    "A": (("ا", "3", "m", "d", "ا"),),
    "W": (("وا", "3", "m", "p", "و"),),
    "C": (
        ("ن", "3", "f", "p", "ن"),
        ("ت", "1", "na", "s", "ت"),
        ("ت", "2", "m", "s", "ت"),
        ("ت", "2", "f", "s", "ت"),
        ("نا", "1", "na", "p", "نا"),
        ("تم", "2", "m", "p", "تمو"),
        ("تما", "2", "na", "d", "تما"),
        ("تن", "2", "f", "p", "تن"),
    ),
    # stems ending in ن merge it with ن/نا: أدان -> أدنّا (1p), أعلن -> أعلنّا
    # (no enclitics: أدناه is nearly always the adverb "below", not أدنّاه)
    "CN": (("ن", "3", "f", "p", ""), ("نا", "1", "na", "p", "")),
}
# Imperfect suffix classes (agreement features come from the prefix cell, see _IV_CELLS).
#   I0 bare, I0E + enclitic, IA dual ان/ا, IW masc plural ون/وا, IY 2fs ين/ي, IN fem plural ن,
#   IJ the bare ending on a jussive short stem (لم ينف، لم يزر)
# Mood: 'i' indicative (ان/ون/ين), 's' subjunctive/jussive (ا/وا/ي), 'b' both, 'j' jussive stem.
_IV_SUFFIXES: dict[str, tuple[tuple[str, str, str], ...]] = {
    # class: ((surface, before-enclitic form, mood), ...) ; before-enclitic '' = no enclitic
    "I0": (("", "", "b"),),
    "I0E": (("", "=", "b"),),
    "IA": (("ان", "ان", "i"), ("ا", "ا", "s")),
    "IW": (("ون", "ون", "i"), ("وا", "و", "s")),
    "IY": (("ين", "ين", "i"), ("ي", "ي", "s")),
    "IN": (("ن", "ن", "b"),),
    "IJ": (("", "", "j"),),
}
# Proclitics before the agreement prefix, and the moods they allow: سـ the indicative, لـ
# (purpose) the subjunctive, و/ف alone any but the jussive short stem (the conjunction goes
# on لم/لا, not on the verb), nothing at all any mood.  This keeps لندن from reading as
# ل+ن+دن, ليبرمان as ل+ي+برم+ان and فيلق as ف+ي+لق.
# (category kind, conjunctions, proclitic, features, moods)
_IV_PROCLITICS = (
    ("", ("",), "", {}, "ibsj"),
    ("C", ("و", "ف"), "", {}, "ibs"),
    ("F", ("", "و", "ف"), "س", {"prc1": "sa_fut"}, "ib"),
    ("S", ("", "و", "ف"), "ل", {"prc1": "li_sub"}, "sb"),
)
# (agreement prefix, per, gen, num, suffix classes)
_IV_CELLS = (
    ("ي", "3", "m", "s", ("I0", "I0E")),
    ("ي", "3", "m", "d", ("IA",)),
    ("ي", "3", "m", "p", ("IW",)),
    ("ي", "3", "f", "p", ("IN",)),
    ("ت", "3", "f", "s", ("I0", "I0E")),
    ("ت", "3", "f", "d", ("IA",)),
    ("ت", "2", "m", "s", ("I0", "I0E")),
    ("ت", "2", "na", "d", ("IA",)),
    ("ت", "2", "m", "p", ("IW",)),
    ("ت", "2", "f", "s", ("IY",)),
    ("ت", "2", "f", "p", ("IN",)),
    ("ا", "1", "na", "s", ("I0", "I0E")),
    ("ن", "1", "na", "p", ("I0", "I0E")),
)


def _verb_affixes(db: _Db) -> None:
    """Affixes and tables shared by every verb stem (independent of the lexicon)."""
    for conj, cfeats in CONJ:
        db.prefix(conj, "PVP", {**_d(conj), **cfeats})
    for cls, cells in _PV_CELLS.items():
        cat = f"PVS_{cls}"
        db.ac.add(("PVP", cat))
        for suf, per, gen, num, before_enc in cells:
            agr = {"per": per, "gen": gen, "num": num, "sfx": suf or "-"}
            if before_enc != "=":
                db.suffix(suf, cat, {**_d(suf), **agr})
            if before_enc:
                base = "" if before_enc == "=" else before_enc
                for enc, code in VERB_ENCLITICS:
                    db.suffix(base + enc, cat, {"diac": base + enc, **agr, "enc0": f"{code}_dobj"})
    for cls, forms in _IV_SUFFIXES.items():
        for suf, before_enc, mood in forms:
            cat = f"IVS_{cls}_{mood}"
            if before_enc != "=":
                db.suffix(suf, cat, {**_d(suf), "sfx": suf or "-"})
            if before_enc:
                base = "" if before_enc == "=" else before_enc
                for enc, code in VERB_ENCLITICS:
                    db.suffix(
                        base + enc, cat, {"diac": base + enc, "sfx": suf or "-", "enc0": f"{code}_dobj"}
                    )
    for agr_pfx, per, gen, num, classes in _IV_CELLS:
        for kind, conjs, pro, pfeats, moods in _IV_PROCLITICS:
            cat = f"IVP{kind}_{per}{gen}{num}"
            for conj, cfeats in CONJ:
                if conj not in conjs:
                    continue
                surface = conj + pro + agr_pfx
                feats = {
                    "diac": surface,
                    **cfeats,
                    **pfeats,
                    "per": per,
                    "gen": gen,
                    "num": num,
                    "pfx": agr_pfx,
                }
                db.prefix(surface, cat, feats)
            for cls in (*classes, "IJ") if "I0" in classes else classes:
                for _suf, _enc, mood in _IV_SUFFIXES[cls]:
                    if mood in moods:
                        db.ac.add((cat, f"IVS_{cls}_{mood}"))


_FINAL_SHADDA_RE = re.compile("\u0651[\u064b-\u0650\u0652]*$")


def verb_kind(lemma: str) -> str:
    """Inflection class of a perfect 3ms lemma as written in triggers.tsv.

    'y' final ى (نفى، التقى)   'w' final ا (دعا)   'i' final ي (بقي)
    'dbl' doubled (شنّ، حث)    'hollow' medial ا (زار، أدان، اجتاح)   'sound' everything else
    """
    raw = strip_marks(lemma)
    p = fold(lemma)
    if raw.endswith("ى"):
        return "y"
    if raw.endswith("ا") and len(p) >= 3:
        return "w"
    if raw.endswith("ي") and len(p) >= 3:
        return "i"
    if _FINAL_SHADDA_RE.search(lemma.strip()) or len(p) == 2:
        return "dbl"
    if len(p) >= 3 and p[-2] == "ا" and not p.endswith("اء"):
        return "hollow"
    return "sound"


def _perfect_stems(lemma: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(stem surface, base spelling, suffix classes) for a perfect 3ms lemma as written."""
    p = fold(lemma)
    kind = verb_kind(lemma)
    if kind == "y":  # نفت/نفوا but نفيا/نفيت, نفاه
        return [(p, p, ("0", "A", "C")), (p[:-1], p[:-1], ("T", "W")), (p[:-1] + "ا", p, ("0E",))]
    if kind == "w":  # دعت/دعوا(3mp) but دعوا(3md)/دعوت
        return [(p, p, ("0", "0E")), (p[:-1], p[:-1], ("T", "W")), (p[:-1] + "و", p[:-1] + "و", ("A", "C"))]
    if kind == "i":  # بقيت/بقيا but بقوا
        return [(p, p, ("0", "0E", "T", "A", "C")), (p[:-1], p[:-1], ("W",))]
    if kind == "dbl":  # شنت/شنوا but شننا/شننت
        return [(p, p, ("0", "0E", "T", "A", "W")), (p + p[-1], p + p[-1], ("C",))]
    if kind == "hollow":  # زارت but زرت
        return [(p, p, ("0", "0E", "T", "A", "W")), (p[:-2] + p[-1], p[:-2] + p[-1], ("C",))]
    return [(p, p, ("0", "0E", "T", "A", "W", "C"))]


def _imperfect_stems(imperfect: str, kind: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(stem surface, base spelling, suffix classes) from the imperfect 3ms as written."""
    raw = strip_marks(imperfect)
    i = fold(imperfect)
    if len(i) < 3 or i[0] != "ي":
        raise ValueError(f"imperfect 3ms must start with ي and have a stem: {imperfect!r}")
    s = i[1:]
    out: list[tuple[str, str, tuple[str, ...]]] = []
    if raw.endswith("ى"):  # يسعى، يلقى: يسعون, يسعيان, لم يسع, يلقاه
        out += [(s, s, ("I0", "IA", "IN")), (s[:-1], s[:-1], ("IW", "IY")), (s[:-1] + "ا", s, ("I0E",))]
    elif raw.endswith(("ي", "و")):  # ينفي، يلتقي، يدعو
        out += [(s, s, ("I0", "I0E", "IA", "IN")), (s[:-1], s[:-1], ("IW", "IY"))]
    else:
        out.append((s, s, ("I0", "I0E", "IA", "IW", "IY", "IN")))
        if kind == "hollow" and len(s) >= 3 and s[-2] in "واي":  # jussive: لم يزر، لم يدن
            out.append((s[:-2] + s[-1], s[:-2] + s[-1], ("IJ",)))
    if raw.endswith(("ى", "ي", "و")) and len(s) >= 3:  # jussive: لم ينف، لم يدع
        out.append((s[:-1], s[:-1], ("IJ",)))
    return out


def _add_verb(db: _Db, lemma: str, imperfects: Sequence[str]) -> None:
    kind = verb_kind(lemma)
    stems = _perfect_stems(lemma)
    stems += [(c[:-1], c[:-1], ("CN",)) for c, _, cls in stems if "C" in cls and c.endswith("ن")]
    for surface, base, classes in stems:
        cat = "PV_" + ".".join(classes)
        db.stem(surface, cat, {"pos": "verb", "lex": lemma, "diac": base, "trig": "y", "asp": "p"})
        db.ab.add(("PVP", cat))
        for cls in classes:
            db.bc.add((cat, f"PVS_{cls}"))
    for imperfect in imperfects:
        for surface, base, classes in _imperfect_stems(imperfect, kind):
            cat = "IV_" + ".".join(classes)
            db.stem(surface, cat, {"pos": "verb", "lex": lemma, "diac": base, "trig": "y", "asp": "i"})
            for _pfx, per, gen, num, _ in _IV_CELLS:
                for kind, *_ in _IV_PROCLITICS:
                    db.ab.add((f"IVP{kind}_{per}{gen}{num}", cat))
            for cls in classes:
                for _suf, _enc, mood in _IV_SUFFIXES[cls]:
                    db.bc.add((cat, f"IVS_{cls}_{mood}"))


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
        for form in forms.split(","):
            if form.strip() in ("", "-"):
                continue
            word = _first_word(form)
            if word is None or (pos == "V" and not _is_imperfect_3ms(word)):
                problems.append(f"{where}: skipped form {form.strip()!r} of {lemma}")
            elif word not in items:
                items.append(word)
    return [LexEntry(lemma, pos, tuple(forms)) for (lemma, pos), forms in merged.items()]


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
def build_db_text(entries: Sequence[LexEntry], function_words: Sequence[FunctionWord]) -> str:
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
            _add_verb(db, e.lemma, e.forms)
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
) -> str:
    return build_db_text(read_triggers(triggers, problems), read_function_words(function_words))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triggers", type=Path, default=TRIGGERS_PATH)
    ap.add_argument("--function-words", type=Path, default=FUNCTION_WORDS_PATH)
    ap.add_argument("--out", type=Path, default=DB_PATH)
    ap.add_argument("--check", action="store_true", help="exit 1 if --out differs from a fresh build")
    args = ap.parse_args(argv)
    problems: list[str] = []
    text = build_from_files(args.triggers, args.function_words, problems)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is stale: run python -m hadath.extractor.morphology_build", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    n_stems = text.split("###STEMS###\n", 1)[1].split("###TABLE AB###", 1)[0].count("\n")
    print(f"wrote {args.out} ({n_stems} stems)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
