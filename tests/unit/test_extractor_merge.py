"""Stage tests: merging mentions into events, deterministic ids, schema validity."""

from __future__ import annotations

from datetime import UTC, datetime

from hadath.extractor import extract
from hadath_schemas import Article, Event


def _art(title: str, body: str, aid: str = "a1", published: datetime | None = None) -> Article:
    return Article(id=aid, title=title, body=body, published_at=published)


def test_title_and_body_mentions_are_one_event() -> None:
    art = _art("روسيا تطالب بريطانيا بالاعتذار", "طالب الكرملين لندن بالاعتذار عن الاتهامات.")
    demands = [e for e in extract(art) if e.type.value == "DEMAND"]
    assert len(demands) == 1
    assert len(demands[0].mentions) == 2
    assert {a.code[:3] for a in demands[0].source} == {"RUS"}
    assert {a.code[:3] for a in demands[0].target} == {"GBR"}


def test_nominal_restatement_joins_the_event() -> None:
    art = _art("", "ستجري روسيا وتركيا محادثات في أنقرة. وقال مسؤول إن المحادثات الروسية التركية ستبدأ غدا.")
    meets = [e for e in extract(art) if e.type.value == "MEET"]
    assert len(meets) == 1 and len(meets[0].mentions) == 2


def test_different_parties_are_different_events() -> None:
    art = _art("", "اتهمت روسيا تركيا بالتصعيد. واتهمت إيران إسرائيل بالتصعيد.")
    acc = [e for e in extract(art) if e.type.value == "ACCUSE"]
    assert len(acc) == 2
    assert len({e.event_id for e in acc}) == 2


def test_event_id_is_deterministic_and_offset_independent() -> None:
    body = "اتهمت روسيا تركيا بالتصعيد."
    a = extract(_art("", body))
    b = extract(_art("", body))
    c = extract(_art("", "وفي تطور آخر، " + body))  # same event, shifted offsets
    assert [e.event_id for e in a] == [e.event_id for e in b]
    assert a[0].event_id == c[0].event_id
    d = extract(_art("", body, aid="other"))
    assert d[0].event_id != a[0].event_id


def test_dates_are_resolved_with_published_at_and_mode() -> None:
    pub = datetime(2018, 4, 11, 9, 0, tzinfo=UTC)  # a Wednesday
    body = "اتهمت روسيا تركيا الاثنين بالتصعيد. وسيلتقي وزير الخارجية الروسي نظيره التركي الأحد."
    art = _art("", body, published=pub)
    evs = {e.type.value: e for e in extract(art)}
    assert evs["ACCUSE"].date is not None and evs["ACCUSE"].date.value == "2018-04-09"
    assert evs["MEET"].mode.value == "planned"
    assert evs["MEET"].date is not None and evs["MEET"].date.value == "2018-04-15"


def test_every_event_is_schema_valid_with_consistent_spans() -> None:
    art = _art(
        "واشنطن تنفي وموسكو تتهم",
        "نفت وزارة الخارجية الأمريكية الاتهامات الروسية. وقصفت طائرات الجيش السوري مواقع في حلب. "
        "ودعا الأمين العام للأمم المتحدة الأطراف إلى الحوار. وهددت إيران إسرائيل بالرد.",
    )
    text = art.text
    evs = extract(art)
    assert evs
    for e in evs:
        Event.model_validate_json(e.model_dump_json())
        for s in [e.trigger, *e.mentions, *e.source, *e.target]:
            assert 0 <= s.start <= s.end <= len(text)
            assert text[s.start : s.end] == s.text
        assert e.trigger.start in {m.start for m in e.mentions}
        assert e.sentence and e.sentence in text
        assert 0 <= e.confidence <= 1


def test_every_type_has_default_codes() -> None:
    from hadath.extractor.pipeline import _DEFAULT_CAMEO
    from hadath_schemas import EventType

    assert set(_DEFAULT_CAMEO) == {t.value for t in EventType}


def test_verbal_attack_between_people_is_condemn() -> None:
    art = _art("", "وهاجم الرئيس الأمريكي دونالد ترامب وزير الخارجية الإيراني جواد ظريف.")
    types = [e.type.value for e in extract(art)]
    assert "CONDEMN" in types and "ATTACK" not in types


def test_denial_answers_the_accusation() -> None:
    art = _art("", "اتهمت بريطانيا روسيا بتسميم الجاسوس. ونفت موسكو هذه الاتهامات.")
    deny = [e for e in extract(art) if e.type.value == "DENY"]
    assert deny and {a.code[:3] for a in deny[0].target} == {"GBR"}


def test_background_event_of_another_year_stays_apart() -> None:
    from datetime import datetime

    from hadath.extractor import extract
    from hadath_schemas import Article

    art = Article(
        id="t-year",
        title="",
        published_at=datetime(2015, 8, 3, tzinfo=UTC),
        body="التقى وزير الخارجية الروسي سيرغي لافروف مع خالد مشعل في موسكو اليوم. "
        "وكانت آخر زيارة لمشعل إلى موسكو في 2010.",
    )
    meets = [e for e in extract(art) if e.type == "MEET"]
    assert len(meets) == 2
    # the background visit does not take the story date of the lead
    assert [e.date for e in meets if e.mentions[0].text == "زيارة"] == [None]


def test_actorless_mention_does_not_extend_the_reach_of_a_report() -> None:
    from hadath.extractor import extract
    from hadath_schemas import Article

    art = Article(
        id="t-anchor",
        title="",
        body="دعت روسيا إلى وقف القتال. وأضاف أن المنظمة تلقت طلبا من جهة ما. "
        "وتطالب روسيا وسوريا منظمة حظر الأسلحة الكيميائية بإرسال محققين.",
    )
    demands = [e for e in extract(art) if e.type == "DEMAND"]
    assert len(demands) == 2


def test_uncoded_addressee_is_not_an_empty_one() -> None:
    from hadath.extractor import extract
    from hadath_schemas import Article

    art = Article(
        id="t-uncoded",
        title="روسيا تدعو الغرب إلى التخلي عن خطاب الحرب",
        body="قال السفير الروسي إن بلاده تريد التهدئة. "
        "وأضاف أن موسكو ودمشق تطالبان منظمة حظر الأسلحة الكيميائية بإرسال محققين.",
    )
    demands = [e for e in extract(art) if e.type == "DEMAND"]
    assert len(demands) == 2


def test_announcement_date_is_not_the_planned_event_date() -> None:
    from hadath.extractor import extract
    from hadath_schemas import Article

    art = Article(
        id="t-plan-date",
        title="",
        published_at=datetime(2015, 7, 29, tzinfo=UTC),
        body="أعلن الكرملين أمس الثلاثاء أن الرئيس الروسي فلاديمير بوتين "
        "سيلتقي الرئيس التركي رجب طيب أردوغان.",
    )
    meets = [e for e in extract(art) if e.type == "MEET"]
    assert meets and meets[0].mode == "planned" and meets[0].date is None
