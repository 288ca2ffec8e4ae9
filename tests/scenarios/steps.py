"""Steps every scenario takes, written once over ``Room``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tests.scenarios.room import Alert, Post, Room, answers, questions

DISCLOSURE = "my dad hits me and i'm scared to go home"
NOT_QUOTED = (
    "(Not shown: this young person didn't agree to their exact words being quoted. "
    "The answer is counted in the themes and agreement.)"
)
PASSED_TO_LEAD = (
    "One answer was passed privately to the safeguarding lead and hasn't been shown to the group."
)


async def start(room: Room, question_set: str = "check-in") -> Post:
    """The facilitator starts a session; its first question."""
    told = await room.command(room.facilitator, "start-session", **{"question-set": question_set})
    assert any("has started" in text for text in told), told
    return questions(room)[-1]


async def answer(
    room: Room, who: str, question: Post, text: str, *, quote: bool = False
) -> list[str]:
    """Press "Answer anonymously" (agreeing to the privacy note when it comes first), fill in
    the form and send it; what the writer was told privately."""
    opened = await room.press_answer(who, question)
    if opened.kind == "note":
        opened = await room.agree(who)
    assert opened.kind == "form", opened
    return await room.submit(who, text, quote=quote)


async def answered(room: Room, who: str, question: Post, text: str, *, quote: bool = False) -> Post:
    """``answer``, when it is shown at once: the answer's post."""
    told = await answer(room, who, question, text, quote=quote)
    assert any("shown to the group anonymously" in t for t in told), told
    (post,) = [p for p in answers(room) if text in p.text]
    return post


async def join(room: Room, who: str, question: Post) -> None:
    """Agree to the session's privacy note without answering, as someone who only reacts."""
    opened = await room.press_answer(who, question)
    assert opened.kind == "note", opened
    assert (await room.agree(who)).kind == "form"


def alias(post: Post) -> str:
    """The made-up name an answer is shown under."""
    head, found, _ = post.text.partition(" answered question ")
    assert found, post.text
    return head.splitlines()[-1].strip("*_ ")


def shows(post: Post, words: str) -> bool:
    """The post shows ``words`` (one line) exactly as written, as a line of its own."""
    return any(line.removeprefix(">>> ") == words for line in post.text.splitlines())


def digest_json(files: dict[str, bytes]) -> dict[str, Any]:
    (content,) = [c for name, c in files.items() if name.endswith(".json")]
    data: dict[str, Any] = json.loads(content)
    return data


def all_answers(digest: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for q in digest["questions"] for a in q["answers"]]


def given(answer: dict[str, Any]) -> dict[str, int]:
    """An answer's reaction counts in the digest, leaving out the zeros."""
    return {r["emoji"]: r["count"] for r in answer["reactions"] if r["count"]}


@dataclass
class Everything:
    """What everyone in the room can see, at one moment."""

    group: list[Post]
    alerts: list[Alert]
    staff_files: list[dict[str, bytes]]
    staff_notes: list[str]
    private: dict[str, list[str]]


def everything(room: Room) -> Everything:
    people = (room.facilitator, room.staff, room.lead, *room.young)
    return Everything(
        group=room.group(),
        alerts=room.alerts(),
        staff_files=room.staff_files(),
        staff_notes=room.staff_notes(),
        private={who: room.private(who) for who in people},
    )
