"""Extraction in child processes with a deadline, so no article can wedge the worker.

Why a process and not a thread: a pathological article (a regex gone quadratic, a
runaway loop in the extractor) cannot be interrupted inside a Python thread, and it would
keep a core and the GIL busy for ever. A child process can be killed: the article is
dead-lettered with reason ``extract_timeout`` and a fresh child takes over. It also puts
the CPU-heavy extraction on a second core while the parent process does Kafka I/O.

Protocol on the child's stdin/stdout: frames of a 4-byte big-endian length and a pickle.
Parent -> child: the article record's value (bytes, already validated by the parent).
Child -> parent: ``("ready", info)`` once after start-up, then per request
``("ok", [(event_id, article_id, event_json_bytes), ...])`` or
``("error", reason, stage, message, exception_class, stacktrace)``.
The child is our own code on a private pipe, so pickle is safe and the fastest option.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import logging
import os
import pickle
import struct
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any, BinaryIO

from hadath.records import RecordRejected

log = logging.getLogger("hadath.worker")

_LEN = struct.Struct(">I")
DEFAULT_EXTRACTOR = "hadath.extractor:extract"
# Lazy imports and data loading must not count against the first article's deadline.
_WARMUP = json.dumps(
    {"id": "warmup", "title": "اجتماع", "body": "التقى وزير الخارجية الروسي نظيره الأمريكي في جنيف."}
).encode()


class ExtractorCrashed(RuntimeError):
    pass


def load_extractor(spec: str) -> Callable[[Any], list[Any]]:
    """``module:function`` -> the function (the default is the project's extractor)."""
    module_name, _, attr = (spec or DEFAULT_EXTRACTOR).partition(":")
    return getattr(importlib.import_module(module_name), attr or "extract")


# ---------------------------------------------------------------------------- child side
def _read_frame(stream: BinaryIO) -> bytes | None:
    head = stream.read(_LEN.size)
    if len(head) < _LEN.size:
        return None
    (size,) = _LEN.unpack(head)
    body = stream.read(size)
    if len(body) < size:
        return None
    return body


def _write_frame(stream: BinaryIO, payload: Any) -> None:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LEN.pack(len(data)) + data)
    stream.flush()


def _die_with_parent() -> None:
    """SIGKILL this child when the worker dies, even if it is stuck in an extraction
    (EOF on stdin only ends it between articles)."""
    with contextlib.suppress(Exception):
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:  # the parent was already gone before prctl
        os._exit(0)


def child_main(spec: str) -> int:
    """The child's loop. stdout carries frames only: anything printed goes to stderr."""
    from hadath.records import serialize_events
    from hadath_schemas import Article

    _die_with_parent()
    frames_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    frames_in = sys.stdin.buffer
    extractor = load_extractor(spec)
    t0 = time.perf_counter()
    with contextlib.suppress(Exception):  # a failing warm-up surfaces on real articles instead
        extractor(Article.model_validate_json(_WARMUP))
    _write_frame(frames_out, ("ready", {"pid": os.getpid(), "warmup_seconds": time.perf_counter() - t0}))
    while True:
        request = _read_frame(frames_in)
        if request is None:  # parent closed the pipe: shut down quietly
            return 0
        try:
            article = Article.model_validate_json(request)
            reply: tuple[Any, ...] = ("ok", serialize_events(extractor(article)))
        except Exception as exc:  # an extractor bug must not stop the stream: dead-letter it
            stack = "".join(traceback.format_exception(exc))[-4000:]
            reply = (
                "error",
                "extractor_error",
                "extract",
                f"{type(exc).__name__}: {exc}"[:2000],
                type(exc).__qualname__,
                stack,
            )
        _write_frame(frames_out, reply)


# --------------------------------------------------------------------------- parent side
class ExtractionProcess:
    """One child process and the asyncio pipes to it."""

    def __init__(self, spec: str, startup_timeout: float) -> None:
        self.spec = spec
        self.startup_timeout = startup_timeout
        self.proc: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "hadath.worker.extraction",
            self.spec,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=64 * 1024 * 1024,
        )
        try:
            reply = await asyncio.wait_for(self._read(), self.startup_timeout)
        except (TimeoutError, ExtractorCrashed):
            await self.kill()
            raise ExtractorCrashed(f"extraction process did not start in {self.startup_timeout} s") from None
        log.info("extraction process %s ready (%s)", self.pid, reply[1])

    async def _read(self) -> tuple[Any, ...]:
        assert self.proc is not None and self.proc.stdout is not None
        try:
            head = await self.proc.stdout.readexactly(_LEN.size)
            body = await self.proc.stdout.readexactly(_LEN.unpack(head)[0])
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            raise ExtractorCrashed(f"extraction process {self.pid} exited") from exc
        return pickle.loads(body)

    async def request(self, value: bytes, timeout: float) -> tuple[Any, ...]:
        """One article in, one reply out; asyncio.TimeoutError after ``timeout`` seconds."""
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write(_LEN.pack(len(value)) + value)
            await self.proc.stdin.drain()
        except ConnectionError as exc:
            raise ExtractorCrashed(f"extraction process {self.pid} exited") from exc
        return await asyncio.wait_for(self._read(), timeout)

    async def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
            await self.proc.wait()

    async def close(self, timeout: float = 5.0) -> None:
        """Close stdin (the child exits at EOF); kill it if it does not."""
        if self.proc is None or self.proc.returncode is not None:
            return
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            await self.kill()


class ExtractorPool:
    """``size`` extraction processes; :meth:`extract` applies the deadline and replaces
    a child that timed out or died. Requests are served first come, first served."""

    def __init__(self, spec: str, size: int, timeout: float, startup_timeout: float = 120.0) -> None:
        self.spec = spec
        self.size = max(1, size)
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self._idle: asyncio.Queue[ExtractionProcess] = asyncio.Queue()
        self._all: list[ExtractionProcess] = []
        self.restarts = 0

    async def start(self) -> None:
        for _ in range(self.size):
            await self._add()

    async def _add(self) -> None:
        proc = ExtractionProcess(self.spec, self.startup_timeout)
        await proc.start()
        self._all.append(proc)
        self._idle.put_nowait(proc)

    async def _replace(self, proc: ExtractionProcess) -> None:
        await proc.kill()
        self._all.remove(proc)
        self.restarts += 1
        await self._add()

    async def extract(self, value: bytes) -> list[tuple[str, str, bytes]]:
        """Serialised events of one (valid) article, or RecordRejected saying why not."""
        proc = await self._idle.get()
        try:
            reply = await proc.request(value, self.timeout)
        except TimeoutError:
            log.error("extraction process %s exceeded %.1f s: killing it", proc.pid, self.timeout)
            await self._replace(proc)
            raise RecordRejected(
                "extract_timeout", "extract", f"extraction took longer than {self.timeout} s"
            ) from None
        except ExtractorCrashed as exc:
            log.error("%s while extracting: starting a new one", exc)
            await self._replace(proc)
            raise RecordRejected("extractor_crash", "extract", str(exc)) from None
        except BaseException:
            # Cancelled mid-request (shutdown): the reply would be read by the next
            # request, so this child is out of sync and must go.
            await self._replace_quietly(proc)
            raise
        self._idle.put_nowait(proc)
        if reply[0] == "ok":
            return reply[1]
        _, reason, stage, message, class_name, stack = reply
        raise ChildRejected(reason, stage, message, class_name, stack)

    async def _replace_quietly(self, proc: ExtractionProcess) -> None:
        with contextlib.suppress(BaseException):
            await proc.kill()
        if proc in self._all:
            self._all.remove(proc)

    async def close(self) -> None:
        for proc in list(self._all):
            await proc.close()
        self._all.clear()

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self._all if p.pid is not None]


class ChildRejected(RecordRejected):
    """A RecordRejected raised in the child: its class name and stack travel as text."""

    def __init__(self, reason: str, stage: str, message: str, class_name: str, stack: str) -> None:
        super().__init__(reason, stage, message)
        self.class_name = class_name
        self.stack = stack

    @property
    def error_class(self) -> str:
        return self.class_name

    @property
    def stacktrace(self) -> str:
        return self.stack


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_EXTRACTOR))
