"""Shared pytest setup: the ``kafka`` marker and a session-wide real Kafka broker."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# tests/ on sys.path so test modules can `from kafka_broker import LocalKafka`
# whatever pytest's import mode or rootdir.
_TESTS_DIR = str(Path(__file__).resolve().parent)
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)

from kafka_broker import LocalKafka  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "kafka: needs a real Kafka broker (started locally, or KAFKA_BOOTSTRAP_SERVERS)",
    )


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
