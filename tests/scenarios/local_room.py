"""``Room`` over the local (loopback) adapter: what it records is what people saw.

The local platform has no screen, so this is where its messages are "rendered": a question
and an answer read as the platforms show them, an alert's buttons are named after the action
ids it carries, and a ``FileDelivery`` for staff goes to the staff destination.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from adapters.local.adapter import LocalChannel
from bot.app import Runtime
from bot.core.events import Command, Person, Role
from bot.core.outbound import (
    AnswerForm,
    AnswerPost,
    Audience,
    ChannelNotice,
    ConsentRequest,
    EndCheckPost,
    FileDelivery,
    Outbound,
    PrivateNotice,
    QuestionPost,
    SafeguardingAlert,
    StaffNote,
)
from tests.scenarios.room import ACKNOWLEDGE, KEEP_OUT, RELEASE, Alert, Opened, Post, newly
from tests.scenarios.runtime import Clock, open_scenario_runtime

FACILITATOR = "local-facilitator"
STAFF = "local-staff"
LEAD = "local-lead"
YOUNG = ("local-young-1", "local-young-2", "local-young-3", "local-young-4")
ROLES = {
    FACILITATOR: frozenset({Role.FACILITATOR}),
    STAFF: frozenset({Role.STAFF}),
    LEAD: frozenset({Role.SAFEGUARDING_LEAD}),
}


@dataclass
class LocalRoom:
    runtime: Runtime
    clock: Clock
    channel: LocalChannel
    reveal_seconds: int
    platform: str = "local"
    facilitator: str = FACILITATOR
    staff: str = STAFF
    lead: str = LEAD
    young: tuple[str, ...] = YOUNG
    _notes: dict[str, ConsentRequest] = field(default_factory=dict)
    _forms: dict[str, AnswerForm] = field(default_factory=dict)

    def _person(self, who: str) -> Person:
        return LocalChannel.person(who, *ROLES.get(who, ()))

    async def _private_after(self, who: str, act: Awaitable[object]) -> list[str]:
        """Do ``act`` (not started yet); what ``who`` was shown privately because of it."""
        before = self.private(who)
        await act
        return newly(before, self.private(who))

    async def _press(self, who: str, action_id: str, ref: str | None = None) -> list[str]:
        before = self.private(who)
        shown, form = await self.channel.press_button(self._person(who), action_id, message_ref=ref)
        self._remember(who, shown, form)
        return newly(before, self.private(who))

    def _remember(self, who: str, shown: list[Outbound], form: AnswerForm | None) -> None:
        if form is not None:
            self._forms[who] = form
        for message in shown:
            if isinstance(message, ConsentRequest) and message.recipient.user_id == who:
                self._notes[who] = message

    # -- acting -----------------------------------------------------------------------------

    async def command(self, who: str, name: str, **options: str) -> list[str]:
        return await self._private_after(
            who, self.channel.command(self._person(who), Command(name), **options)
        )

    async def you_said_we_did(
        self, who: str, target: Mapping[str, str], fields: Mapping[str, str]
    ) -> list[str]:
        return await self.command(who, "you-said-we-did", **target, **fields)

    async def press_answer(self, who: str, question: Post) -> Opened:
        return await self._open(who, _question(self, question).answer_action_id)

    async def agree(self, who: str) -> Opened:
        note = self._notes.pop(who)
        return await self._open(who, note.consent_action_id)

    async def _open(self, who: str, action_id: str) -> Opened:
        self._forms.pop(who, None)
        shown = await self._press(who, action_id)
        if who in self._forms:
            return Opened("form", self._forms[who].question_text)
        note = self._notes.get(who)
        if note is not None and note.text in shown:
            return Opened("note", note.text)
        return Opened("text", "\n".join(shown))

    async def submit(self, who: str, text: str, *, quote: bool = False) -> list[str]:
        form = self._forms.pop(who)
        return await self._private_after(
            who, self.channel.submit(self._person(who), form, text, quote_ok=quote)
        )

    async def skip(self, who: str, question: Post) -> list[str]:
        return await self._press(who, _question(self, question).skip_action_id)

    async def react(self, who: str, answer: Post, emoji: str) -> list[str]:
        buttons = self.channel.outbox.buttons[answer.answer_id]
        (button,) = [b for b in buttons if b.emoji == emoji]
        return await self._press(who, button.action_id, answer.ref)

    async def native_react(self, who: str, answer: Post, emoji: str, *, added: bool = True) -> None:
        await self.channel.native_reaction(self._person(who), answer.ref, emoji, added=added)

    async def report(self, who: str, answer: Post) -> list[str]:
        post = self.channel.outbox.refs[answer.ref]
        assert isinstance(post, AnswerPost)
        return await self._press(who, post.report_action_id)

    async def press_alert(self, who: str, alert: Alert, label: str) -> list[str]:
        return await self._press(who, alert.action_for(label))

    async def days_pass(self, days: float) -> None:
        self.clock.advance(days=days)
        await self.runtime.jobs.run_due(self.channel.outbox)

    async def tap(self, who: str, post: Post, action_id: str) -> list[str]:
        return await self._press(who, action_id, post.ref)

    async def batch_time(self) -> None:
        self.clock.advance(seconds=self.reveal_seconds + 1)
        await self.runtime.jobs.run_due(self.channel.outbox)

    async def time_passes(self, minutes: float) -> None:
        self.clock.advance(minutes=minutes)
        await self.runtime.jobs.run_due(self.channel.outbox)

    async def settle(self) -> None:
        return None  # nothing runs on its own here

    # -- looking ----------------------------------------------------------------------------

    def group(self) -> list[Post]:
        posts = []
        refs = {id(message): ref for ref, message in self.channel.outbox.refs.items()}
        for n, message in enumerate(self.channel.outbox.sent):
            if isinstance(message, QuestionPost):
                text = f"Question {message.number} of {message.total}\n{message.text}"
                if message.number == 0:
                    text = f"Check-in\n{message.text}"
                if message.content_note:
                    text = f"{message.content_note}\n{text}"
                ids: tuple[str, ...] = (message.answer_action_id, message.skip_action_id)
                posts.append(Post(refs.get(id(message), f"post-{n}"), text, ids))
            elif isinstance(message, AnswerPost):
                text = f"{message.alias} answered question {message.question_number}:\n"
                ids = (*(b.action_id for b in message.reactions), message.report_action_id)
                posts.append(Post(refs.get(id(message), f"post-{n}"), text + message.text, ids))
            elif isinstance(message, EndCheckPost):
                text = f"{message.number} of {message.total}: {message.text}"
                if message.intro:
                    text = f"{message.intro}\n{text}"
                ids = tuple(c.action_id for c in message.choices)
                posts.append(Post(refs.get(id(message), f"post-{n}"), text, ids))
            elif isinstance(message, ChannelNotice):
                posts.append(Post(f"notice-{n}", message.text, ()))
        return posts

    def counts(self, answer: Post) -> dict[str, int]:
        return {b.emoji: b.count for b in self.channel.outbox.buttons[answer.answer_id]}

    async def counts_become(self, answer: Post, expected: Mapping[str, int]) -> None:
        shown = self.counts(answer)
        assert {emoji: shown.get(emoji) for emoji in expected} == dict(expected), shown

    def private(self, who: str) -> list[str]:
        texts = []
        for message in self.channel.outbox.sent:
            if isinstance(message, PrivateNotice | ConsentRequest):
                if message.recipient.user_id == who:
                    texts.append(message.text)
            elif (
                isinstance(message, FileDelivery)
                and message.audience is Audience.REQUESTER
                and message.requester.user_id == who
            ):
                texts.append(message.text)
        return texts

    def alerts(self) -> list[Alert]:
        found = []
        for n, alert in enumerate(self.channel.outbox.of_type(SafeguardingAlert)):
            pairs = [
                (ACKNOWLEDGE, alert.acknowledge_action_id),
                (RELEASE, alert.release_action_id),
                (KEEP_OUT, alert.keep_out_action_id),
            ]
            shown = [(label, action_id) for label, action_id in pairs if action_id]
            found.append(
                Alert(
                    ref=f"alert-{n}",
                    text=alert.text,
                    buttons=tuple(label for label, _ in shown),
                    writer=alert.writer,
                    action_ids=tuple(action_id for _, action_id in shown if action_id),
                )
            )
        return found

    def staff_files(self) -> list[dict[str, bytes]]:
        return [
            {f.name: f.content for f in delivery.files}
            for delivery in self.channel.outbox.of_type(FileDelivery)
            if delivery.audience is Audience.STAFF
        ]

    def files_to(self, who: str) -> list[dict[str, bytes]]:
        return [
            {f.name: f.content for f in delivery.files}
            for delivery in self.channel.outbox.of_type(FileDelivery)
            if delivery.audience is Audience.REQUESTER and delivery.requester.user_id == who
        ]

    def staff_notes(self) -> list[str]:
        return [note.text for note in self.channel.outbox.of_type(StaffNote)]

    def identifying(self) -> set[str]:
        return {FACILITATOR, STAFF, LEAD, *YOUNG, self.channel.channel_id}


def _question(room: LocalRoom, question: Post) -> QuestionPost:
    posted = room.channel.outbox.refs[question.ref]
    assert isinstance(posted, QuestionPost)
    return posted


@asynccontextmanager
async def open_local_room(tmp_path: Path, *, reveal_seconds: int) -> AsyncIterator[LocalRoom]:
    async with open_scenario_runtime(tmp_path, reveal_seconds=reveal_seconds) as (runtime, clock):
        yield LocalRoom(
            runtime=runtime,
            clock=clock,
            channel=LocalChannel(runtime.engine, channel_id="local-group"),
            reveal_seconds=reveal_seconds,
        )
