"""A real PostgreSQL server (Debian's `postgresql` package) for tests.

``LocalPostgres`` runs ``initdb`` and ``postgres`` from the server binaries in its own temp
dir, on a free loopback port, with a generated password (scram-sha-256), so several test
sessions can run servers side by side. Each test gets a database of its own
(:meth:`LocalPostgres.create_database`). PostgreSQL refuses to run as root: as root the
server runs as the ``postgres`` system user the Debian package creates.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from types import TracebackType

from kafka_broker import HOST, _die_with_parent, _prctl, free_port

USER = "hadath"

# Every server not close()d by interpreter exit is killed, whatever the test did.
_LIVE: set[LocalPostgres] = set()


def bin_dir() -> Path:
    """The server binaries: POSTGRES_BIN_DIR, else the newest /usr/lib/postgresql/<version>/bin."""
    env = os.environ.get("POSTGRES_BIN_DIR")
    if env:
        return Path(env)
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parent.parent.name)
    )
    if not found:
        raise FileNotFoundError(
            "no PostgreSQL server in /usr/lib/postgresql: install the Debian package postgresql "
            "(`make postgres-tools`)"
        )
    return found[-1].parent


class PostgresNotReady(RuntimeError):
    pass


class LocalPostgres:
    """One real PostgreSQL server process. Use as a context manager or call start()/close()."""

    def __init__(self, *, workdir: str | os.PathLike[str] | None = None, start_timeout: float = 60.0) -> None:
        self.port = free_port()
        self.password = secrets.token_urlsafe(18)
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="hadath-postgres-"))
        self.data_dir = self.workdir / "data"
        self.log_path = self.workdir / "server.log"
        self.start_timeout = start_timeout
        self.last_ready_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: object = None
        self._lock = threading.RLock()
        # As root, hand the state dir to `postgres` and run the server binaries as that user.
        self._user = "postgres" if os.geteuid() == 0 else None
        _LIVE.add(self)

    # ------------------------------------------------------------------ config
    @property
    def dsn(self) -> str:
        """DSN of the default database, without the password (pass ``password=`` separately)."""
        return self.dsn_for(USER)

    def dsn_for(self, database: str) -> str:
        return f"postgresql://{USER}@{HOST}:{self.port}/{database}"

    def conninfo(self, database: str = USER) -> str:
        """A libpq connection string with the password, for test code's own connections."""
        return f"host={HOST} port={self.port} user={USER} dbname={database} password={self.password}"

    # --------------------------------------------------------------- lifecycle
    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _chown(self, *paths: Path) -> None:
        if self._user is not None:
            for path in paths:
                shutil.chown(path, self._user, self._user)

    def _initdb(self) -> None:
        if (self.data_dir / "PG_VERSION").exists():
            return
        self.workdir.mkdir(parents=True, exist_ok=True)
        pwfile = self.workdir / "pwfile"
        pwfile.write_text(self.password + "\n", encoding="utf-8")
        pwfile.chmod(0o600)
        self._chown(self.workdir, pwfile)
        try:
            res = subprocess.run(
                [
                    str(bin_dir() / "initdb"),
                    "-D", str(self.data_dir),
                    "-U", USER,
                    f"--pwfile={pwfile}",
                    "--auth=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",  # a throwaway test cluster: no need to fsync the fresh files
                ],
                capture_output=True,
                text=True,
                timeout=120,
                user=self._user,
                cwd=self.workdir,
            )  # fmt: skip
        finally:
            pwfile.unlink(missing_ok=True)
        if res.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{res.stdout}\n{res.stderr}")

    def start(self) -> LocalPostgres:
        """Start (or restart on the same port and data dir) and wait until it accepts logins."""
        with self._lock:
            if self.running:
                return self
            self._initdb()
            self._close_log()
            self._log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the child
            on_main = threading.current_thread() is threading.main_thread()
            t0 = time.monotonic()
            self._proc = subprocess.Popen(
                [
                    str(bin_dir() / "postgres"),
                    "-D", str(self.data_dir),
                    "-p", str(self.port),
                    "-c", f"listen_addresses={HOST}",
                    "-c", f"unix_socket_directories={self.workdir}",
                    "-c", "max_connections=50",
                ],
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                user=self._user,
                cwd=self.workdir,
                preexec_fn=_die_with_parent if on_main and _prctl is not None else None,
            )  # fmt: skip
            try:
                self.wait_ready(t0 + self.start_timeout)
            except BaseException:
                self.kill()
                raise
            self.last_ready_seconds = time.monotonic() - t0
            return self

    def wait_ready(self, deadline: float) -> None:
        import psycopg

        last: BaseException | None = None
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                raise PostgresNotReady(f"postgres exited during startup:\n{self.log_tail()}")
            try:
                with psycopg.connect(self.conninfo("postgres"), connect_timeout=2) as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.Error as err:
                last = err
                time.sleep(0.1)
        raise PostgresNotReady(f"postgres not ready in {self.start_timeout}s ({last!r}):\n{self.log_tail()}")

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; returns its name."""
        import psycopg

        name = name or f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.conninfo("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def stop(self, timeout: float = 30.0) -> None:
        """Fast shutdown (SIGINT: abort sessions, checkpoint); SIGKILL if it does not exit in time."""
        with self._lock:
            proc = self._proc
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)
            self._close_log()

    def kill(self) -> None:
        """Hard crash (SIGKILL of the postmaster): the next start() runs crash recovery."""
        with self._lock:
            proc = self._proc
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait(10)
            self._close_log()

    def close(self) -> None:
        self.stop()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        _LIVE.discard(self)

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()  # type: ignore[attr-defined]
            self._log = None

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        text = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def __enter__(self) -> LocalPostgres:
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = f"pid {self._proc.pid}" if self.running and self._proc else "stopped"
        return f"LocalPostgres({HOST}:{self.port}, {state}, {self.workdir})"


@atexit.register
def _kill_leftovers() -> None:
    for server in list(_LIVE):
        with contextlib.suppress(Exception):
            server.kill()
            if server._own_workdir:
                shutil.rmtree(server.workdir, ignore_errors=True)
