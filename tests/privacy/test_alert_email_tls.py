"""Alert email over TLS that is verified: against a real SMTP server on 127.0.0.1 with a
certificate from a private certificate authority the test makes."""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from bot.config import Settings
from bot.core.errors import ConfigError
from bot.safeguarding.mail import SmtpMailer


class _Inbox:
    def __init__(self) -> None:
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: object, session: Session, envelope: Envelope) -> str:
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate, server key) for 127.0.0.1, as PEM files."""
    folder = tmp_path_factory.mktemp("certs")
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("consultbot test CA"))
        .issuer_name(_name("consultbot test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_file, cert_file, key_file


def _server_context(certs: tuple[Path, Path, Path]) -> ssl.SSLContext:
    _, cert_file, key_file = certs
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


@pytest.fixture
def starttls_server(certs: tuple[Path, Path, Path]) -> Iterator[tuple[_Inbox, int]]:
    inbox, port = _Inbox(), _free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, tls_context=_server_context(certs)
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def implicit_tls_server(certs: tuple[Path, Path, Path]) -> Iterator[tuple[_Inbox, int]]:
    inbox, port = _Inbox(), _free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, ssl_context=_server_context(certs)
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def plain_server() -> Iterator[tuple[_Inbox, int]]:
    inbox, port = _Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _mailer(port: int, **extra: str) -> SmtpMailer:
    env = {
        "CONSULTBOT_SMTP_HOST": "127.0.0.1",
        "CONSULTBOT_SMTP_PORT": str(port),
        "CONSULTBOT_SMTP_FROM": "bot@example.org",
        **extra,
    }
    settings = Settings.from_env(env, require_identity_key=False)
    assert settings.smtp is not None
    return SmtpMailer(settings.smtp)


async def test_starttls_refuses_a_certificate_it_cannot_verify(
    starttls_server: tuple[_Inbox, int], caplog: pytest.LogCaptureFixture
) -> None:
    inbox, port = starttls_server
    assert await _mailer(port).send("dsl@example.org", "alert", "body") is False
    assert inbox.recipients == []
    assert any("certificate" in r.getMessage().lower() for r in caplog.records)


async def test_starttls_with_the_private_ca_file_delivers(
    starttls_server: tuple[_Inbox, int], certs: tuple[Path, Path, Path]
) -> None:
    inbox, port = starttls_server
    mailer = _mailer(port, CONSULTBOT_SMTP_CA_FILE=str(certs[0]))
    assert await mailer.send("dsl@example.org", "alert", "body") is True
    assert inbox.recipients == [["dsl@example.org"]]


async def test_implicit_tls_is_verified_too(
    implicit_tls_server: tuple[_Inbox, int], certs: tuple[Path, Path, Path]
) -> None:
    inbox, port = implicit_tls_server
    unverified = _mailer(port, CONSULTBOT_SMTP_TLS="implicit")
    assert await unverified.send("d@example.org", "s", "b") is False
    assert inbox.recipients == []
    mailer = _mailer(port, CONSULTBOT_SMTP_TLS="implicit", CONSULTBOT_SMTP_CA_FILE=str(certs[0]))
    assert await mailer.send("d@example.org", "s", "b") is True
    assert inbox.recipients == [["d@example.org"]]


async def test_a_server_without_starttls_is_never_used_in_plain_text(
    plain_server: tuple[_Inbox, int], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    inbox, port = plain_server
    assert await _mailer(port).send("dsl@example.org", "alert", "body") is False
    assert inbox.recipients == []
    assert any("STARTTLS" in r.getMessage() for r in caplog.records)


def test_port_465_means_implicit_tls_and_bad_tls_settings_name_the_key(tmp_path: Path) -> None:
    base = {"CONSULTBOT_SMTP_HOST": "mail.example.org", "CONSULTBOT_SMTP_FROM": "b@example.org"}
    settings = Settings.from_env(
        {**base, "CONSULTBOT_SMTP_PORT": "465"}, require_identity_key=False
    )
    assert settings.smtp is not None and settings.smtp.tls == "implicit"
    settings = Settings.from_env(base, require_identity_key=False)
    assert settings.smtp is not None and settings.smtp.tls == "starttls"
    with pytest.raises(ConfigError, match="CONSULTBOT_SMTP_TLS"):
        Settings.from_env({**base, "CONSULTBOT_SMTP_TLS": "maybe"}, require_identity_key=False)
    missing = str(tmp_path / "nope.pem")
    with pytest.raises(ConfigError, match="CONSULTBOT_SMTP_CA_FILE"):
        Settings.from_env({**base, "CONSULTBOT_SMTP_CA_FILE": missing}, require_identity_key=False)
