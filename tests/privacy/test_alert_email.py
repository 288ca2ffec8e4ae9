"""Alerts by email, against a real SMTP server the test starts on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from dataclasses import replace
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session

from adapters.local.adapter import LocalChannel
from bot.app import open_runtime
from bot.config import Settings
from bot.core.outbound import SafeguardingAlert
from bot.core.records import SmtpSettings, SmtpTls
from bot.safeguarding.mail import SmtpMailer
from tests.privacy.conftest import BEN, start
from tests.scheduling.conftest import FakeClock, RecordingWaker


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: object, session: Session, envelope: Envelope) -> str:
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(content)))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[_Inbox, int]]:
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


async def test_a_held_answer_is_emailed_to_the_lead_and_escalated_to_the_deputy(
    settings: Settings, smtp: tuple[_Inbox, int]
) -> None:
    inbox, port = smtp
    mail = SmtpSettings(host="127.0.0.1", port=port, sender="bot@example.org", tls=SmtpTls.OFF)
    configured = replace(
        settings,
        smtp=mail,
        lead_email="dsl@example.org",
        deputy_email="deputy@example.org",
    )
    clock = FakeClock()
    async with open_runtime(configured, clock=clock, waker=RecordingWaker()) as rt:
        channel = LocalChannel(rt.engine)
        question = await start(channel)
        sent = await channel.answer(BEN, question, "he touches me when nobody is home")
        assert any(isinstance(m, SafeguardingAlert) for m in sent)
        ((to, message),) = inbox.messages
        assert to == ["dsl@example.org"]
        assert message["Subject"] == "consultbot: safeguarding alert"
        assert "he touches me when nobody is home" in message.get_payload()  # type: ignore[operator]
        clock.advance(minutes=16)
        await rt.jobs.run_due(channel.outbox)
        assert [m[0] for m in inbox.messages] == [["dsl@example.org"], ["deputy@example.org"]]
        deputy_body = str(inbox.messages[1][1].get_payload())
        assert "not been picked up" in deputy_body
        assert "touches" not in deputy_body


async def test_an_unreachable_mail_server_is_reported_not_raised() -> None:
    mailer = SmtpMailer(SmtpSettings(host="127.0.0.1", port=_free_port(), sender="b@example.org"))
    assert await asyncio.wait_for(mailer.send("x@example.org", "s", "b"), 15) is False
