"""Keeping stored answers' automatic tags in step with the codebook.

The codebook's version is 12 hex digits of a sha256 over what decides a tag: each theme's id,
keywords and exclude phrases, and the trained model file's bytes (so a comment or a label
edit does not re-tag anything; a keyword edit or a retrained model does). Every answer's
automatic tags are stored with the version they came from (``CodebookStore``). Before a
digest is built, and on ``consultbot retag --codebook``, answers tagged with another version
are tagged again; a tag a facilitator or staff member added or removed always stays as they
left it. Every digest states the version it used, and a re-tag is written in the audit log.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.ports import AuditTrail
from bot.core.records import AnswerRecord
from bot.core.store import CodebookStore
from bot.tagging.codebook import Codebook
from bot.tagging.tagger import Tagger

VERSION_DIGITS = 12
_BATCH = 500  # answers re-tagged per transaction


def codebook_version(codebook: Codebook) -> str:
    """The version of what decides tags in ``codebook`` (module docstring)."""
    data = {
        "themes": [[t.id, list(t.keywords), list(t.exclude_phrases)] for t in codebook.themes],
        "model": _file_digest(codebook) if codebook.model_file else None,
    }
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:VERSION_DIGITS]


@dataclass(frozen=True, slots=True, kw_only=True)
class Retagged:
    previous: str | None  # the version in force before (None: never recorded)
    version: str
    answers: int  # answers tagged again


class CodebookTagging:
    """The codebook in force, and bringing stored answers' automatic tags up to date."""

    def __init__(self, *, tagger: Tagger, version: str) -> None:
        self.tagger = tagger
        self.version = version

    @classmethod
    def from_codebook(cls, codebook: Codebook, tagger: Tagger | None = None) -> CodebookTagging:
        return cls(tagger=tagger or Tagger(codebook), version=codebook_version(codebook))

    async def bring_up_to_date(
        self, store: CodebookStore, audit: AuditTrail, session_id: str | None = None
    ) -> Retagged:
        """Re-tag the answers (of one session, or all) tagged with another codebook."""
        previous = await store.adopt_codebook(self.version)
        stale = await store.answers_to_retag(self.version, session_id)
        for start in range(0, len(stale), _BATCH):
            # Tagging 500 answers takes about a second: in a worker thread, so the bot keeps
            # answering while a big session is re-tagged before its digest.
            tags = await asyncio.to_thread(self._tags, stale[start : start + _BATCH])
            await store.replace_auto_tags(tags, self.version)
        if stale:
            await audit.audit(
                "codebook",
                "answers-retagged",
                session_id or "all",
                f"{len(stale)} answers tagged with codebook {self.version}"
                f" (was {previous or 'unknown'}); staff tags kept",
            )
        return Retagged(previous=previous, version=self.version, answers=len(stale))

    def _tags(self, answers: Sequence[AnswerRecord]) -> list[tuple[str, list[tuple[str, str]]]]:
        """Each answer's automatic tags, with their evidence, as the store keeps them."""
        return [
            (a.id, [(m.theme_id, ", ".join(m.evidence)) for m in self.tagger.tag(a.text)])
            for a in answers
        ]


def _file_digest(codebook: Codebook) -> str:
    assert codebook.model_file is not None
    try:
        return hashlib.sha256(codebook.model_file.read_bytes()).hexdigest()
    except OSError:
        return "missing"
