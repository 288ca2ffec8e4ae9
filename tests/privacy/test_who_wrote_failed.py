"""A /who-wrote that reveals nobody is audited as a failed look, not as a reveal."""

from __future__ import annotations

import sqlite3

from cryptography.fernet import Fernet

from adapters.local.adapter import LocalChannel
from bot.app import Runtime
from bot.config import Settings
from bot.core.events import Command
from bot.core.outbound import PrivateNotice, SafeguardingAlert
from tests.privacy.conftest import BEN, LEAD, start

DISCLOSURE = "my step dad hits me when mum is out and i dont want to go home"
REASON = "Need to contact them today about their safety at home"


async def test_an_identity_the_key_cannot_open_is_audited_as_a_failed_reveal(
    channel: LocalChannel, runtime: Runtime, settings: Settings
) -> None:
    question = await start(channel)
    sent = await channel.answer(BEN, question, DISCLOSURE, quote_ok=True)
    (alert,) = [m for m in sent if isinstance(m, SafeguardingAlert)]
    assert alert.release_action_id is not None
    answer_id = alert.release_action_id.split(":")[2]
    # Sealed under a key this bot no longer has (e.g. rotated without the old key).
    with sqlite3.connect(settings.database_path) as db:
        other_key = Fernet(Fernet.generate_key())
        db.execute("UPDATE identities SET ciphertext = ?", (other_key.encrypt(b"x"),))
    reply = await channel.command(LEAD, Command.WHO_WROTE, answer=answer_id, reason=REASON)
    assert isinstance(reply[0], PrivateNotice) and "no longer known" in reply[0].text
    entries = await runtime.store.audit_entries()
    looks = [(e.action, e.subject) for e in entries if e.action.startswith("identity-reveal")]
    assert looks == [("identity-reveal-failed", answer_id)]
    failed = next(e for e in entries if e.action == "identity-reveal-failed")
    assert REASON in failed.detail and "key" in failed.detail
