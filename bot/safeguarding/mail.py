"""Email for safeguarding alerts: a lead may not be watching the chat.

``SmtpMailer`` sends with the standard library's ``smtplib`` on a worker thread (STARTTLS
and login when configured). The message says an alert is waiting and where; it does carry
the alert text, because the lead needs it to act, so use an organisational mailbox.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
from email.message import EmailMessage

from bot.core.records import SmtpSettings

log = logging.getLogger(__name__)


class NoMailer:
    async def send(self, to: str, subject: str, body: str) -> bool:
        return False


class SmtpMailer:
    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings

    async def send(self, to: str, subject: str, body: str) -> bool:
        message = EmailMessage()
        message["From"] = self._settings.sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        try:
            await asyncio.to_thread(self._deliver, message)
        except (OSError, smtplib.SMTPException) as exc:
            log.error("could not email a safeguarding alert: %s", type(exc).__name__)
            return False
        return True

    def _deliver(self, message: EmailMessage) -> None:
        s = self._settings
        with smtplib.SMTP(s.host, s.port, timeout=s.timeout) as smtp:
            if s.starttls:
                smtp.starttls()
            if s.username and s.password:
                smtp.login(s.username, s.password)
            smtp.send_message(message)
