"""Contract: answers, on every backend. Statuses, posts, reactions once per person, tags a
facilitator overrides, and a digest input that holds back held and kept-out answers."""

from __future__ import annotations

import asyncio

from bot.core.records import AnswerStatus, TagRecord
from bot.core.store import Store
from tests.db.builders import answer, participant, session
from tests.db.conftest import Backend

SHOWN, PENDING, HELD, KEPT_OUT = (
    AnswerStatus.SHOWN,
    AnswerStatus.PENDING,
    AnswerStatus.HELD,
    AnswerStatus.KEPT_OUT,
)


async def test_an_answer_reads_back_with_its_alias_status_and_quote_consent(store: Store) -> None:
    await store.create_session(session("s1"))
    amy = await participant(store, "s1", "amy")
    text = "Moving 5 times 🏠 — “nobody asked me”\n\tand that hurt"
    written = await store.record_answer(
        answer_id="a1",
        session_id="s1",
        question_number=2,
        participant=amy,
        text=text,
        auto_tags=(),
        status=PENDING,
        quote_ok=True,
    )
    assert written.alias == amy.alias and written.text == text
    assert await store.answer("a1") == written
    assert await store.answer("nope") is None


async def test_the_digest_input_has_shown_and_pending_answers_in_order_with_tags(
    store: Store,
) -> None:
    await store.create_session(session("s1"))
    amy = await participant(store, "s1", "amy")
    first = await answer(store, amy, "one", tags=(("stability-moves", "moved"),))
    await answer(store, amy, "held", status=HELD)
    await answer(store, amy, "kept", status=KEPT_OUT)
    last = await answer(store, amy, "two", status=PENDING, tags=(("voice", "listen"),))
    digest = await store.answers_for_session("s1")
    assert [d.answer.id for d in digest] == [first.id, last.id]
    assert digest[0].tags == (
        TagRecord(theme_id="stability-moves", origin="auto", evidence="moved"),
    )
    assert digest[1].reaction_counts == {}


async def test_a_post_maps_back_to_its_answer_once(store: Store) -> None:
    await store.create_session(session("s1"))
    written = await answer(store, await participant(store))
    await store.record_answer_post(written.id, "msg-1")
    await store.record_answer_post(written.id, "msg-1")  # a retry: no second row, no error
    assert await store.answer_for_message("msg-1") == written
    assert await store.answer_for_message("msg-2") is None


async def test_answers_with_a_status_by_question(store: Store) -> None:
    await store.create_session(session("s1"))
    amy = await participant(store)
    a = await answer(store, amy, question=1, status=PENDING)
    b = await answer(store, amy, question=2, status=PENDING)
    await answer(store, amy, question=2)
    assert [x.id for x in await store.answers_with_status("s1", PENDING)] == [a.id, b.id]
    assert [x.id for x in await store.answers_with_status("s1", PENDING, 2)] == [b.id]
    assert await store.answers_with_status("s1", HELD) == []


async def test_a_status_moves_only_from_the_states_allowed(store: Store) -> None:
    await store.create_session(session("s1"))
    held = await answer(store, await participant(store), status=HELD)
    assert not await store.set_answer_status(held.id, SHOWN, only_from=[PENDING])
    assert await store.set_answer_status(held.id, SHOWN, only_from=[PENDING, HELD])
    assert not await store.set_answer_status(held.id, KEPT_OUT, only_from=[HELD])
    assert (await store.answer(held.id) or held).status is SHOWN
    assert not await store.set_answer_status("nope", SHOWN, only_from=[HELD])


async def test_reactions_count_once_per_person_and_can_be_taken_back(store: Store) -> None:
    await store.create_session(session("s1"))
    amy = await participant(store, "s1", "amy")
    ben = await participant(store, "s1", "ben")
    written = await answer(store, amy)
    assert await store.set_reaction(written.id, amy.id, "👍", True)
    assert not await store.set_reaction(written.id, amy.id, "👍", True)  # already on
    assert await store.set_reaction(written.id, ben.id, "👍", True)
    assert await store.set_reaction(written.id, ben.id, "💡", True)
    assert await store.has_reaction(written.id, ben.id, "💡")
    assert await store.reaction_counts(written.id) == {"👍": 2, "💡": 1}
    assert await store.set_reaction(written.id, ben.id, "👍", False)
    assert not await store.set_reaction(written.id, ben.id, "👍", False)  # already off
    assert not await store.has_reaction(written.id, ben.id, "👍")
    (entry,) = await store.answers_for_session("s1")
    assert entry.reaction_counts == {"👍": 1, "💡": 1}


async def test_a_toggle_turns_a_reaction_on_or_off_and_says_which(store: Store) -> None:
    await store.create_session(session("s1"))
    amy = await participant(store, "s1", "amy")
    written = await answer(store, amy)
    assert await store.toggle_reaction(written.id, amy.id, "👍")
    assert await store.reaction_tally(written.id) == ({"👍": 1}, 1)
    assert not await store.toggle_reaction(written.id, amy.id, "👍")
    assert await store.reaction_tally(written.id) == ({}, 2)
    assert await store.toggle_reaction(written.id, amy.id, "💡")
    assert await store.reaction_tally(written.id) == ({"💡": 1}, 3)


async def test_presses_at_once_from_several_replicas_end_as_their_count_implies(
    backend: Backend,
) -> None:
    stores = [await backend.open() for _ in range(4)]
    await stores[0].create_session(session("s1"))
    amy = await participant(stores[0], "s1", "amy")
    written = await answer(stores[0], amy)
    for presses in (20, 7):  # an even count leaves it as it was; an odd one flips it
        before = await stores[0].has_reaction(written.id, amy.id, "👍")
        _, revision = await stores[0].reaction_tally(written.id)
        states = await asyncio.gather(
            *(
                stores[press % len(stores)].toggle_reaction(written.id, amy.id, "👍")
                for press in range(presses)
            )
        )
        # One after another: each press saw the one before it, so on and off alternate.
        ons = presses // 2 + (presses % 2 if not before else 0)
        assert sorted(states) == [False] * (presses - ons) + [True] * ons
        after = await stores[0].has_reaction(written.id, amy.id, "👍")
        assert after == (before if presses % 2 == 0 else not before)
        counts, new_revision = await stores[0].reaction_tally(written.id)
        assert counts == ({"👍": 1} if after else {})
        assert new_revision == revision + presses


async def test_a_facilitator_tag_overrides_the_automatic_one(store: Store) -> None:
    await store.create_session(session("s1"))
    written = await answer(
        store, await participant(store), tags=(("housing", "flat"), ("education", "school"))
    )
    await store.set_tag(written.id, "housing", False)
    await store.set_tag(written.id, "relationships", True)
    await store.set_tag(written.id, "relationships", True)  # twice is once
    (entry,) = await store.answers_for_session("s1")
    assert entry.tags == (
        TagRecord(theme_id="education", origin="auto", evidence="school"),
        TagRecord(theme_id="relationships", origin="facilitator", evidence=""),
    )
    await store.set_tag(written.id, "housing", True)
    (entry,) = await store.answers_for_session("s1")
    assert [(t.theme_id, t.origin) for t in entry.tags] == [
        ("education", "auto"),
        ("housing", "facilitator"),
        ("relationships", "facilitator"),
    ]
