"""Contract: alerts, retention, the audit log and key fingerprints, on every backend."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.core.records import AlertKind, AuditEntry
from bot.core.store import Store
from tests.db.builders import T0, alert, answer, participant, session
from tests.db.conftest import Backend


def entry(action: str, minutes: int = 0) -> AuditEntry:
    return AuditEntry(
        at=T0 + timedelta(minutes=minutes),
        actor="discord:lead",
        action=action,
        subject="a1",
        detail="reason: worried about them",
    )


async def test_an_alert_reads_back_and_is_found_by_its_answer(store: Store) -> None:
    await store.create_session(session("s1"))
    written = await answer(store, await participant(store))
    await store.create_alert(alert("al2", answer_id=written.id, minutes=2))
    await store.create_alert(alert("al1", answer_id=written.id, kind=AlertKind.REPORT))
    await store.create_alert(alert("w1", session_id=None, kind=AlertKind.WORRIED))
    got = await store.alert("al1")
    assert got == alert("al1", answer_id=written.id, kind=AlertKind.REPORT)
    assert [a.id for a in await store.alerts_for_answer(written.id)] == ["al1", "al2"]
    assert await store.alert("nope") is None
    assert await store.identity_of_answer("nope") is None


async def test_an_alert_is_acknowledged_once_and_escalated_only_if_nobody_did(
    store: Store,
) -> None:
    await store.create_session(session("s1"))
    await store.create_alert(alert("al1"))
    await store.create_alert(alert("al2"))
    assert await store.mark_alert_escalated("al1")
    assert not await store.mark_alert_escalated("al1")
    assert await store.acknowledge_alert("al1", T0 + timedelta(minutes=20))
    assert not await store.acknowledge_alert("al1", T0 + timedelta(minutes=30))
    assert await store.acknowledge_alert("al2", T0 + timedelta(minutes=5))
    assert not await store.mark_alert_escalated("al2")  # the lead picked it up in time
    got = await store.alert("al1")
    assert got is not None and got.escalated
    assert got.acknowledged_at == T0 + timedelta(minutes=20)


async def test_two_leads_acknowledging_at_once_only_one_counts(backend: Backend) -> None:
    stores = [await backend.open() for _ in range(3)]
    await stores[0].create_session(session("s1"))
    await stores[0].create_alert(alert("al1"))
    results = await asyncio.gather(*(s.acknowledge_alert("al1", T0) for s in stores * 3))
    assert sorted(results) == [False] * 8 + [True]
    await backend.close_all()


async def test_a_purge_keeps_the_snapshot_and_forgets_the_words(store: Store) -> None:
    await store.create_session(session("old", channel="c1"))
    await store.create_session(session("recent", channel="c2"))
    await store.create_session(session("open", channel="c3"))
    amy = await participant(store, "old", "amy")
    written = await answer(store, amy)
    await answer(store, amy)
    await store.create_alert(alert("al1", session_id="old", answer_id=written.id))
    await store.close_session("old", T0)
    await store.close_session("recent", T0 + timedelta(days=20))
    assert await store.sessions_to_purge(T0 + timedelta(days=10)) == ["old"]
    assert await store.purge_session("old", '{"answers": 2}') == 2
    assert await store.digest_snapshot("old") == '{"answers": 2}'
    assert await store.digest_snapshot("recent") is None
    purged = await store.session("old")
    assert purged is not None and purged.purged
    assert await store.answer(written.id) is None and await store.alert("al1") is None
    assert await store.find_participant("old", "amy") is None
    assert await store.sessions_to_purge(T0 + timedelta(days=30)) == ["recent"]


async def test_old_worried_alerts_are_purged_by_age_and_session_alerts_are_not(
    store: Store,
) -> None:
    await store.create_session(session("s1"))
    await store.create_alert(alert("w-old", session_id=None, kind=AlertKind.WORRIED))
    await store.create_alert(
        alert("w-new", session_id=None, kind=AlertKind.WORRIED, minutes=60 * 24 * 40)
    )
    await store.create_alert(alert("in-session"))
    assert await store.purge_old_alerts(T0 + timedelta(days=30)) == 1
    assert await store.alert("w-old") is None
    assert await store.alert("w-new") is not None and await store.alert("in-session") is not None


async def test_the_audit_log_reads_back_in_the_order_written(store: Store) -> None:
    entries = [entry("who-wrote", 5), entry("release", 1), entry("keep-out", 3)]
    for e in entries:
        await store.audit(e)
    assert await store.audit_entries() == entries


async def test_the_first_key_fingerprint_stays_until_it_is_replaced_on_purpose(
    store: Store,
) -> None:
    assert await store.key_fingerprint("identity") is None
    assert await store.remember_key_fingerprint("identity", "a" * 64) == "a" * 64
    assert await store.remember_key_fingerprint("identity", "b" * 64) == "a" * 64
    await store.create_session(session("s1"))
    amy = await participant(store, "s1", "amy", identity=b"sealed-old")
    await store.rekey_people([(amy.id, "amy-new")], "c" * 64, entry("rotate identity"))
    assert await store.key_fingerprint("identity") == "c" * 64
    assert await store.find_participant("s1", "amy-new") is not None
    (sealed,) = await store.sealed_identities()
    assert (sealed.participant_id, sealed.ciphertext) == (amy.id, b"sealed-old")
    await store.reseal_identities([(amy.id, b"sealed-new")], "d" * 64, entry("rotate sg"))
    assert await store.key_fingerprint("safeguarding") == "d" * 64
    assert [s.ciphertext for s in await store.sealed_identities()] == [b"sealed-new"]
    assert [e.action for e in await store.audit_entries()] == ["rotate identity", "rotate sg"]


async def test_a_new_safeguarding_key_reseals_identities_and_alerts_in_one_go(
    store: Store,
) -> None:
    await store.create_session(session("s1"))
    amy = await participant(store, "s1", "amy", identity=b"amy-old")
    await store.create_alert(replace(alert("al1"), sealed=b"words-old"))
    await store.create_alert(alert("al2"))  # nothing sealed: nothing to carry over
    await store.create_alert(replace(alert("w1", session_id=None, minutes=1), sealed=b"w-old"))
    assert [(s.alert_id, s.ciphertext) for s in await store.sealed_alerts()] == [
        ("al1", b"words-old"),
        ("w1", b"w-old"),
    ]
    await store.reseal_identities(
        [(amy.id, b"amy-new")],
        "d" * 64,
        entry("rotate sg"),
        alerts=[("al1", b"words-new"), ("w1", b"w-new")],
    )
    assert [s.ciphertext for s in await store.sealed_identities()] == [b"amy-new"]
    assert [s.ciphertext for s in await store.sealed_alerts()] == [b"words-new", b"w-new"]
    got = await store.alert("al1")
    assert got is not None and got.sealed == b"words-new" and got.categories
    assert await store.key_fingerprint("safeguarding") == "d" * 64


async def test_a_reseal_that_fails_part_way_changes_nothing(store: Store) -> None:
    await store.create_session(session("s1"))
    amy = await participant(store, "s1", "amy", identity=b"amy-old")
    await store.create_alert(replace(alert("al1"), sealed=b"words-old"))
    with pytest.raises(Exception):  # noqa: B017 - each backend raises its own error
        await store.reseal_identities(
            [(amy.id, b"amy-new")],
            "d" * 64,
            entry("rotate sg"),
            alerts=[("al1", b"words-new"), ("al1", object())],  # type: ignore[list-item]
        )
    assert [s.ciphertext for s in await store.sealed_identities()] == [b"amy-old"]
    assert [s.ciphertext for s in await store.sealed_alerts()] == [b"words-old"]
    assert await store.key_fingerprint("safeguarding") is None
