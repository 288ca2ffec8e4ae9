"""Getting a digest to the people who read it: building it from the store (or the snapshot
kept after the retention purge), rendering it in every format, /digest for staff, and the
automatic delivery to staff when a session closes (whatever closed it; marked delivered only
once the platform accepted it, so at least once).

Building and rendering run in a worker thread (``asyncio.to_thread``): a 50,000-answer digest
takes seconds, and the bot goes on answering meanwhile.

Before a digest is built, answers whose automatic tags came from an older codebook are tagged
again (``bot.digest.retag``), so every digest follows the codebook it names.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.core.errors import NotFound
from bot.core.events import CommandInvoked, Person, audit_name, utc_now
from bot.core.outbound import Audience, DeliveryFile, FileDelivery, Outbound
from bot.core.ports import AuditTrail
from bot.core.records import SessionRecord, SessionStatus
from bot.core.store import (
    ActionStore,
    AnswerStore,
    CodebookStore,
    EndCheckStore,
    RetentionStore,
    SessionStore,
)
from bot.digest.actions import theme_actions
from bot.digest.build import build_digest
from bot.digest.json_import import digest_from_json
from bot.digest.model import Digest
from bot.digest.render import MIME_TYPES, DigestFormat, file_name, render
from bot.digest.retag import CodebookTagging, Retagged
from bot.digest.theme_edits import ThemeEdits
from bot.questions.end_check import END_CHECK_OPEN_FOR
from bot.questions.loader import pick_question_set
from bot.questions.model import QuestionSet

LONDON = ZoneInfo("Europe/London")
FORMAT_NAMES = ", ".join([*(f.value for f in DigestFormat), "all"])

Renderer = Callable[[Digest, DigestFormat], bytes]
"""Turns a digest into a file's bytes; run in a worker thread."""


class DigestStore(
    SessionStore, AnswerStore, RetentionStore, CodebookStore, EndCheckStore, Protocol
):
    pass


class Digests:
    def __init__(
        self,
        *,
        store: DigestStore,
        question_sets: Mapping[str, QuestionSet],
        theme_labels: Mapping[str, str],
        audit: AuditTrail,
        zone: ZoneInfo = LONDON,
        tagging: CodebookTagging | None = None,
        actions: ActionStore | None = None,
        renderer: Renderer = render,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._clock = clock
        self._render = renderer
        self._sets = dict(question_sets)
        self.theme_labels = dict(theme_labels)
        self._audit = audit
        self._zone = zone
        self._tagging = tagging
        self.theme_edits = ThemeEdits(store=store, audit=audit)
        self._actions = actions

    async def digest(self, session_id: str) -> Digest:
        """The session's digest, with where each of its themes stands ("you said, we did")."""
        digest = await self._digest(session_id)
        if self._actions is None:
            return digest
        found = await self._actions.actions_for_sessions([digest.session_id])
        return replace(digest, actions=theme_actions(found, self.theme_labels))

    async def _digest(self, session_id: str) -> Digest:
        session = await self._store.session(session_id)
        if session is None:
            raise NotFound(f"There's no session '{session_id}'.")
        if session.purged:
            snapshot = await self._store.digest_snapshot(session.id)
            if snapshot is not None:
                return digest_from_json(snapshot)
        question_set = pick_question_set(self._sets, session.question_set_id)
        version = ""
        if self._tagging is not None:
            version = self._tagging.version
            await self._tagging.bring_up_to_date(self._store, self._audit, session.id)
        answers = await self._store.answers_for_session(session.id)
        return await asyncio.to_thread(
            build_digest,
            session,
            question_set,
            answers,
            self.theme_labels,
            attendance=await self._store.session_attendance(session.id),
            zone=self._zone,
            codebook_version=version,
            end_check_counts=await self._store.end_check_counts(session.id),
            end_check_open=self._end_check_open(session),
        )

    def _end_check_open(self, session: SessionRecord) -> bool:
        """Still taking taps: the session is open or closed under ``END_CHECK_OPEN_FOR`` ago."""
        closed = session.closed_at
        if session.status is SessionStatus.OPEN or closed is None:
            return True
        return self._clock() - closed < END_CHECK_OPEN_FOR

    async def retag_all(self) -> Retagged:
        """``consultbot retag --codebook``: every stored answer, with the codebook in force."""
        if self._tagging is None:
            raise NotFound("No codebook was loaded, so there is nothing to re-tag with.")
        return await self._tagging.bring_up_to_date(self._store, self._audit)

    async def files(
        self, session_id: str, formats: Sequence[DigestFormat] = tuple(DigestFormat)
    ) -> tuple[DeliveryFile, ...]:
        digest = await self.digest(session_id)
        return await asyncio.to_thread(self._files, digest, formats)

    def _files(self, digest: Digest, formats: Sequence[DigestFormat]) -> tuple[DeliveryFile, ...]:
        return tuple(
            DeliveryFile(
                name=file_name(digest, fmt),
                content=self._render(digest, fmt),
                mime_type=MIME_TYPES[fmt],
            )
            for fmt in formats
        )

    async def to_staff_once(self, session: SessionRecord, requester: Person) -> list[Outbound]:
        """The digest for the staff destination, until the platform has accepted it once:
        the engine marks it delivered after the send (``FileDelivery.digest_of``), so a
        close run again after a crash mid-upload sends it again (at least once)."""
        current = await self._store.session(session.id)
        if current is None or current.digest_delivered:
            return []
        files = await self.files(session.id)
        await self._audit.audit(audit_name(requester), "digest-sent-to-staff", session.id)
        return [
            FileDelivery(
                channel_id=session.channel_id,
                audience=Audience.STAFF,
                requester=requester,
                text=f"The digest for session {_named(session)} is ready.",
                files=files,
                digest_of=session.id,
            )
        ]

    async def command(self, event: CommandInvoked, session: SessionRecord) -> list[Outbound]:
        """/digest: the files, privately, to the staff member who asked."""
        fmt = (event.options.get("format") or "all").strip().lower().lstrip(".")
        if fmt == "all":
            formats: tuple[DigestFormat, ...] = tuple(DigestFormat)
        else:
            try:
                formats = (DigestFormat(fmt),)
            except ValueError:
                raise NotFound(
                    f"There's no digest format '{fmt}'. Formats: {FORMAT_NAMES}."
                ) from None
        files = await self.files(session.id, formats)
        await self._audit.audit(audit_name(event.person), "digest-downloaded", session.id, fmt)
        return [
            FileDelivery(
                channel_id=event.channel_id,
                audience=Audience.REQUESTER,
                requester=event.person,
                text=f"Here is the digest for session {_named(session)}.",
                files=files,
            )
        ]


def _named(session: SessionRecord) -> str:
    return f"{session.id} ({session.label})" if session.label else session.id
