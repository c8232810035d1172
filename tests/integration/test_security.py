"""SASL_SSL end to end: a broker whose only client listener is SASL_SSL with SCRAM-SHA-512.

One secured LocalKafka per module (self-signed CA and broker certificate made here with
openssl, SCRAM users written at format time). With the right KAFKA_* variables the
producer, the worker and tail work; a wrong password or an untrusted CA ends in a clear
error and exit status 3 instead of a retry loop.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from doc_snippets import run_snippet
from kafka_broker import LocalKafka, TlsFiles, make_tls_files, sasl_ssl_broker
from worker_process import TopicNames, WorkerProcess

pytestmark = pytest.mark.kafka

ROOT = Path(__file__).resolve().parents[2]
USER, PASSWORD = "alice", "alice-" + uuid.uuid4().hex[:12]
# Far longer than any subprocess timeout below: a refusal that ends the command in time
# must have been recognised as fatal, not waited out.
PATIENT = {"HADATH_CONNECT_TIMEOUT_SECONDS": "600"}


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def other_ca(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_tls_files(tmp_path_factory.mktemp("other-tls"), ca_name="some other CA")


@pytest.fixture(scope="module")
def secured(tls: TlsFiles) -> Iterator[LocalKafka]:
    with sasl_ssl_broker(tls, {USER: PASSWORD}) as broker:
        yield broker


@pytest.fixture
def article(tmp_path: Path) -> Path:
    """One valid article to send."""
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "x", "body": "نص عربي"}) + "\n", encoding="utf-8")
    return path


def security_env(broker: LocalKafka, tls: TlsFiles, **overrides: str) -> dict[str, str]:
    return {
        "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
        "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        "KAFKA_SASL_USERNAME": USER,
        "KAFKA_SASL_PASSWORD": PASSWORD,
        "KAFKA_SSL_CAFILE": str(tls.ca_cert),
        **overrides,
    }


def hadath(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HADATH_", "KAFKA_"))}
    return subprocess.run(
        [sys.executable, "-m", "hadath.cli", *args],
        capture_output=True,
        text=True,
        env={**base, **env},
        timeout=timeout,
        cwd=ROOT,
    )


def test_producer_worker_and_tail_work_end_to_end_over_sasl_ssl(
    secured: LocalKafka, tls: TlsFiles, tmp_path: Path
) -> None:
    names = TopicNames.unique("secure")
    env = {**security_env(secured, tls), **names.env()}

    produced = hadath("produce", "--create-topics", str(ROOT / "seeds"), env=env)
    assert produced.returncode == 0, produced.stderr
    assert "failed 0" in produced.stderr

    with WorkerProcess(
        secured.bootstrap, names, tmp_path / "worker.log", env=security_env(secured, tls)
    ) as worker:
        tailed = hadath("tail", "--max", "1", "--idle-timeout", "90", env=env, timeout=150)
        assert worker.alive, worker.log_tail()
    assert tailed.returncode == 0, tailed.stderr
    events = [json.loads(line) for line in tailed.stdout.splitlines()]
    assert events, f"no event arrived:\n{tailed.stderr}\n{worker.log_tail()}"
    seed_ids = {f"seed-{p.stem}" for p in (ROOT / "seeds").glob("*.txt")}
    assert events[0]["article_id"] in seed_ids


def test_the_documented_python_producer_works_over_sasl_ssl(secured: LocalKafka, tls: TlsFiles) -> None:
    # docs/producers.md's kafka-python example, driven by the same KAFKA_* variables as hadath
    env = {**security_env(secured, tls), "HADATH_ARTICLES_TOPIC": f"articles-doc-{uuid.uuid4().hex[:8]}"}
    result = run_snippet("python-producer", env)
    assert result.returncode == 0, result.stderr
    assert "sent example-2016-09-08-0001" in result.stdout


def test_a_wrong_password_is_refused_with_a_clear_error(
    secured: LocalKafka, tls: TlsFiles, article: Path
) -> None:
    result = hadath(
        "produce",
        str(article),
        env=security_env(secured, tls, KAFKA_SASL_PASSWORD="not-it", **PATIENT),
        timeout=60,
    )

    assert result.returncode == 3
    assert (
        f"authentication failed: {secured.bootstrap} refused user '{USER}' with SCRAM-SHA-512"
        in result.stderr
    )
    assert "not-it" not in result.stderr


def test_an_untrusted_ca_is_refused_with_a_clear_error(
    secured: LocalKafka, tls: TlsFiles, other_ca: TlsFiles, article: Path
) -> None:
    result = hadath(
        "produce",
        str(article),
        env=security_env(secured, tls, KAFKA_SSL_CAFILE=str(other_ca.ca_cert), **PATIENT),
        timeout=60,
    )

    assert result.returncode == 3
    assert "TLS: the certificate of" in result.stderr
    assert "KAFKA_SSL_CAFILE must hold the CA that signed the broker's certificate" in result.stderr


def test_the_worker_with_a_wrong_password_exits_instead_of_retrying(
    secured: LocalKafka, tls: TlsFiles
) -> None:
    names = TopicNames.unique("badworker")
    result = hadath(
        "worker",
        env={**security_env(secured, tls, KAFKA_SASL_PASSWORD="not-it", **PATIENT), **names.env()},
        timeout=60,
    )
    assert result.returncode == 3
    assert "authentication failed" in result.stderr


def test_a_plaintext_client_is_told_the_listener_wants_tls(secured: LocalKafka, tls: TlsFiles) -> None:
    result = hadath(
        "tail",
        "--max",
        "1",
        env={
            "KAFKA_BOOTSTRAP_SERVERS": secured.bootstrap,
            "KAFKA_SECURITY_PROTOCOL": "PLAINTEXT",
            "HADATH_CONNECT_TIMEOUT_SECONDS": "3",
        },
        timeout=60,
    )
    assert result.returncode == 3
    assert "probably expects TLS/SASL (KAFKA_SECURITY_PROTOCOL=PLAINTEXT)" in result.stderr
