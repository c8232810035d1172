"""Stage: event candidates — argument attachment, mode, attribution, non-event filters.

Each trigger mention becomes a *candidate*: type, source/target (or participants),
mode, attribution and whether it may stand alone as an event. Candidates that may
not stand alone (purpose clauses, nominal restatements inside an opinion, the
content of a denial) can still become extra mentions of an event in the merge stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from hadath.extractor.actors import ActorMention
from hadath.extractor.analysis import token_info
from hadath.extractor.cues import cues
from hadath.extractor.engine import default_engine
from hadath.extractor.limits import LIMITS
from hadath.extractor.rules import words
from hadath.extractor.text import Doc, fold
from hadath.extractor.triggers import TriggerMention, head_readings

_COMMA = frozenset({",", "،"})
_QUOTES = frozenset({'"', "«", "»", "“", "”"})
_SPOKESMEN = words("spokesman_nouns")
_AFFILIATION = words("affiliation_words")
_EVALUATIVE = frozenset({"CONDEMN", "ACCUSE", "REJECT", "THREATEN", "DEMAND"})
_PREP_STEMS = words("preposition_stems")
# 'هددت فرنسا في الأيام الأخيرة دمشق': the end of a time adverbial, not a construct head
_TEMPORAL_ADJ = words("temporal_adjectives")
_PASSIVE_AUX = words("passive_auxiliaries")
_COMPANIONS = words("companion_phrases")
# verbs/participles that conclude an agreement: 'الاتفاق الذي وقعته طهران مع …'
_CONCLUDE_STEMS = tuple(words("conclude_verb_stems"))
_CONCLUDE_PTCP = words("conclude_participles")
_ADDRESSED = frozenset({"PROPOSE", "DEMAND", "ACCUSE", "THREATEN", "CONDEMN"})
_STEP_NOUNS = words("step_nouns")
_CLAUSE_PRONOUN_PPS = words("clause_pronoun_pps")
_QUANTIFIERS = words("quantifier_nouns")
_ASIDES = words("aside_nouns")
_RELATIVES = words("relative_pronouns")


@dataclass(slots=True)
class Group:
    """Coordinated actors in one syntactic slot: 'السعودية والإمارات والبحرين'."""

    prep: str | None  # None = bare NP; 'gen' = genitive of a non-trigger noun; else preposition
    actors: list[ActorMention]
    tok_start: int
    tok_end: int
    links: list[str] = field(default_factory=list)  # 'و' or ',' between consecutive actors
    np_start: int | None = None  # first token of the noun phrase a demonym modifies

    @property
    def coded(self) -> list[ActorMention]:
        return [a for a in self.actors if a.code]


def _has_prep(word: str) -> bool:
    """بالـ / للـ / لـ+ال: a noun carrying a preposition proclitic."""
    w = word[1:] if word[:1] in "وف" and len(word) > 4 else word
    return w.startswith("لل") or (w[:1] in "بلك" and w[1:3] == "ال")


def _split_comma_lists(g: Group) -> list[Group]:
    """'X، Y' is apposition or two arguments; only 'X، Y وZ' is a list."""
    if "," not in g.links or g.links[-1] == "و":
        return [g]
    out: list[Group] = []
    cur = Group(g.prep, [g.actors[0]], g.actors[0].tok_start, g.actors[0].tok_end)
    for a, link in zip(g.actors[1:], g.links, strict=True):
        if link == ",":
            out.append(cur)
            cur = Group(None, [a], a.tok_start, a.tok_end)
        else:
            cur.actors.append(a)
            cur.tok_end = a.tok_end
    out.append(cur)
    return out


@dataclass(slots=True)
class Candidate:
    trig: TriggerMention
    type: str
    mode: str
    mode_strong: bool  # mode given by an explicit cue or by a verb (not a default)
    source: list[ActorMention] = field(default_factory=list)
    target: list[ActorMention] = field(default_factory=list)
    symmetric: bool = False
    standalone: bool = True
    attributed: ActorMention | None = None
    attributed_text: str | None = None
    sent: int = 0
    explicit_source: bool = False
    date_value: str | None = None  # resolved date written right next to this mention
    date_mentions: list = field(default_factory=list)  # date expressions that date this mention (pipeline)
    distinct: bool = False  # introduced by بعد/قبل/إثر: never a restatement of an event in its sentence
    subject: list[ActorMention] = field(default_factory=list)  # the grammatical subject (symmetric events)
    other_year: str | None = None  # an explicit year other than the publication year next to it
    rules: list[str] = field(default_factory=list)  # ids of the rules that decided (internal)
    concluded: bool = False  # an agreement noun with the clause that concludes it (its parties)


def _word(tok_norm: str) -> str:
    """A function word without a leading و/ف."""
    if len(tok_norm) > 2 and tok_norm[0] in "وف":
        return tok_norm[1:]
    return tok_norm


class SentenceView:
    """Per-sentence indexes used by attachment."""

    def __init__(self, doc: Doc, si: int, actors: list[ActorMention]) -> None:
        self.doc = doc
        s = doc.sentences[si]
        self.start, self.end = s.tok_start, s.tok_end
        self.actors = actors  # actors of this sentence, in order
        self.actor_at: dict[int, ActorMention] = {}
        self.actor_end: dict[int, ActorMention] = {}
        for a in actors:
            self.actor_at[a.tok_start] = a
            self.actor_end[a.tok_end - 1] = a
        self.c = cues()
        self.last_rel_object: Group | None = None
        self.trig_heads: frozenset[int] | set[int] = frozenset()  # head tokens of the sentence's triggers
        self.verbs: frozenset[int] | set[int] = frozenset()  # verb triggers and speech/opinion verbs
        self.cand_types: dict[int, str] = {}  # the attached candidates' heads (for sentence rules)
        self.info = token_info(doc)  # every token's analysis (analysis.py), computed once
        self.kinds = [self.info[i].kinds for i in range(self.start, self.end)]

    def norm(self, i: int) -> str:
        return self.doc.tokens[i].norm

    def is_kind(self, i: int, kind: str) -> bool:
        if self.start <= i < self.end:
            return kind in self.kinds[i - self.start]
        return kind in self.info[i].kinds

    def prep_before(self, a: ActorMention) -> str | None:
        if a.prep:
            return a.prep
        j = a.tok_start - 1
        if j < self.start:
            return None
        w = self.norm(j)
        if w in self.c.get("PREP", ()) or _word(w) in self.c.get("PREP", ()):
            return _word(w) if w not in self.c.get("PREP", ()) else w
        if w in self.c.get("LOC", ()) or _word(w) in self.c.get("LOC", ()):
            return "في"
        return None

    def groups(self, lo: int, hi: int, head: int) -> list[Group]:
        """Actor groups starting in [lo, hi). ``head`` = the trigger's last token."""
        out: list[Group] = []
        toks = self.doc.tokens
        for a in self.actors:
            if a.tok_start < lo or a.tok_start >= hi:
                continue
            prep = self.prep_before(a)
            prev = a.tok_start - 1
            coord = False
            np_start: int | None = None
            if (
                prep is None
                and prev - 1 >= lo
                and _word(toks[prev].norm) == "باسم"
                and _word(toks[prev - 1].norm) in _SPOKESMEN
            ):
                # 'المتحدثة باسم البيت الأبيض': the spokeswoman speaks for the White House
                np_start = self._np_head(prev - 1, lo, head)
            elif prev - 1 >= lo and toks[prev].norm == "من" and _word(toks[prev - 1].norm) in ("كلا", "كل"):
                # 'دعا X كلا من تركيا والسعودية': 'both Turkey and Saudi Arabia' is a bare NP
                prep = None
                np_start = prev - 1
            elif (
                (prep == "ل" or toks[a.tok_start].norm.startswith("لل"))
                and prev >= lo
                and _word(toks[prev].norm) in _AFFILIATION
            ):
                # 'مكتب حقوق الإنسان التابع للأمم المتحدة': the office is the UN's
                prep = None
                np_start = self._np_head(prev, lo, head)
            if out:
                g = out[-1]
                between = [toks[j].norm for j in range(g.tok_end, a.tok_start)]
                if (a.conj and not between) or between in (["و"], ["،"], [","], ["،", "و"], [",", "و"]):
                    coord = True
                elif not between and a.kind == "demonym" and g.actors[-1].kind == "demonym":
                    coord = True  # 'المشاورات الروسية الأمريكية'
            if coord:
                out[-1].actors.append(a)
                out[-1].tok_end = a.tok_end
                out[-1].links.append("و" if (a.conj or "و" in between or not between) else ",")
                continue
            if (
                prep is None
                and np_start is None
                and prev >= lo
                and prev != head
                and not self._transparent(prev)
            ):
                if a.kind == "demonym":
                    prep = self._np_prep(a, lo, head)
                    np_start = self._np_head(prev, lo, head)
                elif not (
                    prev == head + 1
                    and not toks[prev].is_punct
                    and not self.is_kind(prev, "PREP")
                    and not self.is_kind(prev, "LOC")
                    and not _has_prep(toks[prev].norm)
                ):
                    prep = "gen"
                    if a.kind == "person":
                        # a name in apposition to a title NP: 'مع رئيس مكتبها السياسي خالد مشعل'
                        np_p = self._np_prep(a, lo, head, 4)
                        if np_p is not None and _word(toks[prev].norm) not in _ASIDES:
                            prep = np_p
                            np_start = self._np_head(prev, lo, head)
                else:
                    # 'اقترحت إدارة أوباما': the construct right after the verb is its subject
                    np_start = prev
            out.append(Group(prep, [a], a.tok_start, a.tok_end, np_start=np_start))
        return [g2 for g in out for g2 in _split_comma_lists(g)]

    def _transparent(self, j: int) -> bool:
        """Tokens that may stand between a predicate and its argument. A word with
        tanwin alef ('لاحقا', 'رسميا') is an adverb/accusative, never a construct head."""
        tok = self.doc.tokens[j]
        w = tok.norm
        if len(w) <= 5 and any(
            sp.enclitic and not sp.conj and sp.stem in _PREP_STEMS for sp in self.info[j].splits
        ):
            return True  # a resumptive pronoun PP: 'طالبت به موسكو'
        return (
            tok.is_punct
            or self.is_kind(j, "SKIP")
            or w in ("و", "ان", "أن")
            or w in _TEMPORAL_ADJ
            or j in self.actor_end
            or w.isdigit()
            or (len(w) >= 4 and w.endswith("ا") and not w.startswith("ال") and not self.info[j].has_reading)
        )

    def _np_head(self, j: int, lo: int, head: int) -> int:
        """First word of the noun phrase ending at token ``j`` ('رجل الدين الشيعي [العراقي]')."""
        k = j
        while k - 1 >= lo and k - 1 != head and k - j > -4:
            tok = self.doc.tokens[k - 1]
            if (
                tok.is_punct
                or k - 1 in self.actor_end
                or self.is_kind(k - 1, "PREP")
                or self.is_kind(k - 1, "LOC")
                or self._transparent(k - 1)
            ):
                break
            k -= 1
        return k

    def _np_prep(self, a: ActorMention, lo: int, head: int, max_steps: int = 3) -> str | None:
        """A demonym adjective ('رجل الدين العراقي', 'لمواقع عسكرية سورية') stands for
        the noun phrase it modifies: that phrase's preposition, if any."""
        j = a.tok_start - 1
        steps = 0
        while j >= lo and j != head and steps < max_steps:
            tok = self.doc.tokens[j]
            if tok.is_punct or j in self.actor_end:
                return None
            w = tok.norm
            if self.is_kind(j, "PREP") or self.is_kind(j, "LOC"):
                return "في" if self.is_kind(j, "LOC") else _word(w)
            for pre in ("بال", "لل", "وبال", "وللل", "كال"):
                if w.startswith(pre) and len(w) > len(pre) + 2:
                    return "ل" if "لل" in pre else pre.lstrip("و")[0]
            if w[:1] == "ل" and len(w) >= 5 and not self.info[j].has_reading:
                return "ل"  # 'لمواقع عسكرية سورية'
            ti = self.info[j]
            if w[:1] == "ب" and len(w) >= 5 and any(sp.prep == "ب" for sp in ti.splits) and ti.has_reading:
                return "ب"  # 'مدعومة بغارات جوية روسية': the adjective of another event noun's PP
            j -= 1
            steps += 1
        return None

    def right_limit(self, t: TriggerMention, verbs: set[int]) -> int:
        width = LIMITS.right_window_verb if t.is_verb else LIMITS.right_window_noun
        hi = min(self.end, t.tok_end + width)
        for i in range(t.tok + 1, hi):
            if t.tok_end > i:
                continue  # the further words of a multiword trigger
            if i in verbs or self.is_kind(i, "STOP") or self.is_kind(i, "SAY"):
                return i
            if self.norm(i) in (":", "؛", ";"):
                return i
        return hi

    def relative_antecedent(self, t: TriggerMention) -> Group | bool | None:
        """'موسكو، التي نفت' -> موسكو. Returns False when the verb does not open a relative
        clause, None when it does but the antecedent is not an actor."""
        j = t.tok - 1
        while j >= self.start and (self.is_kind(j, "NEG") or self.is_kind(j, "FUT") or self.norm(j) == "قد"):
            j -= 1
        if j < self.start or self.norm(j) not in _RELATIVES:
            return False
        k = j - 1
        if k >= self.start and self.norm(k) in _COMMA:
            k -= 1
        if k in self.actor_end:
            a = self.actor_end[k]
            if self._resumptive(t):
                # 'منبج السورية التي هددت تركيا بشن عملية ضدها': the antecedent is the object
                self.last_rel_object = Group(None, [a], a.tok_start, a.tok_end)
                return None
            return Group(None, [a], a.tok_start, a.tok_end)
        return None

    def _resumptive(self, t: TriggerMention) -> bool:
        """A pronoun after the verb that refers back to the relative's antecedent."""
        if t.split.enclitic in ("ه", "ها", "هم"):
            return True
        for i in range(t.tok_end, min(self.end, t.tok_end + 6)):
            if self.norm(i) in _COMMA or self.is_kind(i, "STOP"):
                break
            for sp in self.info[i].splits:
                if sp.enclitic in ("ه", "ها", "هم") and sp.stem in _PREP_STEMS:
                    return True
        return False

    def starts_near(self, g: Group, t: TriggerMention) -> bool:
        """VSO: the subject NP begins right after the verb (adverbs/dates may intervene)."""
        start = g.np_start if g.np_start is not None else g.tok_start
        return all(k < t.tok_end or self._transparent(k) for k in range(t.tok + 1, start))

    def left_np_subject(self, t: TriggerMention) -> Group | bool | None:
        """SVO whose subject is a noun phrase ending right before the verb. Returns the
        actor group inside that NP, None for an NP without actor, False if the word before
        the verb is not a noun (VSO or sentence-initial verb)."""
        j = t.tok - 1
        while j >= self.start and (
            self.is_kind(j, "NEG") or self.is_kind(j, "FUT") or self.norm(j) in ("قد", "لقد")
        ):
            j -= 1
        if j < self.start or not self._content(j):
            return False
        k = j
        found: ActorMention | None = None
        while k >= max(self.start, j - 5) and self._content(k):
            if k in self.actor_end:
                a = self.actor_end[k]
                if self.prep_before(a) is None:
                    found = a
                k = a.tok_start - 1
                continue
            k -= 1
        if found is None:
            if k >= self.start and (self.is_kind(k, "PREP") or self.is_kind(k, "LOC")):
                return False  # 'وعلى نفس الصعيد هددت فرنسا': a fronted PP, the verb is VSO
            return None
        return Group(None, [found], found.tok_start, found.tok_end)

    def _content(self, j: int) -> bool:
        """A word that can end a subject noun phrase."""
        tok = self.doc.tokens[j]
        if j in self.actor_end:
            return True
        w = tok.norm
        if tok.is_punct or w.isdigit() or len(w) < 3 or w in ("و", "ان", "أن", "إن"):
            return False
        if self.info[j].kinds:
            return False
        if w.endswith("ا") and not w.startswith("ال"):
            return False
        return not self.info[j].has_reading

    def amma_topic(self, t: TriggerMention) -> Group | None:
        """'أما X ... فـVERB': X is the topic and the subject of the ف-verb."""
        if t.split.conj != "ف":
            return None
        for k in range(t.tok - 1, max(self.start, t.tok - 15) - 1, -1):
            if self.norm(k) in ("اما", "وأما", "واما"):
                for a in self.actors:
                    if k < a.tok_start < t.tok and self.prep_before(a) is None:
                        return Group(None, [a], a.tok_start, a.tok_end)
                return None
        return None

    def subject_before_relative(self, t: TriggerMention, verbs: set[int]) -> Group | None:
        """'الوزير القطري الذي كان يتحدث أمام المجلس، اتهم X': the actor that a relative
        clause (closed by a comma right before the verb) hangs on."""
        j = t.tok - 1
        if j < self.start or self.norm(j) not in _COMMA:
            return None
        for k in range(j - 1, max(self.start, j - 25) - 1, -1):
            if self.is_kind(k, "SAY") or self.norm(k) in (".", "؛", ":"):
                return None  # (verbs inside the relative clause itself are expected)
            if self.norm(k) in _RELATIVES:
                if k - 1 in self.actor_end:
                    a = self.actor_end[k - 1]
                    if self.prep_before(a) is None:
                        return Group(None, [a], a.tok_start, a.tok_end)
                return None
        return None

    def left_subject(self, t: TriggerMention, max_gap: int = LIMITS.svo_gap) -> Group | None:
        """SVO: an actor group right before the verb (only particles in between)."""
        j = t.tok - 1
        gap = 0
        while j >= self.start and j not in self.actor_end:
            if gap >= max_gap:
                return None
            if not (
                self.is_kind(j, "NEG")
                or self.is_kind(j, "NEGPASS")
                or self.is_kind(j, "FUT")
                or self.is_kind(j, "SKIP")
                or self.norm(j) in ("قد", "لقد")
            ):
                return None
            j -= 1
            gap += 1
        if j < self.start:
            return None
        a = self.actor_end[j]
        p = self.prep_before(a)
        adj_of_noun = (
            a.kind == "demonym" and a.tok_start - 1 >= self.start and not self._transparent(a.tok_start - 1)
        )
        if p is None and adj_of_noun and self._np_prep(a, self.start, -1) is not None:
            return None  # 'وفي الملف الفلسطيني، قال': the adjective of a PP
        if p is not None:
            # 'سفير الكويت لدى الأمم المتحدة يدين': hop over one PP to its head noun
            k = a.tok_start - (0 if a.prep else 1) - 1
            hop = k in self.actor_end and self.prep_before(self.actor_end[k]) is None
            if p in ("لدي", "في", "ب", "من") and hop:
                a = self.actor_end[k]
            else:
                return None
        grp = Group(None, [a], a.tok_start, a.tok_end)
        # coordination to the left: 'موسكو وواشنطن تدرسان'
        while True:
            first = grp.actors[0]
            if first.conj or (first.tok_start - 1 >= self.start and self.norm(first.tok_start - 1) == "و"):
                k = first.tok_start - (1 if not first.conj else 0) - 1
                if k in self.actor_end:
                    b = self.actor_end[k]
                    grp.actors.insert(0, b)
                    grp.tok_start = b.tok_start
                    continue
            break
        return grp


def _mode(sv: SentenceView, t: TriggerMention, fired: list[str]) -> tuple[str, bool]:
    """The mode of a trigger mention: the decision of the rules of data/rules/mode.yaml."""
    for d in default_engine().decide("mode", sv, t):
        fired.append(d.rule.id)
        a = d.action
        if a.mode is not None:
            return a.mode, bool(a.strong)
    return "asserted", t.is_verb


def _joint(sv: SentenceView, t: TriggerMention) -> bool:
    """A joint-action word (تعاون، حوار، محادثات …) in the complement of دعا: a proposal."""
    return any(sv.is_kind(k, "JOINT") for k in range(t.tok_end, min(sv.end, t.tok_end + 16)))


def _dropped(sv: SentenceView, t: TriggerMention, fired: list[str]) -> bool:
    """A reading that is no event at all (data/rules/drop.yaml: declined to comment)."""
    for d in default_engine().decide("drop", sv, t):
        if d.action.drop:
            fired.append(d.rule.id)
            return True
    return False


def _rule_subject(sv: SentenceView, t: TriggerMention, fired: list[str]) -> Group | None:
    """The subject a rule of data/rules/subject.yaml captures ('سبق لـX أن VERB' → X)."""
    for d in default_engine().decide("subject", sv, t):
        a = (d.captures or {}).get(d.action.subject or "")
        if isinstance(a, ActorMention):
            fired.append(d.rule.id)
            return Group(None, [a], a.tok_start, a.tok_end)
    return None


def _invitation(sv: SentenceView, t: TriggerMention) -> bool:
    """'بناء على دعوة رسمية روسية', 'تلبية لدعوة من X', 'بدعوة من X': at the invitation
    of — an offer of a visit or talks, not a demand."""
    if t.is_verb:
        return False
    if t.split.prep == "ب":
        # 'بدعوة من موسكو' (not 'بدعوته القوات الأمريكية إلى المغادرة': by calling on them)
        return t.tok_end < sv.end and sv.norm(t.tok_end) == "من"
    j = t.tok - 1
    if j >= sv.start and _word(sv.norm(j)) == "تلبيه":
        return True  # 'تلبية لدعوة'، 'تلبية دعوة'
    return j - 1 >= sv.start and _word(sv.norm(j - 1)) == "بناء" and sv.norm(j) in ("علي", "على")


def _apply_scope(sv: SentenceView, cand: Candidate) -> None:
    """The rules of data/rules/scope.yaml: not standalone (an aim, a predicate, the content
    of a claim or an opinion) or an earlier, distinct event."""
    for d in default_engine().decide("scope", sv, cand.trig, cand):
        cand.rules.append(d.rule.id)
        if d.action.standalone is not None:
            cand.standalone = cand.standalone and d.action.standalone
        if d.action.distinct:
            cand.distinct = True


def _subject_of(sv: SentenceView, t: TriggerMention, verbs: set[int]) -> Group | None:
    left = sv.left_subject(t)
    if left is not None:
        return left
    hi = sv.right_limit(t, verbs)
    for g in sv.groups(t.tok + 1, hi, t.tok):
        if g.prep is None:
            return g
        break
    return None


def _speakers(
    sv: SentenceView, ts: list[TriggerMention], verbs: set[int], last_speaker: ActorMention | None
) -> tuple[list[tuple[int, ActorMention | None]], ActorMention | None]:
    """The speaker of each speech/opinion verb of the sentence (its subject; for a participle
    or pro-drop verb the subject of the previous verb), and the last speaker so far."""
    doc = sv.doc
    says: list[tuple[int, ActorMention | None]] = []
    for i in sorted(verbs):
        if i in sv.trig_heads:
            continue
        fake = _pseudo_trigger(doc, i)
        subj = _subject_of(sv, fake, verbs) if fake else None
        sp = subj.coded[0] if subj and subj.coded else None
        if sp is None and subj is None:
            # a participle/pro-drop speech verb ('، مؤكدة أن'): the subject of the
            # previous verb of the sentence, trigger or speech verb
            prev_trig = [t for t in ts if t.tok < i and t.is_verb]
            earlier = [(j, x) for j, x in says if j < i and x is not None]
            for pt in reversed(prev_trig):
                if earlier and pt.tok < earlier[-1][0]:
                    break
                g = _subject_of(sv, pt, verbs)
                if g is not None and g.coded:
                    sp = g.coded[0]
                    break
            if sp is None:
                sp = earlier[-1][1] if earlier else last_speaker
        says.append((i, sp))
        if sp is not None and sv.is_kind(i, "SAY"):
            last_speaker = sp
    return says, last_speaker


def _support_subjects(
    sv: SentenceView, light: list[int], verbs: set[int], subj_at: dict[int, list[ActorMention]]
) -> None:
    """The coded subject of each support verb ('وكرر الرئيس الأميركي … نافيا'), for the
    fallback source of the nouns and participles after it."""
    doc = sv.doc
    for i in light:  # support verbs: 'وكرر الرئيس الأميركي … نافيا'
        g = _subject_of(sv, _pseudo_trigger(doc, i), verbs)
        if (
            g is not None
            and g.tok_end <= i
            and sv.norm(i) not in sv.c.get("LIGHT", ())
            and g.tok_start - 1 not in verbs
        ):
            continue  # 'اجتمع مع X اليوم ووجه له': X is the object of the previous verb
        if g is not None and g.coded:
            subj_at[i] = g.coded


def _evaluation_targets(sv: SentenceView, sent_cands: list[Candidate]) -> None:
    """The target of an evaluation without one is the agent of the event it is about."""
    # 'انتقد X الضربة التي وجهتها أمريكا': the target of an evaluation is the agent of
    # the event it is about
    in_actor = {k for a in sv.actors for k in range(a.tok_start, a.tok_end)}
    for c in sent_cands:
        if c.target or c.symmetric or c.type not in _EVALUATIVE:
            continue
        for o in sent_cands:
            if o is c or not c.trig.tok_end <= o.trig.tok <= c.trig.tok_end + 12:
                continue
            if o.type == c.type:
                break  # 'رفضت ميركل رفضا قاطعا': a cognate object, not another event
            if all(sv._transparent(k) or k in in_actor for k in range(c.trig.tok_end, o.trig.tok)):
                src = {(a.start, a.end) for a in c.source}
                c.target = [a for a in o.source if a.code and (a.start, a.end) not in src]
            break


def _pronoun_targets(
    sv: SentenceView, sent_cands: list[Candidate], out: list[Candidate], prev_actors: list[ActorMention]
) -> None:
    """Object pronouns as targets: the antecedent party, or the author of a denied claim."""
    # object pronouns ('وحثه', 'متهمة إياه', 'وهو ما نفته X'): a cheap antecedent
    for c in sent_cands:
        if c.symmetric:
            continue
        light_pp = (
            not c.trig.is_verb
            and c.trig.tok - 2 >= sv.start
            and sv.is_kind(c.trig.tok - 2, "LIGHT")
            and _word(sv.norm(c.trig.tok - 1)) in _PRONOUN_PPS
        )
        if c.target and not light_pp:
            continue  # ('ووجه له الدعوة لزيارة موسكو': the pronoun is the addressee, Moscow the venue)
        pron = _object_pronoun(sv, c.trig)
        if pron is None:
            continue
        if c.type == "DENY":
            c.target = _claim_author(sv, c, out)
        else:
            ante = _antecedent(sv, c, pron, prev_actors)
            if ante is not None:
                c.target = [ante]


def _step_and_participle_targets(sv: SentenceView, sent_cands: list[Candidate]) -> None:
    """'في خطوة أدانتها Y' targets the author of the step; a threat/demand participle of the
    same speaker takes the main clause's target."""
    # 'رفضت X …، في خطوة أدانتها Y': the step is X's act, so Y's evaluation targets X
    for c in sent_cands:
        if (
            c.target
            or c.symmetric
            or c.type not in _EVALUATIVE
            or not c.trig.is_verb
            or c.trig.split.enclitic not in ("ها", "ه")
            or c.trig.tok - 1 < sv.start
            or _word(sv.norm(c.trig.tok - 1)) not in _STEP_NOUNS
        ):
            continue
        before = [o for o in sent_cands if o.trig.tok < c.trig.tok - 1 and o is not c]
        src_keys = {a.key for a in c.source if a.key}
        for o in reversed(before):
            agent = [a for a in o.source if a.code and a.key not in src_keys]
            if agent:
                c.target = agent[:1]
                break
    # 'أدان X Y …، متوعدا بـ…': a participle of the same speaker continues the main clause
    for c in sent_cands:
        if c.target or c.type not in ("THREATEN", "DEMAND") or not c.trig.entry.participle:
            continue
        keys = {a.key for a in c.source if a.key}
        for o in reversed([o for o in sent_cands if o.trig.tok < c.trig.tok and o is not c]):
            if o.target and keys and keys == {a.key for a in o.source if a.key} and not o.symmetric:
                c.target = [a for a in o.target if a.code]
                break


def candidates(doc: Doc, trigs: list[TriggerMention], actors: list[ActorMention]) -> list[Candidate]:
    out: list[Candidate] = []
    by_sent: dict[int, list[ActorMention]] = {}
    for a in actors:
        by_sent.setdefault(doc.tokens[a.tok_start].sent, []).append(a)
    trig_by_sent: dict[int, list[TriggerMention]] = {}
    for t in trigs:
        trig_by_sent.setdefault(doc.tokens[t.tok].sent, []).append(t)
    last_speaker: ActorMention | None = None
    carried: list[ActorMention] = []  # the subject of the previous sentence's last verb
    for sent in doc.sentences:
        first_of_sent = len(out)  # candidates are appended in sentence order: out[first_of_sent:]
        sv = SentenceView(doc, sent.i, by_sent.get(sent.i, []))
        ts = trig_by_sent.get(sent.i, [])[: LIMITS.triggers_per_sentence]
        verbs = {t.tok for t in ts if t.is_verb}
        # speech verbs: their subjects are speakers (attributed_to) and default sources
        light: list[int] = []
        for off, kinds in enumerate(sv.kinds):
            if not kinds:
                continue
            i = sv.start + off
            if "SAY" in kinds or "OPINION" in kinds:
                verbs.add(i)
            elif "LIGHT" in kinds and i not in verbs:
                light.append(i)
        if not ts and len(verbs) == 0:
            if by_sent.get(sent.i):
                carried = []  # a verbless sentence naming parties breaks the chain
            continue  # nothing to attach and no speaker to remember
        colon_speakers = _colon_speakers(sv)
        trig_toks = {t.tok for t in ts}
        sv.trig_heads = trig_toks
        sv.verbs = verbs
        says, last_speaker = _speakers(sv, ts, verbs, last_speaker)
        # the subject of each verb trigger, for participle/pro-drop fallback
        subj_at: dict[int, list[ActorMention]] = {i: ([sp] if sp else []) for i, sp in says}
        for i, grp in colon_speakers:
            says.append((i, grp[0]))
            subj_at[i] = grp
        says.sort(key=lambda x: x[0])
        _support_subjects(sv, light, verbs, subj_at)
        for i in light:  # 'وأعرب عن إدانته …' opening the sentence: the carried subject
            w = sv.norm(i)
            conj = len(w) > 2 and w[0] in "وف" and w[1:] in _support_verb_genders()
            gender = _support_verb_genders().get(w[1:] if conj else w)
            if i not in subj_at and _continues(sv, i, i + 1, conj, gender, carried):
                subj_at[i] = carried
        for t in ts:
            cand = _attach(sv, t, verbs, subj_at, says, last_speaker, carried)
            if cand is None:
                continue
            cand.sent = sent.i
            out.append(cand)
            if t.is_verb or cand.explicit_source:
                # a meeting's subject, not all its participants ('استقبل X Y وحثه')
                subj_at[t.tok] = list(cand.subject if cand.symmetric and cand.subject else cand.source)
        # deontic 'على X أن …' / 'يجب على X …' in reported speech: the speaker demands it of X
        for k in range(sv.start, sv.end - 2):
            if doc.tokens[k].norm not in ("علي", "وعلي") or k + 1 not in sv.actor_at:
                continue
            cand = _deontic(sv, k, says, last_speaker)
            if cand is not None:
                cand.sent = sent.i
                out.append(cand)
        # the main clause opens an Arabic news sentence: its first verb's subject goes on
        first_verb = min((i for i in subj_at if i in verbs), default=None)
        carried = [a for a in subj_at[first_verb] if a.code] if first_verb is not None else []
        sent_cands = out[first_of_sent:]
        _evaluation_targets(sv, sent_cands)
        _pronoun_targets(sv, sent_cands, out, by_sent.get(sent.i - 1, []))
        _step_and_participle_targets(sv, sent_cands)
        # purpose, predicate, the content of a claim, opinion, denial or threat, earlier
        # events: data/rules/scope.yaml
        sv.cand_types = {c.trig.tok: c.type for c in sent_cands}
        for cand in sent_cands:
            _apply_scope(sv, cand)
    return out


# 'وهو ما نفته', 'هذا ما أكده', 'على ما …': ما is a relative pronoun there, not a negator
_MA_HEADS = words("relative_ma_heads")
_MA_FUSED = words("fused_ma")


_KANA = words("kana_forms")
_CHAIN_OPENERS = words("chain_openers")
_OBJECT_OPENERS = words("object_openers")


def _kana_qad_subject(sv: SentenceView, tok: int) -> list[ActorMention]:
    """The coded subject of the nearest 'كان X قد …' before token tok in the sentence."""
    for k in range(tok - 2, sv.start - 1, -1):
        if sv.norm(k) not in _KANA or k + 1 not in sv.actor_at:
            continue
        a = sv.actor_at[k + 1]
        end = a.tok_end
        # an apposition/relative phrase may follow the subject ('المجلس المكون من 47 عضوا قد')
        if a.code and any(sv.norm(j) == "قد" for j in range(end, min(tok, end + 8))):
            return [a]
        return []
    return []


def _relative_ma(sv: SentenceView, j: int) -> bool:
    """Token j is a relative ما ('وهو ما نفته موسكو'), not the negator."""
    return (
        _word(sv.norm(j)) == "ما"
        and j - 1 >= sv.start
        and (sv.norm(j - 1) in _MA_HEADS or _word(sv.norm(j - 1)) in _MA_HEADS)
    )


_IYYA = words("iyya_pronouns")
_OBJ_PRONOUNS = frozenset({"ه", "ها", "هم", "هما"})
_PRONOUN_PPS = words("pronoun_pps")


def _pronoun_of(word: str) -> str:
    """The pronoun suffix of إياه/له/إليهم … (the longest of هما، هم، ها، ه)."""
    return next(p for p in ("هما", "هم", "ها", "ه") if word.endswith(p))


def _object_pronoun(sv: SentenceView, t: TriggerMention) -> str | None:
    """The pronoun object of a trigger that refers back to a party named earlier:
    an enclitic on a finite verb ('وحثه', 'اتهمتها') or a following إياه ('متهمة إياه').
    None inside a relative clause or right after a non-actor noun ('في خطوة أدانتها',
    'الاتفاق الذي انتقده'): there the pronoun is the antecedent noun, not a party —
    except for a denial, whose pronoun is the claim denied ('وهو ما نفته X')."""
    k = t.tok_end
    if k < sv.end and _word(sv.norm(k)) in _IYYA:
        return _pronoun_of(_word(sv.norm(k)))
    if (
        not t.is_verb
        and t.tok - 2 >= sv.start
        and sv.is_kind(t.tok - 2, "LIGHT")
        and _word(sv.norm(t.tok - 1)) in _PRONOUN_PPS
    ):
        return _pronoun_of(_word(sv.norm(t.tok - 1)))  # 'ووجه له الدعوة'
    if not t.is_verb or t.split.enclitic not in _OBJ_PRONOUNS or t.entry.type == "REJECT":
        return None  # (what is rejected is a plan or a proposal; 'ورفضه' is mostly the masdar)
    j = t.tok - 1
    while (
        j >= sv.start
        and not _relative_ma(sv, j)
        and (sv.is_kind(j, "NEG") or sv.is_kind(j, "FUT") or sv.norm(j) in ("قد", "لقد"))
    ):
        j -= 1
    if j < sv.start or t.split.conj:
        return t.split.enclitic
    w = sv.norm(j)
    if w in _RELATIVES:
        return None
    if _relative_ma(sv, j) or w in _MA_FUSED:
        return t.split.enclitic if t.entry.type == "DENY" else None
    if w in _COMMA or w in (".", ":", "؛") or j in sv.actor_end:
        return t.split.enclitic
    if t.entry.type == "DENY" and t.split.enclitic in ("ها", "ه") and sv.info[j].has_reading:
        return t.split.enclitic  # 'اتهامات تنفيها إيران': the accusations just named
    return None


def _masc_party(sv: SentenceView, a: ActorMention) -> bool | None:
    """Grammatical gender of a party for pronoun agreement (None = either)."""
    if a.kind in ("country", "capital"):
        return (a.code or "")[:3] in _MASC_COUNTRIES
    head = sv.doc.text[a.start : sv.doc.tokens[a.tok_start].end]
    if a.kind in ("institution", "title", "igo"):
        return not head.endswith("ة")
    if a.kind == "person":
        return None if head.endswith(("ة", "ا")) else True
    return None


def _antecedent(
    sv: SentenceView, c: Candidate, pron: str, prev_actors: list[ActorMention]
) -> ActorMention | None:
    """The nearest earlier coded party in the sentence (else the last one of the
    previous sentence) that is not the event's source and agrees with the pronoun:
    'ه' a masculine party, 'ها' a feminine one (a country, an institution in ة),
    'هم'/'هما' anything."""
    src_spans = {(a.start, a.end) for a in c.source}
    src_keys = {a.key for a in c.source if a.key}

    def ok(a: ActorMention) -> bool:
        if not a.code or (a.start, a.end) in src_spans or a.key in src_keys or a.kind == "media":
            return False
        if sv.prep_before(a) == "في":
            return False  # a place, not a party
        g = _masc_party(sv, a)
        return g is None or pron in ("هم", "هما") or g == (pron == "ه")

    before = [a for a in sv.actors if a.tok_end <= c.trig.tok]
    for a in reversed(before):
        if ok(a):
            return a
    if not before and prev_actors:
        a = prev_actors[-1]
        if a.code and a.key not in src_keys and a.kind != "media":
            return a
    return None


def _claim_author(sv: SentenceView, c: Candidate, all_cands: list[Candidate]) -> list[ActorMention]:
    """Whose claim a pronoun-object denial answers: the author of the accusation against
    the denier (or of the accusation noun right before it: 'اتهامات تنفيها طهران'), in
    the sentence or the one before; else the source of the nearest earlier event of
    another party in the sentence ('بادعاء أن …، وهو ما نفته X'); else the nearest earlier
    bare party of the sentence. Unnamed accusers (الغرب) leave the target empty."""
    deniers = {a.key for a in c.source if a.key}
    if not deniers:
        return []
    earlier: list[Candidate] = []
    for o in reversed(all_cands):  # in document order: walk back over this sentence and the one before
        if o.sent < c.sent - 1:
            break
        if o is not c and o.sent in (c.sent, c.sent - 1) and (o.sent, o.trig.tok) < (c.sent, c.trig.tok):
            earlier.append(o)
    earlier.reverse()
    for o in reversed(earlier):
        adjacent = o.sent == c.sent and c.trig.tok - o.trig.tok_end <= 2
        if o.type == "ACCUSE" and (adjacent or deniers & {a.key for a in o.target if a.key}):
            return _dedup([a for a in o.source if a.code and a.key not in deniers])
    for o in reversed(earlier):
        srcs = [a for a in o.source if a.code and a.key not in deniers]
        if o.sent == c.sent and srcs and o.type != "DENY":
            return srcs[:1]
    for g in reversed(sv.groups(sv.start, c.trig.tok, -1)):
        if not g.coded or deniers & {a.key for a in g.coded}:
            continue
        if g.prep == "gen":
            # 'عاد نظام الأسد': the genitive of a bare head noun, not of a PP ('في شرق أوكرانيا')
            k = g.tok_start - 2
            if (
                g.tok_start - 1 < sv.start
                or _has_prep(sv.norm(g.tok_start - 1))
                or (k >= sv.start and (sv.is_kind(k, "PREP") or sv.is_kind(k, "LOC")))
            ):
                continue
        elif g.prep is not None:
            continue
        return [a for a in g.coded if a.kind != "media"][:1]
    return []


_DEONTIC_OPENERS = words("deontic_openers")


def _deontic(
    sv: SentenceView, k: int, says: list[tuple[int, ActorMention | None]], last_speaker: ActorMention | None
) -> Candidate | None:
    """'وتابع الوزير أن على قطر التوقف عن …', 'يجب على إيران أن …' -> DEMAND speaker -> X."""
    from hadath.extractor.lexicon import Form, TriggerEntry
    from hadath.extractor.morph import Split

    if _word(sv.norm(k)) != "علي" or k + 1 not in sv.actor_at:
        return None
    if k > sv.start and _word(sv.norm(k - 1)) not in _DEONTIC_OPENERS:
        return None
    a = sv.actor_at[k + 1]
    if not a.code or a.prep or a.tok_end >= sv.end:
        return None
    nxt = sv.norm(a.tok_end)
    if not (nxt in ("ان", "أن") or (nxt.startswith("ال") and len(nxt) > 4)):
        return None
    speaker = _speaker_before(says, k) or last_speaker
    if speaker is None or speaker.key == a.key:
        return None
    doc = sv.doc
    entry = TriggerEntry(
        "على … أن",
        "N",
        "DEMAND",
        "100",
        "REQUEST",
        -5.0,
        ("obj",),
        (),
        False,
        False,
        False,
        False,
        (),
        "deontic: X must",
    )
    tok = doc.tokens[k]
    trig = TriggerMention(
        k,
        a.tok_end,
        tok.start,
        doc.tokens[a.tok_end - 1].end,
        tok.end,
        Form(entry, None, None),
        Split("", "", False, False, tok.norm, ""),
    )
    return Candidate(
        trig,
        "DEMAND",
        "asserted",
        False,
        source=[speaker],
        target=[a],
        attributed=speaker,
        explicit_source=False,
    )


# actor kinds of a dateline ('عمان: …', 'واس - الرياض: …' opening the body): a place and
# an agency say where the story was filed, not who speaks
_DATELINE_KINDS = frozenset({"capital", "country", "media"})


def _colon_speakers(sv: SentenceView) -> list[tuple[int, list[ActorMention]]]:
    """Headline/quote attribution 'روسيا وتركيا وإيران حول سوريا: نرفض …': the actors
    before a colon (within a few words) are the speakers of what follows — not a dateline
    (places and agencies before a colon in the first words of the body)."""
    out: list[tuple[int, list[ActorMention]]] = []
    tokens = sv.doc.tokens
    body_opening = tokens[sv.start].start >= sv.doc.title_end and (
        sv.start == 0 or tokens[sv.start - 1].start < sv.doc.title_end
    )
    for i in range(sv.start + 1, sv.end):
        if sv.norm(i) != ":":
            continue
        grp: list[ActorMention] = []
        for a in sv.actors:
            if i - 8 <= a.tok_start < i and a.code and sv.prep_before(a) is None:
                if grp and a.tok_start - grp[-1].tok_end > 1:
                    break
                grp.append(a)
        if body_opening and i <= sv.start + 4 and all(a.kind in _DATELINE_KINDS for a in grp):
            continue
        if grp and grp[0].tok_start <= sv.start + 2:
            out.append((i, grp))
    return out


def _pseudo_trigger(doc: Doc, i: int) -> TriggerMention | None:
    """A TriggerMention-shaped view of a speech verb (for subject finding)."""
    from hadath.extractor.lexicon import Form, TriggerEntry
    from hadath.extractor.morph import Split

    tok = doc.tokens[i]
    entry = TriggerEntry("", "V", "SAY", "000", "", 0.0, (), (), False, False, False, False, (), "")
    return TriggerMention(
        i,
        i + 1,
        tok.start,
        tok.end,
        tok.end,
        Form(entry, "perf", None),
        Split("", "", False, False, tok.norm, ""),
    )


def _agent_clause(sv: SentenceView, t: TriggerMention) -> tuple[Group | None, Group | None]:
    """'الضربة التي وجهتها أمريكا لمواقع سورية', 'الهجوم الذي شنه النظام',
    'انتقادات وجهها وزير الخارجية الألماني للمملكة': the agent (and the target) of a
    nominal trigger given by a following (relative) clause."""
    k = t.tok_end
    end = min(sv.end, t.tok_end + 5)
    while k < end and not sv.doc.tokens[k].is_punct and k not in sv.actor_at:
        if sv.norm(k) in _RELATIVES:
            k += 1
            break
        w = sv.norm(k)
        if (
            k > t.tok_end + 2
            or sv.is_kind(k, "PREP")
            or sv.is_kind(k, "LOC")
            or (w[:1] in "بلك" and not _has_prep(w))
        ):
            return None, None  # ('الهجمات على تحقيق مولر الذي …': the clause is the PP's)
        k += 1
    if k >= sv.end or k in sv.actor_at or sv.doc.tokens[k].is_punct:
        return None, None
    verb = k
    k += 1
    if k < sv.end and k not in sv.actor_at and sv.norm(k) in _CLAUSE_PRONOUN_PPS:
        k += 1
    groups = sv.groups(k, min(sv.end, k + 10), verb)
    if not groups:
        return None, None
    g0 = groups[0]
    # 'الهجوم الذي شنه تنظيم داعش': up to two head nouns before the named agent
    lead = range(k, g0.tok_start)
    if (
        g0.tok_start - k > 2
        or (g0.prep is not None and not (g0.prep == "gen" and lead))
        or any(
            sv.doc.tokens[i].is_punct
            or sv.is_kind(i, "PREP")
            or sv.is_kind(i, "LOC")
            or _has_prep(sv.norm(i))
            or sv.norm(i)[:1] in "بلك"
            for i in lead
        )
    ):
        return None, None
    if sv.is_kind(verb, "UNDERGO"):
        return None, g0  # 'الهجمات التي تعرضت لها السعودية': the one subjected to it is the target
    agent = g0
    tgt = next(
        (g for g in groups[1:] if g.prep in ("ل", "علي", "ضد") and g.tok_start - agent.tok_end <= 3), None
    )
    return agent, tgt


def _conclusion_clause(sv: SentenceView, t: TriggerMention) -> list[ActorMention] | None:
    """'الاتفاق الذي وقعته إيران مع القوى الكبرى', 'الاتفاق الموقع بين إيران والدول الست',
    'باتفاق … الذي أقره الرئيسان': an agreement noun followed (after at most two
    adjectives) by the clause that concludes it — its parties. None when there is no
    such clause."""
    k = t.tok_end
    # adjectives ('الاتفاق النووي الإيراني') or, after an indefinite noun, its genitive
    # ('باتفاق وقف إطلاق النار الذي أقره …')
    span = 2 if t.split.article else 3
    while (
        k < min(sv.end, t.tok_end + span)
        and sv.norm(k) not in _RELATIVES
        and sv.norm(k) not in _CONCLUDE_PTCP
        and k not in sv.actor_at
        and not sv.doc.tokens[k].is_punct
        and not sv.is_kind(k, "PREP")
        and not sv.is_kind(k, "LOC")
        and not _has_prep(sv.norm(k))
        and (sv.norm(k).startswith("ال") or not t.split.article)
    ):
        k += 1
    if k >= sv.end:
        return None
    if sv.norm(k) in _RELATIVES and k + 1 < sv.end:
        verb = k + 1
        if not sv.norm(verb).startswith(_CONCLUDE_STEMS):
            return None
    elif sv.norm(k) in _CONCLUDE_PTCP:
        verb = k
    else:
        return None
    hi = verb + 1
    while hi < min(sv.end, verb + 12) and not (
        sv.norm(hi) in _COMMA or sv.is_kind(hi, "STOP") or sv.is_kind(hi, "SAY")
    ):
        hi += 1  # the clause ends at a comma or a new clause ('…، والذي أكدت روسيا')
    parts: list[ActorMention] = []
    for g in sv.groups(verb + 1, hi, verb):
        first = g.np_start if g.np_start is not None else g.tok_start
        subject = g.prep in (None, "gen") and first <= verb + 3 and sv.norm(verb) not in _CONCLUDE_PTCP
        # 'بين الدول الكبرى الست وطهران': a party coordinated after an uncoded one
        after_bayn = any(_word(sv.norm(j)) == "بين" for j in range(verb + 1, g.tok_start))
        if g.coded and (subject or g.prep in ("مع", "بين") or after_bayn):
            parts.extend(g.actors)
    return parts


def _meeting_clause(
    sv: SentenceView,
    t: TriggerMention,
    says: list[tuple[int, ActorMention | None]],
    last_speaker: ActorMention | None,
) -> list[ActorMention]:
    """'القمة التي عقدت بين روسيا وإيران وتركيا', 'اللقاء الذي جمعه بنظيريه التركي
    والإيراني': the parties of a meeting named in the relative clause after it."""
    k = t.tok_end
    if k >= sv.end or sv.norm(k) not in _RELATIVES or k + 1 >= sv.end:
        return []
    verb = k + 1
    if verb in sv.actor_at or sv.doc.tokens[verb].is_punct:
        return []
    parts: list[ActorMention] = []
    for g in sv.groups(verb + 1, min(sv.end, verb + 10), verb):
        if g.prep in (None, "ب", "بين", "مع"):
            parts.extend(g.actors)
    if parts and any(sp.enclitic in ("ه", "ها", "هم") for sp in sv.info[verb].splits):
        sp = _speaker_before(says, t.tok) or last_speaker  # 'جمعه': him, the speaker
        if sp is not None:
            parts.insert(0, sp)
    return parts


# country names that are grammatically masculine (a masculine verb may agree with them)
_MASC_COUNTRIES = frozenset(
    {
        "IRQ",
        "JOR",
        "LBN",
        "YEM",
        "SDN",
        "MAR",
        "BHR",
        "KWT",
        "PAK",
        "AFG",
        "IND",
        "JPN",
        "BRA",
        "VNM",
        "SEN",
        "CAN",
        "PRT",
        "DNK",
        "NLD",
        "LUX",
        "MEX",
        "CHL",
        "PER",
    }
)


def _feminine(sv: SentenceView, g: Group) -> bool:
    """A singular feminine subject: a country or capital (grammatically feminine), or a
    noun phrase whose head ends in teh marbuta (الحكومة، الخارجية، رئيسة الوزراء)."""
    if len(g.actors) != 1:
        return False
    a = g.actors[0]
    if a.kind in ("country", "capital"):
        return (a.code or "")[:3] not in _MASC_COUNTRIES
    head = sv.doc.text[a.start : sv.doc.tokens[a.tok_start].end]
    return a.kind in ("institution", "title") and head.endswith("ة")


def _masculine_verb(t: TriggerMention) -> bool:
    """A 3rd person masculine singular verb form: perfect without ت, imperfect with ي."""
    if not t.is_verb or t.form.person == "1":
        return False
    stem = t.split.stem
    if t.form.aspect == "perf":
        return stem == fold(t.entry.lemma.split()[0])
    return stem.startswith("ي") and not stem.endswith(("ون", "وا", "ان"))


def _verb_gender(t: TriggerMention) -> str | None:
    """'m' or 'f' for a 3rd person singular verb form ('أدان'/'يدين', 'أدانت'/'تدين'),
    'p' for a plural or dual one, None when the form does not tell."""
    if not t.is_verb or t.form.person == "1":
        return None
    stem = t.split.stem
    if stem.endswith(("وا", "ون", "ان", "تا", "ن")) and not _masculine_verb(t):
        return "p"
    if _masculine_verb(t):
        return "m"
    if t.form.aspect == "perf":
        return "f" if stem == fold(t.entry.lemma.split()[0]) + "ت" else None
    return "f" if stem.startswith("ت") else None


def _continues(
    sv: SentenceView, tok: int, tok_end: int, conj: bool, gender: str | None, carried: list[ActorMention]
) -> bool:
    """A pro-drop verb (tokens tok..tok_end) that opens its sentence (only punctuation or a
    conjunction before it: 'وطالبت …', 'كما اتهم …') continues the subject of the previous
    sentence when it agrees with it: a feminine verb a country or a feminine noun, a
    masculine verb a person or a masculine title or institution, a plural or dual verb two
    or more parties."""
    if not carried:
        return False
    opener = conj
    for k in range(sv.start, tok):
        if _word(sv.norm(k)) in _CHAIN_OPENERS:
            opener = True
        elif not sv.doc.tokens[k].is_punct:
            return False
    if not opener or _np_follows(sv, tok_end):
        return False
    if gender == "p":
        return len(carried) > 1
    if gender is None or len(carried) != 1:
        return False
    masc = _masc_party(sv, carried[0])
    return masc is (gender == "m")


@cache
def _support_verb_genders() -> dict[str, str]:
    """Folded 3rd person form of each support verb (cues.tsv LIGHT) -> 'm', 'f' or 'p'
    (dual/plural), from the generated paradigms; forms shared by two classes are left out."""
    from hadath.extractor import morphology_build as mb
    from hadath.extractor.cues import CUES_TSV
    from hadath.extractor.gazetteer import read_tsv
    from hadath.extractor.lexicon import _paradigms

    seen: dict[str, set[str]] = {}
    for cols in read_tsv(CUES_TSV):
        if len(cols) < 4 or cols[0] != "LIGHT" or cols[1] != "V":
            continue
        rows = _paradigms().get(mb.paradigm_key(cols[2], cols[3] if cols[3] != "-" else None)) or []
        for surface, form in mb.verb_surfaces(rows):
            if form.per == "3":
                seen.setdefault(fold(surface), set()).add("p" if form.num != "s" else form.gen)
    return {w: next(iter(g)) for w, g in seen.items() if len(g) == 1}


_POSSESSOR_AGENT_TYPES = frozenset({"CONDEMN", "DENY", "REJECT"})
_COMPLEMENT_PREPS = frozenset({"ل", "علي", "ضد"})
_PLACE_PREPS = frozenset({"في", "الي", "من", "مع"})


def _possessor(
    sv: SentenceView, t: TriggerMention, st: _Args, carried: list[ActorMention]
) -> list[ActorMention]:
    """The agent of a masdar from its possessive pronoun ('إدانته', 'اتهامها', 'رفضهم'):
    the nearest earlier coded party of the sentence that agrees with the pronoun and is not
    the target, else the subject carried from the previous sentence. Only for evaluations
    whose pronoun is their author, and only when the masdar has its own complement
    (تنديده بالتهديدات، نفيه التدخل): without one the pronoun is what is evaluated
    (سارعت دمشق إلى نفيه، لم يتردد في رفضها); an accusation's or an attack's pronoun is
    mostly its object (اتهامها بـ…، استهدافها)."""
    if t.entry.type not in _POSSESSOR_AGENT_TYPES or t.entry.symmetric or not _has_complement(sv, t):
        return []
    pron = t.split.enclitic
    target_keys = {a.key for a in st.target if a.key}

    def agrees(a: ActorMention) -> bool:
        if not a.code or a.key in target_keys or a.kind == "media" or sv.prep_before(a) in _PLACE_PREPS:
            return False  # (a place or destination: 'زيارة إلى البرازيل')
        g = _masc_party(sv, a)
        return g is None or pron in ("هم", "هما") or g == (pron == "ه")

    before = [a for a in sv.actors if a.tok_end <= t.tok]
    for a in reversed(before):
        if agrees(a):
            return [a]
    if not before and len(carried) == 1 and agrees(carried[0]):
        return carried
    return []


def _has_complement(sv: SentenceView, t: TriggerMention) -> bool:
    """A masdar followed by its own object or complement: a party, a definite noun or a
    PP in ب/ل/على/ضد (not في: 'حقها في …')."""
    k = t.tok_end
    if k >= sv.end or sv.doc.tokens[k].is_punct:
        return False
    w = sv.norm(k)
    return k in sv.actor_at or _has_prep(w) or w.startswith("ال") or w in _COMPLEMENT_PREPS


def _np_follows(sv: SentenceView, k: int) -> bool:
    """A plain word or an uncoded party at k, right after a verb, may be its own subject
    ('ويزور مفتشون …'): not a coded party, preposition, أن, demonstrative, adverbial or
    punctuation."""
    if k in sv.actor_at:
        return not sv.actor_at[k].code  # an uncoded party is the subject ('وأصدر الجيش')
    if k >= sv.end or sv.doc.tokens[k].is_punct or sv._transparent(k):
        return False
    w = sv.norm(k)
    return not (sv.is_kind(k, "PREP") or _has_prep(w) or w in _OBJECT_OPENERS)


def _disagrees(sv: SentenceView, t: TriggerMention, g: Group) -> bool:
    """VSO agreement: 'واتهم إسرائيل' cannot have إسرائيل as subject (it would be اتهمت)."""
    return _masculine_verb(t) and _feminine(sv, g)


def _undergoer(sv: SentenceView, t: TriggerMention) -> Group | None:
    """'تتعرض إيران لانتقادات', 'يواجه X لاتهامات': the one who undergoes the event."""
    for k in range(t.tok - 1, max(sv.start, t.tok - 5) - 1, -1):
        if sv.is_kind(k, "UNDERGO"):
            for a in sv.actors:
                if k < a.tok_start < t.tok and sv.prep_before(a) is None:
                    return Group(None, [a], a.tok_start, a.tok_end)
            return None
    return None


def _after_light(sv: SentenceView, t: TriggerMention) -> bool:
    """A support/symmetric verb shortly before a nominal trigger ('تتبادل X وY الاتهامات')."""
    lo = max(sv.start, t.tok - 6)
    return any(sv.is_kind(k, "LIGHT") or sv.is_kind(k, "SYMNOUN") for k in range(lo, t.tok))


def _light_verb_subject(sv: SentenceView, t: TriggerMention, verbs: set[int]) -> Group | bool | None:
    """Subject of a support verb governing a nominal trigger: 'وجهت روسيا تحذيرا',
    'بومبيو يجدد إدانة', 'أعرب X عن استعداده'. False = no support verb."""
    j = t.tok - 1
    if j > sv.start and _word(sv.norm(j)) in _QUANTIFIERS and j - 1 in sv.actor_end:
        j -= 1  # 'وشن الحوثيون سلسلة هجمات'
    # VSO: light verb, actor, noun
    if j in sv.actor_end:
        a = sv.actor_end[j]
        k = a.tok_start - 1
        while (k >= sv.start and sv.norm(k) in _COMMA | {"،"}) or (k >= sv.start and sv.is_kind(k, "SKIP")):
            k -= 1
        if k >= sv.start and sv.is_kind(k, "LIGHT") and sv.prep_before(a) is None:
            return Group(None, [a], a.tok_start, a.tok_end)
    # SVO / pro-drop: light verb right before the noun (maybe with عن)
    k = j
    if k >= sv.start and (sv.norm(k) in ("عن",) or _word(sv.norm(k)) in _PRONOUN_PPS):
        k -= 1  # 'أعرب عن استعداده', 'ووجه له الدعوة'
    if k >= sv.start and sv.is_kind(k, "LIGHT"):
        fake = _pseudo_trigger(sv.doc, k)
        if fake is not None:
            left = sv.left_subject(fake)
            if (
                left is not None
                and sv.norm(k) not in sv.c.get("LIGHT", ())
                and left.tok_start - 1 not in verbs
            ):
                left = None  # a و-verb after the object of the previous verb (pro-drop)
            if left is not None:
                return left
            hi = sv.right_limit(fake, verbs)
            for g in sv.groups(k + 1, hi, k):
                if g.prep is None and g.tok_start < t.tok:
                    return g
        return None
    return False


@dataclass(slots=True)
class _Args:
    """The arguments of one trigger while they are attached."""

    groups: list[Group]
    source: list[ActorMention] = field(default_factory=list)
    target: list[ActorMention] = field(default_factory=list)
    used: set[int] = field(default_factory=set)  # ids of the groups already given a role
    filled: set[str] = field(default_factory=set)  # frame slots filled
    no_fallback: bool = False  # the subject is known to be no party: no fallback source
    subj: Group | None = None
    obj: Group | None = None
    outer_light: Group | bool | None = False  # the subject of a support verb (False: none)
    bare: list[Group] = field(init=False)  # the groups without a preposition, as first found

    def __post_init__(self) -> None:
        self.bare = [g for g in self.groups if g.prep is None]


def _verb_arguments(
    sv: SentenceView, t: TriggerMention, verbs: set[int], st: _Args, fired: list[str]
) -> None:
    """Subject and object of a verb trigger: relative clause, SVO (actor, rule or noun
    phrase before the verb), أما X فـ, else VSO."""
    e = t.entry
    sv.last_rel_object = None
    rel = sv.relative_antecedent(t)
    left = sv.left_subject(t) if rel is False else rel
    if rel is False and left is None:
        left = _rule_subject(sv, t, fired)  # data/rules/subject.yaml
    if rel is False and left is not None and t.split.conj and left.tok_start - 1 not in verbs:
        # 'استقبل X المستشارة الألمانية وحثها': the party before a و-verb ends the previous
        # clause (its subject only when it directly follows that verb: 'أدانت إيران واستنكرت')
        left = None
    if left is None and rel is False:
        left = sv.subject_before_relative(t, verbs)
    if rel is not False:
        st.subj = rel  # may be None: the antecedent is not an actor
        st.no_fallback = rel is None
        st.obj = st.bare[0] if st.bare and rel is not None else None
        if rel is None and st.bare and e.type == "ATTACK" and not (t.split.enclitic or sv._resumptive(t)):
            # 'الصواريخ التي استهدفت السعودية': the antecedent (the weapon, not a party)
            # is the subject of the attack verb and the party after it the target
            st.obj = st.bare[0]
        elif rel is None and st.bare:
            st.subj, st.obj = st.bare[0], (st.bare[1] if len(st.bare) > 1 else None)
        if rel is None and sv.last_rel_object is not None:
            st.obj = sv.last_rel_object
            st.groups.append(st.obj)
    elif left is not None:
        st.subj = left
        st.obj = st.bare[0] if st.bare else None
    else:
        # a verb with و/ف opens a new (coordinated) clause: no SVO with the words before it
        np_subj = sv.left_np_subject(t) if not t.split.conj else False
        amma = sv.amma_topic(t)
        if amma is not None:
            np_subj = amma  # 'أما وزير الخارجية الإيراني، جواد ظريف، فندد'
        elif (t.split.enclitic or sv._resumptive(t)) and st.bare and sv.starts_near(st.bare[0], t):
            np_subj = False  # 'في خطوة أدانتها الولايات المتحدة': VSO with an object pronoun
        if np_subj is not False:
            # SVO with a noun-phrase subject: 'مفوضية الأمم المتحدة السامية قد حثت الأردن'
            # (actor inside the NP) or 'إن القصف استهدف' (no actor: no fallback either)
            st.subj = np_subj if isinstance(np_subj, Group) else None
            st.no_fallback = st.subj is None
            st.obj = st.bare[0] if st.bare else None
        elif st.bare and sv.starts_near(st.bare[0], t) and not _disagrees(sv, t, st.bare[0]):
            st.subj = st.bare[0]
            st.obj = st.bare[1] if len(st.bare) > 1 and not t.split.enclitic else None
        elif st.bare:
            st.obj = st.bare[0] if not t.split.enclitic else None
    if e.type == "ATTACK":
        st.no_fallback = True  # an attack's agent is never the speaker by default


def _noun_arguments(sv: SentenceView, t: TriggerMention, verbs: set[int], st: _Args, symmetric: bool) -> None:
    """Agent and object of a nominal trigger: support verb, predicate, genitive or demonym,
    masdar agent + object, undergoer, من-agent, a following clause."""
    e = t.entry
    outer = _light_verb_subject(sv, t, verbs)
    st.outer_light = outer
    near = [g for g in st.bare if g.tok_start - (t.tok + 1) <= 1]
    gen = near[0] if near else None
    adjacent_left = None
    if outer is False and not t.split.prep and not _after_light(sv, t):
        # 'روسيا مستعدة', 'قطر على استعداد': predicate nouns/adjectives only (a noun in
        # construct with a following genitive is not a predicate: 'اتهامات روسيا')
        if not t.split.article and (gen is None or gen.tok_start != t.tok + 1):
            adjacent_left = sv.left_subject(t, max_gap=0)
    elif outer is False and not t.split.prep:
        adjacent_left = sv.left_subject(t, max_gap=0)
    if isinstance(outer, Group) or adjacent_left is not None:
        st.subj = outer if isinstance(outer, Group) else adjacent_left
        if gen is not None and not symmetric:
            if all(a.kind == "demonym" for a in gen.actors) and st.subj is None:
                st.subj = gen
            else:
                st.obj = gen
        elif gen is not None:
            st.obj = gen
    elif (
        gen is not None
        and not symmetric
        and not e.participle
        and len(st.bare) > 1
        and st.bare[0] is gen
        and gen.tok_start == t.tok + 1
        and 0 <= st.bare[1].tok_start - gen.tok_end <= 1
        and not any(a.kind == "demonym" for a in gen.actors)
    ):
        # a masdar with its agent and object: 'مطالبة الاتحاد الأوروبي الحكومة الإسرائيلية بوقف'
        st.subj, st.obj = gen, st.bare[1]
    elif gen is not None:
        # a demonym adjective is the agent ('إدانة أميركية'); a genitive noun is the
        # agent too ('اتهامات روسيا', 'نفي واشنطن') unless the frame starts with obj;
        # a participle's following noun phrase is always its object ('نافية استخدام X')
        # ('دعوة رسمية روسية': an indefinite adjective may come first)
        adjective = (
            gen.tok_start == t.tok + 1
            or (
                gen.tok_start == t.tok + 2
                and not t.split.article
                and not sv.norm(t.tok + 1).startswith("ال")
                and not _has_prep(sv.norm(t.tok + 1))
            )
        ) and all(a.kind == "demonym" for a in gen.actors)
        if (
            e.participle
            or (e.slots[:1] == ("obj",) and not symmetric and not adjective)
            or (t.split.prep and not symmetric and not adjective)
        ):
            # a participle's noun phrase is its object ('نافية استخدام X'); so is the
            # genitive of a masdar complement ('فرصة لانتقاد سيشنز')
            st.obj = gen
        else:
            st.subj = gen
    undergoer = _undergoer(sv, t) if t.split.prep == "ل" else None
    if undergoer is not None:
        # 'تتعرض إيران لانتقادات من السعودية': the subject of تعرض/واجه is the target
        st.obj = undergoer
        st.groups.append(undergoer)
        st.no_fallback = True
    if st.subj is None:
        first = st.groups[0] if st.groups else None
        if first is not None and first.prep == "من" and first.tok_start == t.tok + 2 and first.coded:
            st.subj = first  # 'بطلب من موسكو', 'بمبادرة من واشنطن': the agent
    if st.subj is None:
        agent, tgt_g = _agent_clause(sv, t)
        if agent is not None:
            st.subj = agent
        if tgt_g is not None and st.obj is None:
            st.obj = tgt_g
            st.groups.append(tgt_g)
    if e.type == "ATTACK":
        st.no_fallback = True  # an attack's agent is never the speaker by default


def _fill_targets(sv: SentenceView, t: TriggerMention, st: _Args, symmetric: bool) -> None:
    """The source from the subject; targets from the frame's slots, a support verb's
    addressee, the place struck, the actor inside an evaluated noun phrase."""
    e = t.entry
    if st.subj is not None:
        st.source = list(st.subj.actors)
        st.used.add(id(st.subj))
    if st.obj is not None and "obj" not in e.slots and not symmetric and not t.is_verb:
        # nominal trigger whose frame has no obj slot: the genitive is the target
        st.target.extend(st.obj.actors)
        st.used.add(id(st.obj))
        st.filled.add("obj")
    # target slots
    for slot in e.slots:
        if slot == "obj":
            if st.obj is not None and id(st.obj) not in st.used:
                st.target.extend(st.obj.actors)
                st.used.add(id(st.obj))
                st.filled.add("obj")
        elif slot == "any":
            for g in st.groups:
                if id(g) not in st.used and g.prep in (None, "gen"):
                    if e.type == "DENY" and e.rest and g.tok_start - t.tok_end > 1:
                        break  # 'رفضت اتهامات الغرب لها بتسليح الحوثيين': only the accuser
                    st.target.extend(g.actors)
                    st.used.add(id(g))
                    st.filled.add("any")
                    if e.type == "DENY" and e.rest:
                        break
        else:
            for g in st.groups:
                if slot in ("ل", "ب") and not t.is_verb and g.tok_start - t.tok_end > 2:
                    continue  # a noun's ل/ب-complement is adjacent: 'اجتماع لمجلس الأمن'
                if id(g) not in st.used and g.prep == slot:
                    st.target.extend(g.actors)
                    st.used.add(id(g))
                    st.filled.add(slot)
                    break
    if (
        not st.target
        and not symmetric
        and not t.is_verb
        and e.type in _ADDRESSED
        and (isinstance(st.outer_light, Group) or _after_light(sv, t))
    ):
        # 'قدم مقترحا إلى X', 'وجه تحذيرا إلى X': the addressee of the support verb's noun
        for g in st.groups:
            if id(g) not in st.used and g.prep in ("الي", "ل") and g.coded and g.tok_start - t.tok_end <= 2:
                st.target.extend(g.actors)
                st.used.add(id(g))
                break
    if e.type == "ATTACK" and not st.target:
        for g in st.groups:
            # 'في سوريا', 'لمواقع عسكرية سورية': the country of the place struck
            if (
                id(g) not in st.used
                and g.prep in ("في", "gen", "علي")
                and any(a.kind in ("country", "demonym") for a in g.actors)
            ):
                st.target.extend(a for a in g.actors if a.kind in ("country", "demonym"))
                st.used.add(id(g))
                break
    if not st.target and not symmetric and e.type in ("CONDEMN", "ACCUSE", "REJECT", "THREATEN", "DEMAND"):
        # 'يدين إطلاق الصواريخ الحوثية': the actor inside the object noun phrase
        for g in st.groups:
            if id(g) not in st.used and g.prep == "gen" and g.coded and g.tok_start - t.tok_end <= 3:
                st.target.extend(g.actors)
                st.used.add(id(g))
                st.filled.add("obj")
                break


def _symmetric_parties(
    sv: SentenceView,
    t: TriggerMention,
    st: _Args,
    etype: str,
    symmetric: bool,
    says: list[tuple[int, ActorMention | None]],
    last_speaker: ActorMention | None,
) -> list[ActorMention] | None:
    """More participants of a symmetric event: a concluding clause (returned), a meeting's
    relative clause, chair and guests, the object and مع/بين parties."""
    e = t.entry
    concluded: list[ActorMention] | None = None
    if symmetric and etype == "AGREE" and not t.is_verb:
        concluded = _conclusion_clause(sv, t)
        if concluded:
            st.target.extend(concluded)
            st.no_fallback = True  # its parties are in the clause, not the subject of the sentence
    if symmetric and not st.source and not st.target and not t.is_verb:
        st.target.extend(_meeting_clause(sv, t, says, last_speaker))
    if symmetric and etype == "MEET":
        # 'اجتماع … برئاسة وزير الخارجية المصري وبحضور الرئيس الفلسطيني': chair and guests take part
        for k in range(t.tok_end, min(sv.end, t.tok_end + 25)):
            if sv.norm(k) in _COMPANIONS:
                for g in sv.groups(k + 1, min(sv.end, k + 6), k):
                    first = g.np_start if g.np_start is not None else g.tok_start
                    if g.prep in (None, "gen") and first <= k + 4:
                        st.target.extend(g.actors)
                        st.used.add(id(g))
                    break
    if symmetric:
        if st.obj is not None and id(st.obj) not in st.used and not e.needs_two:
            st.target.extend(
                st.obj.actors
            )  # 'التقى X Y': the object is a participant too (not for بحث: the topic)
            st.used.add(id(st.obj))
        for g in st.groups:
            if id(g) not in st.used and g.prep in ("مع", "بين"):
                st.target.extend(g.actors)
                st.used.add(id(g))
    return concluded


def _fallback_source(
    sv: SentenceView,
    t: TriggerMention,
    st: _Args,
    subj_at: dict[int, list[ActorMention]],
    says: list[tuple[int, ActorMention | None]],
    last_speaker: ActorMention | None,
    carried: list[ActorMention],
) -> None:
    """A source for a trigger without a coded one: first person -> the speaker; pro-drop or
    participle -> the subject of the nearest preceding verb of the sentence; a sentence that
    opens with a pro-drop verb -> the subject carried from the previous sentence when the
    verb agrees with it; a و-verb after 'كان X قد …' -> X; a masdar complement -> the
    clause's bare subject."""
    fallback: list[ActorMention] = []
    if t.form.person == "1" or (t.split.enclitic == "نا" and not t.is_verb):
        sp = _speaker_before(says, t.tok) or last_speaker
        idx = max((i for i, x in says if i < t.tok and x is sp), default=None)
        fallback = subj_at.get(idx, []) if idx is not None and subj_at.get(idx) else ([sp] if sp else [])
    else:
        prev = [i for i in subj_at if i < t.tok]
        explicit_np = (
            t.is_verb
            and t.tok_end < sv.end
            and sv.norm(t.tok_end).startswith("ال")
            and t.tok_end not in sv.actor_at
            and not sv._transparent(t.tok_end)
        )
        if prev and (not t.is_verb or st.subj is None) and not explicit_np:
            # ('ونفى المختبر …': a definite noun right after the verb is its own subject)
            fallback = subj_at[max(prev)]
        elif (
            not prev
            and st.subj is None
            and not explicit_np
            and t.is_verb
            and _continues(sv, t.tok, t.tok_end, bool(t.split.conj), _verb_gender(t), carried)
            and not {a.key for a in carried} & {a.key for a in st.target}
        ):
            fallback = carried  # 'أدانت مصر الهجوم. وطالبت …': the pro-drop subject goes on
        elif (
            not prev
            and t.is_verb
            and st.subj is None
            and t.split.conj
            and t.tok - sv.start <= 2
            and last_speaker is not None
            and t.tok_end < sv.end
            and (sv.norm(t.tok_end) in ("ان", "أن") or sv.is_kind(t.tok_end, "PREP"))
        ):
            fallback = [last_speaker]  # '… «إنه رأي الرئيس». ونفت أن …': the same speaker goes on
        elif not prev and t.is_verb and st.subj is None and t.split.conj and not explicit_np:
            # 'وكان المجلس قد أيد … واتهم X': a و-verb shares the subject of the
            # background clause 'كان X قد VERB' before it (its verb is no trigger)
            fallback = _kana_qad_subject(sv, t.tok)
    if not fallback and st.subj is None and not t.is_verb and t.split.enclitic in _OBJ_PRONOUNS:
        fallback = _possessor(sv, t, st, carried)
    if not fallback and st.subj is None and not t.is_verb and t.split.prep and st.obj is not None:
        # a masdar complement ('لا يفوت ترامب فرصة لانتقاد …'): the clause's bare subject
        for k in range(t.tok - 1, max(sv.start, t.tok - 6) - 1, -1):
            if sv.doc.tokens[k].is_punct:
                break
            if k in sv.actor_end:
                a = sv.actor_end[k]
                if a.code and sv.prep_before(a) is None:
                    fallback = [a]
                break
    if fallback and st.subj is None:
        st.source = [a for a in fallback if a]


def _symmetric_ok(
    sv: SentenceView,
    t: TriggerMention,
    st: _Args,
    cand: Candidate,
    etype: str,
    concluded: list[ActorMention] | None,
) -> bool:
    """Set a symmetric candidate's participants and subject; False when it lacks a second
    party: two coded parties, or one plus an uncoded partner, 'we', a session of an
    international organisation, a named partner of talks, a passive or a concluded agreement."""
    e = t.entry
    parts = _dedup(st.source + st.target)
    cand.source = parts
    cand.subject = _dedup(list(st.subj.actors)) if st.subj is not None else []
    keys = {a.key for a in parts if a.key}
    uncoded_partner = any(not a.code for a in parts)
    first_person = t.form.person == "1"  # 'لم نتوصل إلى اتفاق': 'we' are the parties
    # a session of an international organisation (مجلس الأمن) is a meeting of its members
    igo_meeting = (
        etype == "MEET"
        and e.cameo in ("040", "046")
        and len(keys) == 1
        and next(iter(keys)).startswith("IGO")
    )
    # 'المحادثات مع الولايات المتحدة': talks with a named partner, the other side implicit
    partner_preps = ("مع", "الي", "ل") if e.cameo == "042" else ("مع",)  # a visit: its destination
    with_partner = (
        etype == "MEET"
        and not t.is_verb
        and not st.source
        and any(g.prep in partner_preps and g.coded for g in st.groups if id(g) in st.used)
    )
    # 'تم الاتفاق مع الأردن', 'جرى الاتصال مع X': the passive leaves the other party implicit
    passive = (
        not t.is_verb
        and t.tok > sv.start
        and _word(sv.norm(t.tok - 1)) in _PASSIVE_AUX
        and any(g.prep in ("مع", "بين") and g.coded for g in st.groups if id(g) in st.used)
    )
    # (a concluded agreement with one named party: the other side is often an uncoded
    # group, 'القوى الكبرى')
    single_ok = bool(keys) and (
        uncoded_partner or first_person or igo_meeting or with_partner or passive or bool(concluded)
    )
    return len(keys) >= 2 or not ((e.needs_two and not (passive or concluded)) or not single_ok)


def _attach(
    sv: SentenceView,
    t: TriggerMention,
    verbs: set[int],
    subj_at: dict[int, list[ActorMention]],
    says: list[tuple[int, ActorMention | None]],
    last_speaker: ActorMention | None,
    carried: list[ActorMention] | None = None,
) -> Candidate | None:
    e = t.entry
    fired: list[str] = []
    mode, strong = _mode(sv, t, fired)
    etype = e.type
    if e.joint_split and (_joint(sv, t) or _invitation(sv, t)):
        etype = "PROPOSE"
    symmetric = e.symmetric
    if not t.is_verb and any(sv.is_kind(k, "SYMNOUN") for k in range(max(sv.start, t.tok - 6), t.tok)):
        symmetric = True  # 'تتبادل أمريكا وروسيا الاتهامات'
    hi = sv.right_limit(t, verbs)
    # arguments may sit inside a multiword trigger: 'تحمل روسيا مسؤولية', 'إبداء السعودية استعدادها'
    st = _Args(sv.groups(t.tok + 1, hi, t.tok))
    if t.is_verb:
        _verb_arguments(sv, t, verbs, st, fired)
    else:
        _noun_arguments(sv, t, verbs, st, symmetric)
    _fill_targets(sv, t, st, symmetric)
    if _dropped(sv, t, fired):  # data/rules/drop.yaml: 'رفضت المتحدثة التعليق'
        return None
    if e.required and not any(r in st.filled for r in e.required):
        return None
    concluded = _symmetric_parties(sv, t, st, etype, symmetric, says, last_speaker)
    if not any(a.code for a in st.source) and not st.no_fallback:
        _fallback_source(sv, t, st, subj_at, says, last_speaker, carried or [])
    attributed = _speaker_before(says, t.tok)
    cand = Candidate(
        t,
        etype,
        mode,
        strong,
        symmetric=symmetric,
        attributed=attributed,
        explicit_source=st.subj is not None and bool(st.subj.coded),
        rules=fired,
    )
    if symmetric:
        if not _symmetric_ok(sv, t, st, cand, etype, concluded):
            return None
    else:
        cand.source = _dedup(st.source)
        # same-country source and target are fine (Trump criticises Sessions); the same
        # mention in both roles is not
        spans = {(a.start, a.end) for a in cand.source}
        cand.target = [a for a in _dedup(st.target) if (a.start, a.end) not in spans]
    cand.concluded = bool(concluded)
    for d in default_engine().decide("retype", sv, t, cand):  # data/rules/retype.yaml
        cand.rules.append(d.rule.id)
        if d.action.retype:
            cand.type = d.action.retype
    return cand


def _speaker_before(says: list[tuple[int, ActorMention | None]], tok: int) -> ActorMention | None:
    best = None
    for i, sp in says:
        if i < tok and sp is not None:
            best = sp
    return best


def _dedup(actors: list[ActorMention]) -> list[ActorMention]:
    seen: set[tuple[int, int, str | None]] = set()
    out = []
    for a0 in actors:
        for a in (a0, *a0.also):  # a dual ('الطرفان') stands for two parties (actors.py)
            k = (a.start, a.end, a.code)
            if k not in seen:
                seen.add(k)
                out.append(a)
    return out


__all__ = ["Candidate", "Group", "SentenceView", "candidates", "head_readings"]
