"""A real PostgreSQL server (Debian's `postgresql` package) for tests.

``LocalPostgres`` runs ``initdb`` and ``postgres`` from the server binaries in its own temp
dir, on a free loopback port, with a generated password (scram-sha-256), so several test
sessions can run servers side by side. Each test gets a database of its own
(:meth:`LocalPostgres.create_database`). PostgreSQL refuses to run as root: as root the
server runs as the ``postgres`` system user the Debian package creates.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

from kafka_broker import HOST, free_port
from local_server import ChildServer

USER = "hadath"


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


class LocalPostgres(ChildServer):
    """One real PostgreSQL server process. Use as a context manager or call start()/close()."""

    stop_signal = signal.SIGINT  # fast shutdown: abort sessions, checkpoint

    def __init__(self, *, workdir: str | os.PathLike[str] | None = None, start_timeout: float = 60.0) -> None:
        self.port = free_port()
        self.password = secrets.token_urlsafe(18)
        super().__init__(workdir, "hadath-postgres-", start_timeout)
        self.data_dir = self.workdir / "data"
        self.log_path = self.workdir / "server.log"
        # As root, hand the state dir to `postgres` and run the server binaries as that user.
        self._user = "postgres" if os.geteuid() == 0 else None

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
            return self._launch(
                [
                    str(bin_dir() / "postgres"),
                    "-D", str(self.data_dir),
                    "-p", str(self.port),
                    "-c", f"listen_addresses={HOST}",
                    "-c", f"unix_socket_directories={self.workdir}",
                    "-c", "max_connections=50",
                ],
                self.log_path,
                user=self._user,
                cwd=self.workdir,
            )  # fmt: skip

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

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        text = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def __repr__(self) -> str:
        state = f"pid {self._proc.pid}" if self.running and self._proc else "stopped"
        return f"LocalPostgres({HOST}:{self.port}, {state}, {self.workdir})"
