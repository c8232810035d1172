"""Extraction in child processes with a deadline, so no article can wedge the worker.

Why a process and not a thread: a pathological article (a regex gone quadratic, a
runaway loop in the extractor) cannot be interrupted inside a Python thread, and it would
keep a core and the GIL busy for ever. A child process can be killed: the article is
dead-lettered with reason ``extract_timeout`` and a fresh child takes over. It also puts
the CPU-heavy extraction on a second core while the parent process does Kafka I/O.

Protocol on the child's stdin/stdout: frames of a 4-byte big-endian length and a pickle.
Parent -> child: the article as validated by the parent, re-serialised (JSON bytes).
Child -> parent: ``("ready", info)`` once after start-up, then per request
``("ok", [(event_id, article_id, event_json_bytes), ...])`` or
``("error", reason, stage, message, exception_class, stacktrace)``.
The child is our own code on a private pipe, so pickle is safe and the fastest option.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gc
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

from hadath import logs
from hadath.records import RecordRejected, serialize_events
from hadath_schemas import Article

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
    _die_with_parent()
    frames_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    logs.configure_from_env()  # the worker's log format, on the shared stderr
    frames_in = sys.stdin.buffer
    extractor = load_extractor(spec)
    t0 = time.perf_counter()
    with contextlib.suppress(Exception):  # a failing warm-up surfaces on real articles instead
        extractor(Article.model_validate_json(_WARMUP))
    # The extractor's tables are tens of thousands of long-lived objects: a full collection
    # walked them all (34 ms measured), a pause in the middle of some article's extraction.
    # Frozen, they are skipped by every later collection (0.04 ms).
    gc.collect()
    gc.freeze()
    _write_frame(frames_out, ("ready", {"pid": os.getpid(), "warmup_seconds": time.perf_counter() - t0}))
    while True:
        request = _read_frame(frames_in)
        if request is None:  # parent closed the pipe: shut down quietly
            return 0
        _write_frame(frames_out, _answer(request, extractor))


def _answer(request: bytes, extractor: Callable[[Any], list[Any]]) -> tuple[Any, ...]:
    """One request's reply. An extractor bug must not stop the stream: whatever raises is
    reported, and the parent dead-letters the article (``extractor_error`` when the
    extractor raised, ``internal_error`` for our own parsing or serialising)."""
    step = ("internal_error", "extract")
    try:
        article = Article.model_validate_json(request)
        step = ("extractor_error", "extract")
        events = extractor(article)
        step = ("internal_error", "produce")  # serialising the events
        return ("ok", serialize_events(events))
    except Exception as exc:
        reason, stage = step
        prefix = "unexpected " if reason == "internal_error" else ""
        stack = "".join(traceback.format_exception(exc))[-4000:]
        message = f"{prefix}{type(exc).__name__}: {exc}"[:2000]
        return ("error", reason, stage, message, type(exc).__qualname__, stack)


# --------------------------------------------------------------------------- parent side
class _Requeue(Exception):
    """The child died or was killed with this request still queued behind the culprit."""


class ExtractionProcess:
    """One child process. Requests are pipelined: several articles can be in the pipe at
    once and the child answers in order, so it never waits for the parent's event loop
    between two articles. The deadline applies to the oldest unanswered request, timed
    from the previous answer: exactly the time the child spends on that article."""

    def __init__(self, spec: str, startup_timeout: float, timeout: float) -> None:
        self.spec = spec
        self.startup_timeout = startup_timeout
        self.timeout = timeout
        self.proc: asyncio.subprocess.Process | None = None
        self.pending: collections.deque[asyncio.Future[tuple[Any, ...]]] = collections.deque()
        self._wake = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None
        self.failed = False

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
        self._reader = asyncio.ensure_future(self._read_replies())

    async def _read(self) -> tuple[Any, ...]:
        assert self.proc is not None and self.proc.stdout is not None
        try:
            head = await self.proc.stdout.readexactly(_LEN.size)
            body = await self.proc.stdout.readexactly(_LEN.unpack(head)[0])
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            raise ExtractorCrashed(f"extraction process {self.pid} exited") from exc
        return pickle.loads(body)

    async def request(self, value: bytes) -> tuple[Any, ...]:
        """Queue one article; its reply, RecordRejected (timeout/crash) or _Requeue."""
        assert self.proc is not None and self.proc.stdin is not None
        if self.proc.returncode is not None and not self.failed:
            # It died while idle (killed, OOM): nothing of this article's doing, so it goes
            # to the replacement instead of being dead-lettered as extractor_crash.
            log.error("extraction process %s exited while idle (code %s)", self.pid, self.proc.returncode)
            self.failed = True
        if self.failed:
            raise _Requeue
        future: asyncio.Future[tuple[Any, ...]] = asyncio.get_running_loop().create_future()
        self.pending.append(future)
        self._wake.set()
        try:
            self.proc.stdin.write(_LEN.pack(len(value)) + value)
            await self.proc.stdin.drain()
        except ConnectionError:
            pass  # the reader notices the dead child and fails the pending futures
        return await future

    async def _read_replies(self) -> None:
        while True:
            if not self.pending:
                self._wake.clear()
                await self._wake.wait()
                continue
            try:
                reply = await asyncio.wait_for(self._read(), self.timeout)
            except TimeoutError:
                log.error("extraction process %s exceeded %.1f s: killing it", self.pid, self.timeout)
                self._fail(
                    RecordRejected(
                        "extract_timeout", "extract", f"extraction took longer than {self.timeout} s"
                    )
                )
                await self.kill()
                return
            except ExtractorCrashed as exc:
                log.error("%s while extracting", exc)
                self._fail(RecordRejected("extractor_crash", "extract", str(exc)))
                await self.kill()
                return
            head = self.pending.popleft()
            if not head.done():  # a cancelled request (shutdown) is simply dropped
                head.set_result(reply)

    def _fail(self, culprit: RecordRejected) -> None:
        """The oldest request gets the blame, the ones queued behind it go to a new child."""
        self.failed = True
        if self.pending:
            head = self.pending.popleft()
            if not head.done():
                head.set_exception(culprit)
        while self.pending:
            future = self.pending.popleft()
            if not future.done():
                future.set_exception(_Requeue())

    async def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
            await self.proc.wait()

    async def close(self, timeout: float = 5.0) -> None:
        """Close stdin (the child exits at EOF); kill it if it does not."""
        if self._reader is not None:
            self._reader.cancel()
        if self.proc is None or self.proc.returncode is not None:
            return
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            await self.kill()


class ExtractorPool:
    """``size`` extraction processes; a child that timed out or died is replaced, and the
    requests queued behind the culprit are sent again to the replacement."""

    def __init__(self, spec: str, size: int, timeout: float, startup_timeout: float = 120.0) -> None:
        self.spec = spec
        self.size = max(1, size)
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self._children: list[ExtractionProcess] = []
        self._replacing: dict[int, asyncio.Task[ExtractionProcess]] = {}
        self.restarts = 0

    async def start(self) -> None:
        for _ in range(self.size):
            self._children.append(await self._spawn())

    async def _spawn(self) -> ExtractionProcess:
        child = ExtractionProcess(self.spec, self.startup_timeout, self.timeout)
        await child.start()
        return child

    async def _child(self) -> tuple[int, ExtractionProcess]:
        """The healthy child with the fewest queued requests (replacing failed ones)."""
        for slot, child in enumerate(self._children):
            if child.failed:
                task = self._replacing.get(slot)
                if task is None:
                    task = self._replacing[slot] = asyncio.ensure_future(self._replace(slot, child))
                await asyncio.shield(task)
        slot = min(range(len(self._children)), key=lambda i: len(self._children[i].pending))
        return slot, self._children[slot]

    async def _replace(self, slot: int, child: ExtractionProcess) -> ExtractionProcess:
        try:
            await child.kill()
            self.restarts += 1
            new = await self._spawn()
            self._children[slot] = new
            return new
        finally:
            self._replacing.pop(slot, None)

    async def extract(self, value: bytes) -> list[tuple[str, str, bytes]]:
        """Serialised events of one (valid) article, or RecordRejected saying why not."""
        while True:
            _, child = await self._child()
            try:
                reply = await child.request(value)
                break
            except _Requeue:
                continue
        if reply[0] == "ok":
            return reply[1]
        _, reason, stage, message, class_name, stack = reply
        raise ChildRejected(reason, stage, message, class_name, stack)

    async def close(self) -> None:
        for task in list(self._replacing.values()):
            task.cancel()
        for child in self._children:
            await child.close()

    @property
    def pids(self) -> list[int]:
        return [c.pid for c in self._children if c.pid is not None]

    def alive(self) -> bool:
        """Every child started and still running (read by /readyz from another thread)."""
        children = list(self._children)
        return len(children) == self.size and all(
            c.proc is not None and c.proc.returncode is None and not c.failed for c in children
        )


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
