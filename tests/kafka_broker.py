"""A real single-node Kafka broker (KRaft, broker+controller) for tests.

``LocalKafka`` runs ``kafka.Kafka`` from the jars that ``deploy/kafka/kafka.sh jars`` puts in
``.kafka/libs``, in its own temp dir, on free ports, so several test sessions (and several
engineers) can run brokers side by side. It can be stopped, killed and started again on the
same ports and data dir, e.g. to test how consumers and producers ride out a broker outage.

Secured variants (SASL_SSL/SCRAM, TLS) are built on top by passing ``extra_properties``
(listeners, ``listener.security.protocol.map``, ``ssl.*``, ``sasl.*`` ...; they override the
defaults below) and ``format_args`` (e.g. ``["--add-scram", "SCRAM-SHA-512=[name=u,password=p]"]``
for ``kafka-storage format``). Use :func:`free_port` for extra listener ports. The PLAINTEXT
listener on ``.bootstrap`` is used for the readiness probe unless ``ready_client_config``
says otherwise.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
KAFKA_SH = REPO_ROOT / "deploy" / "kafka" / "kafka.sh"
LOG4J_CONF = REPO_ROOT / "deploy" / "kafka" / "log4j2.properties"
HOST = "127.0.0.1"

# Every broker not close()d by interpreter exit is killed, whatever the test did.
_LIVE: set[LocalKafka] = set()


def free_port() -> int:
    """A port the OS considers free right now (bind to port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def default_libs_dir() -> Path:
    env = os.environ.get("KAFKA_LIBS_DIR")
    if env:
        return Path(env)
    return Path(os.environ.get("KAFKA_HOME_DIR", REPO_ROOT / ".kafka")) / "libs"


def ensure_jars(libs_dir: Path | None = None) -> Path:
    """Fetch the broker jars once.

    Always asks kafka.sh: it returns at once when the jars match deploy/kafka/pom.xml,
    refetches after a version bump, and serialises concurrent callers with a lock.
    """
    libs = libs_dir or default_libs_dir()
    env = dict(os.environ, KAFKA_LIBS_DIR=str(libs))
    subprocess.run(["bash", str(KAFKA_SH), "jars"], check=True, env=env)
    return libs


def random_cluster_id() -> str:
    """Same shape as Kafka's Uuid.randomUuid(): 22 chars of URL-safe base64, never leading '-'."""
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not cid.startswith("-"):
            return cid


def _die_with_parent() -> None:
    # Runs in the child before exec: if the test process dies hard (SIGKILL, OOM),
    # the kernel SIGKILLs the broker too, so no orphan keeps the ports.
    PR_SET_PDEATHSIG = 1
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class KafkaNotReady(RuntimeError):
    pass


class LocalKafka:
    """One real Kafka broker process. Use as a context manager or call start()/close()."""

    def __init__(
        self,
        *,
        extra_properties: dict[str, str] | None = None,
        format_args: list[str] | None = None,
        workdir: str | os.PathLike[str] | None = None,
        libs_dir: str | os.PathLike[str] | None = None,
        heap: str = "512m",
        start_timeout: float = 90.0,
        ready_client_config: dict[str, Any] | None = None,
    ) -> None:
        self.port = free_port()
        self.controller_port = free_port()
        while self.controller_port == self.port:
            self.controller_port = free_port()
        self.extra_properties = dict(extra_properties or {})
        self.format_args = list(format_args or [])
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="hadath-kafka-"))
        self.data_dir = self.workdir / "data"
        self.log_dir = self.workdir / "logs"
        self.properties_file = self.workdir / "server.properties"
        self.libs_dir = Path(libs_dir) if libs_dir else None
        self.heap = heap
        self.start_timeout = start_timeout
        self.ready_client_config = dict(ready_client_config or {})
        self.cluster_id = random_cluster_id()
        self.last_ready_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._stdout: Any = None
        self._lock = threading.RLock()
        _LIVE.add(self)

    # ------------------------------------------------------------------ config
    @property
    def bootstrap(self) -> str:
        return f"{HOST}:{self.port}"

    def properties(self) -> dict[str, str]:
        props = {
            "process.roles": "broker,controller",
            "node.id": "1",
            # Static quorum: no --standalone at format time (mixing the two is a hard error).
            "controller.quorum.voters": f"1@{HOST}:{self.controller_port}",
            "controller.listener.names": "CONTROLLER",
            "listeners": f"PLAINTEXT://{HOST}:{self.port},CONTROLLER://{HOST}:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://{HOST}:{self.port}",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": str(self.data_dir),
            "num.partitions": "4",
            "auto.create.topics.enable": "true",
            # One node: every internal topic must have replication factor 1.
            "offsets.topic.replication.factor": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            # After a SIGKILL the restarted broker cannot register until the controller has
            # expired the dead incarnation's session (default 9 s): shorter for kill tests.
            "broker.session.timeout.ms": "4000",
            "broker.heartbeat.interval.ms": "1000",
        }
        props.update(self.extra_properties)
        return props

    def _write_properties(self) -> None:
        lines = [f"{k}={v}" for k, v in self.properties().items()]
        self.properties_file.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def _java(self, *args: str) -> list[str]:
        libs = self.libs_dir or default_libs_dir()
        return [
            "java",
            f"-Xms{self.heap}",
            f"-Xmx{self.heap}",
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={LOG4J_CONF}",
            f"-Dkafka.logs.dir={self.log_dir}",
            "-cp",
            f"{libs}/*",  # the JVM expands the wildcard
            *args,
        ]

    # --------------------------------------------------------------- lifecycle
    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self.running and self._proc else None

    def _format(self) -> None:
        if (self.data_dir / "meta.properties").exists():
            return
        cmd = self._java(
            "kafka.tools.StorageTool",
            "format",
            "-t",
            self.cluster_id,
            "-c",
            str(self.properties_file),
            *self.format_args,
        )
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if res.returncode != 0:
            raise RuntimeError(f"kafka storage format failed:\n{res.stdout}\n{res.stderr}")

    def start(self) -> LocalKafka:
        """Start (or restart on the same ports and data dir) and wait until ready."""
        with self._lock:
            if self.running:
                return self
            if self.libs_dir is None:
                ensure_jars()
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.log_dir.mkdir(parents=True, exist_ok=True)
            self._write_properties()
            self._format()
            self._close_stdout()
            self._stdout = open(self.log_dir / "stdout.log", "ab")  # noqa: SIM115 - kept open for the child
            # The parent-death signal fires when the *thread* that forked exits, so only
            # arm it from the main thread (a restart from a Timer thread must survive it).
            on_main = threading.current_thread() is threading.main_thread()
            t0 = time.monotonic()
            self._proc = subprocess.Popen(
                self._java("kafka.Kafka", str(self.properties_file)),
                stdin=subprocess.DEVNULL,
                stdout=self._stdout,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C in the test terminal goes to pytest, not the broker
                preexec_fn=_die_with_parent if on_main else None,
            )
            try:
                self.wait_ready(t0 + self.start_timeout)
            except BaseException:
                self.kill()
                raise
            self.last_ready_seconds = time.monotonic() - t0
            return self

    def wait_ready(self, deadline: float) -> None:
        """Ready = an admin client can connect and list topics."""
        from kafka import KafkaAdminClient  # imported lazily: conftest must load without it

        last_err: BaseException | None = None
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                raise KafkaNotReady(f"broker exited during startup:\n{self.log_tail()}")
            try:
                admin = KafkaAdminClient(
                    bootstrap_servers=self.ready_client_config.get("bootstrap_servers", self.bootstrap),
                    request_timeout_ms=5000,
                    bootstrap_timeout_ms=2000,
                    **{k: v for k, v in self.ready_client_config.items() if k != "bootstrap_servers"},
                )
                try:
                    admin.list_topics()
                    return
                finally:
                    admin.close()
            except Exception as err:  # any client error means "not yet"
                last_err = err
                time.sleep(0.25)
        raise KafkaNotReady(f"broker not ready in {self.start_timeout}s ({last_err!r}):\n{self.log_tail()}")

    def stop(self, timeout: float = 30.0) -> None:
        """Graceful shutdown (SIGTERM); SIGKILL if it does not exit within ``timeout``."""
        with self._lock:
            proc = self._proc
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)
            self._close_stdout()

    def kill(self) -> None:
        """Hard crash (SIGKILL): no clean shutdown, the next start() runs log recovery."""
        with self._lock:
            proc = self._proc
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait(10)
            self._close_stdout()

    def close(self) -> None:
        """Stop the broker and remove the temp dir it created."""
        self.stop()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        _LIVE.discard(self)

    def _close_stdout(self) -> None:
        if self._stdout is not None:
            self._stdout.close()
            self._stdout = None

    def log_tail(self, lines: int = 40) -> str:
        out = []
        for name in ("server.log", "stdout.log"):
            path = self.log_dir / name
            if path.exists():
                text = path.read_text(encoding="utf-8", errors="replace").splitlines()
                out.append(f"--- {path} ---\n" + "\n".join(text[-lines:]))
        return "\n".join(out)

    def __enter__(self) -> LocalKafka:
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = f"pid {self.pid}" if self.running else "stopped"
        return f"LocalKafka({self.bootstrap}, {state}, {self.workdir})"


@atexit.register
def _kill_leftovers() -> None:
    for broker in list(_LIVE):
        with contextlib.suppress(Exception):
            broker.kill()
            if broker._own_workdir:
                shutil.rmtree(broker.workdir, ignore_errors=True)
