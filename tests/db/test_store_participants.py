"""Contract: participants, on every backend. Consent picks the first free alias (and keeps it),
fifty people consenting at once all get distinct aliases, withdrawal takes everything a
person wrote but leaves safeguarding alerts standing."""

from __future__ import annotations

import asyncio

from bot.core.records import AnswerStatus
from bot.core.store import Store
from tests.db.builders import ALIASES, T0, alert, aliases, answer, participant, session
from tests.db.conftest import Backend


async def test_consent_gives_the_first_free_alias_and_stores_the_identity(store: Store) -> None:
    await store.create_session(session("s1"))
    amy = await store.consent_participant("s1", "amy", ALIASES, b"\x00amy\xff")
    ben = await store.consent_participant("s1", "ben", ALIASES, b"ben")
    assert (amy.alias, ben.alias) == (ALIASES[0], ALIASES[1])
    assert amy.consented and amy.session_id == "s1" and amy.id != ben.id
    assert await store.find_participant("s1", "amy") == amy
    assert await store.find_participant("s1", "nobody") is None
    written = await answer(store, amy)
    assert await store.identity_of_answer(written.id) == b"\x00amy\xff"


async def test_consenting_again_keeps_the_alias_and_replaces_the_identity(store: Store) -> None:
    await store.create_session(session("s1"))
    first = await store.consent_participant("s1", "amy", ALIASES, b"old")
    again = await store.consent_participant("s1", "amy", reversed(ALIASES), b"new")
    assert again == first
    written = await answer(store, again)
    assert await store.identity_of_answer(written.id) == b"new"


async def test_aliases_are_per_session(store: Store) -> None:
    await store.create_session(session("s1", channel="c1"))
    await store.create_session(session("s2", channel="c2"))
    in_one = await store.consent_participant("s1", "amy", ALIASES, b"x")
    in_two = await store.consent_participant("s2", "amy", ALIASES, b"x")
    assert in_one.alias == in_two.alias == ALIASES[0]
    assert in_one.id != in_two.id


async def test_fifty_people_consenting_at_once_all_get_distinct_aliases(backend: Backend) -> None:
    """Five store instances (five processes on PostgreSQL, each with its own pool), ten
    young people pressing "I understand" on each at the same moment, one session."""
    stores = [await backend.open() for _ in range(5)]
    await stores[0].create_session(session("s1"))
    candidates = aliases(60)
    people = [(stores[i % 5], f"person-{i}") for i in range(50)]
    results = await asyncio.gather(
        *(s.consent_participant("s1", who, candidates, who.encode()) for s, who in people)
    )
    assert len({p.alias for p in results}) == 50
    assert len({p.id for p in results}) == 50
    assert {p.alias for p in results} == set(candidates[:50])  # first free, no gaps
    for s, who in people:
        found = await s.find_participant("s1", who)
        assert found is not None and found.consented
    await backend.close_all()


async def test_withdrawal_takes_answers_and_reactions_but_alerts_stay(store: Store) -> None:
    await store.create_session(session("s1"))
    amy = await participant(store, "s1", "amy")
    ben = await participant(store, "s1", "ben")
    held = await answer(store, amy, status=AnswerStatus.HELD)
    shown = await answer(store, amy)
    bens = await answer(store, ben)
    await store.set_reaction(bens.id, amy.id, "👍", True)
    await store.set_reaction(shown.id, ben.id, "👍", True)
    await store.create_alert(alert("al1", answer_id=held.id))
    assert await store.withdraw_participant(amy.id) == 2
    assert await store.find_participant("s1", "amy") is None
    assert await store.answer(held.id) is None and await store.answer(shown.id) is None
    assert await store.reaction_counts(bens.id) == {}
    kept = await store.alert("al1")
    assert kept is not None and kept.answer_id is None  # the lead still sees the alert
    assert [a.answer.id for a in await store.answers_for_session("s1")] == [bens.id]
    assert await store.withdraw_participant(amy.id) == 0  # nothing left to withdraw


async def test_withdrawals_and_a_purge_of_the_same_session_at_once_all_finish(
    backend: Backend,
) -> None:
    stores = [await backend.open() for _ in range(3)]
    await stores[0].create_session(session("s1"))
    people = [await participant(stores[0], "s1", f"p{n}") for n in range(6)]
    for who in people:
        await answer(stores[0], who)
    await stores[0].close_session("s1", T0)
    results = await asyncio.gather(
        stores[1].purge_session("s1", "{}"),
        *(stores[n % 3].withdraw_participant(p.id) for n, p in enumerate(people)),
    )
    assert sum(results) == 6  # each answer counted once, by whichever got to it first
    assert await stores[0].answers_for_session("s1") == []
    await backend.close_all()
