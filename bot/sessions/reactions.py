"""Reactions on answers shown to the group: anonymous buttons (toggles) and native platform
reactions (added / removed), counted once per person and emoji, only from people who agreed
to the privacy note."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.core.errors import InvalidAnswer
from bot.core.events import ReactionChange, ReactionToggled
from bot.core.outbound import Outbound, ReactionCountsChanged
from bot.core.records import AnswerRecord, AnswerStatus, SessionStatus
from bot.core.store import AnswerStore, ParticipantStore, ReplicaStore, SessionStore
from bot.questions.model import PaletteEntry
from bot.sessions.directory import SessionDirectory
from bot.sessions.posts import buttons


class ReactionStore(AnswerStore, SessionStore, ParticipantStore, ReplicaStore, Protocol):
    pass


class Reactions:
    def __init__(self, *, store: ReactionStore, directory: SessionDirectory) -> None:
        self._store = store
        self._directory = directory

    async def reaction(self, event: ReactionToggled) -> list[Outbound]:
        answer = await self._reacted_answer(event)
        if answer is None or answer.status is not AnswerStatus.SHOWN:
            return []  # not one of our shown answer posts: ignore quietly
        session = await self._directory.session_by_id(answer.session_id)
        if session.channel_id != event.channel_id or session.platform != event.person.platform:
            return []  # a button id from another channel's answer: not counted
        palette = self._directory.question_set(session).question(answer.question_number).palette
        entry = _palette_entry(palette, event)
        if entry is None:
            return []  # an emoji outside the question's palette is not counted
        if session.status is not SessionStatus.OPEN:
            if event.change is ReactionChange.TOGGLE:
                raise InvalidAnswer("This session has finished, so reactions are closed now.")
            return []
        participant = await self._directory.participant(session.id, event.person)
        if participant is None:
            if event.change is ReactionChange.TOGGLE:
                return [self._directory.consent_request(session, event.person, None)]
            return []  # a native reaction from someone who hasn't agreed is not counted
        if event.change is ReactionChange.TOGGLE:
            on = not await self._store.has_reaction(answer.id, participant.id, entry.emoji)
        else:
            on = event.change is ReactionChange.ADDED
        if not await self._store.set_reaction(answer.id, participant.id, entry.emoji, on):
            return []
        counts, revision = await self._store.reaction_tally(answer.id)
        return [
            ReactionCountsChanged(
                channel_id=session.channel_id,
                answer_id=answer.id,
                message_ref=event.message_ref,
                reactions=buttons(answer.id, palette, counts),
                revision=revision,
            )
        ]

    async def _reacted_answer(self, event: ReactionToggled) -> AnswerRecord | None:
        if event.answer_id is not None:
            return await self._store.answer(event.answer_id)
        if event.message_ref is not None:
            return await self._store.answer_for_message(event.message_ref)
        return None


def _palette_entry(palette: Sequence[PaletteEntry], event: ReactionToggled) -> PaletteEntry | None:
    """The palette entry a reaction means: by button index, or by emoji ignoring the
    variation selector (❤ and ❤️ are the same reaction)."""
    if event.palette_index is not None:
        return palette[event.palette_index] if 0 <= event.palette_index < len(palette) else None
    wanted = event.emoji.replace("\ufe0f", "")
    if not wanted:
        return None
    return next((p for p in palette if p.emoji.replace("\ufe0f", "") == wanted), None)
