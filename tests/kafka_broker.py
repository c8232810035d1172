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

import base64
import os
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local_server import ChildServer

REPO_ROOT = Path(__file__).resolve().parent.parent
KAFKA_SH = REPO_ROOT / "deploy" / "kafka" / "kafka.sh"
LOG4J_CONF = REPO_ROOT / "deploy" / "kafka" / "log4j2.properties"
HOST = "127.0.0.1"


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


class KafkaNotReady(RuntimeError):
    pass


class LocalKafka(ChildServer):
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
        super().__init__(workdir, "hadath-kafka-", start_timeout)
        self.data_dir = self.workdir / "data"
        self.log_dir = self.workdir / "logs"
        self.properties_file = self.workdir / "server.properties"
        self.libs_dir = Path(libs_dir) if libs_dir else None
        self.heap = heap
        self.ready_client_config = dict(ready_client_config or {})
        self.cluster_id = random_cluster_id()

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
        # "{port}", "{controller_port}" and "{host}" in extra values stand for this broker's
        # own (free, picked at construction) ports, so a secured listener can take them over.
        props.update({key: self._fill(value) for key, value in self.extra_properties.items()})
        return props

    def _fill(self, value: str) -> str:
        return (
            value.replace("{port}", str(self.port))
            .replace("{controller_port}", str(self.controller_port))
            .replace("{host}", HOST)
        )

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
            # format_args may carry SCRAM passwords; StorageTool echoes none of them.
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
            return self._launch(
                self._java("kafka.Kafka", str(self.properties_file)), self.log_dir / "stdout.log"
            )

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

    def log_tail(self, lines: int = 40) -> str:
        out = []
        for name in ("server.log", "stdout.log"):
            path = self.log_dir / name
            if path.exists():
                text = path.read_text(encoding="utf-8", errors="replace").splitlines()
                out.append(f"--- {path} ---\n" + "\n".join(text[-lines:]))
        return "\n".join(out)

    def __repr__(self) -> str:
        state = f"pid {self.pid}" if self.running else "stopped"
        return f"LocalKafka({self.bootstrap}, {state}, {self.workdir})"


# ---------------------------------------------------------------- secured mode
@dataclass(frozen=True)
class TlsFiles:
    """A throwaway CA and a broker certificate it signed (PEM files), for secured test brokers."""

    ca_cert: Path  # what clients trust (KAFKA_SSL_CAFILE)
    broker_keystore: Path  # broker key + certificate chain (ssl.keystore.type=PEM)
    client_cert: Path  # a client certificate signed by the same CA (mutual TLS tests)
    client_key: Path


def _openssl(*args: str, cwd: Path) -> None:
    res = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    if res.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {res.stderr}")


def make_tls_files(directory: str | os.PathLike[str], *, ca_name: str = "hadath test CA") -> TlsFiles:
    """A new self-signed CA, a broker cert for 127.0.0.1/localhost and a client cert, via `openssl`.

    The extensions (CA basic constraints, key usages, subject/authority key ids, SANs) are
    the ones strict verifiers (Java, OpenSSL 3, Python's default context) insist on.
    """
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "2", "-subj", f"/CN={ca_name}",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-addext", "subjectKeyIdentifier=hash",
        cwd=d,
    )  # fmt: skip
    for name, usage, san in (
        ("broker", "serverAuth,clientAuth", "IP:127.0.0.1,DNS:localhost"),
        ("client", "clientAuth", "DNS:hadath-test-client"),
    ):
        (d / f"{name}.ext").write_text(
            "basicConstraints=CA:FALSE\n"
            "keyUsage=critical,digitalSignature,keyEncipherment\n"
            f"extendedKeyUsage={usage}\n"
            f"subjectAltName={san}\n"
            "subjectKeyIdentifier=hash\n"
            "authorityKeyIdentifier=keyid,issuer\n",
            encoding="utf-8",
        )
        _openssl(
            "req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
            "-subj", f"/CN={name}",
            cwd=d,
        )  # fmt: skip
        _openssl(
            "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext",
            cwd=d,
        )  # fmt: skip
    # Kafka's PEM keystore: an unencrypted PKCS#8 key followed by the certificate chain.
    keystore = d / "broker-keystore.pem"
    keystore.write_text(
        (d / "broker.key").read_text() + (d / "broker.pem").read_text() + (d / "ca.pem").read_text()
    )
    return TlsFiles(d / "ca.pem", keystore, d / "client.pem", d / "client.key")


def sasl_ssl_broker(
    tls: TlsFiles,
    users: dict[str, str],
    *,
    mechanism: str = "SCRAM-SHA-512",
    **kwargs: Any,
) -> LocalKafka:
    """A LocalKafka whose only client listener is SASL_SSL (SCRAM) on ``.bootstrap``.

    The SCRAM credentials of ``users`` (and of the broker's own inter-broker user) are
    written at format time with ``--add-scram``, the KRaft way: no running broker is needed
    to create them. The controller listener stays PLAINTEXT on loopback.
    """
    broker_user, broker_password = "hadath-broker", uuid.uuid4().hex
    all_users = {broker_user: broker_password, **users}
    jaas = (
        "org.apache.kafka.common.security.scram.ScramLoginModule required "
        f'username="{broker_user}" password="{broker_password}";'
    )
    props = {
        "listeners": "SASL_SSL://{host}:{port},CONTROLLER://{host}:{controller_port}",
        "advertised.listeners": "SASL_SSL://{host}:{port}",
        "listener.security.protocol.map": "SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name": "SASL_SSL",
        "sasl.enabled.mechanisms": mechanism,
        "sasl.mechanism.inter.broker.protocol": mechanism,
        f"listener.name.sasl_ssl.{mechanism.lower()}.sasl.jaas.config": jaas,
        "ssl.keystore.type": "PEM",
        "ssl.keystore.location": str(tls.broker_keystore),
        "ssl.truststore.type": "PEM",
        "ssl.truststore.location": str(tls.ca_cert),
        "ssl.client.auth": "none",
        # A failed login is answered at once (the default delays the reply by 100 ms).
        "connection.failed.authentication.delay.ms": "0",
    }
    format_args: list[str] = []
    for name, password in all_users.items():
        format_args += ["--add-scram", f"{mechanism}=[name={name},password={password}]"]
    ready = {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": mechanism,
        "sasl_plain_username": broker_user,
        "sasl_plain_password": broker_password,
        "ssl_cafile": str(tls.ca_cert),
    }
    return LocalKafka(extra_properties=props, format_args=format_args, ready_client_config=ready, **kwargs)
