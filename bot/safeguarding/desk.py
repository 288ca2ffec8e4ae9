"""The safeguarding desk: alerts to the designated safeguarding lead (DSL), their decisions,
and the audit log of every look at who wrote what.

A held answer, a private report or a /worried message becomes an alert for the lead at once
(and by email when SMTP is set up); an alert nobody acknowledges within the set time goes to
the deputy, whole (the words and who wrote them). An answer telling of harm past and over
becomes a low-priority note for the lead, never escalated. Every alert is a row first and is
delivered by the alert outbox (``bot.safeguarding.alert_outbox``), which retries until the
platform takes it. Only a safeguarding lead can release a held answer to the group (still
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

from bot.core.errors import InvalidRequest, NotFound
from bot.core.events import Person, audit_name
from bot.core.outbound import Outbound
from bot.core.ports import JobWaker, Mailer, Outbox
from bot.core.records import (
    AlertKind,
    AlertRecord,
    AnswerRecord,
    AnswerStatus,
    AuditEntry,
    DeliveryAudience,
    JobKind,
    JobRecord,
    NewAlert,
)
from bot.core.store import AnswerStore, AuditStore, JobStore, SafeguardingStore
from bot.safeguarding.alert_outbox import AlertOutbox
from bot.safeguarding.alert_text import AlertSeal
from bot.safeguarding.vault import Identity, IdentityVault

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
        self.alerts = AlertOutbox(
            store=store,
            vault=vault,
            clock=clock,
            waker=waker,
            escalate_after=settings.escalate_after,
        )

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
        ``stored`` is false for a check-in answer, which is never kept. Either way the words
        as written and the writer are sealed on the alert: a withdrawal deletes the answer
        row and the identity, and the alert (its retries, the deputy's copy) must not lose
        them."""
        alert = await self._new_alert(
            AlertKind.DISCLOSURE,
            answer.session_id,
            answer.id if stored else None,
            categories,
            sealed=self._held_seal(answer, writer, original),
        )
        return await self._send(alert)

    def held_alert(
        self, answer: AnswerRecord, writer: Person, categories: tuple[str, ...], original: str
    ) -> NewAlert:
        """The alert for an answer about to be stored as held, with its escalation: the
        store keeps both with the answer in one transaction (``AnswerStore.record_answer``),
        then ``alert_stored`` sends it."""
        alert = self._alert_record(
            AlertKind.DISCLOSURE,
            answer.session_id,
            answer.id,
            categories,
            sealed=self._held_seal(answer, writer, original),
        )
        return NewAlert(alert=alert, jobs=self._escalation(alert))

    async def alert_stored(self, new: NewAlert) -> list[Outbound]:
        """An alert the store now holds (with its answer): audit it and send it."""
        await self._raised(new)
        return await self._send(new.alert)

    async def raise_missing_alerts(self) -> int:
        """The safety net, at start and on every round of the job runner: a held answer with
        no alert (stored before alerts were stored with their answer, or by hand) gets one
        now, with the stored words and, while it is kept, who wrote it."""
        raised = 0
        for answer in await self._store.held_answers_without_alert():
            token = await self._store.identity_of_answer(answer.id)
            writer = self.vault.open(token) if token else None
            seal = AlertSeal(words=answer.text, writer=writer, question=answer.question_number)
            alert = self._alert_record(
                AlertKind.DISCLOSURE,
                answer.session_id,
                answer.id,
                (),
                sealed=seal.seal(self.vault),
            )
            new = NewAlert(alert=alert, jobs=self._escalation(alert))
            await self._store.create_alert(alert, new.jobs)
            await self._raised(new, late=True)
            raised += 1
        return raised

    async def deliver_alerts(self, outbox: Outbox) -> int:
        """A round of the alert outbox: the safety net's sweep, then every delivery due."""
        try:
            await self.raise_missing_alerts()
        except Exception:
            log.exception("the sweep for held answers without an alert failed; next round")
        return await self.alerts.deliver_due(outbox)

    async def reported_answer(self, answer: AnswerRecord) -> list[Outbound]:
        # The words the group saw are sealed on the alert, so a withdrawal keeps them; a
        # report names nobody (the lead asks /who-wrote, with a reason, while it is stored).
        seal = AlertSeal(words=answer.text, question=answer.question_number)
        alert = await self._new_alert(
            AlertKind.REPORT, answer.session_id, answer.id, (), sealed=seal.seal(self.vault)
        )
        return await self._send(alert)

    async def noted_answer(
        self, answer: AnswerRecord, why: tuple[str, ...], original: str
    ) -> list[Outbound]:
        """An answer told as harm past and over, shown to the group: a low-priority note for
        the lead with the words and the screen's reasons. It is never escalated."""
        seal = AlertSeal(words=original, why=why, question=answer.question_number)
        alert = await self._new_alert(
            AlertKind.NOTE,
            answer.session_id,
            answer.id,
            (),
            sealed=seal.seal(self.vault),
            escalate=False,
        )
        return await self._send(alert, email=False)

    async def worried(self, person: Person, message: str) -> list[Outbound]:
        seal = AlertSeal(words=message.strip(), writer=Identity(person.platform, person.user_id))
        alert = await self._new_alert(
            AlertKind.WORRIED, None, None, (), sealed=seal.seal(self.vault)
        )
        return await self._send(alert)

    async def acknowledge(self, alert_id: str, lead: Person) -> str:
        alert = await self._store.alert(alert_id)
        if alert is None:
            raise NotFound(f"There's no alert '{alert_id}'.")
        if not await self._store.acknowledge_alert(alert_id, self._clock()):
            return "Someone has already picked this up. Thank you."
        await self.audit(audit_name(lead), "alert-acknowledged", alert_id)
        if alert.kind is AlertKind.NOTE:
            return "Thanks: you've read this note."
        return "Thanks: you've picked this up. The deputy won't be alerted."

    async def escalate(self, alert_id: str) -> list[Outbound]:
        """The job: an alert still unacknowledged goes to the deputy, whole: the words and
        who wrote them (the deputy can act on it as the lead could). Its delivery is queued
        with the escalation, so the alert outbox retries it like any alert."""
        if not await self._store.mark_alert_escalated(alert_id, deliver_at=self._clock()):
            return []
        await self.audit("scheduler", "alert-escalated", alert_id)
        message = await self.alerts.message(alert_id, DeliveryAudience.DEPUTY)
        if message is None:
            return []
        if self._settings.deputy_email:
            # The email stays short (no words, nobody named): the whole alert is in the chat.
            minutes = int(self._settings.escalate_after.total_seconds() // 60)
            short = (
                f"An alert to the safeguarding lead has not been picked up for {minutes} "
                f"minutes. Please look at it now in the chat (alert {alert_id})."
            )
            await self._mailer.send(self._settings.deputy_email, "consultbot: alert waiting", short)
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

    def _held_seal(self, answer: AnswerRecord, writer: Person, original: str) -> bytes:
        """Everything a held answer's alert says, sealed on the alert row: the words as
        written (names and all), who wrote them, and the question."""
        seal = AlertSeal(
            words=original,
            writer=Identity(writer.platform, writer.user_id),
            question=answer.question_number,
        )
        return seal.seal(self.vault)

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
        *,
        sealed: bytes | None = None,
        escalate: bool = True,
    ) -> AlertRecord:
        alert = self._alert_record(kind, session_id, answer_id, categories, sealed=sealed)
        new = NewAlert(alert=alert, jobs=self._escalation(alert) if escalate else ())
        await self._store.create_alert(alert, new.jobs)  # with its delivery and escalation
        await self._raised(new)
        return alert

    def _alert_record(
        self,
        kind: AlertKind,
        session_id: str | None,
        answer_id: str | None,
        categories: tuple[str, ...],
        *,
        sealed: bytes | None,
    ) -> AlertRecord:
        return AlertRecord(
            id="al-" + secrets.token_hex(4),
            kind=kind,
            session_id=session_id,
            answer_id=answer_id,
            categories=categories,
            created_at=self._clock(),
            acknowledged_at=None,
            escalated=False,
            sealed=sealed,
        )

    def _escalation(self, alert: AlertRecord) -> tuple[JobRecord, ...]:
        due = alert.created_at + self._settings.escalate_after
        return (
            JobRecord(
                id=f"{alert.id}:escalate", kind=JobKind.ESCALATE, due_at=due, subject=alert.id
            ),
        )

    async def _raised(self, new: NewAlert, *, late: bool = False) -> None:
        """After the store took the alert: wake the runner for its escalation, audit, log."""
        for job in new.jobs:
            self._waker.wake(job.due_at)
        alert = new.alert
        detail = f"{alert.kind} {alert.session_id or ''}".strip()
        if late:
            detail += " (a held answer found without an alert)"
        await self.audit("consultbot", "alert-raised", alert.id, detail)
        log.warning(
            "safeguarding alert %s raised (%s)%s", alert.id, alert.kind, " late" if late else ""
        )

    async def _send(self, alert: AlertRecord, *, email: bool = True) -> list[Outbound]:
        """The alert as the outbox will deliver it (its first attempt is on the way out)."""
        message = await self.alerts.message(alert.id, DeliveryAudience.LEAD)
        if message is None:
            return []
        if email and self._settings.lead_email:
            await self._mailer.send(
                self._settings.lead_email, "consultbot: safeguarding alert", message.text
            )
        return [message]
