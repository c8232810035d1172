"""Calibrated confidence: the reliability report of `hadath eval`, the fitter
(`python -m hadath.calibrate`) and the fitted table the extractor reads."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hadath import calibrate, scoring
from hadath.extractor import confidence as conf
from hadath.extractor import extract
from hadath_schemas import Article


def test_reliability_bins_and_expected_calibration_error() -> None:
    pairs = [(0.95, True)] * 9 + [(0.95, False)] + [(0.35, True)] + [(0.35, False)] * 3
    ece, rows = scoring.reliability(pairs)
    assert [(r.low, r.n) for r in rows] == [(0.3, 4), (0.9, 10)]
    assert rows[1].accuracy == pytest.approx(0.9) and rows[0].accuracy == pytest.approx(0.25)
    # (10 * |0.9 - 0.95| + 4 * |0.25 - 0.35|) / 14
    assert ece == pytest.approx((10 * 0.05 + 4 * 0.10) / 14)
    assert scoring.reliability([]) == (None, [])


@given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), min_size=1, max_size=50))
def test_ece_is_a_probability_and_bins_cover_every_pair(pairs: list[tuple[float, bool]]) -> None:
    ece, rows = scoring.reliability(pairs)
    assert ece is not None and 0.0 <= ece <= 1.0
    assert sum(r.n for r in rows) == len(pairs)


def test_eval_report_prints_the_reliability_table() -> None:
    art = {"id": "a1", "title": "t", "body": "b", "published_at": "2024-01-01T00:00:00Z"}
    gold = [{"article": art, "events": [{"type": "MEET", "mentions": [[0, 1]], "mode": "asserted"}]}]
    preds = [
        {"article_id": "a1", "type": "MEET", "mentions": [{"start": 0, "end": 1}], "confidence": 0.8},
        {"article_id": "a1", "type": "ATTACK", "mentions": [{"start": 2, "end": 3}], "confidence": 0.4},
    ]
    report = scoring.score(gold, preds)
    assert sorted(ok for _, ok in report.outcomes) == [False, True]
    assert report.summary()["ece"] == pytest.approx((abs(1 - 0.8) + abs(0 - 0.4)) / 2)
    text = scoring.format_reliability(report)
    assert "ECE 0.300 over 2 predictions" in text and "0.8-0.9" in text and "0.4-0.5" in text


def test_logistic_fit_recovers_the_probability_of_each_feature_combination() -> None:
    rng = random.Random(7)
    true_w = [-0.5, 1.5, 0.5, -0.7, 0.3, -1.2, 0.6]
    combos = itertools.product((False, True), repeat=len(conf.FEATURES))
    truth = {combo: calibrate.predict(true_w, combo) for combo in combos}
    xs, ys = [], []
    for combo, p in truth.items():
        for _ in range(400):
            xs.append(combo)
            ys.append(rng.random() < p)
    w = calibrate.logistic_fit(xs, ys, l2=0.1)
    for combo, p in truth.items():
        assert calibrate.predict(w, combo) == pytest.approx(p, abs=0.05)


def test_cross_validation_scores_each_prediction_once_by_a_model_that_never_saw_its_article() -> None:
    rows = [
        (f"art-{i // 3}", (i % 2 == 0, True, False, False, i % 5 == 0, i % 7 == 0), i % 3 != 0)
        for i in range(60)
    ]
    held_out = calibrate.cross_validate(rows, folds=4)
    assert len(held_out) == len(rows)
    folds = {calibrate.fold_of(aid, 4) for aid, _, _ in rows}
    assert len(folds) > 1
    # every article is in exactly one fold
    for aid in {r[0] for r in rows}:
        assert len({calibrate.fold_of(aid, 4)}) == 1


def test_table_text_round_trips_through_read_table(tmp_path: Path) -> None:
    w = [0.1, 1.2, 1.0, 0.7, 0.4, -1.3, 0.5]
    path = tmp_path / "confidence.tsv"
    path.write_text(calibrate.table_text(w, 100, 0.03), encoding="utf-8")
    table = conf.read_table(path)
    assert len(table) == 2 ** len(conf.FEATURES)
    key = (True, True, True, True, False, True)
    assert table[key] == round(calibrate.predict(w, key), 2)


def test_a_table_missing_a_combination_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "confidence.tsv"
    path.write_text("\t".join((*conf.FEATURES, "p")) + "\n" + "y\ty\ty\ty\ty\ty\t0.9\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no probability"):
        conf.read_table(path)


def test_shipped_table_is_complete_and_says_how_it_was_validated() -> None:
    table = conf.read_table()
    assert len(table) == 2 ** len(conf.FEATURES) and all(0.0 <= p <= 1.0 for p in table.values())
    assert "held-out folds" in conf.CONFIDENCE_TSV.read_text(encoding="utf-8")


def test_extracted_events_carry_the_table_probability_of_their_features() -> None:
    art = Article(
        id="calibration",
        title="روسيا تدين الضربة",
        body="وأدانت وزارة الخارجية الروسية الضربة الأمريكية على سوريا.",
        published_at="2024-03-10T10:00:00Z",
    )
    events = extract(art)
    assert events
    for ev in events:
        record = ev.model_dump(mode="json")
        assert ev.confidence == conf.confidence(conf.features_of_record(record, len(art.title)))
