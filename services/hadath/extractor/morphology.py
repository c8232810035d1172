"""Arabic morphology for the extractor: camel-tools' analyzer over hadath's own database.

The database (``data/morphology/hadath.db``) is generated from ``triggers.tsv`` by
:mod:`hadath.extractor.morphology_build`; see ``data/morphology/README.md``.  This module
wraps camel-tools' :class:`MorphologyDB`/:class:`Analyzer` behind the small, typed API the
extractor agreed on (``docs``: notes/extractor-interfaces.md, Morphology section).
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from hadath.extractor.morphology_build import DB_PATH, MORPH_DIR, fold, strip_marks

# camel_tools.data loads catalogue.json from $CAMELTOOLS_DATA at import time and DOWNLOADS it
# when absent.  Nothing may download at runtime, so point it at the project's minimal
# catalogue unless the environment already names a folder that has one.
_LOCAL_CAMEL_DATA = MORPH_DIR / "camel_data"
_env_data = os.environ.get("CAMELTOOLS_DATA")
if not _env_data or not (Path(_env_data).expanduser() / "catalogue.json").is_file():
    os.environ["CAMELTOOLS_DATA"] = str(_LOCAL_CAMEL_DATA)


def _import_camel() -> tuple[type, type]:
    """Import camel-tools' analyzer; survives a read-only or missing HOME.

    camel_tools.data also mkdirs ~/.camel_tools at import (even when CAMELTOOLS_DATA is set),
    which raises in containers with a read-only root filesystem.  Then HOME points at the
    temp dir for the duration of the import only.
    """
    saved_home = os.environ.get("HOME")
    try:
        (Path.home() / ".camel_tools").mkdir(parents=True, exist_ok=True)
        patched = False
    except (OSError, RuntimeError):
        os.environ["HOME"] = tempfile.gettempdir()
        patched = True
    try:
        from camel_tools.morphology.analyzer import Analyzer
        from camel_tools.morphology.database import MorphologyDB
    finally:
        if patched:
            if saved_home is None:
                os.environ.pop("HOME", None)
            else:
                os.environ["HOME"] = saved_home
    return Analyzer, MorphologyDB


Analyzer, MorphologyDB = _import_camel()

__all__ = ["DB_PATH", "Analysis", "Morphology", "fold", "strip_marks"]


@dataclass(frozen=True)
class Analysis:
    lemma: str | None  # the triggers.tsv lemma (as written there) when the stem is a lexicon word
    pos: str  # 'verb' | 'noun' | 'other'
    aspect: str | None  # 'perf' | 'imperf' | None
    person: str | None  # '1' | '2' | '3'
    number: str | None  # 's' | 'd' | 'p'
    gender: str | None  # 'm' | 'f'
    conj: str | None  # 'و' | 'ف'
    future: bool  # سـ on an imperfect verb
    prep: str | None  # proclitic ب ل ك (لـ before a verb -- lam of purpose -- is reported as 'ل')
    article: bool  # ال
    enclitic: str | None  # pronoun suffix: 'ه' 'ها' 'هما' 'هم' 'هن' 'ك' 'كما' 'كم' 'كن' 'نا' 'ني' 'ي'
    stem: str  # the word without clitics, folded (see fold(); ة kept): يلتقي، اتهامات، دعوة


_CONJ = {"wa_conj": "و", "fa_conj": "ف"}
_PREP = {"bi_prep": "ب", "li_prep": "ل", "ka_prep": "ك", "li_sub": "ل"}
_ASPECT = {"p": "perf", "i": "imperf"}
_ENCLITIC = {
    "3ms": "ه",
    "3fs": "ها",
    "3d": "هما",
    "3mp": "هم",
    "3fp": "هن",
    "2ms": "ك",
    "2fs": "ك",
    "2d": "كما",
    "2mp": "كم",
    "2fp": "كن",
    "1p": "نا",
}
_POS = {"verb": "verb", "noun": "noun"}
_NONE_VALUES = frozenset({"na", "0", "-", ""})
_ARABIC_LETTERS_RE = re.compile("^[\u0621-\u064a]+$")

# proclitic strings strip_clitics tries, built like the DB's noun prefixes:
# (و|ف)? then (ب|ك|ل)? then ال, with ل + ال written لل
_PROCLITIC_SPLITS: tuple[str, ...] = tuple(
    sorted(
        {
            conj + prep + art
            for conj in ("", "و", "ف")
            for prep in ("", "ب", "ك", "ل")
            for art in ("", "ال")
            if not (prep == "ل" and art)
        }
        | {conj + "لل" for conj in ("", "و", "ف")},
        key=lambda p: (-len(p), p),
    )
)
_MIN_REST = 2


def _val(d: dict[str, Any], key: str) -> str | None:
    v = d.get(key)
    return None if v is None or v in _NONE_VALUES else str(v)


def _enclitic(code: str | None) -> str | None:
    """camel-tools enc0 ('3ms_poss', '1s_dobj', '1s_pron') -> the Arabic suffix."""
    if code is None:
        return None
    png, _, kind = code.partition("_")
    if png == "1s":
        return "ني" if kind == "dobj" else "ي"
    return _ENCLITIC.get(png)


def to_analysis(d: dict[str, Any]) -> Analysis:
    """Map one camel-tools analysis dict (from hadath.db) to an :class:`Analysis`."""
    pos = _POS.get(str(d.get("pos")), "other")
    pfx = _val(d, "pfx") or ""
    sfx = _val(d, "sfx") or ""
    return Analysis(
        lemma=str(d["lex"]) if d.get("trig") == "y" else None,
        pos=pos,
        aspect=_ASPECT.get(str(d.get("asp"))),
        person=_val(d, "per"),
        number=_val(d, "num"),
        gender=_val(d, "gen"),
        conj=_CONJ.get(str(d.get("prc2"))),
        future=d.get("prc1") == "sa_fut",
        prep=_PREP.get(str(d.get("prc1"))),
        article=d.get("prc0") == "Al_det",
        enclitic=_enclitic(_val(d, "enc0")),
        stem=pfx + str(d["stem"]) + sfx,
    )


def _rank(a: Analysis) -> tuple[int, int, int, int]:
    """Most useful first: lexicon words, 3rd person, fewest clitics, verbs before nouns."""
    clitics = sum((a.conj is not None, a.future, a.prep is not None, a.article, a.enclitic is not None))
    return (
        a.lemma is None,
        a.person not in (None, "3"),
        clitics,
        {"verb": 0, "noun": 1}.get(a.pos, 2),
    )


class _FoldedAnalyzer(Analyzer):
    """camel-tools' Analyzer, entered after our own folding and Arabic-letters check.

    Analyzer.analyze spends a third of its time classifying the token (digit / punctuation /
    Latin regexes over all of Unicode's punctuation) before the prefix-stem-suffix search.
    Morphology only passes folded, purely Arabic-letter words, so this runs the same search
    (same cuts, camel-tools' own _combined_analyses/merge_features) without those checks.
    tests/unit/test_morphology.py pins that it returns what Analyzer.analyze returns.
    """

    def analyze_folded(self, word: str) -> list[dict[str, Any]]:
        db = self._db
        n = len(word)
        # camel-tools' _segments_gen tries every (prefix, stem, suffix) cut up to the longest
        # affix; enumerating only the prefixes and suffixes present in the DB is the same
        # search with ~5x fewer lookups (prefix <= n-1 letters, stem >= 1 letter, as there).
        prefixes = [
            (i, pa)
            for i in range(min(db.max_prefix_size, n - 1) + 1)
            if (pa := db.prefix_hash.get(word[:i])) is not None
        ]
        suffixes = [
            (k, sa)
            for k in range(min(db.max_suffix_size, n - 1) + 1)
            if (sa := db.suffix_hash.get(word[n - k :])) is not None
        ]
        out: list[dict[str, Any]] = []
        for i, prefix_analyses in prefixes:
            for k, suffix_analyses in suffixes:
                if i + k >= n:
                    break
                stem_analyses = db.stem_hash.get(word[i : n - k])
                if stem_analyses is not None:
                    out.extend(self._combined_analyses(word, prefix_analyses, stem_analyses, suffix_analyses))
        return out


class Morphology:
    """Analyses of Arabic tokens against hadath's generated morphology DB.

    Thread-safe; ``analyze`` is memoised in a bounded LRU cache (tokens repeat a lot:
    the corpus has ~10x more tokens than distinct tokens).
    """

    _default: Morphology | None = None
    _default_lock = threading.Lock()

    def __init__(self, db_path: Path | str = DB_PATH, cache_size: int = 100_000) -> None:
        self.db_path = Path(db_path)
        self._db = MorphologyDB(str(self.db_path), "a")
        # cache_size=0: camel-tools' own LFU cache is bypassed, we memoise the typed result
        self._analyzer = _FoldedAnalyzer(self._db, backoff="NONE", cache_size=0)
        self._cached = lru_cache(maxsize=cache_size)(self._analyze_uncached)

    @classmethod
    def default(cls) -> Morphology:
        """The process-wide instance over the shipped DB (loaded once, on first use)."""
        if cls._default is None:
            with cls._default_lock:
                if cls._default is None:
                    cls._default = cls()
        return cls._default

    def analyze(self, word: str) -> tuple[Analysis, ...]:
        """All analyses of a token as it appears in text; () when nothing in the DB fits.

        Diacritics, tatweel, أ/إ/آ/ٱ and ى/ي variants are folded; ة written ه is accepted
        on ة-nouns, but a written ة is never read as the enclitic ه (وزارة is not و+زار+ه).
        """
        return self._cached(word)

    def analyze_uncached(self, word: str) -> tuple[Analysis, ...]:
        """analyze() without the memo (for benchmarks and tests)."""
        return self._analyze_uncached(word)

    def cache_info(self) -> Any:
        return self._cached.cache_info()

    def _analyze_uncached(self, word: str) -> tuple[Analysis, ...]:
        folded = fold(word.strip())
        if not _ARABIC_LETTERS_RE.match(folded):
            return ()  # digits, Latin, punctuation, mixed tokens: not Arabic words
        found = dict.fromkeys(to_analysis(d) for d in self._analyzer.analyze_folded(folded))
        return tuple(sorted(found, key=_rank))

    def lemmas(self, word: str) -> frozenset[str]:
        """Convenience: the lexicon lemmas among analyze(word)."""
        return frozenset(a.lemma for a in self.analyze(word) if a.lemma is not None)

    @staticmethod
    def strip_clitics(word: str) -> tuple[tuple[str, str], ...]:
        """Plausible (proclitics, rest) splits of a word outside the lexicon, longest first.

        Rules, not the DB: (و|ف)? (ب|ك|ل)? (ال)? with ل+ال written لل; the rest keeps at least
        two letters.  Diacritics and tatweel are removed first but letters are NOT folded,
        so proclitics + rest == strip_marks(word).  A rest after ال/لل lacks the article:
        callers matching article-bearing names should also try 'ال' + rest.

        >>> Morphology.strip_clitics('وبروسيا')
        (('وب', 'روسيا'), ('و', 'بروسيا'), ('', 'وبروسيا'))
        """
        w = strip_marks(word.strip())
        splits = [(p, w[len(p) :]) for p in _PROCLITIC_SPLITS if p and w.startswith(p)]
        out = [(p, rest) for p, rest in splits if len(rest) >= _MIN_REST]
        out.append(("", w))
        return tuple(out)


def _bench(corpus: Path) -> None:
    """Analyses per second over every token of a JSONL corpus (title + body)."""
    import json
    import time

    from camel_tools.tokenizers.word import simple_word_tokenize

    tokens: list[str] = []
    n_articles = 0
    with corpus.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                art = json.loads(line)
                n_articles += 1
                tokens += simple_word_tokenize(f"{art.get('title', '')}\n{art.get('body', '')}")
    t0 = time.perf_counter()
    morph = Morphology()
    t_load = time.perf_counter() - t0
    distinct = set(tokens)
    t0 = time.perf_counter()
    for tok in tokens:
        morph.analyze_uncached(tok)
    t_uncached = time.perf_counter() - t0
    t0 = time.perf_counter()
    for tok in tokens:
        morph.analyze(tok)
    t_first = time.perf_counter() - t0
    t0 = time.perf_counter()
    for tok in tokens:
        morph.analyze(tok)
    t_warm = time.perf_counter() - t0
    hits = sum(1 for tok in tokens if any(a.lemma for a in morph.analyze(tok)))
    print(
        json.dumps(
            {
                "articles": n_articles,
                "tokens": len(tokens),
                "distinct_tokens": len(distinct),
                "db_load_s": round(t_load, 3),
                "uncached_tokens_per_s": round(len(tokens) / t_uncached),
                "memoised_cold_tokens_per_s": round(len(tokens) / t_first),
                "memoised_warm_tokens_per_s": round(len(tokens) / t_warm),
                "articles_per_s_morphology_only_cold": round(n_articles / t_first, 1),
                "tokens_with_lexicon_lemma": hits,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="hadath morphology: benchmark over a JSONL corpus")
    ap.add_argument("--bench", type=Path, required=True, metavar="ARTICLES_JSONL")
    _bench(ap.parse_args().bench)
