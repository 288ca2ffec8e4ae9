"""/held: the safeguarding lead's private list of answers held back from the group.

Only a safeguarding lead may see it. Anyone else gets one kind line, sees nothing, and the
attempt is audited (who, never any answer text; a young person is named only by platform, as
"participant", never by id). The list covers every answer still held (``AnswerStatus.HELD``)
in open sessions and in closed sessions not yet purged, newest first by when it was held,
a page at a time: session, question, when, the words, what the screen held it for, and
per answer three buttons (release, keep out, who wrote), whose action ids survive a restart.
A page holds at most ``PAGE_SIZE`` answers and about ``PAGE_WORDS`` characters of words.
The buttons reuse the desk's release / keep-out / who-wrote, which check the role again and
audit each decision. Each look at the list is audited too: who, when, how many (no text).

``session`` narrows it to one session (its id or label); ``page`` shows the next ones. How the
list is split into messages is each adapter's (its platform's limits).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core.actions import keep_out_action_id, release_action_id, who_wrote_action_id
from bot.core.errors import InvalidRequest, NotAllowed, NotFound
from bot.core.events import CommandInvoked, Person, Role, audit_name
from bot.core.outbound import HeldAnswer, HeldAnswerList, Outbound, PrivateNotice
from bot.core.records import AlertKind, AnswerRecord, AnswerStatus, SessionRecord
from bot.core.store import AnswerStore, SafeguardingStore, SessionStore
from bot.safeguarding.desk import SafeguardingDesk

PAGE_SIZE = 10  # answers a page at most …
PAGE_WORDS = 8_000  # … and about this many characters of their words (long answers: fewer)
REFUSED = "Only the safeguarding lead can see held answers. Nothing has been shown or changed."
NOTHING_HELD = "Nothing is held back from the group right now."
QuestionText = Callable[[SessionRecord, int], str]


class HeldStore(SessionStore, AnswerStore, SafeguardingStore, Protocol):
    pass


@dataclass(frozen=True, slots=True)
class _Held:
    session: SessionRecord
    answer: AnswerRecord
    held_at: datetime | None
    categories: tuple[str, ...]


class HeldAnswers:
    """Builds the lead's /held list from the store; decisions stay with the desk."""

    def __init__(self, *, store: HeldStore, desk: SafeguardingDesk) -> None:
        self._store = store
        self._desk = desk

    async def command(self, event: CommandInvoked, question_text: QuestionText) -> list[Outbound]:
        person = event.person
        if Role.SAFEGUARDING_LEAD not in person.roles:
            await self._desk.audit(_who(person), "held-list-refused")
            raise NotAllowed(REFUSED)
        wanted = event.options.get("session", "").strip()
        sessions = await self._sessions(wanted)
        page = _page(event.options.get("page", ""))
        held = await self._held(sessions)
        pages = _pages(held)
        start = sum(len(p) for p in pages[: page - 1])
        shown = pages[page - 1] if page <= len(pages) else []
        scope = sessions[0].id if wanted else "all"
        await self._desk.audit(
            audit_name(person), "held-listed", scope, f"{len(shown)} shown of {len(held)}"
        )
        if not shown:
            text = NOTHING_HELD if not held else f"There are only {len(held)} held answers."
            return [PrivateNotice(channel_id=event.channel_id, recipient=person, text=text)]
        intro = (
            f"**Held answers** ({start + 1} to {start + len(shown)} of {len(held)}, "
            "newest first). Only you can see this. Nothing here has been shown to the group."
        )
        left = len(held) - start - len(shown)
        more = ""
        if left:
            narrow = f" with session {scope} and" if wanted else " with"
            more = f"… and {left} more. To see them, use /held{narrow} page {page + 1}."
        answers = tuple(_entry(item, question_text) for item in shown)
        listing = HeldAnswerList(
            channel_id=event.channel_id, recipient=person, intro=intro, answers=answers, more=more
        )
        return [listing]

    async def _sessions(self, wanted: str) -> list[SessionRecord]:
        """Every session not purged, or the one ``wanted`` names (by id or label)."""
        sessions = [
            s
            for s in [await self._store.session(i) for i in await self._store.all_session_ids()]
            if s is not None and not s.purged
        ]
        if not wanted:
            return sessions
        named = [s for s in sessions if wanted in (s.id, s.label) or _same(s.label, wanted)]
        if not named:
            raise NotFound(f"There's no session '{wanted}' with answers still kept.")
        return named[:1]

    async def _held(self, sessions: list[SessionRecord]) -> list[_Held]:
        found: list[_Held] = []
        for session in sessions:
            for answer in await self._store.answers_with_status(session.id, AnswerStatus.HELD):
                alerts = [
                    a
                    for a in await self._store.alerts_for_answer(answer.id)
                    if a.kind is AlertKind.DISCLOSURE
                ]
                first = min(alerts, key=lambda a: a.created_at) if alerts else None
                found.append(
                    _Held(
                        session=session,
                        answer=answer,
                        held_at=first.created_at if first else None,
                        categories=first.categories if first else (),
                    )
                )
        found.sort(key=lambda h: (h.held_at or h.session.started_at, h.answer.id), reverse=True)
        return found


def _entry(item: _Held, question_text: QuestionText) -> HeldAnswer:
    session, answer = item.session, item.answer
    label = session.label or session.id
    when = f"{item.held_at:%d %b %Y, %H:%M} UTC" if item.held_at else "time not known"
    heading = f"Session {label} · question {answer.question_number} · {when} · answer {answer.id}"
    why = ", ".join(item.categories) if item.categories else "not recorded"
    return HeldAnswer(
        answer_id=answer.id,
        heading=heading,
        question=question_text(session, answer.question_number),
        words=answer.text,
        why=f"Held for: {why}",
        release_action_id=release_action_id(answer.id),
        keep_out_action_id=keep_out_action_id(answer.id),
        who_wrote_action_id=who_wrote_action_id(answer.id),
    )


def _pages(held: list[_Held]) -> list[list[_Held]]:
    """The list in pages of at most ``PAGE_SIZE`` answers and about ``PAGE_WORDS``
    characters of words (always at least one answer), so a page stays a few messages long on
    every platform."""
    pages: list[list[_Held]] = []
    size = 0
    for item in held:
        words = len(item.answer.text)
        if not pages or len(pages[-1]) == PAGE_SIZE or size + words > PAGE_WORDS:
            pages.append([])
            size = 0
        pages[-1].append(item)
        size += words
    return pages


def _page(raw: str) -> int:
    raw = raw.strip()
    if not raw:
        return 1
    if not raw.isdigit() or int(raw) < 1:
        raise InvalidRequest("Please give the page as a number, like 2.")
    return int(raw)


def _same(label: str | None, wanted: str) -> bool:
    return label is not None and label.casefold() == wanted.casefold()


def _who(person: Person) -> str:
    """Staff are named in the audit log as ever; a young person is never named there."""
    if person.roles:
        return audit_name(person)
    return f"{person.platform}:participant"
