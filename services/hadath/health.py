"""Health endpoints that tell the truth, served next to /metrics (docs/deployment.md).

- ``/livez``: the Faust event loop is turning. A timer in the loop stamps :meth:`Health.beat`
  every second; the HTTP server runs in its own thread, so when the loop hangs (a blocking
  call, a deadlock) the stamp grows old and ``/livez`` answers 503 while ``/metrics`` still
  answers 200. A restart is the cure for that, so the liveness probe uses it.
- ``/readyz``: the worker is doing its job: it has a partition assignment from its consumer
  group (possibly empty: a replica beyond the partition count is a healthy idle member) and
  every extraction process is running. 503 during a rebalance, before the extraction
  processes have started, or while one is being replaced.

Both answer a JSON body that says why. Without a worker in the process (``hadath extract
--metrics-port``) there is nothing to watch and both answer 404.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

HEARTBEAT_SECONDS = 1.0

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class Health:
    """What the worker's event loop reports and the HTTP thread reads (under one lock)."""

    def __init__(self, liveness_timeout: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.liveness_timeout = liveness_timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._last_beat = clock()  # the start counts as a beat: a grace period before the first
        self._assigned: list[str] | None = None  # None: no assignment yet, or a rebalance is on
        self._extraction: Callable[[], bool] | None = None  # None: not started yet

    # ------------------------------------------------------------ written from the loop
    def beat(self) -> None:
        with self._lock:
            self._last_beat = self._clock()

    def assigned(self, partitions: list[str] | None) -> None:
        with self._lock:
            self._assigned = partitions

    def extraction_started(self, alive: Callable[[], bool]) -> None:
        """``alive()`` says whether every extraction process runs (read from the HTTP thread)."""
        with self._lock:
            self._extraction = alive

    # ------------------------------------------------------------ read by the HTTP thread
    def live(self) -> tuple[bool, dict[str, Any]]:
        with self._lock:
            silent = self._clock() - self._last_beat
        ok = silent <= self.liveness_timeout
        return ok, {
            "live": ok,
            "event_loop_silent_seconds": round(silent, 3),
            "limit_seconds": self.liveness_timeout,
        }

    def ready(self) -> tuple[bool, dict[str, Any]]:
        with self._lock:
            assigned, extraction = self._assigned, self._extraction
        extracting = extraction is not None and extraction()
        ok = assigned is not None and extracting
        return ok, {
            "ready": ok,
            "partitions_assigned": assigned,
            "extraction_processes_up": extracting,
        }


_current: Health | None = None


def watch(health: Health | None) -> None:
    """Make ``health`` the state /livez and /readyz report (None: nothing to watch)."""
    global _current
    _current = health


def current() -> Health | None:
    return _current


def wsgi_app(metrics_app: WsgiApp) -> WsgiApp:
    """/livez and /readyz from :func:`current`, everything else from ``metrics_app``."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path not in ("/livez", "/readyz"):
            return metrics_app(environ, start_response)
        health = _current
        if health is None:
            ok, body = False, {"error": "no worker in this process"}
            status = "404 Not Found"
        else:
            ok, body = health.live() if path == "/livez" else health.ready()
            status = "200 OK" if ok else "503 Service Unavailable"
        payload = json.dumps(body).encode() + b"\n"
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
        return [payload]

    return app
