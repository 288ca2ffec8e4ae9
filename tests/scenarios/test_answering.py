"""Answering, on every adapter: the privacy note first, the answer kept and thanked, shown
under a made-up name (at once, or in a shuffled batch), skipping, and the closing check-in."""

from __future__ import annotations

from tests.scenarios.room import Room, answers, questions
from tests.scenarios.steps import alias, answer, answered, digest_json, shows, start


async def test_the_privacy_note_comes_privately_before_the_first_answer_only(room: Room) -> None:
    q1 = await start(room, "case-for-change")
    first, other = room.young[:2]

    opened = await room.press_answer(first, q1)

    assert opened.kind == "note", opened
    assert "Before you answer" in opened.text and "safeguarding lead" in opened.text
    assert opened.text in room.private(first) and room.private(other) == []
    assert answers(room) == []
    assert (await room.agree(first)).kind == "form"  # agreeing opens the form
    told = await room.submit(first, "I felt angry that nobody asked us first.", quote=True)
    assert any("shown to the group anonymously" in text for text in told)

    await room.command(room.facilitator, "next-question")
    q2 = questions(room)[-1]
    # A sensitive question: the content note comes before it.
    note = q2.text.index("💛 This question touches on things that can be hard")
    assert note < q2.text.index("Is this an accurate representation of you?")
    again = await room.press_answer(first, q2)  # agreed once for the session: the form
    assert again.kind == "form", again


async def test_an_answer_is_kept_thanked_privately_and_shown_under_a_made_up_name(
    room: Room,
) -> None:
    question = await start(room)
    writer, other = room.young[:2]
    before = len(room.group())

    told = await answer(room, writer, question, "Tired but glad to be here", quote=True)

    (thanks,) = [text for text in told if "shown to the group anonymously" in text]
    assert room.private(other) == []
    (post,) = answers(room)
    assert room.group()[before:] == [post]  # the answer, and nothing else, for the group
    assert shows(post, "Tired but glad to be here")
    assert "answered question 1" in post.text
    name = alias(post)
    assert name in thanks and writer not in post.text
    await room.command(room.facilitator, "end-session")
    (files,) = room.staff_files()
    (kept,) = [a for q in digest_json(files)["questions"] for a in q["answers"]]
    assert (kept["text"], kept["alias"]) == ("Tired but glad to be here", name)


async def test_answers_wait_for_the_batch_time_and_come_shuffled_together(
    batched_room: Room,
) -> None:
    room = batched_room
    question = await start(room)
    written = ["Ask us before deciding", "Nobody explained anything", "More say in where we live"]
    for who, text in zip(room.young, written, strict=False):
        told = await answer(room, who, question, text, quote=True)
        assert any("shown to the group anonymously" in t for t in told)
        assert answers(room) == []  # not at once: that would show who just answered

    await room.batch_time()

    shown = [next(text for text in written if text in post.text) for post in answers(room)]
    assert shown == written[::-1]  # all together, in the (reversing) shuffle's order
    assert len({alias(post) for post in answers(room)}) == 3


async def test_waiting_answers_are_shown_when_the_question_closes(batched_room: Room) -> None:
    room = batched_room
    q1 = await start(room)
    assert await answer(room, room.young[0], q1, "Nobody explained anything to me.")
    assert answers(room) == []

    await room.command(room.facilitator, "next-question")

    (post,) = answers(room)
    assert shows(post, "Nobody explained anything to me.")
    order = [p.ref for p in room.group()]
    assert order.index(post.ref) < order.index(questions(room)[-1].ref)  # before question 2


async def test_skipping_a_question_is_private_and_posts_nothing(room: Room) -> None:
    question = await start(room)
    posted = len(room.group())

    (reply,) = await room.skip(room.young[2], question)

    assert reply.startswith("No problem, you've skipped this one.")
    assert len(room.group()) == posted
    assert room.private(room.young[0]) == [] and reply not in room.private(room.facilitator)


async def test_check_in_answers_reach_only_the_facilitator(room: Room) -> None:
    question = await start(room)
    await answered(room, room.young[1], question, "Fine thanks", quote=True)
    await room.command(room.facilitator, "end-session")
    assert any("That's the end of this session" in p.text for p in room.group())
    check_in = questions(room)[-1]
    assert check_in.text.startswith("Check-in")
    assert "Before you go: how are you feeling" in check_in.text
    assert "Question" not in check_in.text  # not numbered
    posted = len(room.group())

    told = await answer(room, room.young[0], check_in, "A bit tired but glad I came")

    assert any("Only the facilitator will see it" in text for text in told)
    assert len(room.group()) == posted  # nothing for the group
    assert any("A bit tired but glad I came" in t for t in room.private(room.facilitator))
    assert not any("tired" in t for t in room.private(room.young[1]) + room.private(room.lead))


async def test_after_the_session_ends_the_answer_button_says_so(room: Room) -> None:
    question = await start(room)
    waiting = await room.press_answer(room.young[0], question)  # the privacy note is open
    assert waiting.kind == "note"
    await room.command(room.facilitator, "end-session")

    agreed = await room.agree(room.young[0])
    late = await room.press_answer(room.young[1], question)

    assert agreed.kind == "text" and "This session has finished" in agreed.text
    assert late.kind == "text" and "finished" in late.text
