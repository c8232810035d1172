"""Runtime settings from the environment: one place, one documented prefix.

Every setting is ``HADATH_<NAME>``, except the connection to the cluster: the broker
address and the security settings use the conventional ``KAFKA_*`` names
(``KAFKA_BOOTSTRAP_SERVERS``, ``KAFKA_SECURITY_PROTOCOL``, ``KAFKA_SASL_*``, ``KAFKA_SSL_*``)
so one shell environment serves the worker, ``hadath produce``/``tail`` and other
Kafka tools alike. :mod:`hadath.security` maps them to kafka-python and Faust.
"""

from __future__ import annotations

import os
from dataclasses import MISSING, dataclass, field, fields

PREFIX = "HADATH_"

SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")

# Settings that describe the connection to the cluster keep Kafka's own names.
_KAFKA_NAMES = {
    "bootstrap_servers": "KAFKA_BOOTSTRAP_SERVERS",
    "security_protocol": "KAFKA_SECURITY_PROTOCOL",
    "sasl_mechanism": "KAFKA_SASL_MECHANISM",
    "sasl_username": "KAFKA_SASL_USERNAME",
    "sasl_password": "KAFKA_SASL_PASSWORD",
    "ssl_cafile": "KAFKA_SSL_CAFILE",
    "ssl_certfile": "KAFKA_SSL_CERTFILE",
    "ssl_keyfile": "KAFKA_SSL_KEYFILE",
    "ssl_check_hostname": "KAFKA_SSL_CHECK_HOSTNAME",
}

# Numbers that must be at least 1, and ports; checked at startup so a typo fails with the
# variable's name instead of deep inside Faust or a socket call.
_AT_LEAST_ONE = (
    "partitions",
    "replication_factor",
    "max_article_bytes",
    "extract_processes",
    "max_in_flight",
    "topic_max_message_bytes",
)
_POSITIVE_SECONDS = (
    "extract_timeout_seconds",
    "metrics_lag_interval_seconds",
    "session_timeout_seconds",
    "shutdown_timeout_seconds",
    "connect_timeout_seconds",
)
_PORTS = ("metrics_port",)
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
COMPRESSIONS = ("", "gzip", "lz4", "zstd", "snappy")  # lz4/zstd/snappy need their Python package

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class SettingsError(ValueError):
    """A setting has a value hadath cannot use; the message names the variable."""


def _variable(field_name: str) -> str:
    return _KAFKA_NAMES.get(field_name, PREFIX + field_name.upper())


def _parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(raw)


@dataclass(frozen=True)
class Settings:
    """Every setting; field ``name`` is read from ``HADATH_NAME`` (or its ``KAFKA_*`` name above)."""

    bootstrap_servers: str = "127.0.0.1:9092"
    articles_topic: str = "hadath.articles"
    events_topic: str = "hadath.events"
    dead_letter_topic: str = ""  # empty: "<articles_topic>.DLT"
    partitions: int = 4
    replication_factor: int = 1
    app_id: str = "hadath-worker"
    max_article_bytes: int = 1024 * 1024
    extract_timeout_seconds: float = 10.0
    metrics_port: int = 9464
    metrics_host: str = "127.0.0.1"  # /metrics bind address; 0.0.0.0 in containers
    metrics_lag_interval_seconds: float = 10.0  # consumer-lag poll period (hadath.metrics)
    session_timeout_seconds: float = 10.0
    log_level: str = "info"
    # Worker processing (docs/reliability.md, docs/scaling.md).
    extractor: str = ""  # "module:function"; empty: hadath.extractor:extract; "passthrough": bench ceiling
    extract_processes: int = 1  # extraction child processes (each killed and replaced on timeout)
    max_in_flight: int = 256  # articles extracted/delivered concurrently, acked in read order
    duplicate_ids: int = 100_000  # article ids remembered for the duplicate_id check (0: off)
    shutdown_timeout_seconds: float = 30.0  # SIGTERM: drain and commit, hard exit after this
    producer_linger_ms: float = 0.0  # docs/scaling.md: lingering bought no throughput, only latency
    producer_compression: str = ""  # "", "gzip", "lz4", "zstd", "snappy"
    topic_max_message_bytes: int = 8 * 1024 * 1024  # articles and dead-letter topics accept this
    # Connection security (KAFKA_* variables, see hadath.security and docs/producers.md).
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str = "SCRAM-SHA-512"
    sasl_username: str = ""
    sasl_password: str = field(default="", repr=False)  # never in logs or tracebacks
    ssl_cafile: str = ""  # empty: the system's trusted CAs
    ssl_certfile: str = ""  # client certificate (mutual TLS), PEM
    ssl_keyfile: str = ""  # its private key, PEM (may be inside ssl_certfile)
    ssl_check_hostname: bool = True
    connect_timeout_seconds: float = 15.0  # give up on an unreachable or refusing cluster after this

    def __post_init__(self) -> None:
        # Fail at startup with the variable's name, not deep inside a client later.
        for name in _AT_LEAST_ONE:
            if getattr(self, name) < 1:
                raise SettingsError(f"{_variable(name)}={getattr(self, name)!r} must be at least 1")
        for name in _POSITIVE_SECONDS:
            if not getattr(self, name) > 0:
                raise SettingsError(f"{_variable(name)}={getattr(self, name)!r} must be more than 0 seconds")
        for name in _PORTS:
            if not 0 <= getattr(self, name) <= 65535:
                raise SettingsError(f"{_variable(name)}={getattr(self, name)!r} is not a port (0-65535)")
        if self.duplicate_ids < 0:
            raise SettingsError(f"HADATH_DUPLICATE_IDS={self.duplicate_ids!r} must be 0 (off) or more")
        if self.log_level.lower() not in LOG_LEVELS:
            raise SettingsError(f"HADATH_LOG_LEVEL={self.log_level!r} is not one of {', '.join(LOG_LEVELS)}")
        if self.producer_compression not in COMPRESSIONS:
            raise SettingsError(
                f"HADATH_PRODUCER_COMPRESSION={self.producer_compression!r} "
                f"is not one of {', '.join(c or '(empty)' for c in COMPRESSIONS)}"
            )
        protocol = self.security_protocol.upper()
        if protocol not in SECURITY_PROTOCOLS:
            raise SettingsError(
                f"KAFKA_SECURITY_PROTOCOL={self.security_protocol!r} "
                f"is not one of {', '.join(SECURITY_PROTOCOLS)}"
            )
        object.__setattr__(self, "security_protocol", protocol)
        if self.uses_sasl:
            mechanism = self.sasl_mechanism.upper()
            if mechanism not in SASL_MECHANISMS:
                raise SettingsError(
                    f"KAFKA_SASL_MECHANISM={self.sasl_mechanism!r} is not one of {', '.join(SASL_MECHANISMS)}"
                )
            object.__setattr__(self, "sasl_mechanism", mechanism)
            if not self.sasl_username or not self.sasl_password:
                raise SettingsError(
                    f"KAFKA_SECURITY_PROTOCOL={protocol} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD"
                )
        if self.ssl_keyfile and not self.ssl_certfile:
            raise SettingsError("KAFKA_SSL_KEYFILE is set but KAFKA_SSL_CERTFILE is not")

    @property
    def uses_sasl(self) -> bool:
        return self.security_protocol in ("SASL_PLAINTEXT", "SASL_SSL")

    @property
    def uses_ssl(self) -> bool:
        return self.security_protocol in ("SSL", "SASL_SSL")

    @property
    def dlt_topic(self) -> str:
        return self.dead_letter_topic or f"{self.articles_topic}.DLT"

    @property
    def bootstrap_list(self) -> list[str]:
        return [server.strip() for server in self.bootstrap_servers.split(",") if server.strip()]

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for item in fields(cls):
            name = _variable(item.name)
            if name not in env:
                continue
            raw = env[name]
            kind = type(item.default) if item.default is not MISSING else str
            try:
                if kind is bool:
                    values[item.name] = _parse_bool(raw)
                else:
                    values[item.name] = kind(raw) if kind is not str else raw
            except ValueError as exc:
                raise SettingsError(f"{name}={raw!r} is not a valid {kind.__name__}") from exc
        return cls(**values)  # type: ignore[arg-type]

    @staticmethod
    def documented() -> list[tuple[str, str]]:
        """(variable, default) pairs of every setting, in declaration order (`hadath settings`)."""
        return [(_variable(item.name), str(item.default)) for item in fields(Settings)]

    def redacted(self) -> dict[str, object]:
        """The settings for logs and error messages: the password never appears."""
        values = {item.name: getattr(self, item.name) for item in fields(self)}
        if values["sasl_password"]:
            values["sasl_password"] = "***"
        return values
