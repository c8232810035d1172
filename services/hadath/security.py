"""One set of connection settings (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*, KAFKA_SSL_*) for every client.

:class:`~hadath.settings.Settings` reads the variables; this module turns them into
what each client library wants, from the same ``ssl.SSLContext`` so that kafka-python
(``hadath produce``/``tail``, topic admin) and Faust/aiokafka (the worker) verify the
broker identically:

- :func:`kafka_client_kwargs` for ``KafkaProducer``/``KafkaConsumer``/``KafkaAdminClient``;
- :func:`faust_credentials` for ``faust.App(broker_credentials=...)``;
- :func:`check_connection`: connect once with a bounded timeout and turn the client's
  retry loop into one clear error (wrong password, untrusted certificate, wrong protocol,
  nothing listening) instead of a silent wait.
"""

from __future__ import annotations

import logging
import ssl
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hadath.settings import Settings

if TYPE_CHECKING:
    from faust.types.auth import CredentialsT


class ConnectionFailed(RuntimeError):
    """The cluster could not be reached or refused us; the message says why and what to check."""


def _readable(variable: str, path: str) -> str:
    if not Path(path).is_file():
        raise ConnectionFailed(f"{variable}={path} does not exist or is not a file")
    return path


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """The TLS context for SSL/SASL_SSL (None otherwise): server verification always on."""
    if not settings.uses_ssl:
        return None
    cafile = _readable("KAFKA_SSL_CAFILE", settings.ssl_cafile) if settings.ssl_cafile else None
    # A default context verifies the broker's chain (against the CA file, or the system's
    # trust store when none is given); only the hostname check may be switched off.
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=cafile)
    context.check_hostname = settings.ssl_check_hostname
    if settings.ssl_certfile:
        context.load_cert_chain(
            _readable("KAFKA_SSL_CERTFILE", settings.ssl_certfile),
            _readable("KAFKA_SSL_KEYFILE", settings.ssl_keyfile) if settings.ssl_keyfile else None,
        )
    return context


def kafka_client_kwargs(settings: Settings) -> dict[str, Any]:
    """Security keyword arguments for kafka-python clients."""
    kwargs: dict[str, Any] = {"security_protocol": settings.security_protocol}
    if settings.uses_ssl:
        kwargs["ssl_context"] = ssl_context(settings)
    if settings.uses_sasl:
        kwargs.update(
            sasl_mechanism=settings.sasl_mechanism,
            sasl_plain_username=settings.sasl_username,
            sasl_plain_password=settings.sasl_password.get_secret_value(),
        )
    return kwargs


def faust_credentials(settings: Settings) -> CredentialsT | None:
    """``broker_credentials`` for the Faust app (None for PLAINTEXT).

    Built from a ready ``ssl.SSLContext``: Faust's ``SSLCredentials()`` cannot build its
    own context without an explicit ``purpose`` (it raises TypeError).
    """
    from faust.auth import SASLCredentials, SSLCredentials

    context = ssl_context(settings)
    if settings.uses_sasl:
        return SASLCredentials(
            username=settings.sasl_username,
            password=settings.sasl_password.get_secret_value(),
            mechanism=settings.sasl_mechanism,
            ssl_context=context,  # None keeps SASL_PLAINTEXT, a context makes it SASL_SSL
        )
    if context is not None:
        return SSLCredentials(context)
    return None


# ------------------------------------------------------------------ diagnosis
class _Capture(logging.Handler):
    """Collects why kafka-python's bootstrap attempts failed (it only logs them)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.reasons: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        marker = " failed: "
        if (
            record.name.startswith("kafka.net")
            and message.startswith("Bootstrap connection")
            and marker in message
        ):
            self.reasons.append(message.split(marker, 1)[1].split(" (backoff", 1)[0])


def _is_fatal(reason: str) -> bool:
    """Retrying cannot fix these: stop at once."""
    return "SaslAuthenticationFailed" in reason or "CERTIFICATE_VERIFY_FAILED" in reason


def explain(reason: str | None, settings: Settings) -> str:
    """A one-line diagnosis of a connection failure, naming the settings to check."""
    where = settings.bootstrap_servers
    protocol = settings.security_protocol
    if reason is None:
        return f"no answer from {where} (KAFKA_SECURITY_PROTOCOL={protocol})"
    if "SaslAuthenticationFailed" in reason:
        return (
            f"authentication failed: {where} refused user {settings.sasl_username!r} with "
            f"{settings.sasl_mechanism} "
            "(check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD, KAFKA_SASL_MECHANISM)"
        )
    if "CERTIFICATE_VERIFY_FAILED" in reason:
        detail = reason.split("certificate verify failed:", 1)[-1].split("(_ssl", 1)[0].strip()
        hint = (
            "the certificate does not name this host (KAFKA_SSL_CHECK_HOSTNAME)"
            if "mismatch" in detail.lower()
            else "KAFKA_SSL_CAFILE must hold the CA that signed the broker's certificate"
        )
        return f"TLS: the certificate of {where} is not trusted ({detail}); {hint}"
    if "ECONNREFUSED" in reason:
        return f"nothing listens at {where} (KAFKA_BOOTSTRAP_SERVERS)"
    if not settings.uses_ssl and ("Invalid frame length" in reason or "socket disconnected" in reason):
        return (
            f"{where} closed the connection: the listener probably expects TLS/SASL "
            f"(KAFKA_SECURITY_PROTOCOL={protocol})"
        )
    if settings.uses_ssl and "Handshake failed" in reason:
        return f"TLS handshake with {where} failed: {reason} (is it a TLS listener?)"
    return f"cannot connect to {where}: {reason}"


def check_connection(settings: Settings, timeout_seconds: float = 15.0) -> None:
    """Connect and list topics once, or raise :class:`ConnectionFailed` with a clear reason.

    Fatal answers (bad credentials, untrusted certificate) end the wait at the first
    attempt; anything else is retried until ``timeout_seconds``.
    """
    from kafka import KafkaAdminClient

    kwargs = kafka_client_kwargs(settings)  # may raise ConnectionFailed for a missing file
    capture = _Capture()
    kafka_log = logging.getLogger("kafka")
    propagate = kafka_log.propagate
    kafka_log.addHandler(capture)
    kafka_log.propagate = False  # the retry noise is summarised in one message below
    deadline = time.monotonic() + timeout_seconds
    try:
        while True:
            remaining = deadline - time.monotonic()
            try:
                admin = KafkaAdminClient(
                    bootstrap_servers=settings.bootstrap_list,
                    client_id="hadath-check",
                    # short attempts so a fatal reason is seen soon after it happens
                    bootstrap_timeout_ms=int(max(0.5, min(remaining, 2.0)) * 1000),
                    request_timeout_ms=int(max(1.0, min(remaining, 10.0)) * 1000),
                    **kwargs,
                )
            except Exception as exc:
                last = capture.reasons[-1] if capture.reasons else None
                if (last is not None and _is_fatal(last)) or time.monotonic() >= deadline:
                    raise ConnectionFailed(
                        explain(last or f"{type(exc).__name__}: {exc}", settings)
                    ) from None
                continue
            try:
                admin.list_topics()
                return
            except Exception as exc:
                raise ConnectionFailed(explain(f"{type(exc).__name__}: {exc}", settings)) from None
            finally:
                admin.close()
    finally:
        kafka_log.removeHandler(capture)
        kafka_log.propagate = propagate
