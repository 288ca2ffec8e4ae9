"""The alert outbox: every alert reaches someone, however long the platform is down.

An alert is a row before anything is sent (``SafeguardingStore.create_alert`` stores it with
its delivery to the lead, due at once, and its escalation job; a held answer's alert is
stored in the answer's own transaction by ``AnswerStore.record_answer``), and so is its copy
for the deputy (queued with the escalation). The desk's sweep (``raise_missing_alerts``, on
every round) raises an alert for a held answer found without one. A delivery stays in the
store until the platform took it:

- The first attempt is made at once, on the path that raised the alert (``deliver``).
- Every attempt goes along the core's route (``bot.core.routing``: the lead's channel, then
  direct messages to the leads, then the deputy); an adapter raises ``DeliveryFailed`` only
  when nobody received it. Then the delivery is due again after a backoff (``BACKOFF``: 5 s,
  doubling, at most 5 minutes), and the job runner's next round (``deliver_due``, woken for
  that time, and by the heartbeat every minute) tries again, until it is delivered. Acknowledging
  an alert does not stop its delivery: the lead should still have the words.
- An attempt is claimed in the store before it starts (one claimer, even across processes)
  and holds the delivery for ``HOLD``. One attempt can take longer than that (the channel,
  then each direct message, then the deputy, each with the platform's own retries after a
  429, which may wait a minute each), so the claimer renews its hold every ``RENEW_EVERY``
  while the attempt runs. The claim's hold time is its token: renewing it and recording a
  failure change the delivery only while it is still that claim's (a process stalled past
  its hold never overwrites the next claimer's). A process that dies mid-attempt stops
  renewing, and the delivery is tried again when its hold runs out, by whichever process
  runs next, including a fresh start on the same database. That is at least once: a crash
  after the platform took the alert and before the store heard so may send it twice.

Each attempt rebuilds the message from the store (``bot.safeguarding.alert_text``). Logs name
the alert id, the audience and the attempt, never the words or who wrote them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.actions import acknowledge_action_id, keep_out_action_id, release_action_id
from bot.core.errors import DeliveryFailed
from bot.core.outbound import AlertAudience, SafeguardingAlert
from bot.core.ports import JobWaker, Outbox
from bot.core.records import AlertDelivery, AlertKind, DeliveryAudience
from bot.core.store import AnswerStore, SafeguardingStore
from bot.safeguarding.alert_text import AlertFacts, AlertSeal, deputy_text, lead_text
from bot.safeguarding.vault import Identity, IdentityVault

log = logging.getLogger(__name__)

BACKOFF = tuple(timedelta(seconds=s) for s in (5, 10, 20, 40, 80, 160, 300))
HOLD = timedelta(minutes=2)
RENEW_EVERY = HOLD.total_seconds() / 4  # real seconds between renewals of a running claim


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


class AlertOutboxStore(SafeguardingStore, AnswerStore, Protocol):
    pass


class AlertOutbox:
    def __init__(
        self,
        *,
        store: AlertOutboxStore,
        vault: IdentityVault,
        clock: Callable[[], datetime],
        waker: JobWaker,
        escalate_after: timedelta,
        renew_every: float = RENEW_EVERY,
    ) -> None:
        self._store = store
        self._vault = vault
        self._clock = clock
        self._waker = waker
        self._escalate_after = escalate_after
        self._renew_every = renew_every

    async def message(self, alert_id: str, audience: DeliveryAudience) -> SafeguardingAlert | None:
        """The alert as it reads now, for ``audience``; ``None`` if it is gone (purged)."""
        alert = await self._store.alert(alert_id)
        if alert is None:
            return None
        answer = await self._store.answer(alert.answer_id) if alert.answer_id else None
        seal = AlertSeal.open(self._vault, alert.sealed)
        writer = seal.writer if seal else None
        if writer is None and alert.kind is AlertKind.DISCLOSURE and alert.answer_id:
            token = await self._store.identity_of_answer(alert.answer_id)
            writer = self._vault.open(token) if token else None
        facts = AlertFacts(alert=alert, answer=answer, seal=seal, writer=writer)
        if audience is DeliveryAudience.DEPUTY:
            minutes = int(self._escalate_after.total_seconds() // 60)
            text = deputy_text(facts, minutes)
        else:
            text = lead_text(facts)
        keep = alert.answer_id if alert.kind is not AlertKind.WORRIED else None
        return SafeguardingAlert(
            audience=AlertAudience(audience.value),
            alert_id=alert.id,
            text=text,
            writer=_writer_for(writer, alert.kind),
            acknowledge_action_id=acknowledge_action_id(alert.id),
            release_action_id=release_action_id(answer.id) if answer and facts.held else None,
            keep_out_action_id=keep_out_action_id(keep) if keep else None,
            low_priority=alert.kind is AlertKind.NOTE,
        )

    async def deliver(self, message: SafeguardingAlert, outbox: Outbox) -> bool:
        """The first attempt, on the path that raised the alert (or escalated it). ``False``
        when it was not delivered now: the outbox tries again later."""
        audience = DeliveryAudience(message.audience.value)
        for delivery in await self._store.alert_deliveries(message.alert_id):
            if delivery.audience is audience and delivery.delivered_at is None:
                return await self._attempt(delivery, message, outbox)
        return False

    async def deliver_due(self, outbox: Outbox) -> int:
        """Try every delivery that is due now; return how many were delivered."""
        now = self._clock()
        delivered = 0
        for delivery in await self._store.undelivered_alerts():
            if delivery.due_at > now:
                self._waker.wake(delivery.due_at)
                continue
            message = await self.message(delivery.alert_id, delivery.audience)
            if message is None:
                continue
            delivered += await self._attempt(delivery, message, outbox)
        return delivered

    async def _attempt(
        self, delivery: AlertDelivery, message: SafeguardingAlert, outbox: Outbox
    ) -> bool:
        now = self._clock()
        if delivery.due_at > now:
            return False  # another attempt holds it, or it waits for its retry
        alert_id, audience = delivery.alert_id, delivery.audience
        claim = _Claim(until=now + HOLD)
        claimed = await self._store.claim_alert_delivery(
            alert_id, audience, seen_due=delivery.due_at, hold_until=claim.until
        )
        if not claimed:
            return False  # someone else is trying it right now
        attempt = delivery.attempts + 1
        failure: Exception | None = None
        renewing = asyncio.create_task(self._renew(alert_id, audience, claim))
        try:
            await outbox.send(message)
        except Exception as exc:  # DeliveryFailed, or anything an adapter let through
            failure = exc
        finally:
            claim.done.set()
            await asyncio.shield(renewing)
        if failure is not None:
            return await self._failed(alert_id, audience, attempt, failure, claim)
        await self._store.mark_alert_delivered(alert_id, audience, self._clock())
        log.info("alert %s (%s) delivered on attempt %d", alert_id, audience, attempt)
        return True

    async def _failed(
        self,
        alert_id: str,
        audience: DeliveryAudience,
        attempt: int,
        failure: Exception,
        claim: _Claim,
    ) -> bool:
        hint = failure.hint if isinstance(failure, DeliveryFailed) else type(failure).__name__
        retry_at = self._clock() + retry_delay(attempt)
        if not await self._store.alert_delivery_failed(
            alert_id, audience, retry_at, held_until=claim.until
        ):
            log.warning(
                "alert %s (%s) attempt %d not delivered: %s; another attempt holds it now",
                alert_id,
                audience,
                attempt,
                hint,
            )
            return False
        self._waker.wake(retry_at)
        log.error(
            "alert %s (%s) attempt %d not delivered: %s; next try at %s",
            alert_id,
            audience,
            attempt,
            hint,
            retry_at.isoformat(timespec="seconds"),
        )
        return False

    async def _renew(self, alert_id: str, audience: DeliveryAudience, claim: _Claim) -> None:
        """While the attempt runs: push the hold on every ``renew_every`` seconds, as long
        as the delivery is still this claim's."""
        while True:
            try:
                await asyncio.wait_for(claim.done.wait(), self._renew_every)
                return
            except TimeoutError:
                pass
            until = max(self._clock() + HOLD, claim.until)
            try:
                renewed = await self._store.extend_alert_hold(
                    alert_id, audience, held_until=claim.until, hold_until=until
                )
            except Exception:
                log.exception("alert %s (%s): renewing the hold failed", alert_id, audience)
                continue
            if not renewed:
                log.warning(
                    "alert %s (%s): the hold was lost to another attempt", alert_id, audience
                )
                return
            claim.until = until


@dataclass(slots=True, kw_only=True)
class _Claim:
    """This process's claim on a delivery: the hold time it wrote (its token)."""

    until: datetime
    done: asyncio.Event = field(default_factory=asyncio.Event)


def _writer_for(writer: Identity | None, kind: AlertKind) -> str | None:
    """The platform id the adapter shows as the writer: a note and a report name nobody."""
    if writer is None or kind in (AlertKind.NOTE, AlertKind.REPORT):
        return None
    return writer.user_id
