"""Saving a summary for the young people (the command line, after staff have edited the
draft) and /share-summary, which posts the saved summary to the group's channel.

/share-summary is for staff and facilitators (the engine checks the role). It names a session
(``session``: its id or label), or takes the latest session in the channel it is used in. The
session's platform must be the one the command came from. A summary over the platform's limit
for one message is refused with the limit, and nothing is posted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from bot.core.errors import InvalidRequest, NotFound
from bot.core.events import CommandInvoked, audit_name
from bot.core.outbound import ChannelNotice, Outbound, PrivateNotice
from bot.core.ports import AuditTrail
from bot.core.records import AnswerStatus, SessionRecord
from bot.core.store import AnswerStore, SessionStore, SummaryStore
from bot.language.glossary import Glossary
from bot.sessions.directory import SessionDirectory
from bot.summary.check import SummaryCheck, check_summary, too_long
from bot.summary.draft import shared_text

POSTED = "Posted the summary to the group's channel. Thank you for closing the loop."
NONE_SAVED = (
    "There's no saved summary for session {session} yet. Make one with `consultbot summary "
    "draft --session {session}`, edit it, then `consultbot summary save`."
)


class SummaryDeskStore(SummaryStore, SessionStore, AnswerStore, Protocol):
    pass


class GroupSummaries:
    def __init__(
        self,
        *,
        store: SummaryDeskStore,
        directory: SessionDirectory,
        audit: AuditTrail,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._store = store
        self._directory = directory
        self._audit = audit
        self._clock = clock or directory.clock

    async def find_session(self, name: str) -> SessionRecord:
        """A session by id or label (any case); ``NotFound`` listing what exists."""
        wanted = name.strip()
        session = await self._store.session(wanted)
        if session is not None:
            return session
        summaries = await self._store.session_summaries()
        labelled = [
            s.session for s in summaries if (s.session.label or "").lower() == wanted.lower()
        ]
        if labelled:
            return labelled[0]  # newest first
        known = ", ".join(s.session.label or s.session.id for s in summaries[:10]) or "none yet"
        raise NotFound(f"There's no session '{wanted}'. Sessions: {known}.")

    async def check(
        self, session: SessionRecord, text: str, glossary: Glossary | None
    ) -> SummaryCheck:
        answers = await self._store.answers_for_session(session.id)
        private = [
            a.text
            for status in (AnswerStatus.HELD, AnswerStatus.KEPT_OUT)
            for a in await self._store.answers_with_status(session.id, status)
        ]
        return check_summary(
            shared_text(text),
            glossary=glossary,
            platform=session.platform,
            answers=[a.answer.text for a in answers],
            private_answers=private,
        )

    async def save(
        self, session: SessionRecord, text: str, glossary: Glossary | None, who: str
    ) -> SummaryCheck:
        """Save the summary unless the checks refuse it (``InvalidRequest``, nothing saved)."""
        checked = await self.check(session, text, glossary)
        if checked.problems:
            raise InvalidRequest(f"session {session.id}: {checked.problems[0]}; nothing was saved")
        await self._store.save_group_summary(session.id, shared_text(text), self._clock())
        await self._audit.audit(who, "summary-saved", session.id)
        return checked

    async def share(self, event: CommandInvoked) -> list[Outbound]:
        name = (event.options.get("session") or "").strip()
        session = await self.find_session(name) if name else await self._latest_here(event)
        if session.platform != event.person.platform:
            raise InvalidRequest(
                f"Session {session.id} ran on {session.platform}, so its summary can only be "
                "shared there. Nothing was posted."
            )
        saved = await self._store.group_summary(session.id)
        if saved is None:
            raise NotFound(NONE_SAVED.format(session=session.id))
        why = too_long(saved.text, session.platform)
        if why:
            raise InvalidRequest(why[0].upper() + why[1:] + ".")
        await self._audit.audit(audit_name(event.person), "summary-shared", session.id)
        return [
            ChannelNotice(channel_id=session.channel_id, text=saved.text),
            PrivateNotice(channel_id=event.channel_id, recipient=event.person, text=POSTED),
        ]

    async def _latest_here(self, event: CommandInvoked) -> SessionRecord:
        for summary in await self._store.session_summaries():  # newest first
            session = summary.session
            if session.channel_id == event.channel_id and session.platform == event.person.platform:
                return session
        raise NotFound(
            "There's no session in this channel. Say which one: /share-summary session:ID."
        )
