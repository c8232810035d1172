"""The rules of data/rules/*.yaml: one generated test per rule (test id = rule id) that runs
the rule's own examples, plus engine tests on synthetic sentences and schema checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from hadath.extractor.engine import Engine, default_engine, using_engine
from hadath.extractor.lexicon import Form, TriggerEntry
from hadath.extractor.morph import Split
from hadath.extractor.pipeline import analyse
from hadath.extractor.rules import RuleError, load_file, load_rules
from hadath.extractor.text import make_doc
from hadath.extractor.triggers import TriggerMention

RULES = load_rules()


def _fired(text: str) -> list[list[str]]:
    _doc, cands, _places = analyse(text, 0)
    return [c.rules for c in cands]


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_examples(rule):
    """The rule fires on a candidate of each positive example and on none of each negative
    one (which must still give a candidate, so the negative is not vacuous). A drop rule
    leaves no candidate to carry its id: there the positive gives fewer candidates with the
    rule than without it, and the negative the same ones."""
    if rule.action.drop:
        without = Engine(RULES, disabled={rule.id})
        for text in rule.examples.positive:
            with using_engine(without):
                off = len(_fired(text))
            assert len(_fired(text)) < off, f"{rule.id} dropped nothing in {text!r}"
        for text in rule.examples.negative:
            with using_engine(without):
                off = len(_fired(text))
            assert off and len(_fired(text)) == off, f"{rule.id} dropped a candidate of {text!r}"
        return
    for text in rule.examples.positive:
        fired = _fired(text)
        assert any(rule.id in f for f in fired), f"{rule.id} did not fire on {text!r}: {fired}"
    for text in rule.examples.negative:
        fired = _fired(text)
        assert fired, f"negative example of {rule.id} gives no candidate at all: {text!r}"
        assert not any(rule.id in f for f in fired), f"{rule.id} fired on negative {text!r}: {fired}"


def test_disabling_a_rule_removes_its_decision():
    """--disable-rule: without the negator rule the mode falls to the default rule."""
    text = "لم تتهم روسيا الولايات المتحدة بقصف مواقع سورية."
    _doc, cands, _ = analyse(text, 0)
    assert [c.mode for c in cands if c.type == "ACCUSE"] == ["negated"]
    with using_engine(Engine(RULES, disabled={"mode-negator"})):
        _doc, cands, _ = analyse(text, 0)
    accuse = [c for c in cands if c.type == "ACCUSE"]
    assert [c.mode for c in accuse] == ["asserted"]
    assert "mode-asserted-verb" in accuse[0].rules


# ---------------------------------------------------------------- engine on synthetic input


class _Sentence:
    """A one-sentence context for the engine: tokens of a made-up text, no actors."""

    def __init__(self, text: str, actors: dict[int, int] | None = None) -> None:
        self.doc = make_doc(text, 0)
        self.start, self.end = 0, len(self.doc.tokens)
        self.actor_at: dict = {}
        self.actor_end: dict = {}
        for s, e in (actors or {}).items():
            a = _Span(s, e)
            self.actor_at[s] = a
            self.actor_end[e - 1] = a
        self.trig_heads: set[int] = set()
        self.verbs: set[int] = set()
        self.cand_types: dict[int, str] = {}

    def trigger(self, i: int, pos: str = "V", aspect: str = "perf") -> TriggerMention:
        tok = self.doc.tokens[i]
        entry = TriggerEntry("x", pos, "ACCUSE", "112", "", 0.0, (), (), False, False, False, False, (), "")
        self.trig_heads.add(i)
        return TriggerMention(
            i,
            i + 1,
            tok.start,
            tok.end,
            tok.end,
            Form(entry, aspect, None),
            Split("", "", False, False, tok.norm, ""),
        )


class _Span:
    def __init__(self, s: int, e: int) -> None:
        self.tok_start, self.tok_end = s, e


def _engine(tmp_path: Path, body: str) -> Engine:
    (tmp_path / "words.yaml").write_text("classes: {}\n", encoding="utf-8")
    path = tmp_path / "test.yaml"
    path.write_text(body, encoding="utf-8")
    return Engine(load_file(path).rules)


_NEAREST = """
family: test
doc: two cues in one group, and one independent rule
rules:
  - id: test-far-cue
    doc: the word 'alpha' before the trigger
    group: g
    priority: 5
    before: [{form: [alpha]}, {op: "*"}]
    action: {mode: negated}
    examples: {positive: [x]}
  - id: test-near-cue
    doc: the word 'beta' before the trigger
    group: g
    priority: 5
    before: [{form: [beta]}, {op: "*"}]
    action: {mode: planned}
    examples: {positive: [x]}
  - id: test-low
    doc: any verb, lower priority
    group: g
    priority: 1
    trigger: {pos: V}
    action: {mode: asserted}
    examples: {positive: [x]}
  - id: test-free
    doc: an actor right after the trigger
    after: [{actor: true}]
    action: {distinct: true}
    examples: {positive: [x]}
"""


def test_engine_picks_the_nearest_match_of_a_priority_tier(tmp_path):
    eng = _engine(tmp_path, _NEAREST)
    s = _Sentence("alpha beta gamma verb")
    assert [d.rule.id for d in eng.decide("test", s, s.trigger(3))] == ["test-near-cue"]
    s = _Sentence("beta alpha gamma verb")
    assert [d.rule.id for d in eng.decide("test", s, s.trigger(3))] == ["test-far-cue"]
    s = _Sentence("gamma verb")
    assert [d.rule.id for d in eng.decide("test", s, s.trigger(1))] == ["test-low"]


def test_engine_group_rules_and_free_rules_both_fire(tmp_path):
    eng = _engine(tmp_path, _NEAREST)
    s = _Sentence("beta verb Moscow City", actors={2: 4})
    assert [d.rule.id for d in eng.decide("test", s, s.trigger(1))] == ["test-near-cue", "test-free"]
    s = _Sentence("beta verb Moscow City")  # no actor mention: the free rule stays silent
    assert [d.rule.id for d in eng.decide("test", s, s.trigger(1))] == ["test-near-cue"]


_VETO = """
family: test
doc: a veto ends its tier, lower tiers go on
rules:
  - id: test-veto
    doc: the word alpha right before the trigger blocks the cue rule
    group: g
    priority: 5
    before: [{form: [alpha]}]
    action: {veto: true}
    examples: {positive: [x]}
  - id: test-cue
    doc: the word 'beta' somewhere before the trigger
    group: g
    priority: 5
    before: [{form: [beta]}, {op: "*"}]
    action: {mode: negated}
    examples: {positive: [x]}
  - id: test-default
    doc: the default of the group
    group: g
    priority: 0
    action: {mode: asserted}
    examples: {positive: [x]}
"""


def test_engine_veto_ends_its_tier_only(tmp_path):
    eng = _engine(tmp_path, _VETO)
    s = _Sentence("beta alpha verb")
    assert [d.rule.id for d in eng.decide("test", s, s.trigger(2))] == ["test-veto", "test-default"]
    s = _Sentence("alpha beta verb")
    assert [d.rule.id for d in eng.decide("test", s, s.trigger(2))] == ["test-cue"]


def test_engine_within_counts_an_actor_as_one_unit(tmp_path):
    body = """
family: test
doc: a cue at most three units before the trigger, actors hopped as one unit
rules:
  - id: test-within
    doc: the word 'beta', then actors only
    within: 3
    before: [{form: [beta]}, {actor: true, op: "*"}]
    action: {standalone: false}
    examples: {positive: [x]}
"""
    eng = _engine(tmp_path, body)
    s = _Sentence("beta New York City Paris verb", actors={1: 4, 4: 5})
    assert [d.rule.id for d in eng.decide("test", s, s.trigger(5))] == ["test-within"]
    s = _Sentence("beta New York City Paris Rome Oslo verb", actors={1: 4, 4: 5, 5: 6, 6: 7})
    assert eng.decide("test", s, s.trigger(7)) == []


def test_rule_files_are_checked(tmp_path):
    (tmp_path / "words.yaml").write_text("classes: {}\n", encoding="utf-8")
    bad = tmp_path / "test.yaml"
    bad.write_text(
        "family: test\ndoc: a rule that refers to a missing word class\nrules:\n"
        "  - id: test-missing\n    doc: uses an unknown class\n    before: [{word: ['@nope']}]\n"
        "    action: {standalone: false}\n    examples: {positive: [x]}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match="nope"):
        load_rules.__wrapped__(tmp_path)
    bad.write_text(
        "family: test\ndoc: a rule that decides nothing\nrules:\n"
        "  - id: test-empty\n    doc: has an empty action\n    action: {}\n    examples: {positive: [x]}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match="decides nothing"):
        load_file(bad)


def test_every_rule_has_examples_and_a_unique_id():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    assert all(r.examples.positive for r in RULES)
    assert {r.family for r in RULES} >= {"mode", "scope"}
    assert default_engine().rules == RULES


def test_engine_captures_the_actor_of_a_slot(tmp_path):
    body = """
family: test
doc: the actor between 'since' and 'that' is the subject
rules:
  - id: test-capture
    doc: the actor after the word since
    before: [{form: [since]}, {actor: true, capture: subject}, {form: [that]}]
    action: {subject: subject}
    examples: {positive: [x]}
"""
    eng = _engine(tmp_path, body)
    s = _Sentence("since New York that verb", actors={1: 3})
    (dec,) = eng.decide("test", s, s.trigger(4))
    assert dec.captures["subject"] is s.actor_at[1]
    s = _Sentence("since Paris verb", actors={1: 2})  # no 'that': no match, nothing captured
    assert eng.decide("test", s, s.trigger(2)) == []


def test_a_capture_must_be_one_actor_unit(tmp_path):
    (tmp_path / "words.yaml").write_text("classes: {}\n", encoding="utf-8")
    bad = tmp_path / "test.yaml"
    bad.write_text(
        "family: test\ndoc: a capture of a plain word\nrules:\n"
        "  - id: test-bad-capture\n    doc: captures a word, not an actor\n"
        "    before: [{form: [since], capture: subject}]\n"
        "    action: {subject: subject}\n    examples: {positive: [x]}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match="capturing unit"):
        load_file(bad)


def test_every_word_class_is_documented_and_used():
    """words.yaml holds only classes a rule (@name) or the extractor's code reads."""
    import yaml

    from hadath.extractor.rules import RULES_DIR, WORDS_YAML

    classes = yaml.safe_load(WORDS_YAML.read_text(encoding="utf-8"))["classes"]
    code = "".join(p.read_text(encoding="utf-8") for p in (RULES_DIR.parent.parent).glob("*.py"))
    rule_text = "".join(p.read_text(encoding="utf-8") for p in RULES_DIR.glob("*.yaml") if p != WORDS_YAML)
    for name, cls in classes.items():
        assert len(cls["doc"]) >= 10, name
        assert f'words("{name}")' in code or f"@{name}" in rule_text, f"word class {name} is never read"
