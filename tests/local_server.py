"""What every real server the tests start has in common: one child process of its own.

``LocalKafka`` (kafka_broker.py) and ``LocalPostgres`` (postgres_server.py) differ in how
they configure and probe their server; starting the child, stopping it (gracefully, then
SIGKILL), crashing it, cleaning up its temp dir and killing leftovers at interpreter exit
are the same and live here.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self

# Resolved here, not in the forked child: dlopen there could deadlock on a loader lock
# held by another thread (kafka-python clients run background threads).
try:
    _prctl: Any = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux: no parent-death signal, atexit still applies
    _prctl = None
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # Runs in the child before exec: if the test process dies hard (SIGKILL, OOM),
    # the kernel SIGKILLs the server too, so no orphan keeps the ports.
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL))


# Every server not close()d by interpreter exit is killed, whatever the test did.
_LIVE: set[ChildServer] = set()


class ChildServer:
    """A server process in a work dir of its own (a temp dir unless one is given)."""

    #: the graceful-shutdown signal; SIGKILL follows when it does not exit in time
    stop_signal: signal.Signals = signal.SIGTERM

    def __init__(self, workdir: str | Path | None, prefix: str, start_timeout: float) -> None:
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix=prefix))
        self.start_timeout = start_timeout
        self.last_ready_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._child_log: Any = None
        self._lock = threading.RLock()
        _LIVE.add(self)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self.running and self._proc else None

    def wait_ready(self, deadline: float) -> None:
        raise NotImplementedError

    def _launch(self, argv: list[str], log_path: Path, **popen: Any) -> Self:
        """Start ``argv`` with its output appended to ``log_path`` and wait until ready;
        a server that does not get ready in time is killed."""
        self._close_child_log()
        self._child_log = open(log_path, "ab")  # noqa: SIM115 - kept open for the child
        # The parent-death signal fires when the *thread* that forked exits, so only
        # arm it from the main thread (a restart from a Timer thread must survive it).
        on_main = threading.current_thread() is threading.main_thread()
        t0 = time.monotonic()
        self._proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=self._child_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in the test terminal goes to pytest, not the server
            preexec_fn=_die_with_parent if on_main and _prctl is not None else None,
            **popen,
        )
        try:
            self.wait_ready(t0 + self.start_timeout)
        except BaseException:
            self.kill()
            raise
        self.last_ready_seconds = time.monotonic() - t0
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Graceful shutdown (``stop_signal``); SIGKILL if it does not exit within ``timeout``."""
        with self._lock:
            proc = self._proc
            if proc is not None and proc.poll() is None:
                proc.send_signal(self.stop_signal)
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)
            self._close_child_log()

    def kill(self) -> None:
        """Hard crash (SIGKILL): no clean shutdown, the next start() runs recovery."""
        with self._lock:
            proc = self._proc
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait(10)
            self._close_child_log()

    def close(self) -> None:
        """Stop the server and remove the temp dir it created."""
        self.stop()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        _LIVE.discard(self)

    def _close_child_log(self) -> None:
        if self._child_log is not None:
            self._child_log.close()
            self._child_log = None

    def __enter__(self) -> Self:
        try:
            return self.start()  # type: ignore[attr-defined]
        except BaseException:
            self.close()
            raise

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


@atexit.register
def _kill_leftovers() -> None:
    for server in list(_LIVE):
        with contextlib.suppress(Exception):
            server.kill()
            if server._own_workdir:
                shutil.rmtree(server.workdir, ignore_errors=True)
