"""KAFKA_* security variables: parsed once in Settings, mapped to kafka-python and Faust alike."""

from __future__ import annotations

import re
import ssl
import subprocess
from pathlib import Path

import pytest
from kafka_broker import make_tls_files

from hadath.security import ConnectionFailed, explain, faust_credentials, kafka_client_kwargs, ssl_context
from hadath.settings import Settings, SettingsError


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory):
    return make_tls_files(tmp_path_factory.mktemp("tls"))


def test_plaintext_is_the_default_and_adds_nothing() -> None:
    settings = Settings.from_env({})
    assert kafka_client_kwargs(settings) == {"security_protocol": "PLAINTEXT"}
    assert faust_credentials(settings) is None
    assert ssl_context(settings) is None


def test_sasl_ssl_maps_to_kafka_python_and_faust_from_one_context(tls) -> None:
    from faust.auth import SASLCredentials
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

    settings = Settings.from_env(
        {
            "KAFKA_SECURITY_PROTOCOL": "sasl_ssl",
            "KAFKA_SASL_MECHANISM": "scram-sha-512",
            "KAFKA_SASL_USERNAME": "alice",
            "KAFKA_SASL_PASSWORD": "s3cret",
            "KAFKA_SSL_CAFILE": str(tls.ca_cert),
        }
    )
    kwargs = kafka_client_kwargs(settings)
    assert kwargs["security_protocol"] == "SASL_SSL"
    assert (kwargs["sasl_mechanism"], kwargs["sasl_plain_username"], kwargs["sasl_plain_password"]) == (
        "SCRAM-SHA-512",
        "alice",
        "s3cret",
    )
    context = kwargs["ssl_context"]
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert any("hadath test CA" in str(ca["subject"]) for ca in context.get_ca_certs())

    credentials = faust_credentials(settings)
    assert isinstance(credentials, SASLCredentials)
    # What Faust hands to aiokafka: the same protocol, mechanism and user as kafka-python.
    auth = credentials_to_aiokafka_auth(credentials)
    assert auth["security_protocol"] == "SASL_SSL"
    assert auth["sasl_mechanism"] == "SCRAM-SHA-512"
    assert auth["sasl_plain_username"] == "alice"
    assert isinstance(auth["ssl_context"], ssl.SSLContext)


def test_ssl_with_client_certificate_and_no_hostname_check(tls) -> None:
    from faust.auth import SSLCredentials

    settings = Settings.from_env(
        {
            "KAFKA_SECURITY_PROTOCOL": "SSL",
            "KAFKA_SSL_CAFILE": str(tls.ca_cert),
            "KAFKA_SSL_CERTFILE": str(tls.client_cert),
            "KAFKA_SSL_KEYFILE": str(tls.client_key),
            "KAFKA_SSL_CHECK_HOSTNAME": "false",
        }
    )
    assert "sasl_mechanism" not in kafka_client_kwargs(settings)
    context = ssl_context(settings)
    assert context is not None and not context.check_hostname
    assert context.verify_mode == ssl.CERT_REQUIRED  # the chain is still verified
    credentials = faust_credentials(settings)
    assert isinstance(credentials, SSLCredentials) and credentials.context.check_hostname is False


def test_sasl_plaintext_has_no_tls() -> None:
    settings = Settings.from_env(
        {
            "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
            "KAFKA_SASL_MECHANISM": "PLAIN",
            "KAFKA_SASL_USERNAME": "bob",
            "KAFKA_SASL_PASSWORD": "pw",
        }
    )
    assert "ssl_context" not in kafka_client_kwargs(settings)
    credentials = faust_credentials(settings)
    assert credentials is not None and credentials.protocol.value == "SASL_PLAINTEXT"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"KAFKA_SECURITY_PROTOCOL": "TLS"},
            "KAFKA_SECURITY_PROTOCOL='TLS' is not valid: input should be 'PLAINTEXT'",
        ),
        (
            {
                "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
                "KAFKA_SASL_USERNAME": "a",
                "KAFKA_SASL_PASSWORD": "b",
                "KAFKA_SASL_MECHANISM": "GSSAPI",
            },
            "KAFKA_SASL_MECHANISM='GSSAPI' is not valid: input should be 'PLAIN'",
        ),
        (
            {"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_USERNAME": "a"},
            "needs KAFKA_SASL_USERNAME and",
        ),
        (
            {"KAFKA_SSL_CHECK_HOSTNAME": "maybe"},
            "KAFKA_SSL_CHECK_HOSTNAME='maybe' is not valid: input should be a valid boolean",
        ),
        ({"KAFKA_SSL_KEYFILE": "/k.pem"}, "KAFKA_SSL_KEYFILE is set but KAFKA_SSL_CERTFILE is not"),
    ],
)
def test_bad_security_settings_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        Settings.from_env(env)


def test_a_missing_ca_file_is_reported_by_name(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"KAFKA_SECURITY_PROTOCOL": "SSL", "KAFKA_SSL_CAFILE": str(tmp_path / "nope.pem")}
    )
    with pytest.raises(ConnectionFailed, match=r"KAFKA_SSL_CAFILE=.*nope\.pem does not exist"):
        kafka_client_kwargs(settings)


def test_the_password_stays_out_of_repr_and_redacted_views() -> None:
    settings = Settings.from_env(
        {"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_USERNAME": "a", "KAFKA_SASL_PASSWORD": "hunter2"}
    )
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in str(settings.redacted())
    assert settings.redacted()["sasl_password"] == "***"
    assert "hunter2" not in settings.model_dump_json()  # a SecretStr, masked in every dump
    assert kafka_client_kwargs(settings)["sasl_plain_password"] == "hunter2"  # only the client sees it
    assert "hunter2" not in explain("SaslAuthenticationFailedError: invalid credentials", settings)


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("[Error 58] SaslAuthenticationFailedError: invalid credentials", "authentication failed"),
        (
            "KafkaConnectionError: Handshake failed: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify "
            "failed: self-signed certificate in certificate chain (_ssl.c:1006)",
            "not trusted (self-signed certificate in certificate chain); KAFKA_SSL_CAFILE",
        ),
        (
            "Handshake failed: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
            "Hostname mismatch, certificate is not valid for 'kafka.example'. (_ssl.c:1006)",
            "KAFKA_SSL_CHECK_HOSTNAME",
        ),
        ("KafkaConnectionError: 111 ECONNREFUSED", "nothing listens at"),
        ("InvalidReceiveError: Invalid frame length: 352518912", "probably expects TLS/SASL"),
        (None, "no answer from"),
    ],
)
def test_connection_failures_are_explained(reason: str | None, expected: str) -> None:
    assert expected in explain(reason, Settings())


def test_worker_and_cli_read_the_same_variables() -> None:
    # One documented set: every KAFKA_* security variable appears in Settings.documented().
    documented = {name for name, _ in Settings.documented()}
    for name in (
        "KAFKA_SECURITY_PROTOCOL",
        "KAFKA_SASL_MECHANISM",
        "KAFKA_SASL_USERNAME",
        "KAFKA_SASL_PASSWORD",
        "KAFKA_SSL_CAFILE",
        "KAFKA_SSL_CERTFILE",
        "KAFKA_SSL_KEYFILE",
        "KAFKA_SSL_CHECK_HOSTNAME",
    ):
        assert name in documented


def test_tls_files_are_a_real_chain(tls) -> None:
    res = subprocess.run(
        ["openssl", "verify", "-CAfile", str(tls.ca_cert), str(tls.client_cert)],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
