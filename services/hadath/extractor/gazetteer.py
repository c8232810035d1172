"""Gazetteer matching over tokens (actors.tsv, places.tsv) and place coordinates.

Longest match wins. The first token of a match may carry proclitics (و ف ب ل ك,
ال, لل): 'وللولايات المتحدة' matches the form 'الولايات المتحدة'. Forms are folded
(alef/yeh/teh-marbuta, diacritics) exactly like the document text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Generic, TypeVar

from hadath.extractor.morph import splits
from hadath.extractor.text import Token, fold, tokenize

DATA_DIR = Path(__file__).resolve().parent / "data"
PLACES_COORDINATES_TSV = DATA_DIR / "places_coordinates.tsv"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Coordinates:
    latitude: float
    longitude: float
    gazetteer_id: str  # "geonames:<id>"


@cache
def country_names() -> dict[str, str]:
    """Alpha-3 code -> the English name of its country row in places.tsv."""
    names: dict[str, str] = {}
    for cols in read_tsv(DATA_DIR / "places.tsv"):
        if len(cols) >= 4 and cols[3] == "country":
            names.setdefault(cols[2], cols[1])
    return names


@cache
def place_coordinates() -> dict[tuple[str, str], Coordinates]:
    """(English name, alpha-3 country) of a places.tsv row -> where it is (GeoNames, joined at
    build time by data/tools/places_coordinates.py)."""
    return {
        (name, country): Coordinates(float(lat), float(lon), f"geonames:{gid}")
        for name, country, gid, lat, lon, *_ in read_tsv(PLACES_COORDINATES_TSV)
    }


@dataclass(frozen=True, slots=True)
class Match(Generic[T]):
    start: int  # token index (inclusive)
    end: int  # token index (exclusive)
    payload: T
    prefix_len: int  # characters of proclitic on the first token (not part of the name)


def _form_tokens(form: str) -> tuple[str, ...]:
    f = fold(form)
    return tuple(f[s:e] for s, e in tokenize(f))


@lru_cache(maxsize=200_000)
def _first_token_keys(word: str) -> tuple[tuple[str, int], ...]:
    """Ways the first word of a name can appear after stripping proclitics:
    (key, number of proclitic characters)."""
    keys: list[tuple[str, int]] = [(word, 0)]
    for sp in splits(word):
        if sp.enclitic or sp.future:
            continue
        n_pre = len(sp.conj) + len(sp.prep)
        if sp.article:
            key = "ال" + sp.stem
            # لل: the article's alef is elided, so the prefix is one char shorter
            pre = len(word) - len(sp.stem) - 2
            keys.append((key, max(pre, 0)))
            # a row listed without the article ('وزير') also matches 'الوزير'
            keys.append((sp.stem, len(word) - len(sp.stem)))
        elif n_pre:
            keys.append((sp.stem, n_pre))
    seen: set[str] = set()
    out = []
    for k, p in keys:
        if k not in seen:
            seen.add(k)
            out.append((k, p))
    return tuple(out)


class Gazetteer(Generic[T]):
    """Token-sequence dictionary with longest-match lookup."""

    def __init__(self, items: Sequence[tuple[str, T]]) -> None:
        self._index: dict[str, list[tuple[tuple[str, ...], T]]] = {}
        # one-word forms by word; longer forms by (first word, second word), longest first
        self._single: dict[str, T] = {}
        self._multi: dict[tuple[str, str], list[tuple[tuple[str, ...], T]]] = {}
        for form, payload in items:
            toks = _form_tokens(form)
            if not toks:
                continue
            self._index.setdefault(toks[0], []).append((toks, payload))
            if len(toks) == 1:
                self._single.setdefault(toks[0], payload)
            else:
                self._multi.setdefault((toks[0], toks[1]), []).append((toks, payload))
        for lst in self._multi.values():
            lst.sort(key=lambda x: -len(x[0]))
        self.size = sum(len(v) for v in self._index.values())
        self._keys_cache: dict[str, tuple[tuple[str, int], ...]] = {}

    def _keys(self, word: str) -> tuple[tuple[str, int], ...]:
        """First-word keys of ``word`` that start some entry (memoised per word)."""
        got = self._keys_cache.get(word)
        if got is None:
            got = tuple(kp for kp in _first_token_keys(word) if kp[0] in self._index)
            if len(self._keys_cache) < 500_000:
                self._keys_cache[word] = got
        return got

    def match_at(self, tokens: Sequence[Token], i: int, limit: int) -> Match[T] | None:
        best: Match[T] | None = None
        second = tokens[i + 1].norm if i + 1 < limit else None
        for key, pre in self._keys(tokens[i].norm):
            if second is not None:
                for toks, payload in self._multi.get((key, second), ()):
                    n = len(toks)
                    if i + n > limit:
                        continue
                    if best is not None and n <= best.end - best.start:
                        break
                    if all(tokens[i + k].norm == toks[k] for k in range(2, n)):
                        best = Match(i, i + n, payload, pre)
                        break
            if best is None and key in self._single:
                best = Match(i, i + 1, self._single[key], pre)
        return best

    def find(self, tokens: Sequence[Token], start: int, end: int) -> list[Match[T]]:
        out: list[Match[T]] = []
        i = start
        keys = self._keys
        cache = self._keys_cache
        while i < end:
            w = tokens[i].norm
            got = cache.get(w)
            if got is None:
                got = keys(w)
            if not got:
                i += 1
                continue
            m = self.match_at(tokens, i, end)
            if m is None:
                i += 1
                continue
            out.append(m)
            i = m.end
        return out


def read_tsv(path: Path) -> list[list[str]]:
    rows: list[list[str]] = []
    if not path.exists():
        return rows
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        rows.append([c.strip() for c in raw.split("\t")])
    return rows
