"""hadath.health: what /livez and /readyz answer, from a fake clock (the real worker:
tests/integration/test_health.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from hadath import health


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def watched(clock: Clock) -> Iterator[health.Health]:
    state = health.Health(liveness_timeout=30.0, clock=clock)
    health.watch(state)
    yield state
    health.watch(None)


def call(path: str) -> tuple[str, dict | bytes]:
    seen: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"] = status

    def metrics(environ: dict, start_response_: health.StartResponse) -> list[bytes]:
        start_response_("200 OK", [])
        return [b"hadath_metrics 1\n"]

    body = b"".join(health.wsgi_app(metrics)({"PATH_INFO": path}, start_response))
    return seen["status"], json.loads(body) if path != "/metrics" else body


def test_live_while_the_loop_beats_and_dead_when_it_stops(clock: Clock, watched: health.Health) -> None:
    clock.now += 29
    assert call("/livez")[0] == "200 OK"  # the start counts as a beat: a grace period
    watched.beat()
    clock.now += 30
    status, body = call("/livez")
    assert status == "200 OK" and body["event_loop_silent_seconds"] == 30
    clock.now += 0.5
    status, body = call("/livez")
    assert status == "503 Service Unavailable"
    assert body == {"live": False, "event_loop_silent_seconds": 30.5, "limit_seconds": 30.0}


def test_ready_needs_an_assignment_and_running_extraction(watched: health.Health) -> None:
    running = {"up": True}
    assert call("/readyz")[0] == "503 Service Unavailable"  # nothing yet
    watched.extraction_started(lambda: running["up"])
    assert call("/readyz")[1]["partitions_assigned"] is None
    watched.assigned(["a[0]", "a[1]"])
    assert call("/readyz") == (
        "200 OK",
        {"ready": True, "partitions_assigned": ["a[0]", "a[1]"], "extraction_processes_up": True},
    )
    running["up"] = False  # an extraction process died
    assert call("/readyz")[0] == "503 Service Unavailable"
    running["up"] = True
    watched.assigned(None)  # a rebalance
    assert call("/readyz")[0] == "503 Service Unavailable"
    watched.assigned([])  # a member with no partition (more replicas than partitions) is healthy
    assert call("/readyz")[0] == "200 OK"


def test_without_a_worker_there_is_nothing_to_report() -> None:
    health.watch(None)
    assert call("/livez")[0] == call("/readyz")[0] == "404 Not Found"


def test_everything_else_is_the_metrics_app(watched: health.Health) -> None:
    assert call("/metrics") == ("200 OK", b"hadath_metrics 1\n")
