"""Calibrated ``confidence`` of an event: the probability that it is right.

"Right" means what the scorer (spec §7) counts as a true event: a gold event of the same
type whose span it overlaps.  The probability is read from ``data/confidence.tsv``, a
table fitted by :mod:`hadath.calibrate` (logistic regression, cross-validated by article)
on the development gold, over a few properties of the event record itself, so the fitter
and the extractor compute them the same way:

* ``source``: a coded source;  ``target``: a coded target, or a symmetric type (MEET,
  AGREE: every party is a participant);  ``mentions``: more than one mention;
  ``title``: the trigger is in the headline;  ``attributed``: reported speech of someone
  (an event inside a quotation is more often wrong);  ``location``: a place was resolved.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
CONFIDENCE_TSV = DATA_DIR / "confidence.tsv"
FEATURES = ("source", "target", "mentions", "title", "attributed", "location")
SYMMETRIC_TYPES = frozenset({"MEET", "AGREE"})

Features = tuple[bool, ...]


def features(
    event_type: str,
    n_source: int,
    n_target: int,
    n_mentions: int,
    in_title: bool,
    attributed: bool,
    has_location: bool,
) -> Features:
    """The calibration features of an event, in the order of :data:`FEATURES`."""
    return (
        n_source > 0,
        n_target > 0 or event_type in SYMMETRIC_TYPES,
        n_mentions > 1,
        in_title,
        attributed,
        has_location,
    )


def features_of_record(record: Mapping[str, Any], title_length: int) -> Features:
    """The same features read off a spec §2 event record (for fitting)."""
    return features(
        str(record["type"]),
        len(record.get("source") or []),
        len(record.get("target") or []),
        len(record.get("mentions") or []),
        int(record["trigger"]["start"]) < title_length,
        record.get("attributed_to") is not None,
        record.get("location") is not None,
    )


def read_table(path: Path = CONFIDENCE_TSV) -> dict[Features, float]:
    """``confidence.tsv``: one row per feature combination (y/n columns, then p)."""
    table: dict[Features, float] = {}
    header: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if header is None:
            header = cols
            if tuple(cols[: len(FEATURES)]) != FEATURES or cols[len(FEATURES)] != "p":
                raise ValueError(f"{path}: header must be {' '.join(FEATURES)} p, got {cols}")
            continue
        key = tuple(c == "y" for c in cols[: len(FEATURES)])
        table[key] = float(cols[len(FEATURES)])
    missing = 2 ** len(FEATURES) - len(table)
    if missing:
        raise ValueError(f"{path}: {missing} feature combinations have no probability")
    return table


@cache
def _table() -> dict[Features, float]:
    return read_table()


def confidence(feats: Features) -> float:
    """The fitted probability that an event with these features is right (2 decimals)."""
    return _table()[feats]
