"""The extractor's grammar as data: the rule schema and the rule files' loader.

Rule files live in `data/rules/<family>.yaml`, one family of phenomena each (mode,
scope, ...); closed word classes that rules and code share live in
`data/rules/words.yaml`. Every file is validated by the pydantic models below when it is
loaded (`hadath rules --check` loads them all and checks word-class references and
examples). The engine that applies rules is `engine.py`; the format is documented in the
extractor README ("Rules").
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hadath.extractor.gazetteer import DATA_DIR
from hadath.extractor.text import fold

RULES_DIR = DATA_DIR / "rules"
WORDS_YAML = RULES_DIR / "words.yaml"

__all__ = ["Action", "Rule", "RuleError", "RuleFile", "TokenSpec", "TriggerSpec", "load_rules", "words"]


class RuleError(ValueError):
    """A rule file that does not validate; the message names the file and the rule."""


_OP = re.compile(r"^(?:[?*+1]|\{\d+,\d+\})$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class TokenSpec(_Strict):
    """Conditions on one unit of a pattern: a token, or a whole actor mention (``actor``).

    Word lists are folded forms; an entry ``@name`` stands for the word class ``name`` of
    words.yaml. ``word`` compares the token with and without a leading و/ف, ``form``
    compares the token exactly."""

    kind: tuple[str, ...] | None = None  # any of these cue kinds (data/cues.tsv)
    not_kind: tuple[str, ...] | None = None
    phrase_kind: tuple[str, ...] | None = None  # cue kinds of 'previous word + this token'
    future_kind: tuple[str, ...] | None = None  # cue kinds after a future سـ (سيجري → LIGHT)
    word: tuple[str, ...] | None = None
    form: tuple[str, ...] | None = None
    prefix: tuple[str, ...] | None = None  # the token starts with one of these
    actor: bool | None = None  # an actor mention (consumed as one unit)
    actor_prep: tuple[str, ...] | None = None  # ... whose proclitic preposition is one of these
    capture: Literal["subject", "object"] | None = None  # name the actor unit for the action
    punct: bool | None = None
    trigger: bool | None = None  # the head token of a trigger mention
    cand_type: tuple[str, ...] | None = None  # the head of a candidate of these types (sentence rules)
    verb: bool | None = None  # a verb: a verb trigger's head or a speech/opinion verb
    reading: bool | None = None  # the word has a trigger reading
    any_of: tuple[TokenSpec, ...] | None = None
    not_: TokenSpec | None = Field(default=None, alias="not")
    preceded_by: TokenSpec | None = None  # a condition on the token before (not consumed)
    followed_by: TokenSpec | None = None  # ... on the token after
    op: str = "1"  # how many units: 1, ?, *, +, {m,n}

    @field_validator("op")
    @classmethod
    def _op(cls, v: str) -> str:
        if not _OP.match(v):
            raise ValueError(f"op {v!r}: one of 1 ? * + {{m,n}}")
        return v

    @model_validator(mode="after")
    def _capture_once(self) -> TokenSpec:
        if self.capture and (self.op != "1" or not self.actor):
            raise ValueError("a capturing unit is one actor mention (actor: true, op 1)")
        return self

    def bounds(self) -> tuple[int, int]:
        if self.op == "1":
            return 1, 1
        if self.op == "?":
            return 0, 1
        if self.op == "*":
            return 0, 1000
        if self.op == "+":
            return 1, 1000
        lo, hi = self.op[1:-1].split(",")
        return int(lo), int(hi)


class TriggerSpec(_Strict):
    """Conditions on the trigger mention the rule is anchored at."""

    pos: Literal["V", "N"] | None = None
    aspect: tuple[str, ...] | None = None  # perf | imperf | juss (verbs)
    not_aspect: tuple[str, ...] | None = None
    future: bool | None = None  # carries the future سـ
    prep: tuple[str, ...] | None = None  # its proclitic preposition (ب ل ك)
    article: bool | None = None
    type: tuple[str, ...] | None = None  # event types
    lemma: tuple[str, ...] | None = None  # lexicon lemmas (the engine's index)
    multiword: bool | None = None
    not_kind: tuple[str, ...] | None = None  # cue kinds the head token must not have
    head: TokenSpec | None = None  # conditions on the head token itself


class RoleSpec(_Strict):
    """Conditions on the parties already attached to a candidate in one role."""

    nonempty: bool | None = None
    all_kind: tuple[str, ...] | None = None  # every party is of these actor kinds
    no_code_suffix: tuple[str, ...] | None = None  # no party's code ends with one of these


class CandidateSpec(_Strict):
    """Conditions on the attached candidate (only for families applied after attachment)."""

    type: tuple[str, ...] | None = None  # its current event type
    explicit_source: bool | None = None  # its agent was found in its own clause
    concluded: bool | None = None  # an agreement noun with its concluding clause (الاتفاق الذي وقعته X)
    source: RoleSpec | None = None
    target: RoleSpec | None = None


class Pattern(_Strict):
    """Words before and after the trigger, in text order. ``before`` ends right before the
    trigger's head, ``after`` starts right after its last word. ``within`` caps the units
    each side may use (an actor mention is one unit)."""

    trigger: TriggerSpec = TriggerSpec()
    candidate: CandidateSpec | None = None
    before: tuple[TokenSpec, ...] = ()
    after: tuple[TokenSpec, ...] = ()
    within: int | None = None


class Action(_Strict):
    """What a rule decides for the candidate it fires on."""

    mode: Literal["asserted", "planned", "negated"] | None = None
    strong: bool | None = None  # the mode is explicit (a cue or a verb), not a default
    standalone: bool | None = None  # False: not an event on its own (still a possible extra mention)
    distinct: bool | None = None  # True: an earlier, different event (never merged in its sentence)
    veto: bool = False  # decides nothing and ends its priority tier: lower tiers go on
    drop: bool | None = None  # True: the mention is no event at all (no candidate)
    retype: str | None = None  # the event type it becomes (هاجم ترامب سيشنز: CONDEMN, not ATTACK)
    subject: Literal["subject"] | None = None  # the captured actor is the trigger's subject


class Examples(_Strict):
    """Sentences written for the rule (never copied from an evaluation article): the rule
    fires on some candidate of each positive and on no candidate of each negative."""

    positive: tuple[str, ...] = Field(min_length=1)
    negative: tuple[str, ...] = ()


class Rule(Pattern):
    id: str = Field(pattern=r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$")
    doc: str = Field(min_length=10)  # what the rule means, in one or two sentences
    group: str | None = None  # rules of one group make one decision (priority, then nearest)
    priority: int = 0
    unless: tuple[Pattern, ...] = ()  # the rule does not fire when one of these matches
    action: Action
    examples: Examples
    family: str = ""  # set from the file

    @model_validator(mode="after")
    def _decides(self) -> Rule:
        a = self.action
        decides = (a.mode, a.standalone, a.distinct, a.retype, a.subject, a.drop)
        if not a.veto and all(x is None for x in decides):
            raise ValueError("the action decides nothing")
        captures = {s.capture for s in (*self.before, *self.after) if s.capture}
        if a.subject and a.subject not in captures:
            raise ValueError(f"the action uses slot {a.subject!r}, which no pattern unit captures")
        if a.veto and self.group is None:
            raise ValueError("a veto needs a group")
        return self


class RuleFile(_Strict):
    family: str
    doc: str
    rules: tuple[Rule, ...]


class WordClass(_Strict):
    doc: str = Field(min_length=10)
    words: tuple[str, ...] = Field(min_length=1)


class WordsFile(_Strict):
    classes: dict[str, WordClass]


@cache
def _word_classes() -> dict[str, frozenset[str]]:
    data = WordsFile.model_validate(yaml.safe_load(WORDS_YAML.read_text(encoding="utf-8")))
    return {name: frozenset(" ".join(fold(w).split()) for w in c.words) for name, c in data.classes.items()}


def words(name: str) -> frozenset[str]:
    """The folded words of a closed word class of words.yaml."""
    try:
        return _word_classes()[name]
    except KeyError:
        raise RuleError(f"{WORDS_YAML.name}: no word class {name!r}") from None


def resolve_words(entries: tuple[str, ...]) -> frozenset[str]:
    """A rule's word list: folded entries, ``@name`` expanded to the word class."""
    out: set[str] = set()
    for e in entries:
        out.update(words(e[1:]) if e.startswith("@") else {fold(e)})
    return frozenset(out)


def _specs(p: Pattern) -> list[TokenSpec]:
    todo = [*p.before, *p.after]
    out: list[TokenSpec] = []
    while todo:
        s = todo.pop()
        out.append(s)
        todo.extend(x for x in (s.not_, s.preceded_by, s.followed_by, *(s.any_of or ())) if x is not None)
    return out


def _check_refs(rule: Rule) -> None:
    for p in (rule, *rule.unless):
        for s in _specs(p):
            for entries in (s.word, s.form):
                for e in entries or ():
                    if e.startswith("@"):
                        words(e[1:])


def load_file(path: Path) -> RuleFile:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        rf = RuleFile.model_validate(raw)
    except (yaml.YAMLError, ValueError) as exc:
        raise RuleError(f"{path.name}: {exc}") from exc
    if rf.family != path.stem:
        raise RuleError(f"{path.name}: family {rf.family!r} is not the file name")
    rules = tuple(r.model_copy(update={"family": rf.family}) for r in rf.rules)
    for r in rules:
        try:
            _check_refs(r)
        except RuleError as exc:
            raise RuleError(f"{path.name}: rule {r.id}: {exc}") from exc
    return rf.model_copy(update={"rules": rules})


@cache
def load_rules(folder: Path = RULES_DIR) -> tuple[Rule, ...]:
    """Every rule of every family file, in file order (ids unique across files)."""
    out: list[Rule] = []
    seen: set[str] = set()
    for path in sorted(folder.glob("*.yaml")):
        if path == WORDS_YAML:
            continue
        for r in load_file(path).rules:
            if r.id in seen:
                raise RuleError(f"{path.name}: rule id {r.id} used twice")
            seen.add(r.id)
            out.append(r)
    return tuple(out)
