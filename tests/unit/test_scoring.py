"""Tests of the spec §7 scorer: each matching/scoring rule on hand-built cases, plus properties."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hadath.scoring import (
    actor_key,
    date_agrees,
    format_report,
    main,
    max_weight_matching,
    score,
    sentence_at,
)

TITLE = "عنوان الخبر"
BODY = "التقى لافروف نظيره الأمريكي في جنيف. واتهمت موسكو واشنطن بالتدخل. ونفت واشنطن ذلك."
DOC = TITLE + "\n" + BODY


def article(aid: str = "a1", published_at: str | None = "2018-04-09T10:00:00Z") -> dict[str, Any]:
    return {"id": aid, "title": TITLE, "body": BODY, "published_at": published_at}


def gold_line(events: list[dict[str, Any]], aid: str = "a1") -> dict[str, Any]:
    return {"article": article(aid), "events": events}


def gev(
    typ: str,
    spans: list[tuple[int, int]],
    *,
    mode: str = "asserted",
    optional: bool = False,
    date: str | None = None,
    participants: list[str] | None = None,
    source: list[str] | None = None,
    target: list[str] | None = None,
) -> dict[str, Any]:
    ev: dict[str, Any] = {
        "type": typ,
        "mode": mode,
        "mentions": [list(s) for s in spans],
        "date": date,
        "optional": optional,
    }
    if participants is not None:
        ev["participants"] = participants
    else:
        ev["source"] = source or []
        ev["target"] = target or []
    return ev


def pev(
    typ: str,
    trigger: tuple[int, int],
    *,
    mentions: list[tuple[int, int]] | None = None,
    mode: str = "asserted",
    source: list[str] | None = None,
    target: list[str] | None = None,
    date: str | None = None,
    aid: str = "a1",
) -> dict[str, Any]:
    s, e = trigger
    return {
        "article_id": aid,
        "type": typ,
        "mode": mode,
        "trigger": {"text": DOC[s:e], "start": s, "end": e},
        "mentions": [{"text": DOC[a:b], "start": a, "end": b} for a, b in (mentions or [trigger])],
        "source": [{"text": "x", "code": c} for c in source or []],
        "target": [{"text": "y", "code": c} for c in target or []],
        "date": None
        if date is None
        else {"text": "d", "value": date, "precision": "day" if len(date) == 10 else "month"},
    }


def gold_to_predictions(gold_records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turn gold events into spec §2 prediction records (participants go to ``source``)."""
    out: list[dict[str, Any]] = []
    for rec in gold_records:
        aid = rec["article"]["id"]
        for ev in rec["events"]:
            spans = [tuple(m) for m in ev["mentions"]]
            src = ev.get("participants", ev.get("source", []))
            tgt = [] if "participants" in ev else ev.get("target", [])
            d = ev.get("date")
            out.append(
                {
                    "article_id": aid,
                    "type": ev["type"],
                    "mode": ev["mode"],
                    "trigger": {"start": spans[0][0], "end": spans[0][1]},
                    "mentions": [{"start": s, "end": e} for s, e in spans],
                    "source": [{"code": c} for c in src],
                    "target": [{"code": c} for c in tgt],
                    "date": None if not d else {"value": d, "precision": "day" if len(d) == 10 else "month"},
                }
            )
    return out


# spans in DOC
MEET = (DOC.index("التقى"), DOC.index("التقى") + 5)
ACC = (DOC.index("واتهمت"), DOC.index("واتهمت") + 6)
DENY = (DOC.index("ونفت"), DOC.index("ونفت") + 4)


# --- matching ----------------------------------------------------------------------------


def test_partial_overlap_of_trigger_matches() -> None:
    gold = [gold_line([gev("ACCUSE", [ACC], source=["RUS"], target=["USA"])])]
    pred = [pev("ACCUSE", (ACC[0] + 1, ACC[1] + 3), source=["RUSGOV"], target=["USAGOV"])]
    r = score(gold, pred)
    assert (r.event_tp, r.event_fp, r.event_fn) == (1, 0, 0)
    assert r.event_f1 == 1.0 and r.full_f1 == 1.0


def test_a_mention_other_than_the_trigger_can_make_the_match() -> None:
    gold = [gold_line([gev("DENY", [DENY], source=["USA"], target=["RUS"])])]
    pred = [
        pev("DENY", (0, 3), mentions=[(0, 3), (DENY[0] + 1, DENY[0] + 2)], source=["USA"], target=["RUS"])
    ]
    assert score(gold, pred).event_tp == 1


def test_touching_but_not_overlapping_spans_do_not_match() -> None:
    gold = [gold_line([gev("DENY", [DENY])])]
    pred = [pev("DENY", (DENY[1], DENY[1] + 3))]
    r = score(gold, pred)
    assert (r.event_tp, r.event_fp, r.event_fn) == (0, 1, 1)
    assert r.false_positives[0].kind == "FP" and r.false_negatives[0].kind == "FN"


def test_type_must_agree() -> None:
    gold = [gold_line([gev("ACCUSE", [ACC], source=["RUS"], target=["USA"])])]
    pred = [pev("CONDEMN", ACC, source=["RUS"], target=["USA"])]
    r = score(gold, pred)
    assert (r.event_tp, r.event_fp, r.event_fn) == (0, 1, 1)


def test_matching_is_maximum_not_greedy() -> None:
    # pred A (first in text and input) overlaps both gold events, pred B only the first.
    g1, g2 = (10, 20), (30, 40)
    gold = [gold_line([gev("ATTACK", [g1]), gev("ATTACK", [g2])])]
    a = pev("ATTACK", (12, 14), mentions=[(12, 14), (32, 34)])
    b = pev("ATTACK", (15, 18))
    r = score(gold, [a, b])
    assert (r.event_tp, r.event_fp, r.event_fn) == (2, 0, 0)


def test_second_prediction_for_the_same_gold_is_a_false_positive() -> None:
    gold = [gold_line([gev("ACCUSE", [ACC], source=["RUS"], target=["USA"])])]
    dup = [
        pev("ACCUSE", ACC, source=["RUS"], target=["USA"]),
        pev("ACCUSE", (ACC[0], ACC[0] + 2), source=["RUS"], target=["USA"]),
    ]
    r = score(gold, dup)
    assert (r.event_tp, r.event_fp, r.event_fn) == (1, 1, 0)
    assert r.event_p == 0.5 and r.event_r == 1.0


def test_tie_break_prefers_the_duplicate_with_the_right_arguments() -> None:
    gold = [gold_line([gev("ACCUSE", [ACC], source=["RUS"], target=["USA"])])]
    wrong = pev("ACCUSE", ACC, source=["GBR"], target=["USA"])  # first in order, more overlap
    right = pev("ACCUSE", (ACC[0], ACC[0] + 2), source=["RUS"], target=["USA"])
    r = score(gold, [wrong, right])
    assert r.full_tp == 1 and r.arg_fp == 0 and r.event_fp == 1
    # same result whatever the input order
    assert score(gold, [right, wrong]).summary() == r.summary()


def test_tie_break_prefers_more_overlap_when_arguments_tie() -> None:
    gold = [gold_line([gev("ACCUSE", [ACC], source=["RUS"], target=["USA"], date="2018-04-09")])]
    small = pev("ACCUSE", (ACC[0], ACC[0] + 1), source=["RUS"], target=["USA"], date="2017-01-01")
    big = pev("ACCUSE", ACC, source=["RUS"], target=["USA"], date="2018-04-09")
    r = score(gold, [small, big])
    assert r.date_correct == 1  # the matched one is `big`
    assert r.false_positives[0].spans[0] == (ACC[0], ACC[0] + 1)


def test_predictions_for_unknown_articles_are_ignored() -> None:
    gold = [gold_line([gev("DENY", [DENY])])]
    r = score(gold, [pev("DENY", DENY), pev("DENY", DENY, aid="other")])
    assert r.n_pred == 1 and r.n_pred_ignored == 1 and r.event_fp == 0


def test_events_in_different_articles_never_match() -> None:
    gold = [gold_line([gev("DENY", [DENY])], aid="a1"), gold_line([], aid="a2")]
    r = score(gold, [pev("DENY", DENY, aid="a2")])
    assert (r.event_tp, r.event_fp, r.event_fn) == (0, 1, 1)


# --- optional gold -----------------------------------------------------------------------


def test_unmatched_optional_gold_is_not_missed() -> None:
    gold = [gold_line([gev("DENY", [DENY], optional=True)])]
    r = score(gold, [])
    assert r.n_gold == 0 and r.event_fn == 0 and r.n_gold_optional == 1
    assert r.event_f1 is None  # nothing to find, nothing found


def test_prediction_matched_to_optional_gold_is_neither_tp_nor_fp() -> None:
    gold = [gold_line([gev("DENY", [DENY], optional=True), gev("ACCUSE", [ACC], source=["RUS"])])]
    r = score(gold, [pev("DENY", DENY, source=["XXX"]), pev("ACCUSE", ACC, source=["RUS"])])
    assert (r.event_tp, r.event_fp, r.event_fn) == (1, 0, 0)
    assert r.n_matched_optional == 1
    assert (r.arg_tp, r.arg_fp, r.arg_fn) == (1, 0, 0)  # optional pair not scored for arguments
    assert r.full_f1 == 1.0


def test_prediction_prefers_the_required_gold_over_an_optional_one() -> None:
    gold = [gold_line([gev("ATTACK", [(10, 20)], optional=True), gev("ATTACK", [(15, 25)])])]
    r = score(gold, [pev("ATTACK", (16, 18))])
    assert (r.event_tp, r.event_fp, r.event_fn) == (1, 0, 0)


# --- arguments ---------------------------------------------------------------------------


def test_actor_key_truncation() -> None:
    assert actor_key("RUSGOV") == "RUS"
    assert actor_key("usamil") == "USA"
    assert actor_key("IGOUNO") == "IGOUNO"
    assert actor_key("IGOUNOXYZ") == "IGOUNO"
    assert actor_key("NGOHRW") == "NGOHRW"
    assert actor_key("IMGMOS") == "IMG"  # the spec names only IGO/NGO for six letters


def test_keys_truncate_on_both_sides_igo_keeps_six_letters() -> None:
    gold = [gold_line([gev("DEMAND", [ACC], source=["KWT"], target=["IGOUNO"])])]
    assert score(gold, [pev("DEMAND", ACC, source=["KWTGOV"], target=["IGOUNOSEC"])]).full_tp == 1
    r = score(gold, [pev("DEMAND", ACC, source=["KWTGOV"], target=["IGOARL"])])
    assert r.full_tp == 0 and (r.arg_tp, r.arg_fp, r.arg_fn) == (1, 1, 1)
    # gold written with a full IMG code still matches a predicted IMG code
    gold2 = [gold_line([gev("THREATEN", [ACC], source=["RUS"], target=["IMGMOS"])])]
    assert score(gold2, [pev("THREATEN", ACC, source=["RUSMIL"], target=["IMGMOS"])]).full_tp == 1


def test_participants_compare_as_a_set_of_source_and_target() -> None:
    gold = [gold_line([gev("MEET", [MEET], participants=["RUS", "USA"])])]
    r = score(gold, [pev("MEET", MEET, source=["USAGOV"], target=["RUSGOV"])])
    assert r.full_tp == 1 and (r.arg_tp, r.arg_fp, r.arg_fn) == (2, 0, 0)
    r = score(gold, [pev("MEET", MEET, source=["USAGOV", "RUS"], target=[])])
    assert r.full_tp == 1


def test_meet_gold_given_as_source_target_is_still_symmetric() -> None:
    gold = [gold_line([gev("AGREE", [MEET], source=["RUS"], target=["USA"])])]
    assert score(gold, [pev("AGREE", MEET, source=["USA"], target=["RUS"])]).full_tp == 1


def test_participants_on_a_directed_type_is_also_a_set() -> None:
    gold = [gold_line([gev("ACCUSE", [ACC], participants=["USA", "RUS"])])]
    assert score(gold, [pev("ACCUSE", ACC, source=["USA"], target=["RUS"])]).full_tp == 1


def test_directed_roles_are_compared_per_role() -> None:
    gold = [gold_line([gev("ACCUSE", [ACC], source=["RUS"], target=["USA"])])]
    swapped = score(gold, [pev("ACCUSE", ACC, source=["USA"], target=["RUS"])])
    assert (swapped.arg_tp, swapped.arg_fp, swapped.arg_fn) == (0, 2, 2)
    assert swapped.argument_f1 == 0.0 and swapped.full_tp == 0 and swapped.event_tp == 1
    extra = score(gold, [pev("ACCUSE", ACC, source=["RUS"], target=["USA", "SYR", "USAGOV"])])
    assert (extra.arg_tp, extra.arg_fp, extra.arg_fn) == (2, 1, 0)
    assert extra.argument_p == pytest.approx(2 / 3) and extra.argument_r == 1.0
    assert extra.argument_f1 == pytest.approx(0.8)
    assert extra.mismatches[0].kind == "ARGS"


def test_actors_without_codes_are_ignored() -> None:
    gold = [gold_line([gev("ACCUSE", [ACC], source=[], target=["USA"])])]
    p = pev("ACCUSE", ACC, target=["USA"])
    p["source"] = [{"text": "الغرب", "code": None}]
    assert score(gold, [p]).full_tp == 1


# --- mode, full, dates, per type ---------------------------------------------------------


def test_mode_accuracy_and_full_f1() -> None:
    gold = [
        gold_line(
            [
                gev("MEET", [MEET], mode="planned", participants=["RUS", "USA"]),
                gev("ACCUSE", [ACC], source=["RUS"], target=["USA"]),
                gev("DENY", [DENY], source=["USA"], target=["RUS"]),
            ]
        )
    ]
    pred = [
        pev("MEET", MEET, mode="asserted", source=["RUS", "USA"]),  # wrong mode
        pev("ACCUSE", ACC, source=["RUS"], target=["USA"]),  # all right
        pev("DENY", DENY, source=["USA"], target=[]),  # missing target
        pev("THREATEN", (0, 3), source=["RUS"]),  # FP
    ]
    r = score(gold, pred)
    assert (r.event_tp, r.event_fp, r.event_fn) == (3, 1, 0)
    assert r.mode_correct == 2 and r.mode_accuracy == pytest.approx(2 / 3)
    assert (r.full_tp, r.full_fp, r.full_fn) == (1, 3, 2)
    assert r.full_p == 0.25 and r.full_r == pytest.approx(1 / 3)
    assert r.full_f1 == pytest.approx(2 / 7)
    assert {m.kind for m in r.mismatches} == {"MODE", "ARGS"}


def test_date_agrees_to_the_gold_precision() -> None:
    assert date_agrees("2018-04-09", "2018-04")
    assert date_agrees("2018-04", "2018-04")
    assert not date_agrees("2018-05-01", "2018-04")
    assert date_agrees("2018-04-09", "2018-04-09")
    assert not date_agrees("2018-04-08", "2018-04-09")
    assert not date_agrees("2018-04", "2018-04-09")  # month is not enough for a day gold
    assert not date_agrees(None, "2018-04")


def test_date_accuracy_counts_matched_gold_with_dates_only() -> None:
    gold = [
        gold_line(
            [
                gev("MEET", [MEET], participants=["RUS"], date="2018-04"),
                gev("ACCUSE", [ACC], source=["RUS"], date="2018-04-08"),
                gev("DENY", [DENY], source=["USA"], date=None),  # no gold date: not counted
                gev("ATTACK", [(0, 3)], date="2018-01-01"),  # unmatched: not counted
                gev("REJECT", [(5, 8)], date="2018-01-01", optional=True),  # optional: not counted
            ]
        )
    ]
    pred = [
        pev("MEET", MEET, source=["RUS"], date="2018-04-07"),  # right to month precision
        pev("ACCUSE", ACC, source=["RUS"], date="2018-04-09"),  # wrong day
        pev("DENY", DENY, source=["USA"], date="2018-04-09"),
        pev("REJECT", (5, 8), date="1999-01-01"),
    ]
    r = score(gold, pred)
    assert (r.date_correct, r.date_n) == (1, 2) and r.date_accuracy == 0.5
    missing = score(gold, [pev("MEET", MEET, source=["RUS"])])
    assert (missing.date_correct, missing.date_n) == (0, 1)


def test_per_type_table() -> None:
    gold = [
        gold_line(
            [
                gev("ACCUSE", [ACC], source=["RUS"], target=["USA"]),
                gev("DENY", [DENY], source=["USA"]),
                gev("DENY", [MEET], source=["USA"]),
            ]
        )
    ]
    pred = [
        pev("ACCUSE", ACC, source=["RUS"], target=["USA"]),
        pev("ACCUSE", (0, 2)),
        pev("DENY", DENY, source=["USA"]),
    ]
    r = score(gold, pred)
    rows = {row.type: row for row in r.per_type}
    assert [row.type for row in r.per_type] == ["ACCUSE", "DENY"]  # spec order
    acc, den = rows["ACCUSE"], rows["DENY"]
    assert (acc.n_gold, acc.n_pred, acc.tp, acc.fp, acc.fn) == (1, 2, 1, 1, 0)
    assert (acc.precision, acc.recall, acc.f1) == (0.5, 1.0, pytest.approx(2 / 3))
    assert (den.n_gold, den.n_pred, den.tp, den.fp, den.fn) == (2, 1, 1, 0, 1)
    assert (den.precision, den.recall) == (1.0, 0.5)
    assert den.full_tp == 1 and acc.full_f1 == pytest.approx(2 / 3)
    text = format_report(r)
    assert "ACCUSE" in text and "DENY" in text and "0.667" in text
    lines = text.splitlines()
    assert len({len(lines[0]), len(lines[2]), len(lines[3])}) == 1  # aligned columns


# --- matching algorithm and self-consistency properties -----------------------------------


def _brute_force_best(weights: list[list[int]]) -> int:
    n, m = len(weights), len(weights[0])
    best = 0
    cols = list(range(m))
    for k in range(min(n, m) + 1):
        for rows in itertools.combinations(range(n), k):
            for perm in itertools.permutations(cols, k):
                if all(weights[r][c] > 0 for r, c in zip(rows, perm, strict=True)):
                    best = max(best, sum(weights[r][c] for r, c in zip(rows, perm, strict=True)))
    return best


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda n: st.integers(1, 4).flatmap(
            lambda m: st.lists(st.lists(st.integers(0, 9), min_size=m, max_size=m), min_size=n, max_size=n)
        )
    )
)
def test_hungarian_matches_brute_force(weights: list[list[int]]) -> None:
    pairs = max_weight_matching(weights)
    assert len({r for r, _ in pairs}) == len(pairs) == len({c for _, c in pairs})
    assert all(weights[r][c] > 0 for r, c in pairs)
    assert sum(weights[r][c] for r, c in pairs) == _brute_force_best(weights)


TYPES = ["MEET", "PROPOSE", "ACCUSE", "CONDEMN", "DENY", "DEMAND", "AGREE", "REJECT", "THREATEN", "ATTACK"]
CODES = ["RUS", "USA", "SYR", "IGOUNO", "NGOHRW", "IMGMOS", "TUR"]


@st.composite
def gold_files(draw: st.DrawFn) -> list[dict[str, Any]]:
    records = []
    n_articles = draw(st.integers(1, 3))
    for a in range(n_articles):
        events = []
        # non-overlapping spans so that every gold event is a distinct place in the text
        starts = sorted(draw(st.sets(st.integers(0, 60), min_size=1, max_size=6)))
        for k, s in enumerate(starts):
            typ = draw(st.sampled_from(TYPES))
            n_m = draw(st.integers(1, 2))
            mentions = [(s * 20 + 3 * i, s * 20 + 3 * i + 2) for i in range(n_m)]
            symmetric = typ in ("MEET", "AGREE") or draw(st.booleans())
            date = draw(st.sampled_from(["2018-04-09", "2018-04", None]))
            ev = {
                "type": typ,
                "mode": draw(st.sampled_from(["asserted", "planned", "negated"])),
                "mentions": [list(x) for x in mentions],
                "date": date,
                "optional": k > 0 and draw(st.booleans()),
            }
            if symmetric:
                ev["participants"] = draw(st.lists(st.sampled_from(CODES), max_size=3))
            else:
                ev["source"] = draw(st.lists(st.sampled_from(CODES), max_size=2))
                ev["target"] = draw(st.lists(st.sampled_from(CODES), max_size=2))
            events.append(ev)
        events[0]["date"] = "2018-04-09"  # at least one required event with a date
        events[0]["source" if "source" in events[0] else "participants"] = ["RUS"]
        records.append({"article": {"id": f"a{a}", "title": "t", "body": "b" * 1300}, "events": events})
    return records


@settings(max_examples=100, deadline=None)
@given(gold_files())
def test_gold_scored_against_itself_is_perfect(gold: list[dict[str, Any]]) -> None:
    preds = gold_to_predictions(gold)
    r = score(gold, preds)
    headline = [r.event_p, r.event_r, r.event_f1, r.argument_f1, r.mode_accuracy, r.full_f1, r.date_accuracy]
    assert headline == [1.0] * len(headline)
    assert all(row.f1 == 1.0 and row.full_f1 == 1.0 for row in r.per_type if row.n_gold)
    assert not r.false_positives and not r.false_negatives and not r.mismatches
    # dropping every prediction loses every required event
    empty = score(gold, [])
    assert empty.event_fn == r.n_gold and empty.full_f1 == 0.0


# --- helpers and CLI -----------------------------------------------------------------------


def test_sentence_at() -> None:
    assert sentence_at(DOC, *ACC) == "واتهمت موسكو واشنطن بالتدخل."
    assert sentence_at(DOC, 0, 3) == TITLE


def test_cli_prints_table_errors_and_a_json_last_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = [
        gold_line(
            [
                gev("ACCUSE", [ACC], source=["RUS"], target=["USA"]),
                gev("DENY", [DENY], source=["USA"], target=["RUS"]),
            ]
        )
    ]
    gpath, ppath = tmp_path / "g.jsonl", tmp_path / "p.jsonl"
    gpath.write_text("\n".join(json.dumps(g, ensure_ascii=False) for g in gold) + "\n", encoding="utf-8")
    preds = [pev("ACCUSE", ACC, source=["RUS"], target=["USA"]), pev("MEET", MEET, source=["RUS"])]
    ppath.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in preds) + "\n\n", encoding="utf-8")
    assert main(["eval", "--gold", str(gpath), "--pred", str(ppath), "--errors"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    last = json.loads(out[-1])
    assert set(last) >= {
        "event_f1",
        "argument_f1",
        "mode_accuracy",
        "full_f1",
        "date_accuracy",
        "event_p",
        "event_r",
        "n_gold",
        "n_pred",
        "n_matched",
    }
    assert (last["n_gold"], last["n_pred"], last["n_matched"]) == (2, 2, 1)
    assert last["event_p"] == 0.5 and last["event_r"] == 0.5
    text = "\n".join(out)
    assert "[FN] a1 DENY" in text and "ونفت واشنطن ذلك." in text  # FN with its sentence
    assert "[FP] a1 MEET" in text and "التقى لافروف نظيره الأمريكي في جنيف." in text


def test_cli_reports_unreadable_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    assert main(["--gold", str(bad), "--pred", str(bad)]) == 1
    assert "invalid JSON" in capsys.readouterr().err


SHARED_EVAL = Path("/work/shared/eval")


@pytest.mark.skipif(not SHARED_EVAL.is_dir(), reason="shared gold files not present")
def test_real_gold_files_score_perfectly_against_themselves() -> None:
    gold: list[dict[str, Any]] = []
    for f in sorted(SHARED_EVAL.glob("*.gold.jsonl")):
        gold += [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    r = score(gold, gold_to_predictions(gold))
    assert r.full_f1 == 1.0 and r.date_accuracy == 1.0 and r.n_gold > 0


def test_label_only_gold_lines_get_their_article_by_id():
    from hadath.scoring import attach_articles

    article = {"id": "a1", "title": "", "body": "نفت موسكو"}
    joined = attach_articles(
        [{"article_id": "a1", "events": []}, {"article": article, "events": []}], [article]
    )
    assert [line["article"]["id"] for line in joined] == ["a1", "a1"]
    with pytest.raises(ValueError, match="no such article"):
        attach_articles([{"article_id": "missing", "events": []}], [article])


def test_select_articles_splits_a_gold_file_by_listed_ids(tmp_path):
    from hadath.scoring import select_articles

    gold = [{"article": {"id": aid}, "events": []} for aid in ("a", "b", "c")]
    ids = tmp_path / "ids"
    ids.write_text("# held out\nb\n\n", encoding="utf-8")
    assert [g["article"]["id"] for g in select_articles(gold, only=str(ids))] == ["b"]
    assert [g["article"]["id"] for g in select_articles(gold, exclude=str(ids))] == ["a", "c"]
    assert select_articles(gold) == gold
    ids.write_text("b\nz\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not in the gold"):
        select_articles(gold, only=str(ids))
