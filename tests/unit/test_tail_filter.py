"""`hadath tail --type/--country/--mode/--since`: the event predicate and the flags."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hadath.cli import build_parser
from hadath.event_filter import event_filter, parse_since

MEET = {
    "type": "MEET",
    "mode": "planned",
    "source": [{"code": "RUSGOV"}],
    "target": [{"code": "IGOUNO"}],
    "location": {"country": "CHE"},
    "event_time": "2018-04-12T00:00:00Z",
}
ATTACK = {
    "type": "ATTACK",
    "mode": "asserted",
    "source": [],
    "target": [{"code": "SYR"}],
    "location": None,
    "published_at": "2018-04-09T08:00:00+03:00",
}


def _kept(**options) -> list[str]:
    keep = event_filter(**options)
    return [e["type"] for e in (MEET, ATTACK) if keep(e)]


def test_no_option_keeps_everything():
    assert _kept() == ["MEET", "ATTACK"]


@pytest.mark.parametrize(
    ("options", "kept"),
    [
        ({"types": ["meet"]}, ["MEET"]),
        ({"types": ["AGREE,ATTACK"]}, ["ATTACK"]),
        ({"types": ["AGREE", "MEET"]}, ["MEET"]),
        ({"modes": ["asserted"]}, ["ATTACK"]),
        ({"countries": ["RUS"]}, ["MEET"]),  # an actor's country (RUSGOV)
        ({"countries": ["CHE"]}, ["MEET"]),  # the place's country
        ({"countries": ["SYR,RUS"]}, ["MEET", "ATTACK"]),
        ({"countries": ["IGO"]}, []),  # an organisation is no country
        ({"since": datetime(2018, 4, 10, tzinfo=UTC)}, ["MEET"]),  # ATTACK falls back to published_at
        ({"types": ["MEET"], "modes": ["asserted"]}, []),  # options combine
    ],
)
def test_filters(options, kept):
    assert _kept(**options) == kept


def test_since_leaves_out_events_without_a_time():
    assert not event_filter(since=datetime(2000, 1, 1, tzinfo=UTC))({"type": "MEET"})


def test_the_flags_reach_the_filter():
    args = build_parser().parse_args(
        [
            "tail",
            "--type",
            "MEET",
            "--type",
            "ATTACK",
            "--country",
            "SYR",
            "--mode",
            "planned",
            "--since",
            "2018-04-10",
        ]
    )
    assert args.type == ["MEET", "ATTACK"] and args.country == ["SYR"] and args.mode == ["planned"]
    assert args.since == parse_since("2018-04-10") == datetime(2018, 4, 10, tzinfo=UTC)


def test_a_bad_since_is_a_clear_usage_error(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["tail", "--since", "yesterday"])
    assert "not an ISO 8601 date or time" in capsys.readouterr().err
