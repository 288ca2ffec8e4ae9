"""A facilitator's or staff member's correction of an answer's themes: it wins over the
automatic tagger, and only themes in the codebook are accepted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.errors import NotFound
from bot.core.store import AnswerStore


class TagCorrections:
    def __init__(self, *, store: AnswerStore, theme_labels: Mapping[str, str]) -> None:
        self._store = store
        self._theme_labels = dict(theme_labels)

    async def retag(self, answer_id: str, *, add: Sequence[str], remove: Sequence[str]) -> None:
        if await self._store.answer(answer_id) is None:
            raise NotFound(f"There's no answer with id '{answer_id}'.")
        for theme_id in (*add, *remove):
            if theme_id not in self._theme_labels:
                known = ", ".join(self._theme_labels)
                raise NotFound(f"There's no theme called '{theme_id}'. Themes: {known}.")
        for theme_id in add:
            await self._store.set_tag(answer_id, theme_id, active=True)
        for theme_id in remove:
            await self._store.set_tag(answer_id, theme_id, active=False)
