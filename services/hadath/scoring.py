"""Scorer for hadath event predictions against gold files (spec EVENTS.md §7).

Pure functions over plain dicts: :func:`score` takes gold lines (``{"article": …,
"events": […]}``) and predicted event records (spec §2) and returns a
:class:`ScoreReport`; :func:`format_report` renders it; :func:`main` is the
``hadath eval`` command.

Decisions where the spec is silent (all deliberate, all tested):

* **Overlap** is half-open interval overlap: ``[s1, e1)`` and ``[s2, e2)`` overlap when
  ``s1 < e2 and s2 < e1`` (an empty predicted span inside a gold span counts).
* **Matching** is per article and per type, one-to-one, and *maximum*: among all
  one-to-one matchings of overlapping pairs we take one that (1) matches the most pairs,
  then (2) matches the most non-optional gold events, then (3) maximises the summed pair
  quality, where a pair's quality ranks, in this order: arguments exactly right, mode
  right, argument F1 of the pair, number of overlapping characters. This is solved
  exactly with the Hungarian algorithm on integer weights whose magnitudes make the
  criteria lexicographic, so it is deterministic and never worse than greedy.
  Predictions are ordered by (trigger start, trigger end, input order), gold events by
  file order, before solving.
* **Optional gold events**: a prediction matched to one is neither TP nor FP, and the
  optional event is never a FN. Such pairs are excluded from argument/mode/date figures.
* **Scoring keys**: an actor's key is its code upper-cased and cut to the first three
  letters, or six when the code starts with ``IGO`` or ``NGO`` — literally as the spec
  says, so ``IMGMOS`` scores as ``IMG``. The same function is applied to the gold keys
  (gold files write ``IMGMOS``), so both sides agree.
* **Roles**: when the gold event has ``participants`` or its type is MEET or AGREE, the
  prediction's ``source ∪ target`` keys are compared with the gold participants (or gold
  ``source ∪ target``) as one role ``participants``; otherwise ``source`` and ``target``
  are compared separately, each as a set.
* **Dates**: scored only for matched, non-optional gold events that carry a date. The
  predicted ``date.value`` must start with the gold value and be at least as precise:
  gold ``YYYY-MM`` accepts any day of that month, gold ``YYYY-MM-DD`` needs that day.
* **Empty denominators**: a ratio with nothing to count is ``None`` (JSON ``null``),
  shown as ``n/a``.
* Predictions whose ``article_id`` is not in the gold file are ignored (counted in
  ``n_pred_ignored``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hadath_schemas import EventType

# Spec §3 order, used for the per-type table; unknown types are appended alphabetically.
EVENT_TYPES: tuple[str, ...] = tuple(event_type.value for event_type in EventType)
SYMMETRIC_TYPES: frozenset[str] = frozenset({"MEET", "AGREE"})

Span = tuple[int, int]


# ---------------------------------------------------------------------------
# Report structures
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeRow:
    """Event-level (type + span) and full counts for one event type."""

    type: str
    n_gold: int  # non-optional gold events of this type
    n_pred: int  # predictions of this type that are counted (not matched to optional gold)
    tp: int
    fp: int
    fn: int
    precision: float | None
    recall: float | None
    f1: float | None
    full_tp: int
    full_f1: float | None


@dataclass(frozen=True)
class ErrorItem:
    """One scoring error, with enough context to debug it."""

    kind: str  # "FP", "FN", "ARGS", "MODE" or "DATE"
    article_id: str
    type: str
    spans: tuple[Span, ...]
    sentence: str
    detail: str


@dataclass
class ScoreReport:
    """Everything :func:`score` computes. Ratios are ``None`` when undefined."""

    n_gold: int = 0  # non-optional gold events
    n_gold_optional: int = 0
    n_pred: int = 0  # predictions for articles present in the gold file
    n_pred_ignored: int = 0  # predictions for unknown articles
    n_matched: int = 0  # predictions matched to non-optional gold (= event TP)
    n_matched_optional: int = 0  # predictions matched to optional gold (not counted)

    event_tp: int = 0
    event_fp: int = 0
    event_fn: int = 0
    event_p: float | None = None
    event_r: float | None = None
    event_f1: float | None = None

    arg_tp: int = 0
    arg_fp: int = 0
    arg_fn: int = 0
    argument_p: float | None = None
    argument_r: float | None = None
    argument_f1: float | None = None

    mode_correct: int = 0
    mode_accuracy: float | None = None

    full_tp: int = 0
    full_fp: int = 0
    full_fn: int = 0
    full_p: float | None = None
    full_r: float | None = None
    full_f1: float | None = None

    date_n: int = 0  # matched non-optional gold events with a gold date
    date_correct: int = 0
    date_accuracy: float | None = None

    per_type: list[TypeRow] = field(default_factory=list)
    false_positives: list[ErrorItem] = field(default_factory=list)
    false_negatives: list[ErrorItem] = field(default_factory=list)
    mismatches: list[ErrorItem] = field(default_factory=list)  # matched, but args/mode/date wrong
    # every counted prediction and whether it is right (matched to non-optional gold of its
    # type); predictions matched to optional gold are neither right nor wrong and left out
    outcomes: list[tuple[dict[str, Any], bool]] = field(default_factory=list)
    ece: float | None = None  # expected calibration error of the predictions' confidence

    def summary(self) -> dict[str, Any]:
        """The headline numbers, as printed on the last line of ``hadath eval``."""
        return {
            "event_f1": self.event_f1,
            "argument_f1": self.argument_f1,
            "mode_accuracy": self.mode_accuracy,
            "full_f1": self.full_f1,
            "date_accuracy": self.date_accuracy,
            "event_p": self.event_p,
            "event_r": self.event_r,
            "n_gold": self.n_gold,
            "n_pred": self.n_pred,
            "n_matched": self.n_matched,
            "full_p": self.full_p,
            "full_r": self.full_r,
            "argument_p": self.argument_p,
            "argument_r": self.argument_r,
            "n_gold_optional": self.n_gold_optional,
            "n_matched_optional": self.n_matched_optional,
            "n_pred_ignored": self.n_pred_ignored,
            "ece": self.ece,
        }


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def actor_key(code: str) -> str:
    """Scoring key of an actor code: first 3 letters, or first 6 for IGO/NGO codes (spec §5)."""
    c = code.strip().upper()
    return c[:6] if c.startswith(("IGO", "NGO")) else c[:3]


def _keys(items: Iterable[Any] | None) -> frozenset[str]:
    """Scoring keys of a list of actors given as codes or as ``{"code": …}`` dicts."""
    out: set[str] = set()
    for it in items or ():
        code = it.get("code") if isinstance(it, dict) else it
        if isinstance(code, str) and code.strip():
            out.add(actor_key(code))
    return frozenset(out)


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _prf(tp: int, fp: int, fn: int) -> tuple[float | None, float | None, float | None]:
    p = _ratio(tp, tp + fp)
    r = _ratio(tp, tp + fn)
    f = _ratio(2 * tp, 2 * tp + fp + fn)
    return p, r, f


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _overlap_chars(pred_spans: Sequence[Span], gold_spans: Sequence[Span]) -> int:
    """Characters covered by both the predicted spans and the gold spans."""
    p: set[int] = set()
    for s, e in pred_spans:
        p.update(range(s, e))
    g: set[int] = set()
    for s, e in gold_spans:
        g.update(range(s, e))
    return len(p & g)


def _pred_spans(pred: dict[str, Any]) -> tuple[Span, ...]:
    spans: list[Span] = []
    trig = pred.get("trigger")
    if isinstance(trig, dict) and trig.get("start") is not None and trig.get("end") is not None:
        spans.append((int(trig["start"]), int(trig["end"])))
    for m in pred.get("mentions") or ():
        if isinstance(m, dict) and m.get("start") is not None and m.get("end") is not None:
            spans.append((int(m["start"]), int(m["end"])))
    return tuple(spans)


def _gold_spans(gold: dict[str, Any]) -> tuple[Span, ...]:
    return tuple((int(s), int(e)) for s, e in gold.get("mentions") or ())


def _is_symmetric(gold: dict[str, Any]) -> bool:
    return "participants" in gold or gold.get("type") in SYMMETRIC_TYPES


def _gold_roles(gold: dict[str, Any]) -> dict[str, frozenset[str]]:
    if _is_symmetric(gold):
        if "participants" in gold:
            return {"participants": _keys(gold.get("participants"))}
        return {"participants": _keys(gold.get("source")) | _keys(gold.get("target"))}
    return {"source": _keys(gold.get("source")), "target": _keys(gold.get("target"))}


def _pred_roles(pred: dict[str, Any], symmetric: bool) -> dict[str, frozenset[str]]:
    src, tgt = _keys(pred.get("source")), _keys(pred.get("target"))
    if symmetric:
        return {"participants": src | tgt}
    return {"source": src, "target": tgt}


Roles = dict[str, frozenset[str]]


def _arg_counts(pred_roles: Roles, gold_roles: Roles) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for role, g in gold_roles.items():
        p = pred_roles.get(role, frozenset())
        tp += len(p & g)
        fp += len(p - g)
        fn += len(g - p)
    return tp, fp, fn


def _pred_date(pred: dict[str, Any]) -> str | None:
    d = pred.get("date")
    if isinstance(d, dict):
        v = d.get("value")
        return v if isinstance(v, str) else None
    return None


def date_agrees(pred_value: str | None, gold_value: str) -> bool:
    """True when the predicted date agrees with the gold one to the gold's precision."""
    if not pred_value:
        return False
    return len(pred_value) >= len(gold_value) and pred_value[: len(gold_value)] == gold_value


_SENT_END = re.compile(r"[.!?؟\n]")


def sentence_at(text: str, start: int, end: int, limit: int = 400) -> str:
    """The sentence of ``text`` containing ``[start, end)`` (bounded by . ! ? ؟ or newline)."""
    if not text:
        return ""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    left = max((m.end() for m in _SENT_END.finditer(text, 0, start)), default=0)
    m = _SENT_END.search(text, end)
    right = m.end() if m else len(text)
    s = text[left:right].strip()
    return s if len(s) <= limit else s[: limit - 1] + "…"


def document_text(article: dict[str, Any]) -> str:
    """Spec §1: offsets index ``title + "\\n" + body``."""
    return f"{article.get('title') or ''}\n{article.get('body') or ''}"


# ---------------------------------------------------------------------------
# Maximum-weight bipartite matching (Hungarian algorithm, exact on integers)
# ---------------------------------------------------------------------------


def max_weight_matching(weights: list[list[int]]) -> list[tuple[int, int]]:
    """Maximum-weight matching of a bipartite graph given as a rows×cols matrix.

    ``weights[i][j] > 0`` is an edge, ``0`` no edge. Returns ``(row, col)`` pairs on
    edges only. O(n²m) Hungarian algorithm with potentials; deterministic; exact
    because it works on Python integers.
    """
    n = len(weights)
    if n == 0 or not weights[0]:
        return []
    m = len(weights[0])
    transposed = n > m
    w = [list(col) for col in zip(*weights, strict=True)] if transposed else weights
    if transposed:
        n, m = m, n
    big = max(max(row) for row in w)
    # Minimise cost = big - weight over a complete assignment of every row.
    cost = [[big - w[i][j] for j in range(m)] for i in range(n)]
    inf = float("inf")
    u = [0] * (n + 1)
    v = [0] * (m + 1)
    p = [0] * (m + 1)  # p[j] = row (1-based) assigned to column j
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv: list[float] = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0 = p[j0]
            delta: float = inf
            j1 = 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta  # type: ignore[assignment]
                    v[j] -= delta  # type: ignore[assignment]
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    pairs: list[tuple[int, int]] = []
    for j in range(1, m + 1):
        i = p[j]
        if i and w[i - 1][j - 1] > 0:
            pairs.append((j - 1, i - 1) if transposed else (i - 1, j - 1))
    return sorted(pairs)


# Weight layers: cardinality ≫ non-optional gold ≫ pair quality (see module docstring).
_Q_OVERLAP = 1_000  # overlap chars capped below this
_Q_ARGF1 = 1_001  # argument F1 in 0..1000 steps
_Q_MODE = _Q_ARGF1 * 1_001
_Q_ARGS = _Q_MODE * 2
_Q_MAX = _Q_ARGS * 2  # strict upper bound of a pair quality


def _pair_quality(pred: dict[str, Any], gold: dict[str, Any]) -> int:
    roles_g = _gold_roles(gold)
    roles_p = _pred_roles(pred, _is_symmetric(gold))
    tp, fp, fn = _arg_counts(roles_p, roles_g)
    arg_f1 = 1.0 if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)
    overlap = min(_overlap_chars(_pred_spans(pred), _gold_spans(gold)), _Q_OVERLAP - 1)
    return (
        (_Q_ARGS if roles_p == roles_g else 0)
        + (_Q_MODE if pred.get("mode") == gold.get("mode") else 0)
        + round(arg_f1 * 1000) * _Q_OVERLAP
        + overlap
    )


def _match_group(preds: list[dict[str, Any]], golds: list[dict[str, Any]]) -> list[tuple[int, int]]:
    if not preds or not golds:
        return []
    n = max(len(preds), len(golds))
    w_req = _Q_MAX * (n + 1)
    w_card = w_req * (n + 1)
    pred_spans = [_pred_spans(p) for p in preds]
    gold_spans = [_gold_spans(g) for g in golds]
    weights = [[0] * len(golds) for _ in preds]
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            if any(_overlaps(a, b) for a in pred_spans[i] for b in gold_spans[j]):
                weights[i][j] = w_card + (0 if g.get("optional") else w_req) + _pair_quality(p, g)
    return max_weight_matching(weights)


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------


def _pred_order(item: tuple[int, dict[str, Any]]) -> tuple[int, int, int]:
    """Deterministic order of predictions: first span (trigger), then input position."""
    spans = _pred_spans(item[1])
    s, e = spans[0] if spans else (-1, -1)
    return s, e, item[0]


def _type_order(types: Iterable[str]) -> list[str]:
    known = [t for t in EVENT_TYPES if t in types]
    return known + sorted(t for t in types if t not in EVENT_TYPES)


def _fmt_roles(roles: dict[str, frozenset[str]]) -> str:
    return " ".join(f"{r}={sorted(k)}" for r, k in roles.items())


def score(gold_records: list[dict[str, Any]], predictions: list[dict[str, Any]]) -> ScoreReport:
    """Score ``predictions`` (spec §2 records) against ``gold_records`` (spec §7 lines)."""
    rep = ScoreReport()
    articles: dict[str, dict[str, Any]] = {}
    gold_by_article: dict[str, list[dict[str, Any]]] = {}
    for rec in gold_records:
        art = rec["article"]
        aid = str(art["id"])
        articles[aid] = art
        gold_by_article.setdefault(aid, []).extend(rec.get("events") or [])

    preds_by_article: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for idx, p in enumerate(predictions):
        aid = str(p.get("article_id"))
        if aid not in articles:
            rep.n_pred_ignored += 1
            continue
        preds_by_article.setdefault(aid, []).append((idx, p))
        rep.n_pred += 1

    # per-type tallies: [n_gold, n_pred_counted, tp, fp, fn, full_tp]
    tally: dict[str, list[int]] = {}

    def t(typ: str) -> list[int]:
        return tally.setdefault(typ, [0, 0, 0, 0, 0, 0])

    for aid in articles:
        doc = document_text(articles[aid])
        golds = gold_by_article.get(aid, [])
        preds = preds_by_article.get(aid, [])
        for g in golds:
            if g.get("optional"):
                rep.n_gold_optional += 1
            else:
                rep.n_gold += 1
                t(str(g.get("type")))[0] += 1

        types = {str(g.get("type")) for g in golds} | {str(p.get("type")) for _, p in preds}
        for typ in sorted(types):
            g_idx = [j for j, g in enumerate(golds) if str(g.get("type")) == typ]
            p_items = sorted(((i, p) for i, p in preds if str(p.get("type")) == typ), key=_pred_order)
            g_list = [golds[j] for j in g_idx]
            p_list = [p for _, p in p_items]
            pairs = _match_group(p_list, g_list)
            matched_p = {i for i, _ in pairs}
            matched_g = {j for _, j in pairs}
            row = t(typ)

            for pi, gj in pairs:
                p, g = p_list[pi], g_list[gj]
                if g.get("optional"):
                    rep.n_matched_optional += 1
                    continue
                rep.outcomes.append((p, True))
                row[1] += 1
                row[2] += 1
                rep.n_matched += 1
                roles_g = _gold_roles(g)
                roles_p = _pred_roles(p, _is_symmetric(g))
                a_tp, a_fp, a_fn = _arg_counts(roles_p, roles_g)
                rep.arg_tp += a_tp
                rep.arg_fp += a_fp
                rep.arg_fn += a_fn
                mode_ok = p.get("mode") == g.get("mode")
                rep.mode_correct += mode_ok
                args_ok = roles_p == roles_g
                if args_ok and mode_ok:
                    rep.full_tp += 1
                    row[5] += 1
                spans = _gold_spans(g)
                sent = sentence_at(doc, *spans[0]) if spans else ""
                if not args_ok:
                    rep.mismatches.append(
                        ErrorItem(
                            "ARGS",
                            aid,
                            typ,
                            spans,
                            sent,
                            f"gold {_fmt_roles(roles_g)} pred {_fmt_roles(roles_p)}",
                        )
                    )
                if not mode_ok:
                    rep.mismatches.append(
                        ErrorItem("MODE", aid, typ, spans, sent, f"gold {g.get('mode')} pred {p.get('mode')}")
                    )
                gold_date = g.get("date")
                if gold_date:
                    rep.date_n += 1
                    if date_agrees(_pred_date(p), str(gold_date)):
                        rep.date_correct += 1
                    else:
                        rep.mismatches.append(
                            ErrorItem("DATE", aid, typ, spans, sent, f"gold {gold_date} pred {_pred_date(p)}")
                        )

            for pi, p in enumerate(p_list):
                if pi in matched_p:
                    continue
                rep.outcomes.append((p, False))
                row[1] += 1
                row[3] += 1
                spans = _pred_spans(p)
                sent = p.get("sentence") or (sentence_at(doc, *spans[0]) if spans else "")
                trig = (p.get("trigger") or {}).get("text", "")
                rep.false_positives.append(
                    ErrorItem(
                        "FP",
                        aid,
                        typ,
                        spans,
                        str(sent),
                        f"trigger {trig!r} mode {p.get('mode')} "
                        f"{_fmt_roles(_pred_roles(p, typ in SYMMETRIC_TYPES))}",
                    )
                )
            for gj, g in enumerate(g_list):
                if gj in matched_g or g.get("optional"):
                    continue
                row[4] += 1
                spans = _gold_spans(g)
                sent = sentence_at(doc, *spans[0]) if spans else ""
                texts = [doc[s:e] for s, e in spans]
                rep.false_negatives.append(
                    ErrorItem(
                        "FN",
                        aid,
                        typ,
                        spans,
                        sent,
                        f"mentions {texts} mode {g.get('mode')} {_fmt_roles(_gold_roles(g))}",
                    )
                )

    rep.event_tp = rep.n_matched
    rep.event_fp = rep.n_pred - rep.n_matched - rep.n_matched_optional
    rep.event_fn = rep.n_gold - rep.n_matched
    rep.event_p, rep.event_r, rep.event_f1 = _prf(rep.event_tp, rep.event_fp, rep.event_fn)
    rep.argument_p, rep.argument_r, rep.argument_f1 = _prf(rep.arg_tp, rep.arg_fp, rep.arg_fn)
    rep.mode_accuracy = _ratio(rep.mode_correct, rep.n_matched)
    rep.full_fp = rep.n_pred - rep.n_matched_optional - rep.full_tp
    rep.full_fn = rep.n_gold - rep.full_tp
    rep.full_p, rep.full_r, rep.full_f1 = _prf(rep.full_tp, rep.full_fp, rep.full_fn)
    rep.date_accuracy = _ratio(rep.date_correct, rep.date_n)
    rep.ece = reliability([(float(p.get("confidence") or 0.0), ok) for p, ok in rep.outcomes])[0]

    for typ in _type_order(tally):
        n_g, n_p, tp, fp, fn, ftp = tally[typ]
        p_, r_, f_ = _prf(tp, fp, fn)
        rep.per_type.append(
            TypeRow(typ, n_g, n_p, tp, fp, fn, p_, r_, f_, ftp, _prf(ftp, n_p - ftp, n_g - ftp)[2])
        )
    return rep


@dataclass(frozen=True)
class ReliabilityRow:
    """One confidence bin: how many events, their mean confidence, the share that is right."""

    low: float
    high: float
    n: int
    confidence: float
    accuracy: float


def reliability(
    pairs: Sequence[tuple[float, bool]], bins: int = 10
) -> tuple[float | None, list[ReliabilityRow]]:
    """Expected calibration error and reliability table of (confidence, right) pairs.

    Equal-width bins over [0, 1] (the last one closed); ECE is the mean over events of
    |accuracy - mean confidence| of their bin, i.e. sum(n_b / N * |acc_b - conf_b|)."""
    if not pairs:
        return None, []
    groups: dict[int, list[tuple[float, bool]]] = {}
    for conf, ok in pairs:
        groups.setdefault(min(int(conf * bins), bins - 1), []).append((conf, ok))
    rows = []
    for b in sorted(groups):
        items = groups[b]
        rows.append(
            ReliabilityRow(
                b / bins,
                (b + 1) / bins,
                len(items),
                sum(c for c, _ in items) / len(items),
                sum(ok for _, ok in items) / len(items),
            )
        )
    ece = sum(r.n * abs(r.accuracy - r.confidence) for r in rows) / len(pairs)
    return ece, rows


def format_reliability(report: ScoreReport) -> str:
    """The reliability table of ``confidence``: for each bin, how often events are right."""
    ece, rows = reliability([(float(p.get("confidence") or 0.0), ok) for p, ok in report.outcomes])
    if ece is None:
        return "confidence calibration: no counted predictions"
    lines = [
        f"confidence calibration: ECE {ece:.3f} over {len(report.outcomes)} predictions"
        " (right = matched to non-optional gold)",
        f"{'confidence':<12}{'n':>6}{'mean conf':>11}{'right':>8}",
    ]
    lines += [
        f"{f'{r.low:.1f}-{r.high:.1f}':<12}{r.n:>6}{r.confidence:>11.3f}{r.accuracy:>8.3f}" for r in rows
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Presentation and CLI
# ---------------------------------------------------------------------------


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def format_report(report: ScoreReport) -> str:
    """An aligned plain-text table of the per-type and overall figures."""
    head = (
        f"{'type':<10}{'gold':>6}{'pred':>6}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>8}{'R':>8}{'F1':>8}{'fullF1':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in report.per_type:
        lines.append(
            f"{r.type:<10}{r.n_gold:>6}{r.n_pred:>6}{r.tp:>5}{r.fp:>5}{r.fn:>5}"
            f"{_f(r.precision):>8}{_f(r.recall):>8}{_f(r.f1):>8}{_f(r.full_f1):>8}"
        )
    lines.append("-" * len(head))
    lines.append(
        f"{'ALL':<10}{report.n_gold:>6}{report.n_pred - report.n_matched_optional:>6}"
        f"{report.event_tp:>5}{report.event_fp:>5}{report.event_fn:>5}"
        f"{_f(report.event_p):>8}{_f(report.event_r):>8}{_f(report.event_f1):>8}{_f(report.full_f1):>8}"
    )
    lines.append("")

    def prf(p: float | None, r: float | None, f: float | None) -> str:
        return f"P {_f(p)}  R {_f(r)}  F1 {_f(f)}"

    rows = [
        (
            "event (type+span)",
            prf(report.event_p, report.event_r, report.event_f1),
            f"tp {report.event_tp} fp {report.event_fp} fn {report.event_fn}",
        ),
        (
            "argument keys",
            prf(report.argument_p, report.argument_r, report.argument_f1),
            f"tp {report.arg_tp} fp {report.arg_fp} fn {report.arg_fn}",
        ),
        ("mode accuracy", _f(report.mode_accuracy), f"{report.mode_correct}/{report.n_matched}"),
        (
            "FULL (headline)",
            prf(report.full_p, report.full_r, report.full_f1),
            f"tp {report.full_tp} fp {report.full_fp} fn {report.full_fn}",
        ),
        ("date accuracy", _f(report.date_accuracy), f"{report.date_correct}/{report.date_n}"),
    ]
    w1 = max(len(a) for a, _, _ in rows)
    w2 = max(len(b) for _, b, _ in rows)
    lines += [f"{a:<{w1}}  {b:<{w2}}  {c}" for a, b, c in rows]
    lines.append(
        f"gold events {report.n_gold} (+{report.n_gold_optional} optional), predictions {report.n_pred}"
        f" ({report.n_matched_optional} on optional gold, {report.n_pred_ignored} ignored: unknown article)"
    )
    return "\n".join(lines)


def format_errors(report: ScoreReport) -> str:
    """Every FP, FN and matched-but-wrong event, one block each, for debugging."""
    out: list[str] = []
    for e in [*report.false_negatives, *report.false_positives, *report.mismatches]:
        spans = ",".join(f"{s}-{t}" for s, t in e.spans)
        out.append(f"[{e.kind}] {e.article_id} {e.type} @{spans}: {e.detail}\n    {e.sentence}")
    return "\n".join(out)


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Objects of a JSON-lines file; blank lines are skipped."""
    rows: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{n}: invalid JSON: {exc}") from exc
    return rows


def run_extractor(gold_records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Predictions of the real extractor on the gold articles (imported lazily)."""
    from hadath.extractor import extract
    from hadath_schemas import Article

    preds: list[dict[str, Any]] = []
    for rec in gold_records:
        article = Article.model_validate(rec["article"])
        preds.extend(ev.model_dump(mode="json") for ev in extract(article))
    return preds


def attach_articles(gold: list[dict[str, Any]], articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give label-only gold lines (``{"article_id", "events"}``) their article by id.

    Such files let a gold set over copyrighted articles live in the repo as labels only;
    a label whose article is missing is an error, never silently skipped.
    """
    by_id = {article["id"]: article for article in articles}
    joined = []
    for line in gold:
        if "article" not in line:
            article_id = line.get("article_id")
            if article_id not in by_id:
                raise ValueError(f"gold labels for {article_id!r} but no such article (pass --articles)")
            line = {**line, "article": by_id[article_id]}
        joined.append(line)
    return joined


def read_ids(path: str) -> set[str]:
    """Article ids, one per line; blank lines and '#' comments ignored."""
    with open(path, encoding="utf-8") as fh:
        return {line.strip() for line in fh if line.strip() and not line.startswith("#")}


def select_articles(
    gold: list[dict[str, Any]], only: str | None = None, exclude: str | None = None
) -> list[dict[str, Any]]:
    """Keep the gold lines of the listed articles (``only``) or of all the others (``exclude``).

    This is how a held-out part of a shared gold file stays untouched while the rest is tuned on.
    """
    if only is None and exclude is None:
        return gold
    ids = read_ids(only or exclude or "")
    keep = [line for line in gold if (line["article"]["id"] in ids) == (only is not None)]
    if only is not None and len(keep) != len(ids):
        raise ValueError(f"{only}: {len(ids) - len(keep)} listed ids are not in the gold files")
    return keep


def main(argv: list[str] | None = None) -> int:
    """``hadath eval --gold FILE [FILE …] [--pred FILE] [--errors]``.

    Prints the table (and errors), then, as the LAST line, one JSON object with the
    headline numbers. A leading ``eval`` argument is tolerated. Exit 0 on success,
    1 on unreadable input, 2 on usage errors (argparse).
    """
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in[:1] == ["eval"]:
        args_in = args_in[1:]
    ap = argparse.ArgumentParser(prog="hadath eval", description="Score events against gold (spec §7).")
    ap.add_argument("--gold", nargs="+", required=True, help="gold JSONL file(s)")
    ap.add_argument("--pred", help="predicted events JSONL; default: run the extractor on the gold articles")
    ap.add_argument("--errors", action="store_true", help="print every FP/FN/mismatch with its sentence")
    ap.add_argument(
        "--articles",
        help="articles JSONL to join label-only gold lines ({article_id, events}) with",
    )
    subset = ap.add_mutually_exclusive_group()
    subset.add_argument("--only-ids", help="score only the articles whose ids are listed in this file")
    subset.add_argument("--exclude-ids", help="score all but the articles whose ids are listed in this file")
    ns = ap.parse_args(args_in)
    try:
        gold: list[dict[str, Any]] = []
        for g in ns.gold:
            gold.extend(read_jsonl(g))
        gold = attach_articles(gold, read_jsonl(ns.articles) if ns.articles else [])
        gold = select_articles(gold, only=ns.only_ids, exclude=ns.exclude_ids)
        preds = read_jsonl(ns.pred) if ns.pred else run_extractor(gold)
    except (OSError, ValueError) as exc:
        print(f"hadath eval: {exc}", file=sys.stderr)
        return 1
    report = score(gold, preds)
    if ns.errors:
        print(format_errors(report))
        print()
    print(format_report(report))
    print()
    print(format_reliability(report))
    print(json.dumps(report.summary(), sort_keys=False))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
