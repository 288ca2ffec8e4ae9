"""Contract: the alert outbox (deliveries of alerts until the platform took them), on every
backend: a row before anything is sent, one claimer per attempt, delivered once, purged with
the alert."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from bot.core.records import AlertKind, DeliveryAudience
from bot.core.store import Store
from tests.db.builders import T0, alert, session
from tests.db.conftest import Backend

LEAD, DEPUTY = DeliveryAudience.LEAD, DeliveryAudience.DEPUTY


async def test_an_alert_is_stored_with_its_delivery_to_the_lead_due_at_once(store: Store) -> None:
    await store.create_session(session("s1"))
    sealed = replace(alert("al1", kind=AlertKind.NOTE), sealed=b"\x00sealed\xff")
    await store.create_alert(sealed)

    assert await store.alert("al1") == sealed  # the kind and the sealed bytes read back
    (delivery,) = await store.alert_deliveries("al1")
    assert (delivery.audience, delivery.due_at, delivery.attempts) == (LEAD, T0, 0)
    assert delivery.delivered_at is None
    assert await store.undelivered_alerts() == [delivery]


async def test_an_attempt_is_claimed_held_retried_and_delivered_once(store: Store) -> None:
    await store.create_session(session("s1"))
    await store.create_alert(alert("al1"))
    hold = T0 + timedelta(minutes=2)

    assert await store.claim_alert_delivery("al1", LEAD, seen_due=T0, hold_until=hold)
    assert not await store.claim_alert_delivery("al1", LEAD, seen_due=T0, hold_until=hold)
    (held,) = await store.undelivered_alerts()
    assert (held.due_at, held.attempts) == (hold, 1)

    retry = T0 + timedelta(seconds=5)
    assert await store.alert_delivery_failed("al1", LEAD, retry, held_until=hold)
    (waiting,) = await store.undelivered_alerts()
    assert waiting.due_at == retry
    assert await store.claim_alert_delivery("al1", LEAD, seen_due=retry, hold_until=hold)
    assert await store.mark_alert_delivered("al1", LEAD, retry)
    assert not await store.mark_alert_delivered("al1", LEAD, hold)

    assert await store.undelivered_alerts() == []
    (done,) = await store.alert_deliveries("al1")
    assert (done.attempts, done.delivered_at) == (2, retry)
    assert not await store.claim_alert_delivery("al1", LEAD, seen_due=retry, hold_until=hold)
    # too late: it stays delivered
    assert not await store.alert_delivery_failed("al1", LEAD, hold, held_until=hold)
    assert (await store.alert_deliveries("al1"))[0].delivered_at == retry


async def test_escalating_queues_the_deputy_delivery_with_it_once(store: Store) -> None:
    await store.create_session(session("s1"))
    await store.create_alert(alert("al1"))
    await store.create_alert(alert("al2"))
    due = T0 + timedelta(minutes=15)

    assert await store.mark_alert_escalated("al1", deliver_at=due)
    assert not await store.mark_alert_escalated("al1", deliver_at=due + timedelta(minutes=1))
    await store.acknowledge_alert("al2", T0)
    assert not await store.mark_alert_escalated("al2", deliver_at=due)

    lead, deputy = await store.alert_deliveries("al1")
    assert (lead.audience, deputy.audience, deputy.due_at) == (LEAD, DEPUTY, due)
    assert [d.audience for d in await store.alert_deliveries("al2")] == [LEAD]


async def test_deliveries_go_with_their_alert_when_it_is_purged(store: Store) -> None:
    await store.create_session(session("s1"))
    await store.create_alert(alert("al1"))
    await store.create_alert(alert("w1", session_id=None, kind=AlertKind.WORRIED))
    await store.close_session("s1", T0)

    await store.purge_session("s1", "{}")
    assert await store.purge_old_alerts(T0 + timedelta(days=1)) == 1

    assert await store.alert_deliveries("al1") == []
    assert await store.alert_deliveries("w1") == []
    assert await store.undelivered_alerts() == []


async def test_two_workers_claiming_one_attempt_only_one_gets_it(backend: Backend) -> None:
    stores = [await backend.open() for _ in range(3)]
    await stores[0].create_session(session("s1"))
    await stores[0].create_alert(alert("al1"))
    hold = T0 + timedelta(minutes=2)
    results = await asyncio.gather(
        *(s.claim_alert_delivery("al1", LEAD, seen_due=T0, hold_until=hold) for s in stores * 3)
    )
    assert sorted(results) == [False] * 8 + [True]
    await backend.close_all()


async def test_a_claimer_changes_the_delivery_only_while_it_holds_it(backend: Backend) -> None:
    """Two processes: the first stalls past its hold, the second claims; the first's late
    failure (or renewal) must not overwrite the second's hold."""
    first, second = await backend.open(), await backend.open()
    await first.create_session(session("s1"))
    await first.create_alert(alert("al1"))
    hold1 = T0 + timedelta(minutes=2)
    assert await first.claim_alert_delivery("al1", LEAD, seen_due=T0, hold_until=hold1)
    renewed = hold1 + timedelta(minutes=1)
    assert await first.extend_alert_hold("al1", LEAD, held_until=hold1, hold_until=renewed)
    assert not await second.claim_alert_delivery("al1", LEAD, seen_due=hold1, hold_until=hold1)

    # The first process stalls; its hold runs out and the second claims the delivery.
    hold2 = renewed + timedelta(minutes=2)
    assert await second.claim_alert_delivery("al1", LEAD, seen_due=renewed, hold_until=hold2)
    late_retry = renewed + timedelta(seconds=5)
    assert not await first.alert_delivery_failed("al1", LEAD, late_retry, held_until=renewed)
    assert not await first.extend_alert_hold(
        "al1", LEAD, held_until=renewed, hold_until=hold2 + timedelta(minutes=1)
    )
    (held,) = await second.undelivered_alerts()
    assert (held.due_at, held.attempts) == (hold2, 2)  # still the second's hold

    retry = hold2 + timedelta(seconds=10)
    assert await second.alert_delivery_failed("al1", LEAD, retry, held_until=hold2)
    assert (await first.undelivered_alerts())[0].due_at == retry
