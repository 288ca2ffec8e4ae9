"""``Room`` over the real discord.py client, talking over loopback sockets to ``FakeDiscord``
(``tests/discord/harness.py``'s ``Room``).

What a person saw privately: every ephemeral response and follow-up to the interactions they
started (``harness.Room.private_replies`` also checks each one is ephemeral) and the bot's
direct messages to them. An act is finished when Discord got its first response (within 3 s,
checked by the harness) and discord.py has no event handler still running: the handlers run
as tasks discord.py names after the event, so the room waits for those by name rather than
for a guessed number of milliseconds.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.actions import ReactAction, parse_action_id
from tests.discord.harness import EVERYONE, buttons, buttons_labelled, open_room
from tests.discord.harness import Room as Harness
from tests.fakes.discord_server import EPHEMERAL, InteractionHandle
from tests.scenarios.room import Alert, Opened, Post, ReversingRandom, newly
from tests.scenarios.runtime import START, Clock

_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_BOLD = re.compile(r"(?<!\\)\*\*")
_MENTION = re.compile(r"<@(\d+)>")
PRIVATE_DEFER = {"type": 5, "data": {"flags": EPHEMERAL}}  # "thinking…", for the presser only
_ANSWER = re.compile(r"^\*\*[^*\n]+\*\* answered question \d+:\n>>> ")
_HANDLER_TASKS = ("discord.py: on_", "CommandTree-invoker", "discord-ui-")


def readable(content: str) -> str:
    """What Discord shows: the bot's bold markers gone, what it escaped as it was typed."""
    return _UNESCAPE.sub(r"\1", _BOLD.sub("", content)).replace("\u200b", "")


@dataclass
class DiscordRoom:
    harness: Harness
    clock: Clock
    reveal_seconds: int
    platform: str = "discord"
    _handles: dict[str, list[InteractionHandle]] = field(default_factory=dict)
    _notes: dict[str, InteractionHandle] = field(default_factory=dict)
    _forms: dict[str, tuple[dict[str, Any], str]] = field(default_factory=dict)

    @property
    def facilitator(self) -> str:
        return self.harness.facilitator

    @property
    def staff(self) -> str:
        return self.harness.staff

    @property
    def lead(self) -> str:
        return self.harness.lead

    @property
    def young(self) -> tuple[str, ...]:
        return self.harness.young

    def _mine(self, who: str, handle: InteractionHandle) -> InteractionHandle:
        self._handles.setdefault(who, []).append(handle)
        return handle

    async def _after(self, who: str, handle: InteractionHandle, before: list[str]) -> list[str]:
        self._mine(who, handle)
        await self.settle()
        return newly(before, self.private(who))

    def _first(self, handle: InteractionHandle) -> dict[str, Any]:
        """The first response Discord got to an interaction (within 3 s: the harness checks)."""
        first: dict[str, Any] = self.harness.fake.callbacks(handle.id)[0].json
        return first

    async def _click(self, who: str, message: Mapping[str, Any], label: str) -> list[str]:
        """A button whose answer comes from the engine: "thinking", privately, first."""
        before = self.private(who)
        handle = await self.harness.click(who, message, label)
        assert self._first(handle) == PRIVATE_DEFER, self._first(handle)
        return await self._after(who, handle, before)

    # -- acting -----------------------------------------------------------------------------

    async def command(self, who: str, name: str, **options: str) -> list[str]:
        before = self.private(who)
        handle = await self.harness.command(who, name, **options)
        assert self._first(handle) == PRIVATE_DEFER, self._first(handle)
        return await self._after(who, handle, before)

    async def you_said_we_did(
        self, who: str, target: Mapping[str, str], fields: Mapping[str, str]
    ) -> list[str]:
        fake = self.harness.fake
        opened = await self.harness.command(who, "you-said-we-did", **target)
        first = self._first(opened)
        assert first["type"] == 9, f"the form is the first response: {first}"
        self._mine(who, opened)
        payload = fake.modal_submit(
            first["data"],
            fields,
            guild_id=self.harness.guild,
            channel_id=self.harness.channel,
            user_id=who,
        )
        before = self.private(who)
        handle = await fake.interact(payload)
        await fake.wait_for_response(handle)
        assert fake.callbacks(handle.id)[0].json == PRIVATE_DEFER, "defer first, privately"
        return await self._after(who, handle, before)

    async def press_answer(self, who: str, question: Post) -> Opened:
        message = self.harness.fake.messages[question.ref]
        before = self.private(who)
        press = await self.harness.click(who, message, "Answer anonymously")
        return await self._opened(who, press, before, str(message["channel_id"]))

    async def agree(self, who: str) -> Opened:
        shown = self._notes.pop(who)
        before = self.private(who)
        agreed = await self.harness.agree(who, shown)  # checks the note is private
        pressed = parse_action_id(str(shown.payload["data"].get("custom_id", "")))
        if isinstance(pressed, ReactAction):  # a note before a reaction: thanks, privately
            assert self._first(agreed) == PRIVATE_DEFER, self._first(agreed)
        channel = str(shown.payload["channel_id"])
        return await self._opened(who, agreed, before, channel)

    async def _opened(
        self, who: str, press: InteractionHandle, before: list[str], channel: str
    ) -> Opened:
        texts = await self._after(who, press, before)
        first = self._first(press)
        if first["type"] == 9:  # the form: it must be the first response
            self._forms[who] = (first["data"], channel)
            return Opened("form", str(first["data"]["title"]))
        if first["type"] == 4:  # what came instead of the form, only for the presser
            assert first["data"]["flags"] & EPHEMERAL, first
        return self._noted(who, press, texts)

    def _noted(self, who: str, press: InteractionHandle, texts: list[str]) -> Opened:
        notes = [m for m in self.harness.fake.replies(press) if buttons_labelled(m, "I understand")]
        if not notes:
            return Opened("text", "\n".join(texts))
        (note,) = notes
        assert note["flags"] & EPHEMERAL, "the privacy note is private"
        assert [[b["label"] for b in row["components"]] for row in note["components"]] == [
            ["I understand"]
        ]
        self._notes[who] = press
        return Opened("note", "\n".join(texts))

    async def submit(self, who: str, text: str, *, quote: bool = False) -> list[str]:
        modal, channel = self._forms.pop(who)
        fake = self.harness.fake
        payload = fake.modal_submit(
            modal,
            {"answer": text, "quote": quote},
            guild_id=self.harness.guild,
            channel_id=channel,
            user_id=who,
        )
        before = self.private(who)
        handle = await fake.interact(payload)
        await fake.wait_for_response(handle)
        first = fake.callbacks(handle.id)[0]
        assert first.json == PRIVATE_DEFER, "defer first, privately"
        assert first.at - handle.dispatched_at < 3.0, "Discord needs a first response in 3 s"
        return await self._after(who, handle, before)

    async def skip(self, who: str, question: Post) -> list[str]:
        return await self._click(who, self.harness.fake.messages[question.ref], "Skip")

    async def react(self, who: str, answer: Post, emoji: str) -> list[str]:
        before = self.private(who)
        handle = await self.harness.press(who, answer.ref, emoji)
        await self.harness.fake.wait_for_response(handle)
        first = self.harness.fake.callbacks(handle.id)[0]
        assert first.json == {"type": 6}, "a silent update first: the count edit follows"
        assert first.at - handle.dispatched_at < 3.0, "Discord needs a first response in 3 s"
        texts = await self._after(who, handle, before)
        self._noted(who, handle, texts)  # someone who hasn't agreed sees the privacy note
        return texts

    async def native_react(self, who: str, answer: Post, emoji: str, *, added: bool = True) -> None:
        event = "raw_reaction_add" if added else "raw_reaction_remove"
        seen = self.harness.client.wait_for(
            event,
            check=lambda p: str(p.message_id) == answer.ref and str(p.user_id) == who,
            timeout=5,
        )
        await self.harness.react(who, answer.ref, emoji, added=added)
        await seen  # discord.py has the event and has started its handler
        await self.settle()

    async def report(self, who: str, answer: Post) -> list[str]:
        return await self._click(who, self.harness.fake.messages[answer.ref], "Report privately")

    async def press_alert(self, who: str, alert: Alert, label: str) -> list[str]:
        return await self._click(who, self.harness.fake.messages[alert.ref], label)

    async def days_pass(self, days: float) -> None:
        self.clock.advance(days=days)
        await self.harness.jobs.run_due(self.harness.client.outbox)
        await self.settle()

    async def tap(self, who: str, post: Post, action_id: str) -> list[str]:
        before = self.private(who)
        handle = await self.harness.click_id(who, post.ref, action_id)
        assert self._first(handle) == PRIVATE_DEFER, self._first(handle)
        return await self._after(who, handle, before)

    async def batch_time(self) -> None:
        self.clock.advance(seconds=self.reveal_seconds + 1)
        await self.harness.jobs.run_due(self.harness.client.outbox)
        await self.settle()

    async def time_passes(self, minutes: float) -> None:
        self.clock.advance(minutes=minutes)
        await self.harness.jobs.run_due(self.harness.client.outbox)
        await self.settle()

    async def settle(self) -> None:
        """Until no discord.py event handler (or command) is running any more."""
        for _ in range(1000):
            if busy := _handlers_running():
                await asyncio.wait(busy, timeout=5)
                continue
            await asyncio.sleep(0)  # anything scheduled just now gets to start
            if not _handlers_running():
                return
        raise AssertionError("discord.py never settled")

    # -- looking ----------------------------------------------------------------------------

    def group(self) -> list[Post]:
        posts = [_post(m) for m in self.harness.posts()]
        for message, post in zip(self.harness.posts(), posts, strict=True):
            content = str(message["content"])
            assert not any(user in content for user in self.young), "the group sees no ids"
            if post.is_answer:  # the made-up name in bold, then the words as a block quote
                assert _ANSWER.match(content), content
        return posts

    def counts(self, answer: Post) -> dict[str, int]:
        return self.harness.counts(answer.ref)

    async def counts_become(self, answer: Post, expected: Mapping[str, int]) -> None:
        await self.harness.wait_for_counts(answer.ref, expected)

    def private(self, who: str) -> list[str]:
        texts = [
            readable(text)
            for handle in self._handles.get(who, [])
            for text in self.harness.private_replies(handle)
        ]
        texts += [readable(str(m["content"])) for m in self.harness.fake.dm_messages(who)]
        return texts

    def alerts(self) -> list[Alert]:
        found = []
        for message in self.harness.alerts():
            content = str(message["content"])
            writers = _MENTION.findall(content)
            assert len(writers) <= 1, "an alert names at most its writer"
            if writers:  # the mention comes last
                assert content.endswith(f"<@{writers[0]}>"), content
            else:
                assert "<@" not in content, content
            found.append(
                Alert(
                    ref=str(message["id"]),
                    text=readable(content),
                    buttons=tuple(b["label"] for b in buttons(message)),
                    writer=writers[0] if writers else None,
                    action_ids=tuple(b["custom_id"] for b in buttons(message)),
                )
            )
        return found

    def staff_files(self) -> list[dict[str, bytes]]:
        uploads = self.harness.fake.requests_to(
            "POST", rf"/channels/{self.harness.staff_channel}/messages"
        )
        return [{f.filename: f.content for f in r.files} for r in uploads if r.files]

    def files_to(self, who: str) -> list[dict[str, bytes]]:
        fake = self.harness.fake
        found = []
        for handle in self._handles.get(who, []):
            for request in fake.followups(handle):
                if request.files:
                    assert request.json["flags"] & EPHEMERAL, "files on request: privately"
                    found.append({f.filename: f.content for f in request.files})
        dm_channels = {str(m["channel_id"]) for m in fake.dm_messages(who)}
        for channel in sorted(dm_channels):
            uploads = fake.requests_to("POST", rf"/channels/{channel}/messages")
            found += [{f.filename: f.content for f in r.files} for r in uploads if r.files]
        return found

    def staff_notes(self) -> list[str]:
        notes = self.harness.posts(self.harness.staff_channel)
        return [readable(str(m["content"])) for m in notes if m["content"]]

    def identifying(self) -> set[str]:
        room = self.harness
        found = {room.guild, room.channel, room.staff_channel, room.safeguarding_channel}
        found |= set(room.fake.messages)
        for user_id, username, display in EVERYONE:
            found |= {user_id, username, display}
        return found


def _handlers_running() -> list[asyncio.Task[Any]]:
    me = asyncio.current_task()
    return [
        task
        for task in asyncio.all_tasks()
        if task is not me and not task.done() and task.get_name().startswith(_HANDLER_TASKS)
    ]


def _post(message: Mapping[str, Any]) -> Post:
    ids = tuple(
        str(b["custom_id"]) for b in buttons(message) if parse_action_id(str(b["custom_id"]))
    )
    return Post(str(message["id"]), readable(str(message["content"])), ids)


@asynccontextmanager
async def open_discord_room(tmp_path: Path, *, reveal_seconds: int) -> AsyncIterator[DiscordRoom]:
    clock = Clock(START)
    async with open_room(
        tmp_path, reveal_seconds=reveal_seconds, clock=clock, rng=ReversingRandom()
    ) as harness:
        yield DiscordRoom(harness=harness, clock=clock, reveal_seconds=reveal_seconds)
