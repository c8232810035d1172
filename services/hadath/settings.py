"""Runtime settings from the environment: one place, one documented prefix (pydantic-settings).

Every setting is ``HADATH_<NAME>``, except the connection to the cluster: the broker
address and the security settings use the conventional ``KAFKA_*`` names
(``KAFKA_BOOTSTRAP_SERVERS``, ``KAFKA_SECURITY_PROTOCOL``, ``KAFKA_SASL_*``, ``KAFKA_SSL_*``)
so one shell environment serves the worker, ``hadath produce``/``tail`` and other
Kafka tools alike. :mod:`hadath.security` maps them to kafka-python and Faust.

A new setting is one annotated field below: its variable is ``HADATH_<FIELD>`` unless it
names a ``validation_alias``; secrets are :class:`~pydantic.SecretStr` (masked in ``repr``,
logs and ``hadath settings``; read with ``.get_secret_value()`` where a client needs them).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AliasGenerator,
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings.sources import EnvSettingsSource

PREFIX = "HADATH_"


class SettingsError(ValueError):
    """A setting has a value hadath cannot use; the message names the variable."""


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


# Constrained types: a typo fails at startup with the variable's name instead of deep
# inside Faust or a socket call.
AtLeastOne = Annotated[int, Field(ge=1)]
Seconds = Annotated[float, Field(gt=0)]
Port = Annotated[int, Field(ge=0, le=65535)]  # 0: any free port
SecurityProtocol = Annotated[
    Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"], BeforeValidator(_upper)
]
SaslMechanism = Annotated[Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"], BeforeValidator(_upper)]
LogLevel = Annotated[Literal["debug", "info", "warning", "error", "critical"], BeforeValidator(_lower)]
LogFormat = Annotated[Literal["text", "json"], BeforeValidator(_lower)]
Compression = Literal["", "gzip", "lz4", "zstd", "snappy"]  # lz4/zstd/snappy need their Python package


def _postgres_dsn(value: str) -> str:
    """A libpq connection string (URI or key=value) that does not carry the password."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    try:
        params = conninfo_to_dict(value)
    except psycopg.ProgrammingError as exc:
        raise ValueError(f"not a PostgreSQL connection string ({str(exc).strip()})") from None
    if "password" in params:
        raise ValueError("carries a password: put it in HADATH_POSTGRES_PASSWORD, where it stays masked")
    return value


PostgresDsn = Annotated[str, AfterValidator(_postgres_dsn)]


STORY_TABLES = ("stories", "open-stories")
"""The worker's Faust tables for story grouping (hadath.worker.stories)."""


class Settings(BaseSettings):
    """Every setting; field ``name`` is read from ``HADATH_NAME`` (or its ``KAFKA_*`` alias)."""

    model_config = SettingsConfigDict(
        # HADATH_<FIELD> unless the field names its own variable (the KAFKA_* ones); exactly
        # these names, case-sensitive, as documented.
        alias_generator=AliasGenerator(validation_alias=lambda name: PREFIX + name.upper()),
        case_sensitive=True,
        frozen=True,
        extra="ignore",
        validate_by_name=True,  # Settings(bootstrap_servers=...) as well as the variable names
        validate_default=True,
    )

    bootstrap_servers: str = Field("127.0.0.1:9092", validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    articles_topic: str = "hadath.articles"
    events_topic: str = "hadath.events"
    stories_topic: str = "hadath.stories"  # compacted story rollups (docs/stories.md)
    # group events into stories (story_id, the stories topic). Off by default: with Faust tables
    # in the worker a restart can lose a record (docs/stories.md, "Why it is off by default")
    stories: bool = False
    dead_letter_topic: str = ""  # empty: "<articles_topic>.DLT"
    partitions: AtLeastOne = 4
    replication_factor: AtLeastOne = 1
    app_id: str = "hadath-worker"
    max_article_bytes: AtLeastOne = 1024 * 1024
    extract_timeout_seconds: Seconds = 10.0
    metrics_port: Port = 9464  # /metrics, /livez and /readyz
    metrics_host: str = "127.0.0.1"  # their bind address; 0.0.0.0 in containers
    metrics_lag_interval_seconds: Seconds = 10.0  # consumer-lag poll period (hadath.metrics)
    liveness_timeout_seconds: Seconds = 30.0  # /livez fails when the event loop is silent this long
    session_timeout_seconds: Seconds = 10.0
    log_level: LogLevel = "info"
    log_format: LogFormat = "text"  # "json": one object per line, record coordinates as fields (hadath.logs)
    # Worker processing (docs/reliability.md, docs/scaling.md).
    extractor: str = ""  # "module:function"; empty: hadath.extractor:extract; "passthrough": bench ceiling
    extract_processes: AtLeastOne = 1  # extraction child processes (each killed and replaced on timeout)
    max_in_flight: AtLeastOne = 256  # articles extracted/delivered concurrently, acked in read order
    duplicate_ids: Annotated[int, Field(ge=0)] = 100_000  # article ids remembered (0: check off)
    shutdown_timeout_seconds: Seconds = 30.0  # SIGTERM: drain and commit, hard exit after this
    producer_linger_ms: Annotated[float, Field(ge=0)] = 0.0  # docs/scaling.md: lingering bought no throughput
    producer_compression: Compression = ""
    topic_max_message_bytes: AtLeastOne = 8 * 1024 * 1024  # articles and dead-letter topics accept this
    # Connection security (KAFKA_* variables, see hadath.security and docs/producers.md).
    security_protocol: SecurityProtocol = Field("PLAINTEXT", validation_alias="KAFKA_SECURITY_PROTOCOL")
    sasl_mechanism: SaslMechanism = Field("SCRAM-SHA-512", validation_alias="KAFKA_SASL_MECHANISM")
    sasl_username: str = Field("", validation_alias="KAFKA_SASL_USERNAME")
    sasl_password: SecretStr = Field(SecretStr(""), validation_alias="KAFKA_SASL_PASSWORD")
    ssl_cafile: str = Field("", validation_alias="KAFKA_SSL_CAFILE")  # empty: the system's trusted CAs
    ssl_certfile: str = Field("", validation_alias="KAFKA_SSL_CERTFILE")  # client certificate (mTLS), PEM
    ssl_keyfile: str = Field("", validation_alias="KAFKA_SSL_KEYFILE")  # its key, PEM (may be in the cert)
    ssl_check_hostname: bool = Field(True, validation_alias="KAFKA_SSL_CHECK_HOSTNAME")
    connect_timeout_seconds: Seconds = 15.0  # give up on an unreachable or refusing cluster after this
    # The event store (`hadath sink`, docs/analysts.md); the DSN carries no password.
    postgres_dsn: PostgresDsn = Field(
        "postgresql://hadath@127.0.0.1:55432/hadath", json_schema_extra={"may_hold_secret": True}
    )
    postgres_password: SecretStr = SecretStr("")
    sink_group: str = "hadath-sink"
    sink_batch_size: AtLeastOne = 500  # records per poll, stored in one transaction
    sink_metrics_port: Port = 9465  # `hadath sink`'s /metrics (on metrics_host); 0: any free port

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Arguments, then the process environment; no .env file or secrets folder is read
        # behind the operator's back (Kubernetes Secrets arrive as variables).
        return (init_settings, env_settings)

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if self.uses_sasl and not (self.sasl_username and self.sasl_password.get_secret_value()):
            raise ValueError(
                f"KAFKA_SECURITY_PROTOCOL={self.security_protocol} needs KAFKA_SASL_USERNAME and "
                "KAFKA_SASL_PASSWORD"
            )
        if self.ssl_keyfile and not self.ssl_certfile:
            raise ValueError("KAFKA_SSL_KEYFILE is set but KAFKA_SSL_CERTFILE is not")
        return self

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
    def story_input_topic(self) -> str:
        """Internal: extracted events keyed by type, on their way to story grouping."""
        return f"{self.app_id}-story-input"

    @property
    def story_changelog_topics(self) -> list[str]:
        """Internal: the changelogs of the story tables (Faust's naming), created up front so
        that the worker's first metadata already has their partitions."""
        return [f"{self.app_id}-{table}-changelog" for table in STORY_TABLES]

    @property
    def bootstrap_list(self) -> list[str]:
        return [server.strip() for server in self.bootstrap_servers.split(",") if server.strip()]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """The settings from ``environ`` (default: the process environment), then ``overrides``
        by field name (command-line flags); raises :class:`SettingsError` naming the variable."""
        env = {
            **(os.environ if environ is None else environ),
            **{variable(k): v for k, v in overrides.items()},
        }
        try:
            # An explicit mapping is the whole environment: os.environ is not consulted then.
            return cls(_build_sources=((_MappingSource(cls, env),), {}))
        except ValidationError as exc:
            raise SettingsError(_explain(exc)) from None

    @classmethod
    def documented(cls) -> list[tuple[str, str]]:
        """(variable, default) pairs of every setting, in declaration order (`hadath settings`)."""
        return [(variable(name), _shown(field.default)) for name, field in cls.model_fields.items()]

    def redacted(self) -> dict[str, object]:
        """The settings for logs and error messages: secrets masked, never their value."""
        return {name: _shown(getattr(self, name)) for name in type(self).model_fields}


class _MappingSource(EnvSettingsSource):
    """The environment source reading a given mapping instead of ``os.environ`` (tests, the
    ConfigMap check), with the same names, parsing and precedence."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = dict(environ)
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return self._environ


def variable(field_name: str) -> str:
    """The environment variable a field is read from."""
    alias = Settings.model_fields[field_name].validation_alias
    assert isinstance(alias, str)  # every field has one (the alias generator)
    return alias


def _secret_variables() -> set[str]:
    """Variables never echoed: secrets, and settings a secret may be pasted into by mistake."""
    return {
        variable(name)
        for name, field in Settings.model_fields.items()
        if field.annotation is SecretStr or (field.json_schema_extra or {}).get("may_hold_secret")  # type: ignore[union-attr]
    }


def _shown(value: object) -> str:
    if isinstance(value, SecretStr):
        return "***" if value.get_secret_value() else ""
    return str(value)


def _explain(exc: ValidationError) -> str:
    """One line per problem, each naming the variable and the value it had."""
    problems = []
    for error in exc.errors(include_url=False):
        message = error["msg"].removeprefix("Value error, ")
        if not error["loc"]:  # a model-level check: its message names the variables
            problems.append(message)
            continue
        shown = str(error["loc"][0])  # the variable: every field is validated by its alias
        value = "***" if shown in _secret_variables() else error.get("input")
        problems.append(f"{shown}={value!r} is not valid: {message[:1].lower()}{message[1:]}")
    return "; ".join(problems)
