"""What an alert says, rebuilt from the store every time it is sent: the words, who wrote
them, and what the lead can do.

Nothing of an alert's message is stored as it was sent. It is made again for every attempt
and for the deputy's copy from the alert row, the answer row (the words the group would see)
and the identity vault (who wrote it), plus ``AlertSeal``: sealed with the safeguarding key on
the alert row when the alert is raised, everything its message must keep whatever happens to
the answer (the words as written of a held, noted or reported answer, of /worried or of a
check-in; who wrote a held answer or a /worried message; the question; the screen's reasons
for a note). A withdrawal deletes the answer row and the identity, never the alert: so the
deputy gets the whole alert, and a retry after a restart or a withdrawal reads exactly like
the first try. The seal is deleted with the alert (retention).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.core.records import AlertKind, AlertRecord, AnswerRecord, AnswerStatus
from bot.safeguarding.vault import Identity, IdentityVault

UNREADABLE = "(sealed under an earlier safeguarding key: it can no longer be read)"
WITHDRAWN = "(no longer kept: the young person took the answer back)"


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertSeal:
    """The parts of an alert sealed on its row (``AlertRecord.sealed``)."""

    words: str | None = None
    why: tuple[str, ...] = ()
    writer: Identity | None = None
    question: int | None = None

    def seal(self, vault: IdentityVault) -> bytes:
        data = {
            "words": self.words,
            "why": list(self.why),
            "writer": [self.writer.platform, self.writer.user_id] if self.writer else None,
            "question": self.question,
        }
        return vault.seal_text(json.dumps(data, ensure_ascii=False))

    @classmethod
    def open(cls, vault: IdentityVault, token: bytes | None) -> AlertSeal | None:
        """What was sealed (an empty seal when nothing was); ``None`` when the key can't
        open it."""
        if token is None:
            return cls()
        text = vault.open_text(token)
        if text is None:
            return None
        data = json.loads(text)
        writer = data.get("writer")
        return cls(
            words=data.get("words"),
            why=tuple(data.get("why") or ()),
            writer=Identity(writer[0], writer[1]) if writer else None,
            question=data.get("question"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertFacts:
    """Everything an alert's text is made from, read back from the store."""

    alert: AlertRecord
    answer: AnswerRecord | None  # None: no answer row (/worried, a check-in) or withdrawn
    seal: AlertSeal | None  # None: sealed under another key
    writer: Identity | None  # from the seal, or the answer's sealed identity

    @property
    def words(self) -> str:
        if self.seal is None:
            return UNREADABLE
        if self.seal.words is not None:
            return self.seal.words
        if self.answer is not None:
            return self.answer.text
        return WITHDRAWN

    @property
    def question(self) -> int | str:
        if self.answer is not None:
            return self.answer.question_number
        return self.seal.question if self.seal and self.seal.question is not None else "?"

    @property
    def held(self) -> bool:
        return self.answer is not None and self.answer.status is AnswerStatus.HELD


def lead_text(facts: AlertFacts) -> str:
    """The alert for the lead, by kind."""
    alert = facts.alert
    session = alert.session_id or "-"
    match alert.kind:
        case AlertKind.DISCLOSURE:
            heading = f"⚠️ Possible disclosure ({', '.join(alert.categories) or 'unclear'})"
            text = (
                f"{heading} in session {session}, question {facts.question}.\n"
                f"Written by: {_who(facts)}\n"
                f"Their words: «{facts.words}»\n"
                "It has NOT been shown to the group. They were told it went privately to a "
                "trusted adult who will read it."
            )
            if alert.answer_id is not None:
                text += (
                    " Release it to the group (anonymously) or keep it out "
                    f"(answer {alert.answer_id})."
                )
            return text
        case AlertKind.REPORT:
            return (
                f"🚩 Someone privately reported an answer in session {session}, "
                f"question {facts.question} (answer {alert.answer_id or '-'}).\n"
                f"Its words: «{facts.words}»\n"
                "It is still shown to the group. Keep it out of the digest if needed; use "
                "/who-wrote with a reason if you need to know who wrote it."
            )
        case AlertKind.WORRIED:
            said = facts.words.strip() if facts.seal is not None else UNREADABLE
            text = (
                "💬 A young person used /worried and would like to talk to a trusted adult.\n"
                f"Who: {_who(facts)}"
            )
            return text + (f"\nThey wrote: «{said}»" if said else "")
        case AlertKind.NOTE:
            why = "; ".join(facts.seal.why) if facts.seal and facts.seal.why else "-"
            return (
                "A note, no action needed now: an answer in session "
                f"{session}, question {facts.question} tells of harm that sounds past and "
                "over. It was shared with the group as usual.\n"
                f"Its words: «{facts.words}»\n"
                f"Why the screen noted it: {why}\n"
                f"Keep it out of the digest if needed (answer {alert.answer_id or '-'}); use "
                "/who-wrote with a reason if you need to talk to them."
            )


def deputy_text(facts: AlertFacts, minutes: int) -> str:
    """The whole alert again, for the deputy, because nobody picked it up in time."""
    return (
        f"⏰ An alert to the safeguarding lead has not been picked up for {minutes} minutes. "
        f"Please look at it now (alert {facts.alert.id}). This is the whole alert:\n\n"
        + lead_text(facts)
    )


def _who(facts: AlertFacts) -> str:
    if facts.writer is not None:
        return f"{facts.writer.platform} user {facts.writer.user_id}"
    if facts.seal is None:
        return UNREADABLE
    return "no longer known (the answer was taken back, or the key changed)"
