"""Tests of the gazetteer DATA itself (actors.tsv, places.tsv, iso3166.tsv).

No matcher is needed: these tests check that the files parse, that every column holds a
legal value, and that no two rows contradict each other once spelling variants are folded
the way the matcher folds them. A handful of spot checks pin the codes the spec (§5) names.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

import pytest

DATA = Path(__file__).resolve().parents[2] / "services" / "hadath" / "extractor" / "data"

ROLES = ("GOV", "MIL", "OPP", "REB", "MED", "BUS", "CVL")
# Organisation codes in use. A new IGO/NGO must be added here AND to README.md, so that a
# typo (IGOUNN) cannot slip in as a "new organisation".
IGO_ORGS = {
    "UNO",
    "ARL",
    "EU",
    "NATO",
    "GCC",
    "OIC",
    "AU",
    "OPC",
    "IMF",
    "WBG",
    "WTO",
    "OPEC",
    "OSCE",
    "ICC",
    "ICPO",
}
NGO_ORGS = {"HRW", "AMN", "ICRC", "MSF", "RSF", "OXF", "SCF", "SAMS"}
IMG_ORGS = {"MOS"}

ACTOR_KINDS = {
    "country",
    "capital",
    "demonym",
    "institution",
    "title",
    "person",
    "igo",
    "ngo",
    "group",
    "media",
    "none",
}
PLACE_KINDS = {"country", "region", "city", "site", "water"}

CODE_RE = re.compile(
    r"^(?:(?P<iso>[A-Z]{3})(?P<role>GOV|MIL|OPP|REB|MED|BUS|CVL)?"
    r"|\*(?P<generic>GOV|MIL|OPP|REB|MED|BUS|CVL)"
    r"|(?P<org>IGO|NGO|IMG)(?P<orgcode>[A-Z]{2,4})"
    r"|(?P<blocked>-))$"
)
# Arabic letters (hamza forms included) separated by single spaces; no digits, no Latin,
# no diacritics or tatweel (the matcher strips those, so listing them would only hide duplicates).
FORM_RE = re.compile(r"^[\u0621-\u063A\u0641-\u064A]+(?: [\u0621-\u063A\u0641-\u064A]+)*$")
LATIN_RE = re.compile(r"[A-Za-z]")

_DIACRITICS = re.compile(r"[\u064B-\u0652\u0670\u0640]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})


def fold(form: str) -> str:
    """Orthographic folding as the matcher does it (alef variants, ى, ة, tatweel, diacritics)."""
    return " ".join(_DIACRITICS.sub("", form).translate(_FOLD).split())


class Row(NamedTuple):
    line: int
    cols: tuple[str, ...]


def load_tsv(path: Path, ncols: int) -> list[Row]:
    rows: list[Row] = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = tuple(raw.split("\t"))
        assert len(cols) == ncols, f"{path.name}:{n}: expected {ncols} columns, got {len(cols)}: {raw!r}"
        for c in cols[:-1]:
            assert c and c == c.strip(), f"{path.name}:{n}: empty or padded column in {raw!r}"
        assert cols[-1] == cols[-1].strip(), f"{path.name}:{n}: padded note in {raw!r}"
        rows.append(Row(n, cols))
    return rows


@pytest.fixture(scope="module")
def iso() -> dict[str, str]:
    rows = load_tsv(DATA / "iso3166.tsv", 3)
    codes = {r.cols[0]: r.cols[2] for r in rows}
    assert len(codes) == len(rows), "duplicate alpha-3 code in iso3166.tsv"
    return codes


@pytest.fixture(scope="module")
def actors() -> list[Row]:
    return load_tsv(DATA / "actors.tsv", 4)


@pytest.fixture(scope="module")
def places() -> list[Row]:
    return load_tsv(DATA / "places.tsv", 5)


def actor_code(actors: list[Row], form: str) -> set[str]:
    return {r.cols[1] for r in actors if fold(r.cols[0]) == fold(form)}


# ---------------------------------------------------------------- iso3166.tsv


def test_iso_list_is_complete_and_well_formed(iso: dict[str, str]) -> None:
    assert all(re.fullmatch(r"[A-Z]{3}", c) for c in iso)
    assert len(iso) >= 249
    for code in ("USA", "RUS", "SYR", "PSE", "TWN", "XKX", "ESH", "VAT"):
        assert code in iso


def test_iso_list_does_not_collide_with_org_prefixes(iso: dict[str, str]) -> None:
    # IGO/NGO/IMG codes are parsed by prefix; an ISO code with those letters would be ambiguous.
    assert not {"IGO", "NGO", "IMG"} & set(iso)


# ---------------------------------------------------------------- actors.tsv


def test_actor_forms_are_plain_arabic(actors: list[Row]) -> None:
    bad = [(r.line, r.cols[0]) for r in actors if LATIN_RE.search(r.cols[0]) or not FORM_RE.match(r.cols[0])]
    assert not bad, f"forms must be Arabic letters and single spaces only: {bad[:20]}"


def test_actor_codes_match_the_spec(actors: list[Row], iso: dict[str, str]) -> None:
    bad = []
    for r in actors:
        m = CODE_RE.match(r.cols[1])
        if not m:
            bad.append((r.line, r.cols[1], "syntax"))
        elif m["iso"] and m["iso"] not in iso:
            bad.append((r.line, r.cols[1], "unknown ISO 3166 alpha-3"))
        elif m["org"]:
            known = {"IGO": IGO_ORGS, "NGO": NGO_ORGS, "IMG": IMG_ORGS}[m["org"]]
            if m["orgcode"] not in known:
                bad.append((r.line, r.cols[1], "organisation code not registered in the test/README"))
    assert not bad, bad[:20]


def test_actor_kinds_are_valid_and_consistent_with_codes(actors: list[Row]) -> None:
    bad = []
    for r in actors:
        form, code, kind, note = r.cols
        m = CODE_RE.match(code)
        assert m, code
        ok = kind in ACTOR_KINDS
        if kind == "country":
            ok = ok and bool(m["iso"]) and not m["role"]
        elif kind == "demonym":
            # a demonym names a country (الروسي → RUS); الأممي is the UN's adjective (IGOUNO).
            ok = ok and ((bool(m["iso"]) and not m["role"]) or code == "IGOUNO")
        elif kind == "capital":
            ok = ok and m["role"] == "GOV"
        elif kind == "igo":
            ok = ok and m["org"] == "IGO"
        elif kind == "ngo":
            ok = ok and m["org"] == "NGO"
        elif kind == "media":
            ok = ok and code.endswith("MED")
        elif kind == "person":
            ok = ok and not m["generic"] and not m["blocked"]
        elif kind == "none":
            ok = ok and bool(m["blocked"]) and bool(note)  # a blocked form must say why
        if m["blocked"] and kind != "none":
            ok = False
        if m["generic"] and kind not in ("institution", "title"):
            ok = False
        if not ok:
            bad.append((r.line, form, code, kind))
    assert not bad, f"kind/code mismatch: {bad[:20]}"


def test_no_conflicting_or_repeated_actor_forms(actors: list[Row]) -> None:
    by_fold: dict[str, set[str]] = defaultdict(set)
    seen: dict[tuple[str, str], int] = {}
    repeated = []
    for r in actors:
        f = fold(r.cols[0])
        by_fold[f].add(r.cols[1])
        key = (f, r.cols[2])
        if key in seen:
            repeated.append((seen[key], r.line, r.cols[0]))
        seen[key] = r.line
    conflicts = {f: codes for f, codes in by_fold.items() if len(codes) > 1}
    assert not conflicts, f"same folded form, different codes: {conflicts}"
    assert not repeated, f"form listed twice (after folding) with the same kind: {repeated[:20]}"


def test_no_actor_form_is_a_proclitic_plus_another_form(actors: list[Row]) -> None:
    # The matcher strips و ف ب ل ك, so "وروسيا" next to "روسيا" would be a redundant row.
    folded = {fold(r.cols[0]) for r in actors}
    redundant = sorted(f for f in folded if f[0] in "وفبلك" and f[1:] in folded and len(f) > 3)
    assert not redundant, redundant


def test_every_un_member_has_a_country_name(actors: list[Row], iso: dict[str, str]) -> None:
    countries = {r.cols[1] for r in actors if r.cols[2] == "country"}
    # 193 UN members + Palestine + Holy See at least.
    assert len(countries) >= 195
    for code in ("USA", "RUS", "SYR", "PSE", "VAT", "XKX", "TWN", "SSD", "MNE", "TLS"):
        assert code in countries, code


@pytest.mark.parametrize(
    ("form", "code"),
    [
        ("روسيا", "RUS"),
        ("الولايات المتحدة", "USA"),
        ("أمريكا", "USA"),
        ("أميركا", "USA"),
        ("المملكة المتحدة", "GBR"),
        ("السعودية", "SAU"),
        ("المملكة العربية السعودية", "SAU"),
        ("الإمارات", "ARE"),
        ("سوريا", "SYR"),
        ("سورية", "SYR"),
        ("فلسطين", "PSE"),
        ("كوريا الشمالية", "PRK"),
        ("كوريا الجنوبية", "KOR"),
    ],
)
def test_spot_check_countries(actors: list[Row], form: str, code: str) -> None:
    assert actor_code(actors, form) == {code}


@pytest.mark.parametrize(
    ("form", "code"),
    [
        # spec §5 examples and the brief's spot checks
        ("واشنطن", "USAGOV"),
        ("موسكو", "RUSGOV"),
        ("البنتاغون", "USAMIL"),
        ("البيت الأبيض", "USAGOV"),
        ("الكرملين", "RUSGOV"),
        ("الروسي", "RUS"),
        ("الروسية", "RUS"),
        ("الروس", "RUS"),
        ("الأمريكي", "USA"),
        ("الأميركي", "USA"),
        ("داعش", "IMGMOS"),
        ("تنظيم الدولة", "IMGMOS"),
        ("القاعدة", "IMGMOS"),
        ("جبهة النصرة", "SYRREB"),
        ("هيئة تحرير الشام", "SYRREB"),
        ("قوات سوريا الديمقراطية", "SYRREB"),
        ("الجيش السوري الحر", "SYRREB"),
        ("الحوثيون", "YEMREB"),
        ("الحوثيين", "YEMREB"),
        ("حزب الله", "LBNREB"),
        ("حماس", "PSE"),
        ("حركة فتح", "PSE"),
        ("التحالف العربي", "SAU"),
        ("الأمم المتحدة", "IGOUNO"),
        ("مجلس الأمن", "IGOUNO"),
        ("الجامعة العربية", "IGOARL"),
        ("الاتحاد الأوروبي", "IGOEU"),
        ("حلف شمال الأطلسي", "IGONATO"),
        ("الناتو", "IGONATO"),
        ("منظمة حظر الأسلحة الكيميائية", "IGOOPC"),
        ("هيومن رايتس ووتش", "NGOHRW"),
        ("منظمة العفو الدولية", "NGOAMN"),
        # generic institutions and titles
        ("وزير الخارجية", "*GOV"),
        ("الخارجية", "*GOV"),
        ("الرئيس", "*GOV"),
        ("رئيس الوزراء", "*GOV"),
        ("النظام", "*GOV"),
        ("الجيش", "*MIL"),
        ("وزير الدفاع", "*MIL"),
        ("المعارضة", "*OPP"),
        # officials, with spelling variants the folding does NOT cover
        ("ترامب", "USAGOV"),
        ("ترمب", "USAGOV"),
        ("بوتين", "RUSGOV"),
        ("بوتن", "RUSGOV"),
        ("لافروف", "RUSGOV"),
        ("ريابكوف", "RUSGOV"),
        ("شويغو", "RUSMIL"),
        ("ماتيس", "USAMIL"),
        ("إردوغان", "TURGOV"),  # folds to أردوغان
        ("نتنياهو", "ISRGOV"),
        ("نتانياهو", "ISRGOV"),
        ("دي ميستورا", "IGOUNO"),
        ("غوتيريش", "IGOUNO"),
        ("الجبير", "SAUGOV"),
        ("محمد بن سلمان", "SAUGOV"),
        ("تيريزا ماي", "GBRGOV"),
        # blocked forms
        ("الغرب", "-"),
        ("المجتمع الدولي", "-"),
        ("مصدر", "-"),
        ("مسلحون", "-"),
        ("المالكي", "-"),
    ],
)
def test_spot_check_actors(actors: list[Row], form: str, code: str) -> None:
    assert actor_code(actors, form) == {code}


def test_longer_forms_override_their_pieces(actors: list[Row]) -> None:
    # Longest match wins in the matcher; the data must give the long forms their own codes.
    assert actor_code(actors, "الجيش السوري الحر") != actor_code(actors, "الجيش")
    assert actor_code(actors, "مجلس الأمن القومي") == {"*GOV"}
    assert actor_code(actors, "كتائب حزب الله") == {"IRQREB"}
    assert actor_code(actors, "هادي العامري") == {"IRQREB"}
    assert actor_code(actors, "واشنطن بوست") == {"USAMED"}


# ---------------------------------------------------------------- places.tsv


def test_place_forms_and_columns(places: list[Row], iso: dict[str, str]) -> None:
    bad = []
    for r in places:
        form, name, country, kind, _note = r.cols
        if LATIN_RE.search(form) or not FORM_RE.match(form):
            bad.append((r.line, form, "form"))
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9 .,'()\-]*", name):
            bad.append((r.line, name, "English name"))
        if country not in iso:
            bad.append((r.line, country, "country is not an ISO 3166 alpha-3 code"))
        if kind not in PLACE_KINDS:
            bad.append((r.line, kind, "kind"))
    assert not bad, bad[:20]


def test_no_conflicting_or_repeated_place_forms(places: list[Row]) -> None:
    by_fold: dict[str, set[str]] = defaultdict(set)
    seen: dict[tuple[str, str], int] = {}
    repeated = []
    for r in places:
        f = fold(r.cols[0])
        by_fold[f].add(r.cols[2])
        if (f, r.cols[3]) in seen:
            repeated.append((seen[(f, r.cols[3])], r.line, r.cols[0]))
        seen[(f, r.cols[3])] = r.line
    conflicts = {f: cs for f, cs in by_fold.items() if len(cs) > 1}
    assert not conflicts, f"same folded place form in different countries: {conflicts}"
    assert not repeated, f"place listed twice (after folding) with the same kind: {repeated[:20]}"


def test_places_are_plentiful_and_cover_all_countries(places: list[Row], actors: list[Row]) -> None:
    assert len([r for r in places if r.cols[3] != "country"]) >= 300
    place_countries = {fold(r.cols[0]): r.cols[2] for r in places if r.cols[3] == "country"}
    # every country name the actor gazetteer knows is also a place, with the same code
    # (political names and epithets such as الكيان الصهيوني، الدولة العبرية and context words such as
    # المملكة excepted)
    skip = {"الكيان الصهيوني", "العدو الصهيوني", "الدولة العبرية", "دولة الاحتلال", "المملكة", "السلطنة"}
    missing = [
        (r.cols[0], r.cols[1])
        for r in actors
        if r.cols[2] == "country"
        and r.cols[0] not in skip
        and place_countries.get(fold(r.cols[0])) != r.cols[1]
    ]
    assert not missing, missing


@pytest.mark.parametrize(
    ("form", "name", "country", "kind"),
    [
        ("جنيف", "Geneva", "CHE", "city"),
        ("حلب", "Aleppo", "SYR", "city"),
        ("دوما", "Douma", "SYR", "city"),
        ("الغوطة الشرقية", "Eastern Ghouta", "SYR", "region"),
        ("إدلب", "Idlib", "SYR", "city"),
        ("الحديدة", "Hodeidah", "YEM", "city"),
        ("غزة", "Gaza", "PSE", "city"),
        ("سوتشي", "Sochi", "RUS", "city"),
        ("أستانا", "Astana", "KAZ", "city"),
        ("نيويورك", "New York", "USA", "city"),
        ("الجولان", "Golan Heights", "SYR", "region"),
        ("القرم", "Crimea", "UKR", "region"),
        ("روسيا", "Russia", "RUS", "country"),
        ("اسطنبول", "Istanbul", "TUR", "city"),  # folds to إسطنبول
    ],
)
def test_spot_check_places(places: list[Row], form: str, name: str, country: str, kind: str) -> None:
    hits = [r.cols[1:4] for r in places if fold(r.cols[0]) == fold(form)]
    assert hits == [(name, country, kind)]


def test_common_word_place_names_are_not_listed_bare(places: list[Row]) -> None:
    folded = {fold(r.cols[0]) for r in places}
    for word in ("الباب", "حجة", "مشهد", "القائم", "الضمير", "الخبر", "سيول", "الريف", "نصيب"):
        assert fold(word) not in folded, word
