"""Actor resolution beyond plain gazetteer lookup: office holder + organisation, role noun +
nationality adjective (also plural/indefinite), construct-state institutions, context-only
idioms, outlets that are not parties, and in-document head-noun aliases.

All sentences are synthetic (written for these tests)."""

from __future__ import annotations

import pytest

from hadath.extractor.actors import find_actors
from hadath.extractor.text import make_doc


def _actors(text: str) -> list[tuple[str, str | None]]:
    doc = make_doc(text, 0)
    return [(text[a.start : a.end], a.code) for a in find_actors(doc)]


def _codes(text: str) -> list[str]:
    return [c for _, c in _actors(text) if c]


# ---------------------------------------------------------------- office + organisation


@pytest.mark.parametrize(
    ("text", "span", "code"),
    [
        # title with the article + لـ + organisation
        (
            "وطالب الأمين العام لجامعة الدول العربية الدول بالتحرك",
            "الأمين العام لجامعة الدول العربية",
            "IGOARL",
        ),
        ("وصل الأمين العام لحلف الناتو إلى بروكسل", "الأمين العام لحلف الناتو", "IGONATO"),
        ("قال المبعوث الخاص للأمم المتحدة أمس", "المبعوث الخاص للأمم المتحدة", "IGOUNO"),
        (
            "وأعلن المدير العام للوكالة الدولية للطاقة الذرية أن",
            "المدير العام للوكالة الدولية للطاقة الذرية",
            "IGOUNO",
        ),
        # spokesman of X takes X's code, also X composed from role + demonym
        ("وقال المتحدث باسم الخارجية الصينية إن", "المتحدث باسم الخارجية الصينية", "CHNGOV"),
        ("وأكد الناطق باسم الكرملين أن", "الناطق باسم الكرملين", "RUSGOV"),
        ("وقالت المتحدثة باسم الاتحاد الأوروبي إن", "المتحدثة باسم الاتحاد الأوروبي", "IGOEU"),
        ("وقال متحدث باسم الجيش الإسرائيلي إن", "متحدث باسم الجيش الإسرائيلي", "ISRMIL"),
        # construct state (title without the article + genitive organisation/country)
        ("ودعا مبعوث الأمم المتحدة الأطراف", "مبعوث الأمم المتحدة", "IGOUNO"),
        ("والتقى سفير الاتحاد الأوروبي بالوزير", "سفير الاتحاد الأوروبي", "IGOEU"),
        ("وانتقد رئيس روسيا القرار", "رئيس روسيا", "RUSGOV"),
        ("وصرح وزير خارجية فرنسا بأن", "وزير خارجية فرنسا", "FRAGOV"),
        ("واجتمع وزراء خارجية دول مجلس التعاون أمس", "وزراء خارجية دول مجلس التعاون", "IGOGCC"),
    ],
)
def test_office_holder_takes_the_organisations_code(text: str, span: str, code: str) -> None:
    assert (span, code) in _actors(text)


def test_lam_after_a_head_of_state_title_is_the_addressee_not_the_owner() -> None:
    # 'the president said to Russia Today': لـ after الرئيس is not 'of'
    got = _actors("وقال الرئيس لروسيا اليوم إن")
    assert all(code is None or not code.startswith("RUS") or span == "روسيا اليوم" for span, code in got)
    assert not any(span.startswith("الرئيس") and code for span, code in got)


def test_envoy_to_a_country_is_not_that_countrys_envoy() -> None:
    got = _actors("وصل المبعوث الخاص لسوريا إلى العاصمة")
    assert ("المبعوث الخاص لسوريا", "SYRGOV") not in got
    assert ("سوريا", "SYR") in got


def test_bare_title_stays_uncoded() -> None:
    assert _codes("وقال الأمين العام إن الاجتماع انتهى") == []
    assert _codes("وقال المتحدث إن الاجتماع انتهى") == []


def test_honorific_between_title_and_name_is_not_the_name() -> None:
    text = "قال الأمين العام لجامعة الدول العربية الدكتور سمير فلان إن. وأضاف فلان أن"
    got = _actors(text)
    assert ("فلان", "IGOARL") in got
    assert not any(span == "الدكتور" for span, _ in got)


# ---------------------------------------------------------------- role noun + adjective


@pytest.mark.parametrize(
    ("text", "span", "code"),
    [
        ("وصل المبعوث الأوروبي إلى المنطقة", "المبعوث الأوروبي", "IGOEU"),
        ("وقال المفوض الأوروبي إن", "المفوض الأوروبي", "IGOEU"),
        ("واجتمع وزراء الخارجية الخليجيون أمس", "وزراء الخارجية الخليجيون", "IGOGCC"),
        ("وقال المسؤول الأممي إن", "المسؤول الأممي", "IGOUNO"),
        ("والتقى مسؤولون سعوديون بالوفد", "مسؤولون سعوديون", "SAUGOV"),
        ("واجتمع دبلوماسيين روس مع الوفد", "دبلوماسيين روس", "RUSGOV"),
        ("وانتشرت قوات أمريكية قرب الحدود", "قوات أمريكية", "USAMIL"),
        ("وشنت طائرات إسرائيلية غارات", "طائرات إسرائيلية", "ISRMIL"),
        ("وقصف الطيران الروسي مواقع", "الطيران الروسي", "RUSMIL"),
        ("وحلقت مقاتلات تركية فوق المنطقة", "مقاتلات تركية", "TURMIL"),
        ("وقال القنصل الإيطالي إن", "القنصل الإيطالي", "ITAGOV"),
    ],
)
def test_role_noun_with_nationality_adjective(text: str, span: str, code: str) -> None:
    assert (span, code) in _actors(text)


def test_organisation_adjective_alone_is_a_collective_not_the_organisation() -> None:
    # 'European countries', 'Gulf security': no state or organisation acts
    assert "IGOEU" not in _codes("وقالت الدول الأوروبية إن دول أوروبية أخرى")
    assert "IGOGCC" not in _codes("وتحدث عن الأمن الخليجي")


def test_short_plural_demonym_only_after_a_role_noun() -> None:
    # 'روس' is also a surname: alone it is not Russia
    assert _codes("وقال روس إن") == []


def test_role_and_country_are_not_joined_across_a_preposition() -> None:
    got = _actors("وقال دبلوماسي بين أنقرة وواشنطن إن")
    assert ("دبلوماسي بين أنقرة", "TURGOV") not in got
    assert ("أنقرة", "TURGOV") in got


def test_institution_with_fi_country_still_composes() -> None:
    assert ("المعارضة في سوريا", "SYROPP") in _actors("وقالت المعارضة في سوريا إن")


# ---------------------------------------------------------------- institutions in construct


@pytest.mark.parametrize(
    ("text", "span", "code"),
    [
        ("وقالت الحكومة السورية إن", "الحكومة السورية", "SYRGOV"),
        ("وأعلنت وزارة الدفاع الروسية أن", "وزارة الدفاع الروسية", "RUSMIL"),
        ("وقالت وزارة الخارجية الأمريكية إن", "وزارة الخارجية الأمريكية", "USAGOV"),
        ("وهاجمت قوات الحوثي المدينة", "قوات الحوثي", "YEMREB"),
        ("وقصفت القوات الجوية الروسية مواقع", "القوات الجوية الروسية", "RUSMIL"),
    ],
)
def test_institutions_of_a_country(text: str, span: str, code: str) -> None:
    assert (span, code) in _actors(text)


def test_indefinite_role_noun_without_country_is_no_mention() -> None:
    # 'troops' with no owner: no uncoded NP that would fill the object slot
    assert _actors("وأرسلت قوات إلى المنطقة") == []


# ---------------------------------------------------------------- context-dependent idioms


def test_legitimate_government_is_yemens_only_in_yemen_news() -> None:
    yemen = "قالت الحكومة الشرعية إن الحوثيين قصفوا عدن. وأكدت اليمن أن الحوثيين"
    assert ("الحكومة الشرعية", "YEMGOV") in _actors(yemen)
    other = "نشرت روسيا قوات بناء على طلب الحكومة الشرعية لدولة ذات سيادة. وقالت سوريا واليمن"
    assert all(code != "YEMGOV" for _, code in _actors(other))


def test_regime_and_occupation_need_their_country_in_the_article() -> None:
    assert ("قوات النظام", "SYRMIL") in _actors("قصفت قوات النظام ريف إدلب في سوريا")
    assert all(code is None for _, code in _actors("قصفت قوات النظام المدينة"))
    assert ("قوات الاحتلال", "ISRMIL") in _actors("اعتقلت قوات الاحتلال شبانا فلسطينيين")
    assert all(code is None for _, code in _actors("قالت قوات الاحتلال إن"))


# ---------------------------------------------------------------- outlets are not parties


def test_newspaper_with_country_adjective_is_one_uncoded_media_mention() -> None:
    got = _actors("وقال الوزير في حوار نشرته جريدة النهار اليومية الكويتية إن الحكومة")
    assert ("جريدة النهار اليومية الكويتية", None) in got
    assert all(code != "KWT" for _, code in got)


def test_newspaper_named_after_a_capital_is_not_the_government() -> None:
    got = _actors("وقالت صحيفة «الرياض» السعودية إن")
    assert got == [("صحيفة «الرياض» السعودية", None)]


def test_listed_outlets_are_uncoded_but_journalists_keep_their_code() -> None:
    assert _codes("وذكرت وكالة الأنباء السورية ورويترز أن") == []


def test_state_agency_named_wakala_is_not_an_outlet() -> None:
    assert ("الاستخبارات الأمريكية", "USAGOV") in _actors("وقالت وكالة الاستخبارات الأمريكية إن")


# ---------------------------------------------------------------- in-document head-noun aliases


def test_bare_head_noun_refers_back_to_the_named_organisation() -> None:
    text = "اجتمعت لجنة مبادرة السلام العربية أمس. وطالبت اللجنة في بيانها إسرائيل بالانسحاب"
    assert ("اللجنة", "IGOARL") in _actors(text)


def test_head_noun_alias_with_proclitic() -> None:
    text = "أعلنت حركة حماس موقفها. وقال متحدث إن للحركة شروطا"
    got = _actors(text)
    assert any(code == "PSE" and span.endswith("لحركة") for span, code in got)


def test_head_noun_with_two_different_referents_stays_uncoded() -> None:
    text = "اجتمع مجلس الأمن ومجلس الشيوخ الأمريكي. وقال المجلس إن"
    got = _actors(text)
    assert not any(span == "المجلس" and code for span, code in got)


def test_head_noun_followed_by_an_adjective_is_another_name() -> None:
    text = "أعلنت حركة حماس موقفها. وقالت الحركة الإسلامية إن"
    assert not any(span == "الحركة" and code for span, code in _actors(text))


def test_head_noun_alias_needs_a_prior_name() -> None:
    assert _codes("وقالت اللجنة إن. ثم أعلنت لجنة مبادرة السلام العربية") == ["IGOARL"]


def test_bare_coalition_follows_the_named_coalition() -> None:
    text = "شن التحالف العربي غارات. وقالت مقاتلات التحالف إنها"
    got = _actors(text)
    assert ("مقاتلات التحالف", "SAU") in got


# ---------------------------------------------------------------- names after coded titles


def test_name_after_an_adjective_of_the_title_is_learned() -> None:
    text = "ودعا نائب وزير الخارجية الأميركي الأسبق جيمس فلانسون، إلى الحوار. وقال فلانسون إن"
    assert ("فلانسون", "USAGOV") in _actors(text)


def test_plural_title_introduces_no_name() -> None:
    got = _actors("ونفى مسؤولين سعوديين تقارير اختفائه")
    assert ("مسؤولين سعوديين", "SAUGOV") in got
    assert all("تقارير" not in span for span, _ in got)


def test_title_already_naming_a_listed_person_learns_nothing_more() -> None:
    text = "وكرر المتحدث باسم الكرملين ديمتري بيسكوف، الرسالة نفسها. وقال إن الرسالة واضحة"
    got = _actors(text)
    assert got[0] == ("المتحدث باسم الكرملين ديمتري بيسكوف", "RUSGOV")
    assert not any("الرسالة" in span for span, _ in got)


def test_function_words_after_a_title_are_no_name() -> None:
    got = _actors("وصرح وزير خارجية فرنسا بأن الاتفاق قائم")
    assert ("وزير خارجية فرنسا", "FRAGOV") in got
    assert all(span != "بأن" for span, _ in got)


# ---------------------------------------------------------------- the dual 'both sides'


def _cands(text: str) -> list[tuple[str, list[str], list[str]]]:
    from hadath.extractor.pipeline import analyse

    _doc, cands, _ = analyse(text, 0)
    return [
        (c.type, sorted(a.key for a in c.source if a.key), sorted(a.key for a in c.target if a.key))
        for c in cands
    ]


def test_dual_stands_for_the_two_parties_named_before_it() -> None:
    text = "استقبل الرئيس الأمريكي وزير الخارجية الإيراني أمس. واتفق الطرفان على استئناف الحوار"
    assert ("AGREE", ["IRN", "USA"], []) in _cands(text)


def test_dual_with_a_counterpart_demonym_and_a_topic_adjective() -> None:
    # the counterpart's adjective names a side; the crisis' adjective is only the topic
    text = "التقى رئيس وزراء اليابان نظيره الهندي في طوكيو وبحث الجانبان الأزمة السورية"
    assert ("MEET", ["IND", "JPN"], []) in _cands(text)


def test_dual_followed_by_its_adjectives_is_not_resolved() -> None:
    got = _actors("اجتمع وزير الخارجية الفرنسي بنظيره الألماني. وقال الجانبان الأردني والأمريكي إن")
    assert not any(span == "الجانبان" for span, _ in got)


def test_dual_with_three_competing_parties_is_left_uncoded() -> None:
    text = "وحثت منظمة العفو الدولية الأردن وإسرائيل على فتح الحدود بعد إعلان الطرفين رفضهما"
    assert not any(span == "الطرفين" for span, _ in _actors(text))


def test_plural_buldan_is_not_a_dual() -> None:
    # 'البلدان' is also the plural 'the countries'
    text = "التقى وزير الخارجية الروسي نظيره الصيني. وقال إن البلدان العربية"
    # (the collective 'البلدان العربية' is a blocked, uncoded party: never the two named)
    assert not any("البلدان" in span and code for span, code in _actors(text))
    text = "التقى وزير الخارجية الروسي نظيره الصيني. وقال إن البلدان تعاني"
    assert not any("البلدان" in span for span, _ in _actors(text))


def test_dual_of_leaders_and_ministers() -> None:
    text = "تحدث الرئيس الفرنسي هاتفيا مع نظيره الأمريكي. واتفق الزعيمان على تنسيق الرد"
    assert ("AGREE", ["FRA", "USA"], []) in _cands(text)


def test_director_of_an_organisation() -> None:
    assert ("مديرة منظمة العفو الدولية", "NGOAMN") in _actors("وقالت مديرة منظمة العفو الدولية إن")


def test_blocked_surname_after_the_full_name_in_the_same_document() -> None:
    # 'العتيبي' is shared by several listed people: bare, it is blocked; after the
    # document has named one of them in full, it is that person
    assert _codes("وقال العتيبي إن") == []
    text = "قال السفير منصور العتيبي إن الكويت تدين الهجوم. ودعا العتيبي مجلس الأمن إلى التحرك"
    assert ("العتيبي", "KWTGOV") in _actors(text)


def test_blocked_surname_before_the_full_name_stays_blocked() -> None:
    got = _actors("وقال العتيبي إن. ثم تحدث منصور العتيبي")
    assert got[0] == ("العتيبي", None)


def test_legitimate_government_in_a_yemen_passage_of_another_story() -> None:
    # the article is about Saudi-Jordanian talks; the sentence itself is about Yemen
    text = (
        "بحث الأردن والسعودية العلاقات. وأكد الأردن والسعودية دعمهما. وناقش الجانبان "
        "الأوضاع في اليمن استجابة لمناشدة الحكومة الشرعية للدفاع عن الشعب اليمني"
    )
    assert ("الحكومة الشرعية", "YEMGOV") in _actors(text)


def test_head_noun_alias_before_a_relative_clause_or_participle() -> None:
    text = "أعلنت حركة حماس موقفها. وقالت الحركة التي تسيطر على القطاع إن"
    assert ("الحركة", "PSE") in _actors(text)
    text = "اجتمع مجلس حقوق الإنسان. وكان المجلس المكون من 47 عضوا قد صوت"
    assert ("المجلس", "IGOUNO") in _actors(text)


def test_head_noun_alias_before_a_particle_or_time_adverb() -> None:
    # 'إلى'/'اليوم'/'الخميس' start with alef-lam but are no longer name ('اللجنة الأولمبية')
    text = "اجتمعت لجنة مبادرة السلام العربية. ودعت اللجنة إلى وقف الاستيطان"
    assert ("اللجنة", "IGOARL") in _actors(text)
    text = "أعلنت حركة حماس موقفها. وقالت الحركة الخميس إن"
    assert ("الحركة", "PSE") in _actors(text)


def test_head_noun_alias_chain_reaches_past_the_sentence_limit() -> None:
    # each alias mention is near the previous one, so the referent stays the same
    text = (
        "اجتمع مجلس حقوق الإنسان. وقال دبلوماسي إن. ثم صوت المجلس. وقالت مصادر إن. "
        "وذكر آخرون أن. وأضافوا أن. وكان المجلس قد صوت"
    )
    assert [s for s, c in _actors(text) if s == "المجلس" and c == "IGOUNO"] == ["المجلس", "المجلس"]
    # with no mention in between, a far bare head noun stays uncoded
    text = (
        "اجتمع مجلس حقوق الإنسان. وقال دبلوماسي إن. وقالت مصادر إن. "
        "وذكر آخرون أن. وأضافوا أن. وتابعوا أن. وكان المجلس قد صوت"
    )
    assert not any(s == "المجلس" and c for s, c in _actors(text))


def test_the_three_leaders_are_the_three_named_before() -> None:
    text = (
        "استضاف الرئيس الروسي نظيريه التركي والإيراني في سوتشي. "
        "وقال الزعماء الثلاثة في بيان إنهم اتفقوا على مواصلة التنسيق"
    )
    got = [(span, code) for span, code in _actors(text) if span == "الزعماء الثلاثة"]
    assert got == [("الزعماء الثلاثة", "RUSGOV")]
    doc = make_doc(text, 0)
    trio = next(a for a in find_actors(doc) if text[a.start : a.end] == "الزعماء الثلاثة")
    assert sorted(x.key for x in (trio, *trio.also)) == ["IRN", "RUS", "TUR"]


def test_blocked_quartet_is_resolved_to_the_four_named_states() -> None:
    text = "قاطعت السعودية والإمارات والبحرين ومصر قطر. واتهمت الدول الأربع الدوحة بدعم الإرهاب"
    assert ("ACCUSE", ["ARE", "BHR", "EGY", "SAU"], ["QAT"]) in _cands(text)
    # without four named states the quartet stays blocked
    assert _codes("واتهمت الدول الأربع الدوحة") == ["QATGOV"]


def test_representative_of_a_quoted_organisation_name() -> None:
    text = 'طلبت الوزارة من ممثل منظمة "هيومن رايتس ووتش" المغادرة'
    assert ('ممثل منظمة "هيومن رايتس ووتش', "NGOHRW") in _actors(text)


def test_head_noun_written_before_a_listed_name_is_aliased_later() -> None:
    text = 'انتقدت منظمة "هيومن رايتس ووتش" القرار. وقالت المنظمة التي تتخذ من نيويورك مقرا إن'
    assert ("المنظمة", "NGOHRW") in _actors(text)


def test_feminine_construct_titles() -> None:
    assert ("سفيرة إسرائيل", "ISRGOV") in _actors("وانتقدت سفيرة إسرائيل القرار")


def test_adjectives_complementisers_and_latin_are_no_names() -> None:
    text = "وقال مسؤول روسي كبير، إن موسكو لن ترد. وأكد كبير المفاوضين أن"
    assert not any(span == "كبير" for span, _ in _actors(text)[1:])
    got = _actors("وقال الرئيس الأمريكي بأنه سيرد. وقال المتحدث لـCNN إن")
    assert all("CNN" not in span for span, _ in got)


def test_two_definite_nouns_are_no_surname_alias() -> None:
    # a run of name-like words after a title may end in two definite nouns; their pair is
    # no surname to look for in the rest of the article
    text = "وقال المبعوث الروسي، سيرغي الشرق الأوسط، إن. وتشهد الشرق الأوسط توترا"
    assert not any(span == "الشرق الأوسط" and code for span, code in _actors(text))


def test_consensus_government_is_libyan_or_palestinian_by_context() -> None:
    libya = "التقى رئيس حكومة الوفاق الوطني في ليبيا بالمبعوث الأممي في طرابلس الليبية"
    assert any(code == "LBYGOV" and "الوفاق" in span for span, code in _actors(libya))
    palestine = "طالبت حركة حماس حكومة الوفاق الوطني الفلسطينية بدفع الرواتب في غزة. وقال الفلسطينيون إن"
    assert any(code == "PSEGOV" and "الوفاق" in span for span, code in _actors(palestine))
    assert all(code is None for span, code in _actors("وقالت حكومة الوفاق إن") if "الوفاق" in span)


def test_two_bare_noun_phrases_of_one_country_are_not_one_actor() -> None:
    # subject and object of the same country, no comma: not an apposition
    got = _actors("ولطالما هاجم ترامب سيشنز بسبب التحقيق")
    assert ("ترامب", "USAGOV") in got and len(got) == 2
    got = _actors("ومثّل المملكة وزير الخارجية عادل الجبير في الاجتماع")
    assert ("المملكة", "SAU") in got and len(got) == 2
    # a title and its name, with or without a comma, stay one actor
    assert _actors("قال الرئيس الأمريكي دونالد ترامب") == [("الرئيس الأمريكي دونالد ترامب", "USAGOV")]


# ---------------------------------------------------------------- identifiable persons and bodies


@pytest.mark.parametrize(
    ("text", "span", "code"),
    [
        # a title with a nationality adjective codes the person (spec roles: a legislature is
        # GOV, a cleric or pastor civil society, an opposition figure OPP)
        ("وانتقد السيناتور الكندي القرار", "السيناتور الكندي", "CANGOV"),
        ("وطالب قس ألماني بالإفراج عنه", "قس ألماني", "DEUCVL"),
        ("ودعا المعارض الإيراني إلى التظاهر", "المعارض الإيراني", "IRNOPP"),
        # one relational adjective between the title and the nationality
        ("ودعا رجل الدين السني اللبناني إلى الهدوء", "رجل الدين السني اللبناني", "LBNCVL"),
        ("وقالت الناشطة الحقوقية المغربية إن", "الناشطة الحقوقية المغربية", "MARCVL"),
        # 'the X side', 'the X capital' stand for that state
        ("وطلب الجانب الياباني تأجيل المحادثات", "الجانب الياباني", "JPNGOV"),
        ("وحذرت العاصمة الفرنسية من التصعيد", "العاصمة الفرنسية", "FRAGOV"),
        # an envoy acting for a state: the envoy of its head of state
        ("وأكد المبعوث الشخصي للعاهل الأردني أن", "المبعوث الشخصي للعاهل الأردني", "JORGOV"),
        ("ووصل مبعوث الرئيس الفرنسي إلى بيروت", "مبعوث الرئيس الفرنسي", "FRAGOV"),
    ],
)
def test_title_with_nationality_codes_the_person(text: str, span: str, code: str) -> None:
    assert (span, code) in _actors(text)


def test_side_capital_and_opponent_alone_are_no_noun_phrase() -> None:
    # without their country they are ordinary words ('unilateral', 'the capital city')
    for text in ("ورفض القرار الأحادي الجانب", "وعاد المواطنون إلى العاصمة", "وقال الفصيل المعارض إن"):
        assert not any(span in ("الجانب", "العاصمة", "المعارض") for span, _ in _actors(text)), text


def test_envoy_to_a_country_is_not_its_envoy() -> None:
    got = _actors("وقال المبعوث الخاص الرسمي لسوريا إن")
    assert ("سوريا", "SYR") in got and not any(code == "SYRGOV" for _, code in got)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("واجتمع وزراء الخارجية العرب أمس", "IGOARL"),
        ("وأكد القادة العرب دعمهم", "IGOARL"),
        ("وطالب وزراء خارجية الدول العربية بالتحقيق", "IGOARL"),
        ("وأدانت القمة الخليجية الهجوم", "IGOGCC"),
        ("ودعت القمة الأفريقية إلى الحوار", "IGOAU"),
    ],
)
def test_collective_bodies_act_as_their_organisation(text: str, code: str) -> None:
    assert _codes(text) == [code]


def test_a_name_before_its_title_is_learned_for_the_article() -> None:
    text = "وقال هنري مارتان، السفير الفرنسي لدى الأردن، إن. ودعا مارتان إلى الحوار"
    got = _actors(text)
    assert ("هنري مارتان، السفير الفرنسي", "FRAGOV") in got
    assert ("مارتان", "FRAGOV") in got  # the surname later in the article


def test_words_before_a_comma_after_a_locative_are_no_name() -> None:
    # a place before the comma ('in X Palace, the general ...') is not the general's name
    got = _actors("وفي قصر الرحاب، الجنرال الأمريكي يلتقي الوزير")
    assert ("الجنرال الأمريكي", "USAMIL") in got
    assert not any("الرحاب" in span for span, _ in got)


# ---------------------------------------------------------------- bare government / opposition


def _article_actors(title: str, body: str) -> list[tuple[str, str | None]]:
    text = title + "\n" + body
    return [(text[a.start : a.end], a.code) for a in find_actors(make_doc(text, len(title)))]


_ONE_COUNTRY_BODY = (
    "خرج آلاف التونسيين إلى شوارع صفاقس احتجاجا على الضرائب. "
    "وطالب المحتجون الحكومة بإلغاء القانون. واتهمت المعارضة الحكومة بتجاهل المطالب. "
    "وقالت السلطات إن القانون ضروري."
)


def test_bare_government_and_opposition_take_the_country_the_story_is_about() -> None:
    got = _article_actors("تونس: احتجاجات على قانون المالية", _ONE_COUNTRY_BODY)
    assert ("الحكومة", "TUNGOV") in got
    assert ("المعارضة", "TUNOPP") in got
    assert ("السلطات", "TUNGOV") in got


def test_a_lead_about_two_countries_makes_no_country_clear() -> None:
    got = _article_actors("تونس والجزائر تبحثان أزمة الحدود مع الجزائر", _ONE_COUNTRY_BODY)
    assert all(code is None for span, code in got if span in ("الحكومة", "المعارضة", "السلطات"))


def test_another_states_actor_in_the_sentence_keeps_the_government_uncoded() -> None:
    body = _ONE_COUNTRY_BODY + " وقال وزير الخارجية الفرنسي إن الحكومة تعهدت بالإصلاح."
    got = _article_actors("تونس: احتجاجات على قانون المالية", body)
    last = [code for span, code in got if span == "الحكومة"][-1]
    assert last is None


# ---------------------------------------------------------------- the epithet 'the latter'


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # a feminine epithet takes the nearest country/city before it
        ("وطالبت أنقرة واشنطن بتسليم المعارض، لكن الأخيرة رفضت الطلب", "USAGOV"),
        # a masculine one the nearest person/title; after a construct noun (طلب الأخير)
        ("واستقبل الرئيس الفرنسي وزير الخارجية المصري بناء على طلب الأخير", "EGYGOV"),
        # with a preposition it is always the noun
        ("ووجهت اليابان رسالة إلى كندا وأكدت للأخيرة دعمها", "CAN"),
    ],
)
def test_the_latter_is_the_nearest_party_of_its_gender(text: str, code: str) -> None:
    latter = [c for span, c in _actors(text) if "أخير" in span]
    assert latter == [code]


@pytest.mark.parametrize(
    "text",
    [
        "وندد الوزير الأردني بتصريحات الرئيس الأمريكي الأخيرة",  # adjective after a name
        "وقال وزير الخارجية الكندي إن زيارته الأخيرة كانت ناجحة",  # a possessed noun
        "وقالت كندا إن هذه الأزمة لن تكون الأخيرة",  # a predicate
        "وقالت كندا في الأيام الأخيرة إنها",  # adjective after a definite noun
        # an unknown person named in between may be the latter
        "وأصيب جنود أتراك وتبعهم مواطنهم كمال أوزدمير، بعد استهداف الأخير",
    ],
)
def test_last_as_an_adjective_or_after_an_unknown_name_is_no_party(text: str) -> None:
    assert not any("أخير" in span for span, _ in _actors(text))


# ---------------------------------------------------------------- coordinated nationalities


def test_every_coordinated_nationality_is_a_party() -> None:
    # 'روس' is listed only as 'الروس' (bare it is also a surname): in a chain after a
    # nationality word it is one more party
    assert _codes("واجتمع مسؤولون أتراك وروس وإيرانيون أمس") == ["TURGOV", "RUS", "IRN"]
    assert _codes("وأصيب جنود أمريكيون وصرب في الانفجار") == ["USA", "SRB"]
    # after a name it stays a name
    assert _codes("واستقبل ترامب وروس الوفد") == ["USAGOV"]


def test_dual_ministers_compose_with_their_countries() -> None:
    assert _codes("وبحث وزيرا خارجية اليابان وكندا الأزمة") == ["JPNGOV", "CAN"]
    assert _codes("وناقش وزيرا الدفاع الياباني والكندي الأزمة") == ["JPNMIL", "CAN"]


def test_leadership_presidency_and_regional_bodies() -> None:
    assert _codes("ودعت القيادة الكويتية إلى ضبط النفس") == ["KWTGOV"]
    assert _codes("وأكدت القيادة العامة أن") == []  # the leadership of whom: dropped
    # a bare 'الرئاسة' after the named presidency refers back to it
    got = _actors("وأعلنت الرئاسة التونسية الحداد. وطالبت الرئاسة بالتحقيق")
    assert got[-1] == ("الرئاسة", "TUNGOV")
    assert _codes("وقال رئيس إقليم كردستان العراق إن") == ["IRQGOV"]
    assert _codes("وأعلنت شرطة دبي القبض على المشتبه به") == ["AREGOV"]
    assert _codes("ونددت رابطة مكافحة التشهير بالتصريحات") == ["USACVL"]


def test_fighters_of_a_group_are_the_group() -> None:
    assert _actors("وهاجم مسلحو حزب الله المواقع") == [("مسلحو حزب الله", "LBNREB")]
    assert ("مقاتلي تنظيم داعش", "IMGMOS") in _actors("وقتل عشرات من مقاتلي تنظيم داعش")
    # without a named group they say nothing about who fights
    assert _codes("وقتل عشرات من مقاتلي الفصائل") == []


def test_the_us_republicans_are_american() -> None:
    assert _codes("وتعارض الغالبية الجمهورية الاتفاق") == ["USA"]
    assert _codes("وقال الجمهوريون إنهم يرفضون") == ["USA"]
    assert _codes("وانتشر الحرس الجمهوري في المدينة") != ["USA"]


def test_a_name_before_a_construct_title_without_comma_only_after_a_verb() -> None:
    got = _actors("ووصف ماركوس فيبر نائب وزير الخارجية النمساوي القرار بأنه خطأ")
    assert ("ماركوس فيبر نائب وزير الخارجية النمساوي", "AUTGOV") in got
    # elsewhere the words before the title are a verb and its object, not a name
    got = _actors("وكان قد شغل منصب سفير النمسا في القاهرة")
    assert not any("منصب" in span for span, _ in got)


def test_state_epithets() -> None:
    assert _codes("واتهمت الدولة العبرية حماس بالتصعيد") == ["ISR", "PSE"]
    assert _codes("وقصفت دولة الاحتلال القطاع") == ["ISR"]
    assert _codes("وقالت الدولة التونسية إن") == ["TUNGOV"]
    assert _codes("وقالت الدولة إن") == []  # which state: dropped
    assert _codes("وسيطرت الدولة الإسلامية على المدينة") == ["IMGMOS"]


@pytest.mark.parametrize(
    ("text", "span", "code"),
    [
        ("وقال وزير العدل النرويجي إن", "وزير العدل النرويجي", "NORGOV"),
        ("وأكدت وزيرة الصحة الكندية أن", "وزيرة الصحة الكندية", "CANGOV"),
        ("وينفي وزير المالية الياباني أن", "وزير المالية الياباني", "JPNGOV"),
    ],
)
def test_a_minister_of_any_portfolio_takes_the_nationality(text: str, span: str, code: str) -> None:
    assert (span, code) in _actors(text)


def test_an_adjective_of_the_genitive_is_not_the_titles_nationality() -> None:
    # feminine adjective after a masculine title agrees with the genitive: the official of
    # the Norwegian department, no Norwegian official
    assert not any(code == "NORGOV" for _, code in _actors("وقال مسؤول الدائرة النرويجية إن"))


def test_a_ministry_of_any_portfolio_takes_the_nationality_and_is_referred_back_to() -> None:
    got = _actors("وقالت وزارة الصحة النرويجية إن. وأضافت الوزارة أن")
    assert got[0] == ("وزارة الصحة النرويجية", "NORGOV")
    assert got[-1][1] == "NORGOV"  # 'الوزارة' refers back to it
    assert _actors("وقالت الوزارة إن") == []  # which ministry: dropped


def test_a_relational_adjective_gap_needs_gender_agreement() -> None:
    # a feminine nationality after a masculine title describes something else, not the title
    assert ("الناشطة الحقوقية المغربية", "MARCVL") in _actors("وقالت الناشطة الحقوقية المغربية إن")
    assert not any(code == "MARCVL" for _, code in _actors("وقال الناشط الحقوقي المغربية إن"))


@pytest.mark.parametrize(
    ("text", "span", "code"),
    [
        ("وقال الموفد الكندي إلى اليمن إن", "الموفد الكندي", "CANGOV"),
        ("وقال الموفد الخاص للأمم المتحدة إن", "الموفد الخاص للأمم المتحدة", "IGOUNO"),
        ("ووصل موفد الاتحاد الأوروبي إلى بيروت", "موفد الاتحاد الأوروبي", "IGOEU"),
    ],
)
def test_mawfid_is_an_envoy_like_mabuth(text: str, span: str, code: str) -> None:
    assert (span, code) in _actors(text)


def test_a_counterparts_name_is_learned_for_the_article() -> None:
    text = "والتقى وزير الخارجية الروسي بنظيره الأذربيجاني جيهون بيراموف في موسكو. وقال بيراموف إن"
    got = _actors(text)
    assert ("الأذربيجاني جيهون بيراموف", "AZEGOV") in got
    assert got[-1] == ("بيراموف", "AZEGOV")
    # one word after the counterpart is no name ('لدعمه' is 'for his support')
    got = _actors('وانتقد الرئيس الأمريكي نظيره الكندي لدعمه "الاتفاق"')
    assert ("الكندي", "CAN") in got and not any("لدعمه" in span for span, _ in got)
    # a purpose phrase after the counterpart is no name either
    got = _actors("وهاتف الرئيس الكندي نظيره الياباني لبحث الأوضاع في المنطقة")
    assert ("الياباني", "JPN") in got


def test_an_organisation_adjective_listed_as_a_collective_still_composes_with_a_role() -> None:
    # 'الأوروبيون' alone is the Europeans (no code); after ministers it is the EU's council
    assert _codes("وقال وزراء الخارجية الأوروبيون إن") == ["IGOEU"]
    assert _codes("وقال الأوروبيون إن") == []


def test_a_name_beginning_with_hamza_alef_is_no_article() -> None:
    # 'ألكسندر' and 'إلمار' fold to 'ال…' like a definite noun, but the text has a hamza
    text = "وقال وزير الخارجية البلغاري ألكسندر بيتروف إن. ودعا بيتروف إلى الحوار"
    got = _actors(text)
    assert ("وزير الخارجية البلغاري ألكسندر بيتروف", "BGRGOV") in got
    assert got[-1] == ("بيتروف", "BGRGOV")
