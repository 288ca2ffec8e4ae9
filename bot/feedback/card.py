"""The feedback card: a short message to the group in plain words, "You said … We took it
to … What happened … What's next", and the checks it passes before anything is posted.

A card must fit one message on its platform (``CARD_LIMITS``: Discord's 2000 characters of
message content, Slack's 3000 of a section block), or it is refused with the limit and
nothing is posted or saved. Words staff type are checked against the glossary
(``prompts/language.toml``): an error- or warn-level word ("placement") is refused with the
plain word to use instead (the card is for young people; words in quotation marks are left
alone, as the lint leaves them). The fixed words aim at a reading age of about 11 (tests
measure them with ``bot.language.readability``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.core.errors import InvalidRequest
from bot.core.records import ActionUpdate, Decision
from bot.language.glossary import Glossary, Level, Term
from bot.language.match import Matcher

CARD_LIMITS: Mapping[str, int] = {"discord": 2000, "slack": 3000}
DEFAULT_CARD_LIMIT = 2000  # any other platform (the local adapter): as strict as Discord

WHAT_HAPPENED: Mapping[Decision, str] = {
    Decision.CHANGED: "Things are changing because of what you said.",
    Decision.PARTLY: "Some things are changing, but not all of them.",
    Decision.NOT_CHANGED: "Nothing has changed yet.",
    Decision.WAITING: "We are still waiting to hear back.",
}
DECISION_NAMES = "changed, partly, not-changed or waiting"


def parse_decision(text: str) -> Decision:
    """ "changed", "partly", "not changed" / "not-changed", "waiting" (or nothing)."""
    key = "-".join(text.strip().lower().replace("_", " ").replace("-", " ").split())
    if not key:
        return Decision.WAITING
    if key in ("partly-changed", "partial"):
        key = "partly"
    try:
        return Decision(key)
    except ValueError:
        raise InvalidRequest(
            f"decision '{text.strip()}' is not one I know: use {DECISION_NAMES}."
        ) from None


def card_text(*, theme_label: str, heard: str, update: ActionUpdate) -> str:
    """The card the group sees for one update."""
    lines = [f"**You said, we did: {theme_label}**", f"**You said:** {_sentence(heard)}"]
    if update.taken_to:
        lines.append(f"**We took it to:** {_sentence(update.taken_to)}")
    happened = WHAT_HAPPENED[update.decision]
    if update.because:
        happened += f" This is because {_sentence(_lower_first(update.because))}"
    lines.append(f"**What happened:** {happened}")
    lines.append(f"**What's next:** {_next(update.decision, update.follow_up)}")
    return "\n".join(lines)


def check_length(text: str, platform: str) -> None:
    limit = CARD_LIMITS.get(platform, DEFAULT_CARD_LIMIT)
    if len(text) > limit:
        raise InvalidRequest(
            f"That card is {len(text)} characters, and {platform} takes at most {limit} in one "
            "message. Please make it shorter. Nothing was posted or saved."
        )


class WordCheck:
    """Finds glossary words (error and warn level) in what staff typed for a card."""

    def __init__(self, glossary: Glossary) -> None:
        self._matcher = Matcher(
            (phrase, row.inflect, row)
            for row in glossary.terms
            if row.level in (Level.ERROR, Level.WARN)
            for phrase in row.phrases
        )

    def check(self, field: str, text: str) -> None:
        for hit in self._matcher.find(text):
            raise InvalidRequest(f"{field}: {_advice(hit.text, hit.value)} Nothing was posted.")


def _advice(found: str, term: Term) -> str:
    if term.prefer:
        instead = " or ".join(f'"{p}"' for p in term.prefer)
        return f'young people read this card: please say {instead} instead of "{found}".'
    return f'young people read this card: please say "{found}" in plainer words.'


def _next(decision: Decision, follow_up: date | None) -> str:
    if follow_up is not None:
        return f"We will tell you more by {follow_up:%-d %B %Y}."
    if decision is Decision.CHANGED:
        return "Thank you for telling us. You helped make this happen."
    return "Thank you for telling us. We will keep telling people what you said."


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


def _lower_first(text: str) -> str:
    text = text.strip()
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text
