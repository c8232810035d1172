"""Shared pytest setup: the ``kafka`` marker and a session-wide real Kafka broker."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# tests/ on sys.path so test modules can `from kafka_broker import LocalKafka`
# whatever pytest's import mode or rootdir.
_TESTS_DIR = str(Path(__file__).resolve().parent)
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)

from kafka_broker import LocalKafka  # noqa: E402
from postgres_server import LocalPostgres  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "kafka: needs a real Kafka broker (started locally, or KAFKA_BOOTSTRAP_SERVERS)",
    )
    config.addinivalue_line("markers", "postgres: needs a real PostgreSQL server (started locally)")


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """Bootstrap address of a real broker shared by the whole test session.

    KAFKA_BOOTSTRAP_SERVERS points the suite at an already running broker (e.g. the one
    `deploy/kafka/kafka.sh up` started); otherwise one LocalKafka is started on free ports.
    """
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if external:
        yield external
        return
    with LocalKafka() as broker:
        yield broker.bootstrap


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[LocalPostgres]:
    """A real PostgreSQL server shared by the whole test session (tests/postgres_server.py)."""
    with LocalPostgres() as server:
        yield server


@pytest.fixture
def postgres_db(postgres_server: LocalPostgres) -> PostgresDatabase:
    """A fresh, empty database of its own for one test."""
    return PostgresDatabase(postgres_server, postgres_server.create_database())


@dataclass(frozen=True)
class PostgresDatabase:
    server: LocalPostgres
    name: str

    @property
    def dsn(self) -> str:
        """HADATH_POSTGRES_DSN (no password)."""
        return self.server.dsn_for(self.name)

    @property
    def password(self) -> str:
        """HADATH_POSTGRES_PASSWORD."""
        return self.server.password

    @property
    def conninfo(self) -> str:
        """For the test's own psycopg connections."""
        return self.server.conninfo(self.name)

    def env(self) -> dict[str, str]:
        return {"HADATH_POSTGRES_DSN": self.dsn, "HADATH_POSTGRES_PASSWORD": self.password}
