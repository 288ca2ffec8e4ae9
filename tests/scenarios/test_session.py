"""Running a session, on every adapter: only facilitators start, move on and end it; the
digest reaches staff at the end and on request, quoting only what people agreed to and
naming nobody; /privacy and /withdraw answer only the person asking."""

from __future__ import annotations

from tests.scenarios.room import Room, answers, questions
from tests.scenarios.steps import (
    alias,
    all_answers,
    answer,
    answered,
    digest_json,
    everything,
    start,
)


def _text(name: str, content: bytes) -> str:
    """A digest file's words: Word files are read with python-docx."""
    if not name.endswith(".docx"):
        return content.decode()
    import io

    import docx

    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)


DIGEST_FORMATS = {"md", "html", "csv", "json", "docx"}


async def test_only_facilitators_can_start_move_on_or_end_a_session(room: Room) -> None:
    for someone in (room.young[0], room.staff):
        before = everything(room)
        (refused,) = await room.command(someone, "start-session", **{"question-set": "check-in"})
        assert refused.startswith("Only facilitators can use /start-session")
        before.private[someone].append(refused)
        assert everything(room) == before  # nothing else changed, for anyone
    assert room.group() == []
    (listing,) = await room.command(room.facilitator, "sessions")
    assert listing == "There are no sessions yet."

    question = await start(room)
    for command in ("next-question", "end-session"):
        (refused,) = await room.command(room.young[0], command, **{})
        assert refused == f"Only facilitators can use /{command}. Nothing has changed."
    assert questions(room) == [question]  # still on question 1, still open
    assert room.staff_files() == []
    await answered(room, room.young[1], question, "Still open")


async def test_ending_a_session_sends_the_digest_to_staff_and_digest_gives_it_on_request(
    room: Room,
) -> None:
    question = await start(room)
    await answered(room, room.young[0], question, "Tired but ok", quote=True)

    await room.command(room.facilitator, "end-session")

    (files,) = room.staff_files()
    session_id = question.session_id
    assert set(files) == {f"digest-{session_id}.{kind}" for kind in DIGEST_FORMATS}
    assert b"Tired but ok" in files[f"digest-{session_id}.csv"]
    assert "That's the end of this session" in room.group()[-2].text

    (refused,) = await room.command(room.young[0], "digest", session=session_id, format="md")
    assert refused.startswith("Only staff")
    assert room.files_to(room.young[0]) == []
    await room.command(room.staff, "digest", session=session_id, format="csv")
    (mine,) = room.files_to(room.staff)
    assert list(mine) == [f"digest-{session_id}.csv"]
    assert b"Tired but ok" in mine[f"digest-{session_id}.csv"]
    assert len(room.staff_files()) == 1  # only to the person who asked
    (unknown,) = await room.command(room.staff, "digest", session="nosuch", format="md")
    assert "nosuch" in unknown and room.files_to(room.staff) == [mine]


async def test_the_digest_quotes_only_agreed_words_and_names_nobody(room: Room) -> None:
    q1 = await start(room, "case-for-change")
    first, second, third, fourth = room.young[:4]
    said = {  # who said what, and whether they ticked "quote my words"
        first: ("I felt angry & let down that nobody asked us first.", True),
        second: ("Relieved, honestly. Someone is finally listening.", False),
        third: ("It made me think about my little brother.", True),
    }
    for who, (text, quote) in said.items():
        await answered(room, who, q1, text, quote=quote)
    await room.command(room.facilitator, "next-question")
    unquoted = "Not really, it's mostly about younger kids."
    await answered(room, fourth, questions(room)[-1], unquoted)
    shown = {alias(post) for post in answers(room)}

    await room.command(room.facilitator, "end-session")
    await room.time_passes(31)  # the end-of-session check closes: the digest goes to staff

    (files,) = room.staff_files()
    texts = {name.rsplit(".", 1)[1]: _text(name, content) for name, content in files.items()}
    assert set(texts) == DIGEST_FORMATS
    digest = digest_json(files)
    assert (digest["answer_count"], digest["participant_count"]) == (4, 4)
    kept = all_answers(digest)
    assert len(kept) == 4
    quoted = {a["text"] for a in kept if a["quotable"]}
    assert quoted == {said[first][0], said[third][0]}  # ticked: word for word
    for kind, content in texts.items():  # in every format ("&" escaped as each needs)
        assert "I felt angry" in content and "let down that nobody" in content, kind
        assert said[third][0] in content, kind
    for text in (said[second][0], unquoted):  # not ticked: counted, never quoted
        for kind, content in texts.items():
            assert text not in content, f"{kind} digest quotes an answer without consent"
    assert sum(a["text"] == "" and not a["quotable"] for a in kept) == 2
    assert {a["alias"] for a in kept} == shown and len(shown) == 4
    for name in shown:
        assert name in texts["md"]
    # Nothing that could identify anyone on the platform is in any file.
    identifying = room.identifying()
    for kind, content in texts.items():
        leaked = sorted(thing for thing in identifying if thing in content)
        assert not leaked, f"{kind} digest holds {leaked}"


async def test_privacy_and_withdraw_answer_only_the_person_asking(room: Room) -> None:
    (privacy,) = await room.command(room.young[0], "privacy")
    assert "How your answers are kept private" in privacy.splitlines()[0]
    assert "other people can see your name" in privacy

    assert await room.command(room.young[0], "withdraw")

    assert room.group() == []
    assert room.private(room.young[1]) == []


async def test_withdraw_takes_back_this_session_s_answers(room: Room) -> None:
    question = await start(room)
    await answered(room, room.young[0], question, "Fine thanks", quote=True)
    await answer(room, room.young[1], question, "Busy week", quote=True)
    assert len(answers(room)) == 2

    (reply,) = await room.command(room.young[0], "withdraw", session="this")

    assert reply.startswith("Done. 1 of your answers have been taken out")
    nothing = await room.command(room.young[2], "withdraw", session="this")
    assert nothing == ["You don't have any answers stored, so there was nothing to take out."]
    await room.command(room.facilitator, "end-session")
    (files,) = room.staff_files()
    assert [a["text"] for a in all_answers(digest_json(files))] == ["Busy week"]
