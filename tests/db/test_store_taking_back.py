"""Contract, on every backend: where a participant's or an answer's posts are (read before a
withdrawal or keep-out takes them down), one answer per submitted form, and a digest marked
delivered only when told."""

from __future__ import annotations

import asyncio

from bot.core.store import Store
from tests.db.builders import answer, participant, session


async def test_the_posts_of_a_participant_and_of_an_answer_are_read_back(store: Store) -> None:
    await store.create_session(session("s1"))
    amy = await participant(store, "s1", "amy")
    ben = await participant(store, "s1", "ben")
    first = await answer(store, amy, "one")
    second = await answer(store, amy, "two")
    theirs = await answer(store, ben, "three")
    await store.record_answer_post(first.id, "C1:1.1")
    await store.record_answer_post(theirs.id, "C1:1.2")
    await store.record_answer_post(second.id, "C1:1.3")

    assert await store.posts_of_participant(amy.id) == ["C1:1.1", "C1:1.3"]
    assert await store.posts_of_answer(second.id) == ["C1:1.3"]
    assert await store.posts_of_answer("nope") == []
    await store.withdraw_participant(amy.id)
    assert await store.posts_of_participant(amy.id) == []
    assert await store.posts_of_participant(ben.id) == ["C1:1.2"]


async def test_a_submission_given_again_returns_the_answer_stored_first(store: Store) -> None:
    await store.create_session(session("s1"))
    amy = await participant(store, "s1", "amy")
    ben = await participant(store, "s1", "ben")

    async def submit(answer_id: str, who_id: str = "amy", form: str = "V1") -> str:
        who = amy if who_id == "amy" else ben
        written = await store.record_answer(
            answer_id=answer_id,
            session_id="s1",
            question_number=1,
            participant=who,
            text=f"from {who_id}",
            auto_tags=(("voice", "listen"),),
            submission_id=form,
        )
        return written.id

    # The same form three times at once: one answer, and every caller is told which.
    ids = await asyncio.gather(submit("a1"), submit("a2"), submit("a3"))
    assert len(set(ids)) == 1
    assert await submit("a4", form="V2") == "a4"  # another form: another answer
    assert await submit("a5", who_id="ben") == "a5"  # the same id from someone else
    stored = await store.answers_for_session("s1")
    assert sorted(d.answer.id for d in stored) == sorted([ids[0], "a4", "a5"])
    assert all(len(d.tags) == 1 for d in stored)
    # Without a submission id every answer is stored, as before.
    await answer(store, amy, "same words")
    await answer(store, amy, "same words")
    assert len(await store.answers_for_session("s1")) == 5


async def test_a_digest_is_delivered_only_once_marked(store: Store) -> None:
    await store.create_session(session("s1"))
    before = await store.session("s1")
    assert before is not None and before.digest_delivered is False
    assert await store.mark_digest_delivered("s1") is True
    after = await store.session("s1")
    assert after is not None and after.digest_delivered is True
    assert await store.mark_digest_delivered("s1") is False
