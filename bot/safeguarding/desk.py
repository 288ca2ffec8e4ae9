"""The safeguarding desk: alerts to the designated safeguarding lead (DSL), their decisions,
and the audit log of every look at who wrote what.

A held answer, a private report or a /worried message becomes an alert for the lead at once
(and by email when SMTP is set up); an alert nobody acknowledges within the set time goes to
the deputy. Only a safeguarding lead can release a held answer to the group (still
anonymous), keep an answer out of the group and the digest, or see who wrote a held or
reported answer, with a reason. Every alert, decision, look and digest download is audited:
who, when, what, never the answer text.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.actions import acknowledge_action_id, keep_out_action_id, release_action_id
from bot.core.errors import InvalidRequest, NotFound
from bot.core.events import Person, audit_name
from bot.core.outbound import AlertAudience, Outbound, SafeguardingAlert
from bot.core.ports import JobWaker, Mailer
from bot.core.records import (
    AlertKind,
    AlertRecord,
    AnswerRecord,
    AnswerStatus,
    AuditEntry,
    JobKind,
    JobRecord,
)
from bot.core.store import AnswerStore, AuditStore, JobStore, SafeguardingStore
from bot.safeguarding.vault import IdentityVault

log = logging.getLogger(__name__)

MIN_REASON_CHARS = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class DeskSettings:
    escalate_after: timedelta
    lead_email: str | None = None
    deputy_email: str | None = None


class DeskStore(SafeguardingStore, AnswerStore, JobStore, AuditStore, Protocol):
    pass


class SafeguardingDesk:
    def __init__(
        self,
        *,
        store: DeskStore,
        vault: IdentityVault,
        mailer: Mailer,
        settings: DeskSettings,
        clock: Callable[[], datetime],
        waker: JobWaker,
    ) -> None:
        self._store = store
        self.vault = vault
        self._mailer = mailer
        self._settings = settings
        self._clock = clock
        self._waker = waker

    def seal(self, person: Person) -> bytes:
        return self.vault.seal(person.platform, person.user_id)

    async def audit(self, who: str, action: str, subject: str = "", detail: str = "") -> None:
        entry = AuditEntry(
            at=self._clock(), actor=who, action=action, subject=subject, detail=detail
        )
        await self._store.audit(entry)

    async def audit_entries(self) -> list[AuditEntry]:
        return await self._store.audit_entries()

    # -- alerts -----------------------------------------------------------------------------

    async def held_answer(
        self,
        answer: AnswerRecord,
        writer: Person,
        categories: tuple[str, ...],
        original: str,
        *,
        stored: bool = True,
    ) -> list[Outbound]:
        """An answer the screen held back: alert the lead with the words and who wrote them.
        ``stored`` is false for a check-in answer, which is never kept."""
        alert = await self._new_alert(
            AlertKind.DISCLOSURE, answer.session_id, answer.id if stored else None, categories
        )
        heading = f"⚠️ Possible disclosure ({', '.join(categories) or 'unclear'})"
        text = (
            f"{heading} in session {answer.session_id}, question {answer.question_number}.\n"
            f"Written by: {writer.platform} user {writer.user_id}\n"
            f"Their words: «{original}»\n"
            "It has NOT been shown to the group. They were told a trusted adult will be in "
            "touch."
        )
        if not stored:
            return await self._send(alert, text, writer.user_id)
        text += f" Release it to the group (anonymously) or keep it out (answer {answer.id})."
        return await self._send(alert, text, writer.user_id, held_answer_id=answer.id)

    async def reported_answer(self, answer: AnswerRecord) -> list[Outbound]:
        alert = await self._new_alert(AlertKind.REPORT, answer.session_id, answer.id, ())
        text = (
            f"🚩 Someone privately reported an answer in session {answer.session_id}, "
            f"question {answer.question_number} (answer {answer.id}).\n"
            f"Its words: «{answer.text}»\n"
            "It is still shown to the group. Keep it out of the digest if needed; use "
            "/who-wrote with a reason if you need to know who wrote it."
        )
        return await self._send(alert, text, None, kept_out_answer_id=answer.id)

    async def worried(self, person: Person, message: str) -> list[Outbound]:
        alert = await self._new_alert(AlertKind.WORRIED, None, None, ())
        said = f"\nThey wrote: «{message}»" if message.strip() else ""
        text = (
            "💬 A young person used /worried and would like to talk to a trusted adult.\n"
            f"Who: {person.platform} user {person.user_id}{said}"
        )
        return await self._send(alert, text, person.user_id)

    async def acknowledge(self, alert_id: str, lead: Person) -> str:
        alert = await self._store.alert(alert_id)
        if alert is None:
            raise NotFound(f"There's no alert '{alert_id}'.")
        if not await self._store.acknowledge_alert(alert_id, self._clock()):
            return "Someone has already picked this up. Thank you."
        await self.audit(audit_name(lead), "alert-acknowledged", alert_id)
        return "Thanks: you've picked this up. The deputy won't be alerted."

    async def escalate(self, alert_id: str) -> list[Outbound]:
        """The job: an alert still unacknowledged goes to the deputy."""
        if not await self._store.mark_alert_escalated(alert_id):
            return []
        alert = await self._store.alert(alert_id)
        assert alert is not None
        await self.audit("scheduler", "alert-escalated", alert_id)
        minutes = int(self._settings.escalate_after.total_seconds() // 60)
        text = (
            f"⏰ An alert to the safeguarding lead ({alert.kind}, session "
            f"{alert.session_id or '-'}) has not been picked up for {minutes} minutes. "
            f"Please look at it now (alert {alert_id})."
        )
        # The deputy can act on it as the lead could: release a held answer or keep it out.
        answer = await self._store.answer(alert.answer_id) if alert.answer_id else None
        held = answer is not None and answer.status is AnswerStatus.HELD
        if answer is not None:
            text += f" (answer {answer.id})"
        message = SafeguardingAlert(
            audience=AlertAudience.DEPUTY,
            alert_id=alert_id,
            text=text,
            writer=None,
            acknowledge_action_id=acknowledge_action_id(alert_id),
            release_action_id=release_action_id(answer.id) if answer and held else None,
            keep_out_action_id=keep_out_action_id(answer.id) if answer else None,
        )
        if self._settings.deputy_email:
            await self._mailer.send(self._settings.deputy_email, "consultbot: alert waiting", text)
        return [message]

    # -- decisions --------------------------------------------------------------------------

    async def release(self, answer_id: str, lead: Person) -> AnswerRecord:
        """Show a held answer to the group (still anonymous)."""
        answer = await self._answer(answer_id)
        moved = await self._store.set_answer_status(
            answer_id, AnswerStatus.SHOWN, only_from=(AnswerStatus.HELD,)
        )
        if not moved:
            raise InvalidRequest(f"Answer {answer_id} isn't held, so there's nothing to release.")
        await self.audit(audit_name(lead), "answer-released", answer_id)
        return answer

    async def keep_out(self, answer_id: str, lead: Person) -> str:
        await self._answer(answer_id)
        moved = await self._store.set_answer_status(
            answer_id,
            AnswerStatus.KEPT_OUT,
            only_from=(AnswerStatus.HELD, AnswerStatus.SHOWN, AnswerStatus.PENDING),
        )
        if not moved:
            return f"Answer {answer_id} was already kept out."
        await self.audit(audit_name(lead), "answer-kept-out", answer_id)
        return (
            f"Answer {answer_id} is kept out of the group and every digest from now on. "
            "If it was shown in the chat, it is taken out of the chat too."
        )

    async def who_wrote(self, answer_id: str, reason: str, lead: Person) -> str:
        if len(reason.strip()) < MIN_REASON_CHARS:
            raise InvalidRequest(
                "Please give a reason (a sentence) for looking: it goes in the audit log."
            )
        await self._answer(answer_id)
        alerts = await self._store.alerts_for_answer(answer_id)
        if not alerts:
            raise InvalidRequest(
                "You can only see who wrote an answer that was held back or reported."
            )
        token = await self._store.identity_of_answer(answer_id)
        identity = self.vault.open(token) if token else None
        if identity is None:
            # The look is audited all the same, as one that revealed nobody.
            why = "none is stored" if token is None else "the safeguarding key cannot open it"
            detail = f"{reason.strip()} ({why})"
            await self.audit(audit_name(lead), "identity-reveal-failed", answer_id, detail)
            return "Who wrote it is no longer known (withdrawn, purged, or the key changed)."
        await self.audit(audit_name(lead), "identity-revealed", answer_id, reason.strip())
        return f"Answer {answer_id} was written by {identity.platform} user {identity.user_id}."

    # -- helpers ----------------------------------------------------------------------------

    async def _answer(self, answer_id: str) -> AnswerRecord:
        answer = await self._store.answer(answer_id)
        if answer is None:
            raise NotFound(f"There's no answer '{answer_id}'.")
        return answer

    async def _new_alert(
        self,
        kind: AlertKind,
        session_id: str | None,
        answer_id: str | None,
        categories: tuple[str, ...],
    ) -> AlertRecord:
        alert = AlertRecord(
            id="al-" + secrets.token_hex(4),
            kind=kind,
            session_id=session_id,
            answer_id=answer_id,
            categories=categories,
            created_at=self._clock(),
            acknowledged_at=None,
            escalated=False,
        )
        await self._store.create_alert(alert)
        due = alert.created_at + self._settings.escalate_after
        job = JobRecord(
            id=f"{alert.id}:escalate", kind=JobKind.ESCALATE, due_at=due, subject=alert.id
        )
        await self._store.add_jobs([job])
        self._waker.wake(due)
        await self.audit(
            "consultbot", "alert-raised", alert.id, f"{kind} {session_id or ''}".strip()
        )
        log.warning("safeguarding alert %s raised (%s)", alert.id, kind)
        return alert

    async def _send(
        self,
        alert: AlertRecord,
        text: str,
        writer: str | None,
        *,
        held_answer_id: str | None = None,
        kept_out_answer_id: str | None = None,
    ) -> list[Outbound]:
        if self._settings.lead_email:
            await self._mailer.send(
                self._settings.lead_email, "consultbot: safeguarding alert", text
            )
        keep = held_answer_id or kept_out_answer_id
        return [
            SafeguardingAlert(
                audience=AlertAudience.LEAD,
                alert_id=alert.id,
                text=text,
                writer=writer,
                acknowledge_action_id=acknowledge_action_id(alert.id),
                release_action_id=release_action_id(held_answer_id) if held_answer_id else None,
                keep_out_action_id=keep_out_action_id(keep) if keep else None,
            )
        ]
