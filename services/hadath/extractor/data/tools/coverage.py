"""Report person-name-like tokens that follow titles and are NOT in the actor gazetteer.

Usage:
    python services/hadath/extractor/data/tools/coverage.py CORPUS.jsonl [--top 50] [--min-count 2]

CORPUS.jsonl: one article per line, either an article object ({"title", "body", ...}) or a gold
line ({"article": {...}, "events": [...]}). The report goes to stdout and is meant for the person
extending actors.tsv; do not commit its output (it quotes corpus text).

How it works: a "title" is any actors.tsv row of kind title (الرئيس، وزير الخارجية، السفير ...)
plus a few extra triggers (المتحدث باسم، زعيم، قائد ...). After the title we skip what usually
stands between a title and a name (demonyms, country names, "باسم X", "للأمم المتحدة", commas,
السابق ...) and take up to four following words as the name candidate. A candidate is covered
when some prefix of it (1..4 words) is a gazetteer form after folding and proclitic stripping.
Uncovered candidates are counted by their first two words.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

DATA = Path(__file__).resolve().parents[1]

_DIACRITICS = re.compile(r"[\u064B-\u0652\u0670\u0640]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_TOKEN = re.compile(r"[\u0621-\u064A\u0640\u064B-\u0652\u0670]+|[^\s\u0621-\u064A]")
_ARABIC_WORD = re.compile(r"^[\u0621-\u064A]+$")

# Triggers that are not gazetteer titles (they need the following "باسم X" or are too generic
# to be actor titles on their own, but a name often follows them).
EXTRA_TRIGGERS = {
    "المتحدث",
    "المتحدثه",
    "الناطق",
    "زعيم",
    "قائد",
    "مدير",
    "رئيس",
    "رئيسه",
    "نائب",
    "مساعد",
    "مستشار",
    "الشيخ",
    "اللواء",
    "العميد",
    "العقيد",
    "الفريق",
    "الدكتور",
    "السيناتور",
    "النائب",
    "نظيره",
    "نظيرته",
    "نظيرها",
    "نظيرهم",
    "مبعوث",
    "المبعوثه",
    "الامين",
    "العام",
}
# Words that sit between a title and the name.
BETWEEN = {
    "السابق",
    "السابقه",
    "الاسبق",
    "الراحل",
    "الحالي",
    "المخلوع",
    "المنتهيه",
    "ولايته",
    "الخاص",
    "الخاصه",
    "باسم",
    "العام",
    "الاعلي",
    "الدائم",
    "الدائمه",
    "الركن",
    "الرسمي",
    "الرسميه",
    "الامم",
    "المتحده",
    "الدوله",
    "الدولي",
    "الدوليه",
    "الاممي",
    "الامميه",
    "لدي",
    "الي",
    "في",
    "مجلس",
    "الوزراء",
    "الخارجيه",
    "الدفاع",
    "الداخليه",
    "الحكومه",
    "الرئاسه",
    "العهد",
    "ولي",
    "الجمهوريه",
    "البيت",
    "الابيض",
    "وزاره",
    "الجيش",
    "الكرملين",
    "البنتاغون",
    "المفوضيه",
    "خارجيه",
    "دفاع",
    "داخليه",
    "خارجيته",
    "وزرائه",
    "حكومه",
    "الشؤون",
    "شؤون",
    "لشؤون",
    "الشرق",
    "الاوسط",
    "الشوون",
    "السمو",
    "الملكي",
    "الامير",
    "الشيخ",
    "امير",
    "الدكتور",
    "كبير",
}
# Words that end a name candidate (function words and the commonest reporting verbs).
STOP = {
    "في",
    "من",
    "علي",
    "الي",
    "عن",
    "ان",
    "انه",
    "انها",
    "الذي",
    "التي",
    "الذين",
    "مع",
    "و",
    "بعد",
    "قبل",
    "خلال",
    "لدي",
    "قال",
    "قالت",
    "اكد",
    "اكدت",
    "اعلن",
    "اعلنت",
    "اضاف",
    "اضافت",
    "هذا",
    "هذه",
    "كان",
    "كانت",
    "لا",
    "لم",
    "لن",
    "قد",
    "بين",
    "حول",
    "ضد",
    "منذ",
    "عبر",
    "امس",
    "اليوم",
    "الاثنين",
    "الثلاثاء",
    "الاربعاء",
    "الخميس",
    "الجمعه",
    "السبت",
    "الاحد",
    "يوم",
    "مساء",
    "صباح",
    "بان",
    "بانه",
    "انهم",
    "ونظيره",
    "حيث",
    "او",
    "ثم",
    "ايضا",
    "امام",
    "كما",
    "هو",
    "هي",
    "ما",
    "اذا",
    "لقد",
    "يذكر",
    "وقال",
    "واكد",
    "واضاف",
    "قوله",
    "قائلا",
    "بيان",
    "ردا",
    "وذلك",
    "وان",
    "جاء",
    "نفسه",
    "مجددا",
    "يؤكد",
    "رساله",
    "وقالت",
    "غير",
}
PROCLITICS = ("و", "ف", "ب", "ل", "ك")


def fold(text: str) -> str:
    return _DIACRITICS.sub("", text).translate(_FOLD)


def load_forms(path: Path) -> tuple[set[str], set[str], set[str]]:
    """Return (all folded forms, folded title forms, folded country/demonym forms)."""
    forms: set[str] = set()
    titles: set[str] = set()
    places: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        form, _code, kind, *_ = line.split("\t")
        f = " ".join(fold(form).split())
        forms.add(f)
        if kind == "title":
            titles.add(f)
        if kind in ("country", "demonym", "capital", "igo", "institution"):
            places.add(f)
    return forms, titles, places


def variants(word: str) -> Iterator[str]:
    """The word, then the word with one or two proclitics stripped, then ال/لل handled."""
    yield word
    w = word
    for _ in range(2):
        if len(w) > 3 and w[0] in PROCLITICS:
            w = w[1:]
            yield w
            if w.startswith("ل") and len(w) > 3:  # لل... → ال...
                yield "ا" + w
    if word.startswith("لل") and len(word) > 3:
        yield "ا" + word[1:]


def in_set(words: list[str], table: set[str]) -> bool:
    """True when the words (first one with proclitics stripped, or made definite) are a form."""
    if not words:
        return False
    firsts = list(variants(words[0]))
    firsts += ["ال" + w for w in firsts if not w.startswith("ال")]
    return any(" ".join([first, *words[1:]]) in table for first in firsts)


def is_name_word(tok: str) -> bool:
    return bool(_ARABIC_WORD.match(tok)) and len(tok) > 1 and tok not in STOP


def articles(paths: Iterable[Path]) -> Iterator[str]:
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                obj = json.loads(line)
                art = obj.get("article", obj)
                yield (art.get("title") or "") + "\n" + (art.get("body") or "")


def candidates(
    text: str, titles: set[str], places: set[str], max_title_words: int = 5
) -> Iterator[list[str]]:
    """Yield name candidates (folded words) that follow a title in the text."""
    toks = [fold(t) for t in _TOKEN.findall(text)]
    n = len(toks)
    i = 0
    while i < n:
        end = 0
        for k in range(max_title_words, 0, -1):  # longest title first
            if i + k <= n and (in_set(toks[i : i + k], titles) or (k == 1 and toks[i] in EXTRA_TRIGGERS)):
                end = i + k
                break
        if not end:
            i += 1
            continue
        j, skipped = end, 0
        while j < n and skipped < 8:
            t = toks[j]
            skippable = (
                not _ARABIC_WORD.match(t)
                or t in BETWEEN
                or t.startswith("لل")
                or in_set([t], places)
                or in_set([t], titles)
                or (j + 1 < n and in_set([t, toks[j + 1]], places))
            )
            if not skippable:
                break
            if j + 1 < n and in_set([t, toks[j + 1]], places):
                j += 1
            j += 1
            skipped += 1
        name: list[str] = []
        while j < n and len(name) < 4 and is_name_word(toks[j]):
            if toks[j].startswith("ال") and not name:
                break  # a name does not start with the article
            name.append(toks[j])
            j += 1
        if name:
            yield name
        i = max(end, i + 1)


def uncovered(texts: Iterable[str], forms: set[str], titles: set[str], places: set[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in texts:
        for name in candidates(text, titles, places):
            if any(in_set(name[:k], forms) for k in range(1, len(name) + 1)):
                continue
            if any(in_set([w], forms) for w in name[1:]):  # surname alone is listed
                continue
            counts[" ".join(name[:2])] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="+", type=Path, help="JSONL file(s) of articles or gold lines")
    ap.add_argument("--actors", type=Path, default=DATA / "actors.tsv")
    ap.add_argument("--top", type=int, default=50)
    ap.add_argument("--min-count", type=int, default=2)
    args = ap.parse_args(argv)
    forms, titles, places = load_forms(args.actors)
    counts = uncovered(articles(args.corpus), forms, titles, places)
    for name, c in counts.most_common(args.top):
        if c < args.min_count:
            break
        print(f"{c}\t{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
