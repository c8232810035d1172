"""The rule engine: applies the rules of `data/rules/*.yaml` to a trigger mention.

A rule is anchored at a trigger: its trigger conditions are checked first (rules that
name lemmas are indexed by lemma, so a trigger only meets the rules that can apply to
it), then its ``before`` pattern is matched leftwards from the trigger's head and its
``after`` pattern rightwards from its last word, inside the sentence. Quantifiers are
lazy, so a pattern finds its nearest match; a match's *distance* is the number of units
it used (an actor mention is one unit).

Rules of one ``group`` make one decision: the highest priority that matches wins; inside
one priority the nearest match, then file order. A ``veto`` decides nothing and ends its
priority tier, so the group's lower tiers still apply ('وهو ما نفته': the relative ما is
no negator, and the default mode follows). Rules without a group fire independently.
The ids of the rules that decided are recorded on the candidate (``Candidate.rules``),
which is internal: the public Event contract does not carry them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from hadath.extractor.analysis import TokenInfo, phrase_kinds, token_info
from hadath.extractor.rules import Action, Pattern, Rule, TokenSpec, load_rules, resolve_words
from hadath.extractor.text import Doc
from hadath.extractor.triggers import TriggerMention

__all__ = ["Context", "Decision", "Engine", "default_engine", "using_engine"]

_NO = -(10**9)  # "no position": a unit did not match


class Context(Protocol):
    """What the engine reads of a sentence (events.SentenceView provides it)."""

    doc: Doc
    start: int
    end: int
    actor_at: dict
    actor_end: dict
    trig_heads: frozenset[int] | set[int]
    verbs: frozenset[int] | set[int]  # verb triggers' heads and speech/opinion verbs
    cand_types: dict[int, str]  # head token -> type of the sentence's candidates (after attachment)


class _Spec:
    """A compiled TokenSpec: word lists folded and expanded once."""

    __slots__ = (
        "actor",
        "actor_prep",
        "any_of",
        "cand_type",
        "capture",
        "followed_by",
        "forms",
        "future",
        "hi",
        "kinds",
        "lo",
        "not_",
        "not_kinds",
        "phrase",
        "preceded_by",
        "prefix",
        "punct",
        "reading",
        "trigger",
        "verb",
        "words",
    )

    def __init__(self, s: TokenSpec) -> None:
        self.kinds = frozenset(s.kind) if s.kind else None
        self.not_kinds = frozenset(s.not_kind) if s.not_kind else None
        self.phrase = frozenset(s.phrase_kind) if s.phrase_kind else None
        self.future = frozenset(s.future_kind) if s.future_kind else None
        self.words = resolve_words(s.word) if s.word else None
        self.forms = resolve_words(s.form) if s.form else None
        self.prefix = tuple(s.prefix) if s.prefix else None
        self.actor, self.punct, self.trigger, self.reading = s.actor, s.punct, s.trigger, s.reading
        self.actor_prep = frozenset(s.actor_prep) if s.actor_prep else None
        self.capture = s.capture
        self.any_of = tuple(_Spec(x) for x in s.any_of) if s.any_of else None
        self.not_ = _Spec(s.not_) if s.not_ else None
        self.preceded_by = _Spec(s.preceded_by) if s.preceded_by else None
        self.followed_by = _Spec(s.followed_by) if s.followed_by else None
        self.cand_type = frozenset(s.cand_type) if s.cand_type else None
        self.verb = s.verb
        self.lo, self.hi = s.bounds()

    def test(self, ctx: Context, info: list[TokenInfo], pos: int, d: int) -> bool:
        """Does the token at ``pos`` meet every condition (``d``: reading direction)?"""
        ti = info[pos]
        if self.kinds is not None and not (self.kinds & ti.kinds):
            return False
        if self.not_kinds is not None and self.not_kinds & ti.kinds:
            return False
        if self.phrase is not None and not (self.phrase & phrase_kinds(ctx.doc, pos)):
            return False
        if self.future is not None and not (self.future & ti.future_kinds):
            return False
        if self.words is not None and ti.norm not in self.words and ti.word not in self.words:
            return False
        if self.forms is not None and ti.norm not in self.forms:
            return False
        if self.prefix is not None and not ti.norm.startswith(self.prefix):
            return False
        if self.actor is not None and (pos in (ctx.actor_end if d < 0 else ctx.actor_at)) != self.actor:
            return False
        if self.punct is not None and ctx.doc.tokens[pos].is_punct != self.punct:
            return False
        if self.trigger is not None and (pos in ctx.trig_heads) != self.trigger:
            return False
        if self.reading is not None and ti.has_reading != self.reading:
            return False
        if self.any_of is not None and not any(a.test(ctx, info, pos, d) for a in self.any_of):
            return False
        if self.not_ is not None and self.not_.test(ctx, info, pos, d):
            return False
        if self.cand_type is not None and ctx.cand_types.get(pos) not in self.cand_type:
            return False
        if self.verb is not None and (pos in ctx.verbs) != self.verb:
            return False
        if self.followed_by is not None and (
            pos + 1 >= ctx.end or not self.followed_by.test(ctx, info, pos + 1, 1)
        ):
            return False
        return not (
            self.preceded_by is not None
            and (pos - 1 < ctx.start or not self.preceded_by.test(ctx, info, pos - 1, -1))
        )

    def step(self, ctx: Context, info: list[TokenInfo], pos: int, d: int) -> int:
        """The position after one unit matched at ``pos`` (reading direction ``d``), or _NO."""
        if self.any_of is not None:
            for alt in self.any_of:
                nxt = alt.step(ctx, info, pos, d)
                if nxt != _NO:
                    return nxt
            return _NO
        if self.actor:
            a = (ctx.actor_end if d < 0 else ctx.actor_at).get(pos)
            if a is None or (self.actor_prep is not None and a.prep not in self.actor_prep):
                return _NO
            return a.tok_start - 1 if d < 0 else a.tok_end
        return pos + d if self.test(ctx, info, pos, d) else _NO


def _match_side(
    specs: tuple[_Spec, ...],
    ctx: Context,
    info: list[TokenInfo],
    pos: int,
    d: int,
    within: int | None,
    captures: dict[str, Any] | None = None,
) -> int | None:
    """Units used by the nearest match of ``specs`` (already in reading order), or None.
    ``captures`` receives the actor mention (else the token) of each capturing unit."""
    lo, hi = ctx.start, ctx.end
    limit = within if within is not None else 10**6

    def seq(k: int, pos: int, used: int) -> int | None:
        if k == len(specs):
            return used
        sp = specs[k]
        count = 0
        while True:
            if count >= sp.lo:
                r = seq(k + 1, pos, used)
                if r is not None:
                    return r
            if count >= sp.hi or used >= limit or not lo <= pos < hi:
                return None
            at = pos
            pos = sp.step(ctx, info, pos, d)
            if pos == _NO:
                return None
            if sp.capture is not None and captures is not None:
                # the captured actor mention (or token); a later, successful path overwrites it
                captures[sp.capture] = (ctx.actor_end if d < 0 else ctx.actor_at).get(at, at)
            used += 1
            count += 1

    return seq(0, pos, 0)


def _role_ok(spec, actors: list) -> bool:
    if spec.nonempty is not None and bool(actors) != spec.nonempty:
        return False
    if spec.all_kind is not None and not all(a.kind in spec.all_kind for a in actors):
        return False
    return not (
        spec.no_code_suffix is not None and any((a.code or "").endswith(spec.no_code_suffix) for a in actors)
    )


def _candidate_ok(spec, cand) -> bool:
    if cand is None:
        return False  # a candidate condition in a family applied before attachment
    return not (
        (spec.type is not None and cand.type not in spec.type)
        or (spec.explicit_source is not None and cand.explicit_source != spec.explicit_source)
        or (spec.concluded is not None and cand.concluded != spec.concluded)
        or (spec.source is not None and not _role_ok(spec.source, cand.source))
        or (spec.target is not None and not _role_ok(spec.target, cand.target))
    )


class _Present:
    """What a sentence contains, to skip rules whose obligatory words it lacks."""

    __slots__ = ("_phrase", "ctx", "future", "kinds", "words")

    def __init__(self, ctx: Context, info: list[TokenInfo]) -> None:
        span = info[ctx.start : ctx.end]
        self.ctx = ctx
        self.kinds = frozenset().union(*(ti.kinds for ti in span))
        self.future = frozenset().union(*(ti.future_kinds for ti in span))
        self.words = {ti.norm for ti in span} | {ti.word for ti in span}
        self._phrase: frozenset[str] | None = None

    @property
    def phrase(self) -> frozenset[str]:
        if self._phrase is None:
            c = self.ctx
            self._phrase = frozenset().union(*(phrase_kinds(c.doc, i) for i in range(c.start, c.end)))
        return self._phrase


def _present(ctx: Context, info: list[TokenInfo]) -> _Present:
    p = getattr(ctx, "_engine_present", None)
    if p is None:
        p = _Present(ctx, info)
        ctx._engine_present = p  # type: ignore[attr-defined]  (one per sentence view)
    return p


class _Compiled:
    __slots__ = (
        "after",
        "before",
        "cand",
        "captures",
        "head",
        "needs",
        "order",
        "rule",
        "trig",
        "unless",
        "within",
    )

    def __init__(self, rule: Rule | Pattern, order: int) -> None:
        self.rule = rule
        self.order = order
        self.trig = rule.trigger
        self.cand = rule.candidate
        self.head = _Spec(rule.trigger.head) if rule.trigger.head else None
        self.captures = any(sp.capture for sp in (*rule.before, *rule.after))
        self.before = tuple(_Spec(s) for s in reversed(rule.before))  # read leftwards
        self.after = tuple(_Spec(s) for s in rule.after)
        self.within = rule.within
        self.unless = tuple(_Compiled(p, order) for p in rule.unless) if isinstance(rule, Rule) else ()
        # the obligatory units of the pattern: a sentence without their words cannot match
        self.needs = tuple(sp for sp in (*self.before, *self.after) if sp.lo >= 1 and sp.any_of is None)

    def possible(self, ctx: Context, present: _Present) -> bool:
        for sp in self.needs:
            if sp.cand_type is not None and sp.cand_type.isdisjoint(ctx.cand_types.values()):
                return False
            if sp.kinds is not None and not (sp.kinds & present.kinds):
                return False
            if sp.future is not None and not (sp.future & present.future):
                return False
            if sp.phrase is not None and not (sp.phrase & present.phrase):
                return False
            for ws in (sp.words, sp.forms):
                if ws is not None and present.words.isdisjoint(ws):
                    return False
        return True

    def trigger_ok(self, t: TriggerMention, head: TokenInfo) -> bool:
        ts = self.trig
        e, sp = t.form.entry, t.split
        return not (
            (ts.pos is not None and e.pos != ts.pos)
            or (ts.aspect is not None and t.form.aspect not in ts.aspect)
            or (ts.not_aspect is not None and t.form.aspect in ts.not_aspect)
            or (ts.future is not None and sp.future != ts.future)
            or (ts.prep is not None and sp.prep not in ts.prep)
            or (ts.article is not None and sp.article != ts.article)
            or (ts.type is not None and e.type not in ts.type)
            or (ts.lemma is not None and e.lemma not in ts.lemma)
            or (ts.multiword is not None and bool(e.rest) != ts.multiword)
            or (ts.not_kind is not None and head.kinds & frozenset(ts.not_kind))
        )

    def match(
        self,
        ctx: Context,
        info: list[TokenInfo],
        t: TriggerMention,
        cand: object = None,
        captures: dict[str, Any] | None = None,
    ) -> int | None:
        """The distance of this pattern's match for trigger ``t`` (and its candidate), or None."""
        if not self.trigger_ok(t, info[t.tok]):
            return None
        if self.needs and not self.possible(ctx, _present(ctx, info)):
            return None
        if self.cand is not None and not _candidate_ok(self.cand, cand):
            return None
        if self.head is not None and not self.head.test(ctx, info, t.tok, 1):
            return None
        dist = 0
        if self.before:
            r = _match_side(self.before, ctx, info, t.tok - 1, -1, self.within, captures)
            if r is None:
                return None
            dist += r
        if self.after:
            r = _match_side(self.after, ctx, info, t.tok_end, 1, self.within, captures)
            if r is None:
                return None
            dist += r
        if any(u.match(ctx, info, t, cand) is not None for u in self.unless):
            return None
        return dist


@dataclass(frozen=True, slots=True)
class Decision:
    rule: Rule
    distance: int
    order: int  # the rule's place in the rule files
    captures: dict[str, Any] | None = None  # slot -> the captured actor mention

    @property
    def action(self) -> Action:
        return self.rule.action


class Engine:
    """The rules of every family, compiled and indexed by family and trigger lemma."""

    def __init__(self, rules: Iterable[Rule], disabled: Iterable[str] = ()) -> None:
        off = frozenset(disabled)
        self.rules = tuple(r for r in rules if r.id not in off)
        self.disabled = off
        self._general: dict[str, list[_Compiled]] = {}
        self._by_lemma: dict[str, dict[str, list[_Compiled]]] = {}
        for order, r in enumerate(self.rules):
            c = _Compiled(r, order)
            if r.trigger.lemma:
                for lemma in r.trigger.lemma:
                    self._by_lemma.setdefault(r.family, {}).setdefault(lemma, []).append(c)
            else:
                self._general.setdefault(r.family, []).append(c)
        # per family and part of speech: the rules in tiers, highest priority first
        self._tiers: dict[tuple[str, str], list[list[_Compiled]]] = {}
        for family, lst in self._general.items():
            for pos in ("V", "N"):
                self._tiers[family, pos] = _tiers(c for c in lst if c.trig.pos in (None, pos))

    def _tiers_for(self, family: str, t: TriggerMention) -> list[list[_Compiled]]:
        pos = t.form.entry.pos
        special = self._by_lemma.get(family, {}).get(t.form.entry.lemma)
        if not special:
            return self._tiers.get((family, pos), [])
        return _tiers(c for c in (*self._general.get(family, []), *special) if c.trig.pos in (None, pos))

    def decide(self, family: str, ctx: Context, t: TriggerMention, cand: object = None) -> list[Decision]:
        """The rules of ``family`` that decide for trigger ``t`` (and its attached candidate,
        for the families that run after attachment): the winner of each group and every
        matching rule without a group, in rule order (a winning veto is listed too)."""
        info = token_info(ctx.doc)
        out: list[Decision] = []
        decided: set[str] = set()
        tier_best: dict[str, tuple[int, _Compiled, dict[str, Any] | None]] = {}  # group -> best
        for tier in self._tiers_for(family, t):
            tier_best.clear()
            for c in tier:
                g = c.rule.group
                if g is not None and g in decided:
                    continue
                caps: dict[str, Any] | None = {} if c.captures else None
                d = c.match(ctx, info, t, cand, caps)
                if d is None:
                    continue
                if g is None:
                    out.append(Decision(c.rule, d, c.order, caps))
                elif g not in tier_best or d < tier_best[g][0]:
                    tier_best[g] = (d, c, caps)
            for g, (d, c, caps) in tier_best.items():
                out.append(Decision(c.rule, d, c.order, caps))  # (a veto is recorded too: it fired)
                if not c.rule.action.veto:
                    decided.add(g)
        out.sort(key=lambda dec: dec.order)
        return out


def _tiers(rules: Iterable[_Compiled]) -> list[list[_Compiled]]:
    """Rules grouped by priority, highest first, file order inside a priority."""
    by_prio: dict[int, list[_Compiled]] = {}
    for c in sorted(rules, key=lambda c: c.order):
        by_prio.setdefault(c.rule.priority, []).append(c)
    return [by_prio[p] for p in sorted(by_prio, reverse=True)]


_engine: Engine | None = None


def default_engine() -> Engine:
    """Every rule of data/rules/, compiled once per process."""
    global _engine
    if _engine is None:
        _engine = Engine(load_rules())
    return _engine


@contextmanager
def using_engine(engine: Engine) -> Iterator[Engine]:
    """Extract with another engine for a while (`--disable-rule`, rule reports, tests)."""
    global _engine
    saved = _engine
    _engine = engine
    try:
        yield engine
    finally:
        _engine = saved
