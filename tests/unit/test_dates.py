"""Tests of Arabic date detection and resolution (spec §6)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hadath.extractor.dates import DateMention, find_dates, fold, resolve

THU = datetime(2016, 9, 8, 10, 0, tzinfo=UTC)  # a Thursday
MON_APR = datetime(2018, 4, 9, 2, 50, tzinfo=UTC)  # a Monday


def one(text: str) -> DateMention:
    ms = find_dates(text)
    assert len(ms) == 1, ms
    return ms[0]


def val(text: str, pub: datetime | None = THU, planned: bool = False) -> str | None:
    return resolve(one(text), pub, planned)[0]


# --- weekdays ------------------------------------------------------------------------------

WEEKDAY_CASES = [  # (text, asserted value, planned value) for a Thursday 2016-09-08 publication
    ("الأحد", "2016-09-04", "2016-09-11"),
    ("الاثنين", "2016-09-05", "2016-09-12"),
    ("الإثنين", "2016-09-05", "2016-09-12"),
    ("الثلاثاء", "2016-09-06", "2016-09-13"),
    ("الأربعاء", "2016-09-07", "2016-09-14"),
    ("الخميس", "2016-09-08", "2016-09-08"),  # the publication day itself, both ways
    ("الجمعة", "2016-09-02", "2016-09-09"),
    ("السبت", "2016-09-03", "2016-09-10"),
]


@pytest.mark.parametrize(("text", "asserted", "planned"), WEEKDAY_CASES)
def test_each_weekday_asserted_and_planned(text: str, asserted: str, planned: str) -> None:
    m = one(f"وقال الوزير {text} إن")
    assert m.kind == "weekday" and m.text == text and m.precision == "day"
    assert resolve(m, THU) == (asserted, "day")
    assert resolve(m, THU, planned=True) == (planned, "day")


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("أعلن يوم الخميس أن", "يوم الخميس"),
        ("وقال مساء الأحد", "مساء الأحد"),
        ("فجر الإثنين", "فجر الإثنين"),
        ("ويوم الخميس", "يوم الخميس"),  # conjunction left out of the span
        ("وبالأمس", "الأمس"),
        ("اليوم الاثنين", "اليوم الاثنين"),
        ("أمس الاثنين", "أمس الاثنين"),
        ("ليل أمس السبت", "ليل أمس السبت"),
        ("صباح اليوم (الجمعة).", "صباح اليوم (الجمعة)"),
        ("الخميس، الماضي", "الخميس"),
    ],
)
def test_weekday_spans(text: str, span: str) -> None:
    assert one(text).text == span


def test_weekday_modifiers_win_over_planned() -> None:
    assert val("الخميس المقبل") == "2016-09-15"  # strictly after a Thursday publication
    assert val("الخميس القادم", planned=True) == "2016-09-15"
    assert val("الجمعة المقبلة") == "2016-09-09"
    assert val("الخميس الماضي") == "2016-09-01"  # strictly before
    assert val("الخميس الماضي", planned=True) == "2016-09-01"
    assert val("الأحد الماضي") == "2016-09-04"


def test_planned_weekday_on_publication_day_is_that_day() -> None:
    # dev gold: a Security Council session "on Tuesday" announced in a Tuesday article
    tue = datetime(2018, 9, 11, 2, 3, tzinfo=UTC)
    assert val("ويعقد مجلس الأمن جلسة الثلاثاء", tue, planned=True) == "2018-09-11"


def test_al_ahad_ashar_is_eleven_not_sunday() -> None:
    assert find_dates("الأحد عشر لاعبا") == []


# --- offsets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("أمس", "2016-09-07"),
        ("امس", "2016-09-07"),
        ("البارحة", "2016-09-07"),
        ("مساء أمس", "2016-09-07"),
        ("أمس الأول", "2016-09-06"),
        ("أول من أمس", "2016-09-06"),
        ("اليوم", "2016-09-08"),
        ("صباح اليوم", "2016-09-08"),
        ("غدا", "2016-09-09"),
        ("غداً", "2016-09-09"),
        ("غدًا", "2016-09-09"),
        ("يوم غد", "2016-09-09"),
        ("بعد غد", "2016-09-10"),
        ("الليلة الماضية", "2016-09-07"),
    ],
)
def test_relative_days(text: str, value: str) -> None:
    m = one(f"قال {text} إن")
    assert m.kind == "offset" and resolve(m, THU) == (value, "day")


@pytest.mark.parametrize(
    "text",
    [
        "في أمس الحاجة إليها",
        "قناة روسيا اليوم",
        "منذ اليوم الأول",
        "في اليوم التالي",
        "اليوم نفسه",
        "يمارس الضغط",
        "مارس ضغوطا كبيرة",
        "الحالي",
        "الوضع الحالي",
        "آبار النفط",
        "أب لثلاثة أطفال",
        "باب المندب",
        "مفاعل تموز",
        "8 آذار/أبريل",
        "31 شباط",
        "الأسبوع",
        "في الشهر",
        "الجمعية العامة",
        "أمسى",
        "خميس مشيط",
        "تشرين",
        "2018/13/01",
    ],
)
def test_non_dates_do_not_match(text: str) -> None:
    assert find_dates(text) == []


# --- explicit dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "value", "precision"),
    [
        ("في 27 شباط الماضي", "27 شباط الماضي", "2016-02-27", "day"),
        ("في 9 أبريل", "9 أبريل", "2016-04-09", "day"),
        ("في 7 أبريل 2018", "7 أبريل 2018", "2018-04-07", "day"),
        ("في الرابع من مارس", "الرابع من مارس", "2016-03-04", "day"),
        ("الحادي والعشرين من أيار", "الحادي والعشرين من أيار", "2016-05-21", "day"),
        ("الثاني عشر من آب - أغسطس", "الثاني عشر من آب - أغسطس", "2016-08-12", "day"),
        ("بدءا من منتصف أيلول الحالي", "منتصف أيلول الحالي", "2016-09", "month"),
        ("في ٩ نيسان ٢٠١٨", "٩ نيسان ٢٠١٨", "2018-04-09", "day"),
        ("في 2018/04/09", "2018/04/09", "2018-04-09", "day"),
        ("في 9-4-2018", "9-4-2018", "2018-04-09", "day"),
        ("في 09.04.2018", "09.04.2018", "2018-04-09", "day"),
        ("في 4 مارس/آذار الماضي", "4 مارس/آذار الماضي", "2016-03-04", "day"),
        ("في 14 يوليو (تموز)", "14 يوليو (تموز)", "2016-07-14", "day"),
        ("يوم 9 أغسطس/ آب 2018م", "9 أغسطس/ آب 2018م", "2018-08-09", "day"),
        ("في أيلول/سبتمبر 2015", "أيلول/سبتمبر 2015", "2015-09", "month"),
        ("في نوفمبر من عام 2015", "نوفمبر من عام 2015", "2015-11", "month"),
        ("في أيار من العام الماضي", "أيار من العام الماضي", "2015-05", "month"),
        ("في آذار من هذا العام", "آذار من هذا العام", "2016-03", "month"),
        ("في أول أيار", "أول أيار", "2016-05-01", "day"),
        ("أواخر شهر كانون الثاني", "أواخر شهر كانون الثاني", "2016-01", "month"),
        ("عام 2015", "عام 2015", "2015", "year"),
        ("في العام 2016", "العام 2016", "2016", "year"),
    ],
)
def test_explicit_dates(text: str, span: str, value: str, precision: str) -> None:
    m = one(text)
    assert m.text == span and m.kind == "date"
    assert resolve(m, THU) == (value, precision)


LEVANTINE = [
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
]
EGYPTIAN = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
]


@pytest.mark.parametrize("family", [LEVANTINE, EGYPTIAN])
def test_every_month_name_of_both_families(family: list[str]) -> None:
    for i, name in enumerate(family, 1):
        m = one(f"وقع ذلك في 3 {name} 2017 كما")
        assert (m.month, m.day, m.year) == (i, 3, 2017), name
        assert resolve(m, None) == (f"2017-{i:02d}-03", "day")


def test_variant_spellings() -> None:
    assert one("في ابريل 2017").month == 4
    assert one("في يونيه 2017").month == 6
    assert one("في يوليه 2017").month == 7
    assert one("في اغسطس 2017").month == 8
    assert one("في كانون ثاني 2017").month == 1


def test_month_modifiers() -> None:
    # published Thursday 2016-09-08
    assert val("في أيار الماضي") == "2016-05"
    assert val("في أيلول الماضي") == "2015-09"  # strictly before the publication month
    assert val("في أيلول المقبل") == "2017-09"
    assert val("في تشرين الأول المقبل") == "2016-10"
    assert val("في أيلول الجاري") == "2016-09"
    assert val("في كانون الثاني القادم") == "2017-01"
    assert val("في أيار المنصرم") == "2016-05"


def test_bare_month_needs_a_cue_and_resolves_nearest() -> None:
    assert val("في تموز") == "2016-07"
    assert val("في تموز", planned=True) == "2017-07"
    assert val("في أيلول") == "2016-09"  # the publication month counts as "on or before"
    assert val("في أيلول", planned=True) == "2016-09"
    assert val("في مارس") == "2016-03"
    assert val("في آب") == "2016-08"
    assert find_dates("اتفاق أيار") == []


def test_day_month_without_year_picks_nearest_year() -> None:
    assert val("في 9 أبريل") == "2016-04-09"
    assert val("في 9 سبتمبر") == "2015-09-09"  # the day after publication: last year's
    assert val("في 9 سبتمبر", planned=True) == "2016-09-09"
    assert val("في 8 سبتمبر") == "2016-09-08"
    assert val("في 20 ديسمبر", planned=True) == "2016-12-20"
    assert val("في 20 ديسمبر") == "2015-12-20"
    assert val("في 20 ديسمبر المقبل") == "2016-12-20"
    assert val("في 29 شباط", datetime(2017, 3, 1, tzinfo=UTC)) == "2016-02-29"


def test_weekday_followed_by_explicit_date_is_one_mention() -> None:
    m = one("ينعقد الاثنين 9 نيسان/أبريل في نيويورك")
    assert m.text == "الاثنين 9 نيسان/أبريل" and m.weekday == 0 and m.day == 9
    assert resolve(m, MON_APR, planned=True) == ("2018-04-09", "day")
    m = one("الخميس، 27 شباط")
    assert m.text == "الخميس، 27 شباط" and m.kind == "date"


# --- periods ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("الشهر الماضي", "2016-08", "month"),
        ("الشهر المقبل", "2016-10", "month"),
        ("الشهر الحالي", "2016-09", "month"),
        ("هذا الشهر", "2016-09", "month"),
        ("للشهر الجاري", "2016-09", "month"),
        ("الأسبوع الماضي", "2016-09", "month"),
        ("الأسبوع المقبل", "2016-09", "month"),
        ("هذا الأسبوع", "2016-09", "month"),
        ("العام الماضي", "2015", "year"),
        ("السنة المقبلة", "2017", "year"),
        ("هذا العام", "2016", "year"),
        ("أواخر العام الماضي", "2015", "year"),
    ],
)
def test_periods(text: str, value: str, precision: str) -> None:
    m = one(f"وقال {text} إن")
    assert m.kind == "period"
    assert resolve(m, THU) == (value, precision)


def test_week_and_month_cross_year_boundaries() -> None:
    jan2 = datetime(2017, 1, 2, tzinfo=UTC)
    assert val("الأسبوع الماضي", jan2) == "2016-12"
    assert val("الشهر الماضي", jan2) == "2016-12"
    dec30 = datetime(2016, 12, 30, tzinfo=UTC)
    assert val("الشهر المقبل", dec30) == "2017-01"
    assert val("في كانون الثاني المقبل", dec30) == "2017-01"


# --- without publication date, anchors, input types ------------------------------------------------


def test_without_published_at_relative_stays_unresolved() -> None:
    assert resolve(one("الخميس"), None) == (None, "day")
    assert resolve(one("أمس"), None) == (None, "day")
    assert resolve(one("الشهر الماضي"), None) == (None, "month")
    assert resolve(one("العام الماضي"), None) == (None, "year")
    assert resolve(one("في أيار الماضي"), None) == (None, "month")
    assert resolve(one("في 9 أبريل"), None) == (None, "day")
    # explicit years still resolve
    assert resolve(one("في 7 أبريل 2018"), None) == ("2018-04-07", "day")
    assert resolve(one("في أبريل 2018"), None) == ("2018-04", "month")
    assert resolve(one("عام 2015"), None) == ("2015", "year")


def test_published_at_forms_and_timezone() -> None:
    m = one("أمس")
    assert resolve(m, "2018-04-09T02:50:12+00:00") == ("2018-04-08", "day")
    assert resolve(m, "2018-04-09T02:50:12Z") == ("2018-04-08", "day")
    assert resolve(m, date(2018, 4, 9)) == ("2018-04-08", "day")
    assert resolve(m, "not a date") == (None, "day")
    # the publication day is read in the timezone the timestamp carries
    late = datetime(2018, 4, 9, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert resolve(m, late) == ("2018-04-08", "day")


def test_anchor_replaces_publication_day() -> None:
    # "يوم أمس" inside a quote given on Monday, article published on Tuesday
    m = one("شهدناه يوم أمس")
    assert resolve(m, datetime(2018, 3, 27, tzinfo=UTC)) == ("2018-03-26", "day")
    assert resolve(m, datetime(2018, 3, 27, tzinfo=UTC), anchor=date(2018, 3, 26)) == ("2018-03-25", "day")


# --- offsets into the original text ------------------------------------------------------------------


def test_offsets_point_into_original_text_with_diacritics_and_tatweel() -> None:
    text = "وَقَالَ الوَزِيرُ يَوْمَ الخَمِيسِ إِنَّ الاجتماعَ سيُعقَدُ فِي 9 أبـــريل ٢٠١٨ وَالشَّهْرَ المُقْبِلَ"
    ms = find_dates(text)
    assert [m.text for m in ms] == ["يَوْمَ الخَمِيسِ", "9 أبـــريل ٢٠١٨", "الشَّهْرَ المُقْبِلَ"]
    for m in ms:
        assert text[m.start : m.end] == m.text
    assert resolve(ms[1], None) == ("2018-04-09", "day")
    assert resolve(ms[2], THU) == ("2016-10", "month")


def test_offsets_with_invisible_marks_and_variant_letters() -> None:
    text = "قال\u200f الرئيس الاحد ان ما جرى في اذار الماضى"
    ms = find_dates(text)
    assert [m.text for m in ms] == ["الاحد", "اذار الماضى"]
    assert all(text[m.start : m.end] == m.text for m in ms)
    assert resolve(ms[1], THU) == ("2016-03", "month")


def test_fold_keeps_letters_one_for_one() -> None:
    assert fold("أإآى ة٣") == "اااي ه3"
    assert fold("الخَمِيـسُ") == "الخميس"


def test_mentions_are_left_to_right_and_disjoint() -> None:
    text = (
        "أعلن الخميس أن اللقاء المقرر في 4 مارس/آذار الماضي تأجل إلى الأسبوع المقبل، "
        "بعد اجتماع أمس والاثنين 9 نيسان/أبريل في العام 2018."
    )
    ms = find_dates(text)
    assert [m.text for m in ms] == [
        "الخميس",
        "4 مارس/آذار الماضي",
        "الأسبوع المقبل",
        "أمس",
        "الاثنين 9 نيسان/أبريل",
        "العام 2018",
    ]
    ends = [m.end for m in ms]
    assert all(ms[i].start >= ends[i - 1] for i in range(1, len(ms)))


def test_long_adversarial_inputs_are_handled() -> None:
    # long runs that the patterns scan: months followed by spaces, digits, slashes
    text = ("مارس" + " " * 5000 + "x ") * 5 + "1/" * 5000 + " 9" * 5000 + " الخميس"
    ms = find_dates(text)
    assert [m.text for m in ms] == ["الخميس"]


# --- fuzz ------------------------------------------------------------------------------------------

_ALPHABET = st.sampled_from(list("ابتثجحخدذرسشصضطظعغفقكلمنهويءأإآىةؤئ ـًٌٍَُِّْ0123456789٠١٢٣٤٥٦٧٨٩/-.،,()\n\u200f"))
_WORDS = st.sampled_from(
    [
        "الخميس",
        "يوم",
        "أمس",
        "اليوم",
        "الماضي",
        "المقبل",
        "أيار",
        "آذار/مارس",
        "9",
        "٩",
        "2018",
        "من",
        "الرابع",
        "منتصف",
        "الشهر",
        "العام",
        "في",
        "و",
        "ـ",
        "َ",
        " ",
        "/",
        "(",
        ")",
        "غداً",
        "الأسبوع",
        "شهر",
        "آب",
        "تشرين",
        "الأول",
        "كانون",
        "الثاني",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=200),
        st.text(_ALPHABET, max_size=200),
        st.lists(_WORDS, max_size=40).map(" ".join),
        st.lists(_WORDS, max_size=40).map("".join),
    )
)
def test_find_dates_never_raises_and_offsets_are_valid(text: str) -> None:
    ms = find_dates(text)
    last_end = 0
    for m in ms:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        assert m.start >= last_end
        last_end = m.end
        value, precision = resolve(m, THU, planned=bool(m.start % 2))
        assert precision in {"day", "month", "year"}
        if value is not None:
            assert len(value) == {"day": 10, "month": 7, "year": 4}[precision]
            datetime.strptime(value, {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[precision])
        assert resolve(m, None)[1] == precision


# --- the word data (data/dates.tsv) ------------------------------------------------------------


def test_date_words_data_is_well_formed() -> None:
    from hadath.extractor.dates import DATES_TSV, _load_words
    from hadath.extractor.gazetteer import read_tsv

    kinds = {
        "WEEKDAY",
        "MONTH",
        "AMBIGUOUS",
        "ORDINAL",
        "RELATION",
        "PART",
        "MONTH_PREP",
        "TIME",
        "NOT_TODAY",
        "UNIT",
    }
    seen: set[tuple[str, str]] = set()
    for cols in read_tsv(DATES_TSV):
        assert cols[0] in kinds, cols
        assert len(cols) >= 3 and cols[1] and cols[2], cols
        key = (cols[0], fold(cols[1]))
        assert key not in seen, f"{cols[1]} is listed twice once folded"
        seen.add(key)
    words = _load_words()
    assert sorted(set(map(int, words["WEEKDAY"].values()))) == list(range(7))
    assert sorted(set(map(int, words["MONTH"].values()))) == list(range(1, 13))
    assert sorted(map(int, words["ORDINAL"].values())) == list(range(1, 32))
    assert set(words["RELATION"].values()) == {"past", "future", "current"}
    assert set(words["UNIT"].values()) == {"week", "month", "year"}
    assert set(words["AMBIGUOUS"]) <= set(words["MONTH"])


def test_a_word_added_to_the_data_is_read(tmp_path) -> None:
    from hadath.extractor.dates import _load_words

    path = tmp_path / "dates.tsv"
    path.write_text("# comment\nMONTH\tأغشت\t8\tMaghrebi August\nRELATION\tالآتي\tfuture\n", encoding="utf-8")
    words = _load_words(path)
    assert words["MONTH"] == {"اغشت": "8"} and words["RELATION"] == {"الاتي": "future"}


def test_a_preposition_typed_without_its_space_before_a_day_number() -> None:
    assert val("ستعقد القمة في20 آذار المقبل", MON_APR) == "2019-03-20"
    assert one("ستعقد القمة في20 آذار المقبل").text == "20 آذار المقبل"
    assert val("منذ3 شباط", MON_APR) == "2018-02-03"
    assert find_dates("في2018") == []  # a year alone is no date of an event


# --- which event a date expression dates (pipeline._attach_dates) ---------------------------


def _owned(text: str) -> dict[str, list[str]]:
    """Trigger word -> the date expressions that date it."""
    from hadath.extractor.pipeline import _attach_dates, analyse

    doc, cands, _ = analyse(text, 0)
    _attach_dates(doc, cands, find_dates(text), MON_APR)
    return {text[c.trig.start : c.trig.head_end]: [m.text for m in c.date_mentions] for c in cands}


@pytest.mark.parametrize(
    ("text", "owned"),
    [
        # the verb before the date, across its subject; not the object noun after it
        ("انتقد وزير الخارجية الأردني، الأحد، القصف الإسرائيلي على غزة.", {"انتقد": ["الأحد"], "القصف": []}),
        # a date in the relative clause of a later event dates that event, not the meeting
        (
            "التقى الرئيس المصري نظيره الفرنسي في باريس بعد القصف الإسرائيلي الذي استهدف غزة يوم 2 آذار.",
            {"التقى": [], "القصف": [], "استهدف": ["2 آذار"]},
        ),
        # a fronted date dates every event of its sentence
        (
            "وفي 3 آذار، اجتمع وزراء الخارجية العرب في القاهرة وأدانوا الهجوم الإسرائيلي على غزة.",
            {"اجتمع": ["3 آذار"], "وأدانوا": ["3 آذار"], "الهجوم": ["3 آذار"]},
        ),
        # a date before a subordinator stays in its clause
        (
            "قصفت المدفعية الإسرائيلية غزة لساعات طويلة منذ الجمعة فيما أعلنت مصر أنها تدين التصعيد.",
            {"قصفت": ["الجمعة"], "تدين": []},
        ),
        # far from the trigger before it, right before the next one in its clause
        (
            "واستقبل العاهل الأردني في قصر الحسينية بعمان وزير الخارجية المصري سامح شكري الذي أشاد في كلمته "
            "بمشاركة الأردن، "
            "مطلع هذا الشهر، في قصف مواقع التنظيم.",
            {"واستقبل": [], "قصف": ["مطلع هذا الشهر"]},
        ),
        ("التقى العاهل الأردني في عمان الثلاثاء وزير الخارجية المصري.", {"التقى": ["الثلاثاء"]}),
        # a long subject between the verb and its date; a coordinated verb shares the date
        (
            "أدان وزير الخارجية الأردني أيمن الصفدي في بيان صادر عن الوزارة الأحد القصف الإسرائيلي "
            "على غزة ودعا إلى وقف التصعيد.",
            {"أدان": ["الأحد"], "القصف": [], "ودعا": ["الأحد"]},
        ),
        # ... the date of a verb, not of a noun before it; not across a subordinator
        (
            "أدانت مصر الهجوم الذي وقع الأحد في سيناء وحملت التنظيم المسؤولية.",
            {"أدانت": [], "الهجوم": ["الأحد"], "وحملت": []},
        ),
        (
            "أدانت مصر أمس الهجوم على الكنيسة وقالت إن التنظيم هاجم قرية قريبة.",
            {"أدانت": ["أمس"], "الهجوم": [], "هاجم": []},
        ),
    ],
)
def test_a_date_dates_the_event_it_belongs_to(text: str, owned: dict[str, list[str]]) -> None:
    assert _owned(text) == owned


def _event_dates(title: str, body: str) -> list[tuple[str, str | None]]:
    from hadath.extractor import extract
    from hadath_schemas import Article

    art = Article(id="t", title=title, body=body, source="test", published_at=MON_APR)
    return [(e.trigger.text, e.date.value if e.date else None) for e in extract(art)]


def test_an_event_without_its_own_date_takes_the_leads_date() -> None:
    body = (
        "التقى العاهل الأردني في عمان الأحد وزير الخارجية المصري. وقال الوزير إن مصر تدين الهجوم على المسجد."
    )
    assert ("تدين", "2018-04-08") in _event_dates("", body)


def test_the_leads_date_of_a_planned_summit_does_not_date_what_happened() -> None:
    body = (
        "يعقد القادة العرب قمة في عمان في 20 أيار المقبل. "
        "وقال وزير الخارجية المصري إن مصر تدين الهجوم على المسجد."
    )
    assert ("تدين", None) in _event_dates("", body)


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("وقعت الاتفاقية في 7 / 3 / 2016م في الرياض", "7 / 3 / 2016م", "2016-03-07"),
        ("وقعت الاتفاقية في 7/3/2016 في الرياض", "7/3/2016", "2016-03-07"),
        # a weekday with its Hijri and its Gregorian date is one mention, resolved by the latter
        ("وصل الوفد يوم الأحد 27 / 5 / 1437هـ الموافق 6 / 3 / 2016م إلى الرياض", None, "2016-03-06"),
    ],
)
def test_numeric_dates_with_spaced_separators(text: str, span: str | None, value: str) -> None:
    m = one(text)
    assert span is None or m.text == span
    assert resolve(m, None) == (value, "day")


def test_a_hijri_numeric_date_is_never_read_as_gregorian() -> None:
    assert find_dates("صدر القرار بتاريخ 27 / 5 / 1437هـ") == []
    assert find_dates("رقم (84 / 44)") == []
