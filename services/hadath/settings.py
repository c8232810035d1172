"""Runtime settings from the environment: one place, one documented prefix.

Every setting is ``HADATH_<NAME>``; the broker address is the conventional
``KAFKA_BOOTSTRAP_SERVERS`` (comma-separated host:port list) so the same shell
environment serves hadath, kafka-python tools and the Kafka CLI alike.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

PREFIX = "HADATH_"


def _variable(field_name: str) -> str:
    return "KAFKA_BOOTSTRAP_SERVERS" if field_name == "bootstrap_servers" else PREFIX + field_name.upper()


@dataclass(frozen=True)
class Settings:
    bootstrap_servers: str = "127.0.0.1:9092"
    articles_topic: str = "hadath.articles"
    events_topic: str = "hadath.events"
    dead_letter_topic: str = ""  # empty: "<articles_topic>.DLT"
    partitions: int = 4
    replication_factor: int = 1
    app_id: str = "hadath-worker"
    max_article_bytes: int = 1024 * 1024
    extract_timeout_seconds: float = 10.0
    web_port: int = 6066
    web_host: str = "127.0.0.1"
    metrics_port: int = 9464
    session_timeout_seconds: float = 10.0
    log_level: str = "info"

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
        for field in fields(cls):
            name = _variable(field.name)
            if name not in env:
                continue
            raw = env[name]
            kind = type(field.default)
            try:
                values[field.name] = kind(raw) if kind is not str else raw
            except ValueError as exc:
                raise ValueError(f"{name}={raw!r} is not a valid {kind.__name__}") from exc
        return cls(**values)  # type: ignore[arg-type]

    @staticmethod
    def documented() -> list[tuple[str, str]]:
        """(variable, default) pairs, for the README and `hadath settings`."""
        return [(_variable(field.name), str(field.default)) for field in fields(Settings)]
