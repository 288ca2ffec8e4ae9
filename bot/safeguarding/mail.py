"""Email for safeguarding alerts: a lead may not be watching the chat.

``SmtpMailer`` sends with the standard library's ``smtplib`` on a worker thread, over TLS
whose certificate is always verified (the system's authorities, or ``CONSULTBOT_SMTP_CA_FILE``
for a private one): STARTTLS by default, implicit TLS (SMTPS) on port 465 or when asked.
There is no silent downgrade: a server that doesn't offer STARTTLS when it is on, or whose
certificate can't be verified, gets nothing, and the failure is logged. The message says an
alert is waiting and where; it does carry the alert text, because the lead needs it to act,
so use an organisational mailbox.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from typing import TYPE_CHECKING

from bot.core.records import SmtpSettings, SmtpTls

if TYPE_CHECKING:
    from email.message import EmailMessage

log = logging.getLogger(__name__)


class NoMailer:
    async def send(self, to: str, subject: str, body: str) -> bool:
        return False


class SmtpMailer:
    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings

    async def send(self, to: str, subject: str, body: str) -> bool:
        # Imported at the first email, not at start: most runs never send one.
        import smtplib
        from email.message import EmailMessage

        message = EmailMessage()
        message["From"] = self._settings.sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        try:
            await asyncio.to_thread(self._deliver, message)
        except smtplib.SMTPNotSupportedError:
            log.error(
                "could not email a safeguarding alert: %s:%d does not offer STARTTLS, and "
                "alerts are never sent unencrypted (see CONSULTBOT_SMTP_TLS)",
                self._settings.host,
                self._settings.port,
            )
            return False
        except ssl.SSLCertVerificationError as exc:
            log.error(
                "could not email a safeguarding alert: the certificate of %s:%d could not be "
                "verified (%s); for a private authority set CONSULTBOT_SMTP_CA_FILE",
                self._settings.host,
                self._settings.port,
                exc.verify_message or exc.reason,
            )
            return False
        except (OSError, smtplib.SMTPException) as exc:
            # The exception's own text can carry the server's reply, never the alert.
            log.error("could not email a safeguarding alert: %s: %s", type(exc).__name__, exc)
            return False
        return True

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self._settings.ca_file)

    def _deliver(self, message: EmailMessage) -> None:
        import smtplib

        s = self._settings
        smtp: smtplib.SMTP
        if s.tls is SmtpTls.IMPLICIT:
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context())
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        with smtp:
            if s.tls is SmtpTls.STARTTLS:
                # Raises SMTPNotSupportedError if the server doesn't offer it: never go on
                # in plain text.
                smtp.starttls(context=self._context())
            if s.username and s.password:
                smtp.login(s.username, s.password)
            smtp.send_message(message)
