"""Stage tests: argument attachment (VSO, SVO, coordination, prepositions), mode, attribution, filters."""

from __future__ import annotations

from hadath.extractor.events import Candidate
from hadath.extractor.pipeline import analyse


def _cands(text: str) -> list[Candidate]:
    _doc, cands, _places = analyse(text, 0)
    return cands


def _one(text: str, etype: str) -> Candidate:
    got = [c for c in _cands(text) if c.type == etype]
    assert got, f"no {etype} in {[c.type for c in _cands(text)]}"
    return got[0]


def _keys(actors) -> list[str]:
    return sorted({a.key for a in actors if a.key})


def test_vso_subject_and_object() -> None:
    c = _one("اتهمت روسيا الولايات المتحدة بدعم الإرهاب", "ACCUSE")
    assert _keys(c.source) == ["RUS"] and _keys(c.target) == ["USA"]


def test_svo_subject() -> None:
    c = _one("قال المتحدث إن موسكو تتهم واشنطن بالتصعيد", "ACCUSE")
    assert _keys(c.source) == ["RUS"] and _keys(c.target) == ["USA"]


def test_coordinated_objects() -> None:
    c = _one("اتهمت قطر السعودية والإمارات والبحرين بخرق الميثاق", "ACCUSE")
    assert _keys(c.source) == ["QAT"] and _keys(c.target) == ["ARE", "BHR", "SAU"]


def test_comma_apposition_is_not_a_list() -> None:
    c = _one("أدان وزير الخارجية الأميركي، مايك بومبيو، إيران، الأحد", "CONDEMN")
    assert _keys(c.source) == ["USA"] and _keys(c.target) == ["IRN"]


def test_preposition_slots() -> None:
    c = _one("حثت فرنسا إيران على وقف التخصيب", "DEMAND")
    assert _keys(c.target) == ["IRN"]
    c = _one("واقترحت واشنطن على موسكو شراكة جديدة", "PROPOSE")
    assert _keys(c.source) == ["USA"] and _keys(c.target) == ["RUS"]


def test_symmetric_meet_with_ma() -> None:
    c = _one("التقى وزير الخارجية التركي مع نظيره الإيراني في أنقرة", "MEET")
    assert c.symmetric and _keys(c.source) == ["IRN", "TUR"]


def test_single_party_meeting_is_not_an_event() -> None:
    assert not [c for c in _cands("اجتمعت الحكومة التركية أمس") if c.type == "MEET"]


def test_nominal_trigger_genitive_and_adjective_agents() -> None:
    c = _one("انتقدت الحكومة اتهامات روسيا", "ACCUSE")
    assert _keys(c.source) == ["RUS"]
    c = _one("إدانة أميركية لإيران", "CONDEMN")
    assert _keys(c.source) == ["USA"] and _keys(c.target) == ["IRN"]


def test_light_verb_gives_agent_of_noun() -> None:
    c = _one("ووجهت روسيا تحذيرا لواشنطن من التدخل", "THREATEN")
    assert _keys(c.source) == ["RUS"] and _keys(c.target) == ["USA"]


def test_relative_clause_antecedent_is_subject() -> None:
    c = _one("وجهت لندن الاتهام إلى موسكو، التي نفت ذلك", "DENY")
    assert _keys(c.source) == ["RUS"]


def test_participle_takes_subject_of_main_verb() -> None:
    c = _one("ووجهت روسيا تحذيرا لواشنطن نافية وجود أي تنسيق", "DENY")
    assert _keys(c.source) == ["RUS"]


def test_mode_future_and_negation() -> None:
    assert _one("وسيلتقي وزير الخارجية الروسي نظيره التركي", "MEET").mode == "planned"
    assert _one("ومن المقرر أن تلتقي روسيا وتركيا", "MEET").mode == "planned"
    assert _one("لم تتوصل روسيا وتركيا إلى اتفاق", "AGREE").mode == "negated"
    assert _one("لن تلتقي روسيا وتركيا", "MEET").mode == "negated"
    assert _one("اتهمت روسيا تركيا بالتصعيد", "ACCUSE").mode == "asserted"
    assert _one("القمة الروسية التركية المقبلة", "MEET").mode == "planned"


def test_daa_split_propose_vs_demand() -> None:
    assert _one("دعت روسيا تركيا إلى تنفيذ عملية مشتركة", "PROPOSE")
    assert _one("دعت روسيا تركيا إلى وقف القصف", "DEMAND")


def test_purpose_clause_is_not_standalone() -> None:
    c = _one("اجتمع الروس والأتراك للتوصل إلى اتفاق", "AGREE")
    assert not c.standalone


def test_denial_content_is_not_standalone() -> None:
    cands = _cands("ونفت واشنطن أنها اتفقت مع موسكو على شن غارات")
    agree = [c for c in cands if c.type == "AGREE"]
    assert all(not c.standalone for c in agree)


def test_attribution_to_speaker() -> None:
    c = _one("وقال وزير الخارجية الروسي إن بلاده تدين الهجوم على سوريا", "CONDEMN")
    assert c.attributed is not None and c.attributed.code == "RUSGOV"


def test_first_person_verb_takes_speaker() -> None:
    c = _one("وقال وزير الخارجية الروسي: نرفض هذه الخطة", "REJECT")
    assert _keys(c.source) == ["RUS"]


def test_attack_target_from_place_country() -> None:
    c = _one("قصفت طائرات الجيش الروسي مواقع في سوريا", "ATTACK")
    assert "SYR" in _keys(c.target)


def test_deontic_demand_in_reported_speech() -> None:
    c = _one("وقال وزير الخارجية السعودي إن على قطر التوقف عن دعم الجماعات", "DEMAND")
    assert _keys(c.source) == ["SAU"] and _keys(c.target) == ["QAT"]


def test_evaluation_targets_agent_of_evaluated_event() -> None:
    c = _one("انتقد وزير الخارجية الروسي الضربة التي وجهتها أمريكا وفرنسا لمواقع سورية", "CONDEMN")
    assert _keys(c.source) == ["RUS"] and _keys(c.target) == ["FRA", "USA"]


def test_cognate_object_is_not_the_target() -> None:
    c = _one('ورفضت ميركل "رفضا قاطعا" تصريحات الرئيس الإيراني', "REJECT")
    assert _keys(c.source) == ["DEU"] and "DEU" not in _keys(c.target)


def test_igo_session_is_a_meeting() -> None:
    c = _one("وعقد مجلس الأمن الدولي جلسة طارئة", "MEET")
    assert _keys(c.source) == ["IGOUNO"]


def test_name_inside_actor_is_not_a_trigger() -> None:
    cands = _cands("طالب الكرملين لندن بالاعتذار")
    assert [c.type for c in cands] == ["DEMAND"]
    assert _keys(cands[0].target) == ["GBR"]


def test_undergoer_is_target() -> None:
    c = _one("كما تتعرض إيران لانتقادات من السعودية", "CONDEMN")
    assert _keys(c.source) == ["SAU"] and _keys(c.target) == ["IRN"]


def test_masdar_complement_takes_clause_subject() -> None:
    c = _one("ولا يفوت ترامب فرصة لانتقاد وزير الخارجية الإيراني", "CONDEMN")
    assert _keys(c.source) == ["USA"] and _keys(c.target) == ["IRN"]


def test_spokesperson_speaks_for_institution() -> None:
    c = _one("ونفى المتحدث باسم الكرملين أن تكون روسيا متورطة", "DENY")
    assert _keys(c.source) == ["RUS"]


def test_gender_agreement_rules_out_a_feminine_subject() -> None:
    # 'اتهم' (masc.) cannot agree with إسرائيل (fem.): it is the object of a pro-drop verb
    c = _one("وقال وزير الخارجية الروسي إن بلاده لن تسكت، واتهم إسرائيل بالتصعيد", "ACCUSE")
    assert _keys(c.target) == ["ISR"] and "ISR" not in _keys(c.source)


def test_object_pronoun_refers_to_earlier_party() -> None:
    c = _one("استقبل الرئيس الفرنسي إيمانويل ماكرون المستشارة الألمانية وحثها على دعم الخطة", "DEMAND")
    assert _keys(c.source) == ["FRA"] and _keys(c.target) == ["DEU"]
    c = _one("طردت الحكومة الإسرائيلية ممثل منظمة العفو الدولية، متهمة إياه بالتحريض", "ACCUSE")
    assert _keys(c.target) == ["NGOAMN"]


def test_object_pronoun_of_a_non_party_noun_is_not_a_target() -> None:
    # 'a step that Washington condemned': the pronoun is the step, not a party
    c = _one("اتخذت إيران قرارا جديدا، في خطوة أدانتها الولايات المتحدة", "CONDEMN")
    assert _keys(c.source) == ["USA"] and c.target == []


def test_relative_ma_is_not_negation() -> None:
    c = _one("اتهمت بريطانيا روسيا بتسميم الجاسوس، وهو ما نفته موسكو بشدة", "DENY")
    assert c.mode == "asserted"
    assert _keys(c.source) == ["RUS"] and _keys(c.target) == ["GBR"]
    assert _one("قالت موسكو إنها ما نفت الخبر", "DENY").mode == "negated"
    assert _one("وكثيرا ما اتهمت روسيا الولايات المتحدة بالتدخل", "ACCUSE").mode == "asserted"


def test_denied_claim_author_from_the_preceding_clause() -> None:
    c = _one("زعم النظام السوري أن السعودية طلبت الانسحاب، وهو ما نفته الرياض", "DENY")
    assert _keys(c.source) == ["SAU"] and _keys(c.target) == ["SYR"]


def test_name_apposed_to_a_title_keeps_the_preposition() -> None:
    c = _one("التقى وزير الخارجية الروسي سيرغي لافروف مع رئيس مكتبها السياسي خالد مشعل", "MEET")
    assert _keys(c.source) == ["PSE", "RUS"]


def test_meeting_subject_feeds_pro_drop_not_its_partner() -> None:
    c = _one("التقى وزير الخارجية الروسي سيرغي لافروف مع خالد مشعل ووجه له الدعوة لزيارة موسكو", "PROPOSE")
    assert _keys(c.source) == ["RUS"] and _keys(c.target) == ["PSE"]


def test_masdar_with_agent_and_object() -> None:
    c = _one("جاء ذلك بعد أيام من مطالبة الاتحاد الأوروبي الحكومة الإسرائيلية بوقف الاستيطان", "DEMAND")
    assert _keys(c.source) == ["IGOEU"] and _keys(c.target) == ["ISR"]


def test_passive_agreement_with_one_named_party() -> None:
    c = _one("وقال المتحدث إنه تم الاتفاق مع الأردن على فتح المعبر", "AGREE")
    assert _keys(c.source) == ["JOR"]
    # without the passive auxiliary, one named party is not an agreement
    assert not [c for c in _cands("وناقش الوزير الاتفاق مع الأردن") if c.type == "AGREE"]


def test_meeting_chair_and_guests_are_participants() -> None:
    c = _one("وعقد اجتماع لمجلس الجامعة العربية برئاسة وزير الخارجية المصري وبحضور الرئيس الفلسطيني", "MEET")
    assert _keys(c.source) == ["EGY", "IGOARL", "PSE"]


def test_relative_clause_agent_behind_a_head_noun() -> None:
    c = _one("وأدان الوزير الهجوم الذي شنه تنظيم داعش على الجيش العراقي", "ATTACK")
    assert _keys(c.source) == ["IMG"]
    # the clause of a noun inside a PP after the trigger is not the trigger's
    c = _one("وكثفت روسيا الهجمات على مواقع المعارضة التي تدعمها تركيا", "ATTACK")
    assert "TUR" not in _keys(c.source)


def test_vso_object_after_a_time_adverbial() -> None:
    c = _one("هددت فرنسا والولايات المتحدة في الأيام الأخيرة دمشق بالرد", "THREATEN")
    assert _keys(c.source) == ["FRA", "USA"] and _keys(c.target) == ["SYR"]


def test_imminent_visit_is_planned() -> None:
    assert _one("وأعلنت السعودية قرب زيارة وزير الخارجية الروسي إلى الرياض", "MEET").mode == "planned"


def test_hamza_final_support_verb() -> None:
    c = _one("وكانت قوات سعودية قد بدأت هجوما على المدينة", "ATTACK")
    assert _keys(c.source) == ["SAU"]


def test_concluded_agreement_named_with_its_parties() -> None:
    c = _one("وانتقد الوزير الاتفاق النووي الذي وقعته إيران مع القوى الكبرى", "AGREE")
    assert c.standalone and _keys(c.source) == ["IRN"]
    c = _one("وتحدث عن الاتفاق الموقع بين الدول الست الكبرى وطهران", "AGREE")
    assert c.standalone and _keys(c.source) == ["IRN"]
    c = _one("ورحب بالاتفاق الذي أقره الرئيسان ترمب وبوتين", "AGREE")
    assert _keys(c.source) == ["RUS", "USA"]
    # a bare reference to an existing agreement is still no new event
    assert not [c for c in _cands("وناقش الوزير الاتفاق النووي") if c.type == "AGREE" and c.standalone]


def test_fronted_prepositional_phrase_before_a_vso_verb() -> None:
    c = _one("وعلى نفس الصعيد هددت فرنسا والولايات المتحدة دمشق بالرد", "THREATEN")
    assert _keys(c.source) == ["FRA", "USA"] and _keys(c.target) == ["SYR"]
    # a noun phrase without a party before the verb still blocks the fallback
    assert _one("قال المرصد إن القصف استهدف مواقع في سوريا", "ATTACK").source == []


def test_weapon_of_a_threat_is_not_an_attack() -> None:
    cands = _cands("هدد رئيس الوزراء الإسرائيلي حماس بضربة قوية")
    assert [c for c in cands if c.type == "THREATEN"]
    assert all(not c.standalone for c in cands if c.type == "ATTACK")
    cands = _cands("هدد رئيس الوزراء الإسرائيلي بتوجيه ضربة قوية لحركة حماس")
    assert all(not c.standalone for c in cands if c.type == "ATTACK")


def test_invitation_is_a_proposal() -> None:
    c = _one("وتأتي زيارة الوفد إلى موسكو بناء على دعوة رسمية روسية", "PROPOSE")
    assert _keys(c.source) == ["RUS"]
    assert _one("وزار الوفد الدوحة بدعوة من أمير قطر", "PROPOSE")
    # 'by calling on X to …' stays a demand
    assert _one("وزاد أردوغان التوتر بدعوته القوات الأمريكية إلى مغادرة منبج", "DEMAND")


def test_politician_attacking_a_policy_is_condemnation() -> None:
    cands = _cands("وهاجم وزير الخارجية الروسي سيرغي لافروف السلطات البريطانية لعرقلتها الطلب")
    assert [c for c in cands if c.type == "CONDEMN"] and not [c for c in cands if c.type == "ATTACK"]
    # a country as the object keeps the armed reading
    assert _one("قال إن الرئيس الأمريكي هاجم سوريا", "ATTACK")


def test_evaluation_of_a_step_targets_its_author() -> None:
    c = _one("وكانت إسرائيل رفضت منح الناشط تصريح إقامة، في خطوة أدانتها الولايات المتحدة", "CONDEMN")
    assert _keys(c.source) == ["USA"] and _keys(c.target) == ["ISR"]


def test_attack_verb_in_a_relative_clause_of_a_weapon() -> None:
    c = _one("وحول الصواريخ التي استهدفت السعودية قال البيان إنها إيرانية", "ATTACK")
    assert c.source == [] and _keys(c.target) == ["SAU"]


def test_addressee_of_a_support_verb_noun() -> None:
    c = _one("وقدمت السعودية مقترحا إلى إدارة أوباما بإرسال قوات", "PROPOSE")
    assert _keys(c.source) == ["SAU"] and _keys(c.target) == ["USA"]


def test_participle_threat_continues_the_main_clause() -> None:
    c = _one("أدان وزير الخارجية الأميركي مايك بومبيو إيران، متوعدا بالانسحاب من الاتفاق", "THREATEN")
    assert _keys(c.source) == ["USA"] and _keys(c.target) == ["IRN"]


def test_future_support_verb_makes_its_noun_planned() -> None:
    assert _one("وسيجري وزير الخارجية الأمريكي محادثات مع نظيره الروسي", "MEET").mode == "planned"
    assert _one("وأجرى وزير الخارجية الأمريكي محادثات مع نظيره الروسي", "MEET").mode == "asserted"


def test_party_subjected_to_an_attack_is_its_target() -> None:
    c = _one("وجدد إدانة بلاده الهجمات الأخيرة التي تعرضت لها السعودية والكويت", "ATTACK")
    assert c.source == [] and _keys(c.target) == ["KWT", "SAU"]


def test_content_of_a_claim_is_not_an_event() -> None:
    cands = _cands("وعاد النظام السوري لنسج الأكاذيب بادعاء أن السعودية طلبت منه الابتعاد عن إيران")
    assert all(not c.standalone for c in cands if c.type == "DEMAND")


def test_sabaqa_subject_and_accuser_of_a_rejected_accusation() -> None:
    c = _one("وسبق لطهران أن رفضت مرارا اتهامات الغرب لها بتسليح الحوثيين", "DENY")
    assert _keys(c.source) == ["IRN"] and _keys(c.target) == []
    c = _one("كما سبق لواشنطن أن أدانت الهجوم", "CONDEMN")
    assert _keys(c.source) == ["USA"]


def test_definite_meeting_noun_after_a_definite_noun_is_a_genitive() -> None:
    c = _one("جاء ذلك في البيان الختامي للقمة التي جمعت الرئيس الروسي والرئيس التركي", "MEET")
    assert c.standalone and _keys(c.source) == ["RUS", "TUR"]
    # after a verb the ل-masdar is still a purpose: 'سافر … للقاء'
    assert all(
        not c.standalone
        for c in _cands("وسافر وزير الخارجية الروسي إلى أنقرة للقاء نظيره التركي")
        if c.type == "MEET"
    )


def test_nationality_inside_another_event_pp_is_not_the_subject() -> None:
    cands = [
        c
        for c in _cands("وشنت القوات الحكومية مدعومة بغارات جوية روسية هجوما على المدينة")
        if c.type == "ATTACK"
    ]
    assert _keys(cands[0].source) == ["RUS"]  # the air strikes are Russian
    assert cands[-1].source == []  # the offensive is the government forces', not Russia's


def test_wa_verb_shares_the_subject_of_a_kana_qad_clause() -> None:
    # 'كان X قد VERB … وVERB2': the second verb's subject is X even when VERB is no trigger
    c = _one("وكان الرئيس الأردني قد غادر القصر أمس واتهم إسرائيل بخرق الاتفاق", "ACCUSE")
    assert _keys(c.source) == ["JOR"] and _keys(c.target) == ["ISR"]
    # without كان … قد no subject is invented
    c = _one("غادر الرئيس الأردني القصر. واتهم إسرائيل بخرق الاتفاق", "ACCUSE")
    assert "JOR" not in _keys(c.source)


def test_collective_western_countries_are_an_uncoded_addressee() -> None:
    # 'البلدان الغربية' (like 'الدول الغربية') is a party without a code: it fills the
    # addressee slot that a warning needs, but is never coded
    c = _one("وحذرت إيران البلدان الغربية من أي تصعيد عسكري", "THREATEN")
    assert _keys(c.source) == ["IRN"] and _keys(c.target) == []
    assert c.target and all(a.code is None for a in c.target)


def test_dateline_colon_is_no_speaker() -> None:
    """'الرياض: …' / 'واس - الرياض: …' opening the body says where the story was filed; the
    same colon in the headline names the speaker."""

    def cands(title: str, body: str) -> list[Candidate]:
        return analyse(f"{title}\n{body}", len(title))[1]

    datelines = ("الرياض: أدانت الإمارات الهجوم على الناقلات.", "واس - الرياض: ندين بشدة الهجوم على السفن.")
    for body in datelines:
        condemn = next(c for c in cands("عنوان الخبر", body) if c.type == "CONDEMN")
        assert condemn.attributed is None
        assert "SAU" not in _keys(condemn.source)
    title = "الرياض: ندين بشدة الهجوم على الناقلات"
    headline = next(c for c in cands(title, "نص الخبر.") if c.type == "CONDEMN")
    assert headline.attributed is not None and headline.attributed.code == "SAUGOV"
    assert _keys(headline.source) == ["SAU"]
