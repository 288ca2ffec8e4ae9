"""One consultation room, whatever the platform: the interface the scenario suite speaks.

A ``Room`` is a group channel with a facilitator, a member of staff, the safeguarding lead
and some young people in it, a real engine and store behind it, and one adapter in between
(local, Discord over the real discord.py, Slack over the real slack-bolt). People are named
by their platform user ids (``room.young[0]``...).

Every act returns once the platform has finished with it, with the texts the person who acted
was shown privately because of it (ephemeral replies, direct messages, privacy notes). What
anyone saw is read back as plain data: ``Post`` for the group channel, ``Alert`` for the
safeguarding lead's alerts, texts for what each person saw privately, and files by name.
Platform escaping is undone in everything read back, so a scenario compares the words a
person would read.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping, MutableSequence, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

from bot.core.actions import (
    AnswerAction,
    EndCheckAction,
    KeepOutAction,
    ReactAction,
    ReleaseAction,
    ReportAction,
    SkipAction,
    parse_action_id,
)

ACKNOWLEDGE = "I'm on it"
RELEASE = "Release to the group"
KEEP_OUT = "Keep out of the digest"
ALERT_BUTTONS = (ACKNOWLEDGE, RELEASE, KEEP_OUT)
_A = TypeVar("_A")


@dataclass(frozen=True, slots=True)
class Post:
    """A message the bot posted in the group channel, as the group reads it."""

    ref: str  # the platform's reference: a message id, a ts, ``local-N``
    text: str
    action_ids: tuple[str, ...]  # of its buttons, in order

    def _action(self, kind: type[_A]) -> _A | None:
        for action_id in self.action_ids:
            action = parse_action_id(action_id)
            if isinstance(action, kind):
                return action
        return None

    @property
    def is_question(self) -> bool:
        return self._action(AnswerAction) is not None

    @property
    def is_answer(self) -> bool:
        return self._action(ReportAction) is not None

    @property
    def is_end_check(self) -> bool:
        return self._action(EndCheckAction) is not None

    def face(self, choice: int) -> str:
        """The action id of an end-of-session check's face ``choice`` (0: the lowest)."""
        for action_id in self.action_ids:
            action = parse_action_id(action_id)
            if isinstance(action, EndCheckAction) and action.choice == choice:
                return action_id
        raise AssertionError(f"no face {choice} on {self.text!r}")

    @property
    def session_id(self) -> str:
        action = self._action(AnswerAction) or self._action(SkipAction)
        assert action is not None, f"not a question: {self.text!r}"
        return action.session_id

    @property
    def answer_id(self) -> str:
        action = self._action(ReportAction) or self._action(ReactAction)
        assert action is not None, f"not an answer: {self.text!r}"
        return action.answer_id


@dataclass(frozen=True, slots=True)
class Alert:
    """A safeguarding alert as the lead sees it."""

    ref: str
    text: str
    buttons: tuple[str, ...]  # labels, in order
    writer: str | None  # the platform user id it names as the writer, if any
    action_ids: tuple[str, ...]

    def action_for(self, label: str) -> str:
        """The action id of the button labelled ``label``."""
        (found,) = [a for a, b in zip(self.action_ids, self.buttons, strict=True) if b == label]
        return found

    @property
    def answer_id(self) -> str:
        for action_id in self.action_ids:
            action = parse_action_id(action_id)
            if isinstance(action, ReleaseAction | KeepOutAction):
                return action.answer_id
        raise AssertionError(f"this alert is about no answer: {self.text!r}")


@dataclass(frozen=True, slots=True)
class Opened:
    """What pressing "Answer anonymously" or "I understand" showed the person, privately:
    the privacy ``note`` (with its button), the answer ``form``, or just ``text``."""

    kind: Literal["note", "form", "text"]
    text: str


class Room(Protocol):
    @property
    def platform(self) -> str:
        """``local``, ``discord`` or ``slack``: also how who-wrote names the platform."""
        ...

    @property
    def facilitator(self) -> str: ...

    @property
    def staff(self) -> str: ...

    @property
    def lead(self) -> str:
        """The safeguarding lead."""
        ...

    @property
    def young(self) -> tuple[str, ...]:
        """Young people, at least four."""
        ...

    # -- acting: each returns the texts ``who`` was shown privately because of it ----------

    async def command(self, who: str, name: str, **options: str) -> list[str]:
        """A slash command, e.g. ``command(lead, "who-wrote", answer=..., reason=...)``."""
        ...

    async def press_answer(self, who: str, question: Post) -> Opened:
        """Press "Answer anonymously" under a question."""
        ...

    async def agree(self, who: str) -> Opened:
        """Press "I understand" on the privacy note ``who`` was shown last."""
        ...

    async def submit(self, who: str, text: str, *, quote: bool = False) -> list[str]:
        """Fill in the answer form ``who`` has open (ticking "quote my words" or not), send."""
        ...

    async def skip(self, who: str, question: Post) -> list[str]: ...

    async def you_said_we_did(
        self, who: str, target: Mapping[str, str], fields: Mapping[str, str]
    ) -> list[str]:
        """/you-said-we-did for ``target`` (``sessions`` and ``theme``, or ``action``), then
        the form it opens (Discord, Slack) filled in with ``fields`` and sent; locally the
        fields are the command's options."""
        ...

    async def react(self, who: str, answer: Post, emoji: str) -> list[str]:
        """Press the anonymous reaction button ``emoji`` under an answer."""
        ...

    async def native_react(self, who: str, answer: Post, emoji: str, *, added: bool = True) -> None:
        """The platform's own emoji reaction on an answer post, added or taken away."""
        ...

    async def report(self, who: str, answer: Post) -> list[str]:
        """Press "Report privately" under an answer."""
        ...

    async def press_alert(self, who: str, alert: Alert, label: str) -> list[str]:
        """Press one of an alert's buttons (``ACKNOWLEDGE``, ``RELEASE``, ``KEEP_OUT``)."""
        ...

    async def tap(self, who: str, post: Post, action_id: str) -> list[str]:
        """Press the button ``action_id`` on a group post (an end-of-session check face)."""
        ...

    async def batch_time(self) -> None:
        """The clock reaches the next batch time: due timed jobs run through this adapter."""
        ...

    async def time_passes(self, minutes: float) -> None:
        """The clock moves on ``minutes``: due timed jobs (and alert retries) run."""
        ...

    async def days_pass(self, days: float) -> None:
        """The clock moves on ``days``: due timed jobs run through this adapter."""
        ...

    async def settle(self) -> None:
        """Wait until the adapter has finished everything it started."""
        ...

    # -- looking ----------------------------------------------------------------------------

    def group(self) -> list[Post]:
        """Everything the bot posted in the group channel, oldest first, as it is now."""
        ...

    def counts(self, answer: Post) -> dict[str, int]:
        """The counts on an answer's reaction buttons, as shown now."""
        ...

    async def counts_become(self, answer: Post, expected: Mapping[str, int]) -> None:
        """Wait until the shown counts include ``expected`` (edits may be coalesced)."""
        ...

    def private(self, who: str) -> list[str]:
        """Every text shown to ``who`` alone so far."""
        ...

    def alerts(self) -> list[Alert]:
        """What the safeguarding lead was sent."""
        ...

    def staff_files(self) -> list[dict[str, bytes]]:
        """Files delivered to the staff destination, one name → content map per delivery."""
        ...

    def files_to(self, who: str) -> list[dict[str, bytes]]:
        """Files delivered to ``who`` alone."""
        ...

    def staff_notes(self) -> list[str]:
        """Texts posted to the staff destination."""
        ...

    def identifying(self) -> set[str]:
        """Everything on this platform that could tell who someone is: user ids, names,
        and the ids of the server, channels and messages."""
        ...


def questions(room: Room) -> list[Post]:
    return [post for post in room.group() if post.is_question]


def answers(room: Room) -> list[Post]:
    return [post for post in room.group() if post.is_answer]


def newly(before: Sequence[str], after: Iterable[str]) -> list[str]:
    """``after`` without one of each item of ``before``: what is new, whatever the order."""
    left = Counter(before)
    new = []
    for item in after:
        if left[item]:
            left[item] -= 1
        else:
            new.append(item)
    return new


class ReversingRandom(random.Random):
    """A ``random.Random`` whose shuffle reverses: a batch of answers shown "shuffled" comes
    out in the opposite order to the one they were written in, so a test can tell."""

    def shuffle(self, x: MutableSequence[Any]) -> None:
        x.reverse()
