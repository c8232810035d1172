"""Word senses added to triggers.tsv/cues.tsv from corpus evidence: one synthetic sentence
per sense (written for this test, not taken from any article) asserting the event type and
the trigger, plus sentences with the wrong senses of the same words that must stay silent."""

from __future__ import annotations

import pytest

from hadath.extractor import extract
from hadath_schemas import Article


def _events(sentence: str) -> list[tuple[str, str]]:
    art = Article(id="lexicon-senses", title="", body=sentence, published_at="2024-03-10T10:00:00Z")
    return [(ev.type.value, ev.trigger.text) for ev in extract(art)]


@pytest.mark.parametrize(
    ("sentence", "etype", "trigger"),
    [
        # MEET
        ("وأجرى وزير الخارجية الفرنسي محادثة مع نظيره الألماني حول الأزمة.", "MEET", "محادثة"),
        ("وأجرى الرئيس المصري اتصالا بالرئيس الأمريكي تناول الأوضاع في المنطقة.", "MEET", "اتصالا"),
        ("وأجرى وزير الخارجية المصري مناقشة مع نظيره الأردني حول الأزمة.", "MEET", "مناقشة"),
        ("وهاتف الرئيس المصري نظيره الفرنسي لبحث الأوضاع في غزة.", "MEET", "وهاتف"),
        # PROPOSE
        ("وعرضت فرنسا الوساطة بين تركيا والأكراد.", "PROPOSE", "وعرضت"),
        ("وأكدت روسيا وسوريا أنهما مستعدتان للتعاون مع المنظمة الدولية.", "PROPOSE", "مستعدتان"),
        # ACCUSE
        ("وألقت الحكومة التركية باللائمة على حزب العمال الكردستاني في التفجير.", "ACCUSE", "وألقت"),
        ("وأنحى الرئيس الفلسطيني باللوم على إسرائيل في تدهور الأوضاع.", "ACCUSE", "وأنحى"),
        # CONDEMN
        ("وأبدت الجامعة العربية استهجانها للموقف الإيراني.", "CONDEMN", "استهجانها"),
        ("وهاجم وزير الخارجية الروسي تصريحات المسؤولين البريطانيين.", "CONDEMN", "وهاجم"),
        # DENY
        ("وفندت وزارة الدفاع الروسية الرواية الأمريكية عن الحادث.", "DENY", "وفندت"),
        ("ودحضت الخارجية القطرية ما نشرته الصحف السعودية.", "DENY", "ودحضت"),
        ("ورفضت طهران الاتهامات الأمريكية بتسليح الحوثيين.", "DENY", "ورفضت"),
        ("ورفضت الحكومة السورية المزاعم البريطانية حول الأسلحة الكيميائية.", "DENY", "ورفضت"),
        ("وقالت الخارجية القطرية إن هذه الاتهامات السعودية لا أساس لها من الصحة.", "DENY", "لا"),
        ("وقال المتحدث باسم الخارجية الإيرانية إن هذه المزاعم الأمريكية لا أساس لها.", "DENY", "لا"),
        # MEET: a conference held by two states (issue 11)
        ("وعقدت روسيا وتركيا مؤتمرا حول سوريا في سوتشي.", "MEET", "مؤتمرا"),
        # CONDEMN: form I دان, a variant of أدان in agency Arabic (issue 11)
        ("ودان الرئيس الفرنسي الهجوم على القوات الدولية في مالي.", "CONDEMN", "ودان"),
        ("ودانت الخارجية الأردنية الاعتداء على المسجد الأقصى.", "CONDEMN", "ودانت"),
        # CONDEMN: summoning another state's envoy (issue 11)
        ("واستدعت وزارة الخارجية الألمانية السفير التركي في برلين.", "CONDEMN", "واستدعت"),
        ("واستدعت هولندا سفراء روسيا وإيران بعد الحادث.", "CONDEMN", "واستدعت"),
        # PROPOSE: readiness announced or affirmed (issue 11)
        ("وأعلن الرئيس الأمريكي استعداده للقاء الرئيس الإيراني دون شروط.", "PROPOSE", "وأعلن"),
        ("وأكد الرئيس الروسي استعداده للقاء نظيره الفرنسي.", "PROPOSE", "وأكد"),
        # REJECT: blocking a draft resolution, boycotting talks (issue 11)
        ("وعرقلت الصين مشروع قرار فرنسي في مجلس الأمن.", "REJECT", "وعرقلت"),
        ("وأحبطت روسيا مشروع قرار أمريكي في مجلس الأمن.", "REJECT", "وأحبطت"),
        ("وقاطعت المعارضة الفنزويلية المفاوضات مع الحكومة الفنزويلية.", "REJECT", "وقاطعت"),
        # ATTACK: exchanging fire (issue 11)
        ("وتبادل الجيش الهندي إطلاق النار مع الجيش الباكستاني على الحدود.", "ATTACK", "وتبادل"),
        # DEMAND
        ("وحض الرئيس الفرنسي إسرائيل على وقف الاستيطان.", "DEMAND", "وحض"),
        ("وأهابت الجامعة العربية بالأمم المتحدة التدخل لحماية المدنيين.", "DEMAND", "وأهابت"),
        ("وجدد الأمين العام للأمم المتحدة مناشدة إسرائيل وقف الاستيطان.", "DEMAND", "مناشدة"),
        # AGREE
        ("وتوصلت روسيا وتركيا إلى تسوية بشأن إدلب.", "AGREE", "وتوصلت"),
        ("وتوصلت روسيا وتركيا إلى هدنة في إدلب.", "AGREE", "وتوصلت"),
        ("وتوصلت مصر والسودان إلى اتفاقية للتعاون الأمني.", "AGREE", "وتوصلت"),
        ("ووقعت مصر والسودان هدنة جديدة على الحدود.", "AGREE", "ووقعت"),
        ("وأعلنت روسيا وأوكرانيا إيقاف إطلاق النار بين البلدين.", "AGREE", "إيقاف"),
        ("وجاء توقيع هدنة بين مصر والسودان بعد أسابيع من التوتر.", "AGREE", "توقيع"),
        ("وتحدثت الصحيفة عن تفاهمات بين روسيا وإسرائيل في جنوب سوريا.", "AGREE", "تفاهمات"),
        ("وتوصلت روسيا وتركيا إلى تفاهم بشأن إدلب.", "AGREE", "وتوصلت"),
        # THREATEN
        ("وحذرت روسيا من عواقب وخيمة لأي ضربة على سوريا.", "THREATEN", "وحذرت"),
        ("وحذر الرئيس الإيراني من تداعيات الانسحاب الأمريكي.", "THREATEN", "وحذر"),
        ("وحذرت الصين الولايات المتحدة من مغبة فرض رسوم جديدة.", "THREATEN", "وحذرت"),
        ("ولوح وزير الخارجية الإيراني بالانسحاب من الاتفاق مع فرنسا.", "THREATEN", "ولوح"),
        ("وقال وزير الخارجية الإيراني ملوحا بالرد على إسرائيل إن بلاده لن تسكت.", "THREATEN", "ملوحا"),
        # ATTACK
        ("وسقطت قذيفة حوثية على مدينة جازان السعودية.", "ATTACK", "قذيفة"),
        ("ونددت الأردن باستهداف القوات الإسرائيلية للمدنيين الفلسطينيين.", "ATTACK", "باستهداف"),
        ("واندلعت اشتباكات بين الجيش الإسرائيلي وحركة حماس على حدود غزة.", "ATTACK", "اشتباكات"),
        ("ووقعت مواجهات بين الجيش التركي وحزب العمال الكردستاني.", "ATTACK", "مواجهات"),
        ("واقتحمت القوات الإسرائيلية مدينة جنين فجر اليوم.", "ATTACK", "واقتحمت"),
        ("وأطلق الجيش الإسرائيلي النار على متظاهرين فلسطينيين.", "ATTACK", "وأطلق"),
        ("وأطلقت جماعة الحوثي صواريخ على السعودية.", "ATTACK", "وأطلقت"),
        ("وأطلق حزب الله صاروخا على إسرائيل.", "ATTACK", "وأطلق"),
        ("وأدانت فرنسا إطلاق صواريخ إيرانية على إسرائيل.", "ATTACK", "إطلاق"),
        ("وأسقطت الدفاعات الجوية الإسرائيلية طائرة إيرانية مسيرة.", "ATTACK", "وأسقطت"),
        ("وتدهورت العلاقات بعد إسقاط تركيا طائرة روسية على الحدود.", "ATTACK", "إسقاط"),
        ("وشنت تركيا حملة عسكرية على عفرين الشهر الماضي.", "ATTACK", "حملة"),
        ("وقتل 18 شخصا جراء سقوط صاروخ على حي سكني في مدينة حلب السورية.", "ATTACK", "سقوط"),
        ("وجاء ذلك بعد سقوط صواريخ على قواعد عسكرية إيرانية في سوريا.", "ATTACK", "سقوط"),
        ("وقال إن الغزو الأمريكي للعراق عام 2003 دمر البلاد.", "ATTACK", "الغزو"),
        ("واشتبكت القوات التركية مع مسلحي حزب العمال الكردستاني.", "ATTACK", "واشتبكت"),
        ("واتهمت الحكومة العراقية تنظيم داعش بتنفيذ تفجير في بغداد.", "ATTACK", "تفجير"),
        # cues: an invitation to visit is a proposal of talks, not a demand
        ("ودعا الرئيس الروسي الرئيس السوري لزيارة موسكو الشهر المقبل.", "PROPOSE", "ودعا"),
        ("ودعت الجامعة العربية إلى مشاورات عربية ودولية بشأن الاستيطان الإسرائيلي.", "PROPOSE", "ودعت"),
        ("ودعا الرئيس الفلسطيني إسرائيل للحوار برعاية دولية.", "PROPOSE", "ودعا"),
    ],
)
def test_added_sense(sentence: str, etype: str, trigger: str) -> None:
    assert (etype, trigger) in _events(sentence)


def test_attack_source_and_target_of_fire() -> None:
    art = Article(id="lexicon-fire", title="", body="وأطلقت جماعة الحوثي صواريخ على السعودية.")
    (ev,) = [e for e in extract(art) if e.type.value == "ATTACK"]
    assert [a.code for a in ev.source] == ["YEMREB"]
    assert [a.code for a in ev.target] == ["SAU"]


def test_rejecting_accusations_is_a_denial_not_a_rejection() -> None:
    types = {t for t, _ in _events("ورفضت طهران الاتهامات الأمريكية بتسليح الحوثيين.")}
    assert "DENY" in types and "REJECT" not in types


def test_verbal_attack_is_not_an_armed_attack() -> None:
    types = {t for t, _ in _events("وهاجم وزير الخارجية الروسي تصريحات المسؤولين البريطانيين.")}
    assert "ATTACK" not in types


def test_invitation_to_visit_is_not_a_demand() -> None:
    types = {t for t, _ in _events("ودعا الرئيس الروسي الرئيس السوري لزيارة موسكو الشهر المقبل.")}
    assert "DEMAND" not in types


@pytest.mark.parametrize(
    "sentence",
    [
        # declining to comment is not a REJECT event
        "ورفضت الحكومة الفرنسية التعليق على تصريحات الرئيس الأمريكي.",
        "ورفض الجيش الإسرائيلي الإدلاء بأي تعليق على الغارة.",
        # 'rules of engagement': the singular الاشتباك is not a clash
        "وشدد الوزير على أن الجيش الإسرائيلي لا يلتزم بقواعد الاشتباك.",
        # a call centre, not a call between two parties
        "وقال إن مركز الاتصال في وزارة الخارجية المصرية يعمل على مدار الساعة.",
        # يلوح في الأفق = 'looms', not 'brandishes a threat'
        "وقالت الحكومة التركية إن الحرب الباردة بين روسيا وأمريكا تلوح في الأفق.",
        # حضن 'bosom' is not حضّ 'urge' + ن
        "وقال إن قطر عادت إلى حضن إيران أكثر فأكثر.",
        # a price falling is not shooting anything down
        "وقال إن الأسعار تسقط بسرعة بعد إسقاط الرسوم.",
        # the fall of a regime is not a rocket falling
        "وقال إن سقوط النظام السوري مسألة وقت.",
        # سوء التفاهم is a misunderstanding, not an understanding reached
        "وقالت الخارجية الألمانية إنها تأسف لسوء التفاهم مع السعودية.",
        # the noun هاتف (a phone) is not the verb هاتف (to phone)
        "وقال إنه اتصل عبر هاتف محمول بأسرته.",
        # أساس without من الصحة is just 'basis'
        "وقال إن الحكومة تسعى إلى بناء الثقة على أساس الاحترام المتبادل.",
        # a press conference is not a meeting, whoever speaks at it
        "وقال وزير الخارجية الروسي في مؤتمر صحفي إن بلاده لن تسكت.",
        "وقال وزير الخارجية الفرنسي في مؤتمر صحافي إن الحل سياسي.",
        # recalling one's own ambassador, and the passive 'was summoned', name no protesting party
        "واستدعت البرازيل سفيرها لدى فنزويلا للتشاور.",
        "واستدعي السفير الإيطالي في القاهرة.",
        # أحبط alone is foiling, not blocking a resolution
        "وأحبطت الشرطة الفرنسية محاولة تهريب في الميناء.",
    ],
)
def test_wrong_senses_stay_silent(sentence: str) -> None:
    assert _events(sentence) == []


def test_ceasefire_is_not_opening_fire() -> None:
    types = {t for t, _ in _events("وأكدت روسيا وقف إطلاق النار مع أوكرانيا.")}
    assert "ATTACK" not in types


def test_rejected_accusations_name_the_accuser_as_deny_target() -> None:
    from hadath.extractor.pipeline import analyse

    _doc, cands, _places = analyse("رفضت الحكومة اتهامات روسيا", 0)
    assert [c.type for c in cands] == ["DENY"]
    assert {a.key for a in cands[0].target if a.key} == {"RUS"}


@pytest.mark.parametrize(
    ("sentence", "mode"),
    [
        ("وأعلنت روسيا عن قمة مرتقبة مع السعودية في موسكو.", "planned"),
        ("وتحدثت الصحف عن زيارة مرتقبة للرئيس الروسي إلى السعودية.", "planned"),
        ("وأعلنت روسيا عن قمة مع السعودية في موسكو.", "asserted"),
    ],
)
def test_indefinite_upcoming_adjective_makes_a_meeting_planned(sentence: str, mode: str) -> None:
    art = Article(id="lexicon-planned", title="", body=sentence)
    assert {ev.mode.value for ev in extract(art) if ev.type.value == "MEET"} == {mode}


def test_a_display_is_not_an_offer() -> None:
    assert _events("وعرضت القناة الروسية فيلما وثائقيا عن الحرب في سوريا.") == []


@pytest.mark.parametrize(
    ("sentence", "etype", "parties"),
    [
        # support verbs (cues LIGHT): their subject is the agent of the event noun
        ("وقام وزير الخارجية السعودي بزيارة إلى موسكو.", "MEET", {"SAUGOV", "RUSGOV"}),
        ("وخاض وزير الخارجية الأمريكي مفاوضات شاقة مع إيران.", "MEET", {"USAGOV", "IRN"}),
        ("واختتم ولي العهد السعودي زيارة رسمية لفرنسا.", "MEET", {"SAUGOV", "FRA"}),
        ("ونفذت إسرائيل غارات على مواقع إيرانية في سوريا.", "ATTACK", {"ISR"}),
    ],
)
def test_support_verb_subject_is_the_agent(sentence: str, etype: str, parties: set[str]) -> None:
    art = Article(id="lexicon-light", title="", body=sentence)
    (ev,) = [e for e in extract(art) if e.type.value == etype]
    assert {a.code for a in ev.source} == parties


@pytest.mark.parametrize(
    "sentence",
    [
        "وأكد وزير الخارجية المصري أن مبادرة السلام العربية هي الإطار الوحيد للحل.",
        "وقال وزير الخارجية الأمريكي إن المبادرة الخليجية هي أساس كل حل سياسي في اليمن.",
    ],
)
def test_named_initiatives_are_not_new_proposals(sentence: str) -> None:
    assert "PROPOSE" not in {t for t, _ in _events(sentence)}


def test_a_new_initiative_is_still_a_proposal() -> None:
    assert ("PROPOSE", "مبادرة") in _events("وأطلقت فرنسا مبادرة جديدة لوقف الحرب في اليمن.")


@pytest.mark.parametrize(
    "sentence",
    [
        # cues FUT: plans and preparations make the event planned
        "وتستعد تركيا لهجوم واسع ضد حزب العمال الكردستاني في العراق.",
        "وحذرت الأمم المتحدة من كارثة مع اقتراب هجوم الجيش السوري على إدلب.",
    ],
)
def test_prepared_attack_is_planned(sentence: str) -> None:
    art = Article(id="lexicon-fut", title="", body=sentence)
    assert {ev.mode.value for ev in extract(art) if ev.type.value == "ATTACK"} == {"planned"}
