"""A consultation room for Discord adapter tests: the real engine and the real discord.py
client, connected over loopback sockets to ``FakeDiscord``.

The people in it have usernames and display names so tests can check that none of them (and
no snowflake) ever reaches a digest. Answers are shown at once (``reveal_seconds=0``) unless a
test asks for the default batches.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from adapters.discord.adapter import ConsultClient, api_endpoints
from adapters.discord.settings import DiscordSettings
from bot.app import open_runtime
from bot.config import DEFAULT_PROMPTS_DIR, Settings
from bot.core.events import utc_now
from bot.engine import Engine
from bot.scheduling.runner import JobRunner
from tests.fakes.discord_server import EPHEMERAL, FakeDiscord, InteractionHandle

FACILITATOR = ("1300000000000000001", "fiona_facilitates", "Fiona Fairweather")
STAFF = ("1300000000000000002", "sam_from_staff", "Samira Stafford")
LEAD = ("1300000000000000003", "dana_dsl", "Dana Safeguard")  # the safeguarding lead
YOUNG = [
    ("1300000000000000101", "river_k", "River Kingsley"),
    ("1300000000000000102", "jay_2009", "Jaylen Okafor"),
    ("1300000000000000103", "moonpie", "Maya Lindqvist"),
    ("1300000000000000104", "toby_t", "Tobias Thorne"),
    ("1300000000000000105", "ash_w", "Ashwin Wells"),
    ("1300000000000000106", "nell", "Penelope Vance"),
]
EVERYONE = [FACILITATOR, STAFF, LEAD, *YOUNG]
_COUNT = re.compile(r" · (\d+)$")


@dataclass
class Room:
    fake: FakeDiscord
    client: ConsultClient
    engine: Engine
    guild: str
    channel: str
    staff_channel: str
    safeguarding_channel: str
    facilitator_role: str
    staff_role: str
    jobs: JobRunner  # runs the engine's timed jobs that are due by its clock

    facilitator: ClassVar[str] = FACILITATOR[0]
    staff: ClassVar[str] = STAFF[0]
    lead: ClassVar[str] = LEAD[0]
    young: ClassVar[tuple[str, ...]] = tuple(person[0] for person in YOUNG)

    # -- acting --------------------------------------------------------------------------

    async def command(self, user: str, name: str, **options: str | int) -> InteractionHandle:
        payload = self.fake.slash_command(
            name, guild_id=self.guild, channel_id=self.channel, user_id=user, options=options
        )
        return await self._settled(payload)

    async def answer(
        self, user: str, question: Mapping[str, Any], text: str, *, quote: bool = False
    ) -> InteractionHandle:
        """Press "Answer anonymously" on ``question`` (agreeing to the privacy note when it
        comes first), then fill in and submit the modal it opens."""
        press = await self.click(user, question, "Answer anonymously")
        if self.fake.callbacks(press.id)[0].json["type"] == 4:
            press = await self.agree(user, press)
        modal = self.modal(press)
        submit = self.fake.modal_submit(
            modal,
            {"answer": text, "quote": quote},
            guild_id=self.guild,
            channel_id=question["channel_id"],
            user_id=user,
        )
        handle = await self._settled(submit)
        deferred = self.fake.callbacks(handle.id)[0].json
        assert deferred == {"type": 5, "data": {"flags": EPHEMERAL}}, "defer first, privately"
        return handle

    async def click(self, user: str, message: Mapping[str, Any], label: str) -> InteractionHandle:
        """Press the button labelled ``label`` on ``message``; settled, first response in 3 s."""
        custom_id = button(message, label)["custom_id"]
        payload = self.fake.button_press(
            message["id"], custom_id, guild_id=self.guild, user_id=user
        )
        return await self._settled(payload)

    async def click_id(self, user: str, message_id: str, custom_id: str) -> InteractionHandle:
        """Press the button ``custom_id`` on the message ``message_id``; settled."""
        payload = self.fake.button_press(message_id, custom_id, guild_id=self.guild, user_id=user)
        return await self._settled(payload)

    async def agree(self, user: str, shown: InteractionHandle) -> InteractionHandle:
        """Press "I understand" on the privacy note that ``shown`` answered with (privately)."""
        (note,) = [m for m in self.fake.replies(shown) if buttons_labelled(m, "I understand")]
        assert note["flags"] & EPHEMERAL, "the privacy note is private"
        assert note["content"].startswith("**Before you answer")
        return await self.click(user, note, "I understand")

    async def join(self, user: str, question: Mapping[str, Any]) -> None:
        """Agree to the privacy note of ``question``'s session without answering: press
        "Answer anonymously", then "I understand", and leave the form that opens."""
        press = await self.click(user, question, "Answer anonymously")
        self.modal(await self.agree(user, press))

    def modal(self, press: InteractionHandle) -> dict[str, Any]:
        (callback,) = self.fake.callbacks(press.id)
        assert callback.json["type"] == 9, callback.json
        data: dict[str, Any] = callback.json["data"]
        return data

    async def press(self, user: str, message_id: str, emoji: str) -> InteractionHandle:
        """Press an anonymous reaction button (not waiting: a burst stays a burst)."""
        custom_id = next(
            b["custom_id"]
            for b in buttons(self.fake.messages[message_id])
            if (b.get("emoji") or {}).get("name") == emoji
        )
        payload = self.fake.button_press(message_id, custom_id, guild_id=self.guild, user_id=user)
        return await self.fake.interact(payload)

    async def react(self, user: str, message_id: str, emoji: str, *, added: bool = True) -> None:
        data = self.fake.reaction(message_id, emoji, guild_id=self.guild, user_id=user, added=added)
        await self.fake.dispatch(
            "MESSAGE_REACTION_ADD" if added else "MESSAGE_REACTION_REMOVE", data
        )

    async def _settled(self, payload: dict[str, Any]) -> InteractionHandle:
        handle = await self.fake.interact(payload)
        await self.fake.wait_for_response(handle)
        first = self.fake.callbacks(handle.id)[0]
        assert first.at - handle.dispatched_at < 3.0, "Discord needs a first response within 3 s"
        return handle

    # -- looking -------------------------------------------------------------------------

    def private_replies(self, handle: InteractionHandle) -> list[str]:
        """Ephemeral texts sent back for one interaction (callback or follow-ups)."""
        texts = []
        for request in [*self.fake.callbacks(handle.id), *self.fake.followups(handle)]:
            body = request.json or {}
            data = body.get("data", body) if "type" in body else body
            if data.get("content"):
                assert int(data.get("flags", 0)) & EPHEMERAL, f"not ephemeral: {data}"
                texts.append(str(data["content"]))
        return texts

    def posts(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Messages the bot posted in the channel (not interaction replies), oldest first."""
        wanted = channel or self.channel
        return [
            m
            for m in self.fake.messages.values()
            if m["channel_id"] == wanted and "webhook_id" not in m
        ]

    def questions(self) -> list[dict[str, Any]]:
        """Question posts (the check-in too): the ones with an "Answer anonymously" button."""
        return [
            m for m in self.posts() if any(b["label"] == "Answer anonymously" for b in buttons(m))
        ]

    def alerts(self) -> list[dict[str, Any]]:
        return self.posts(self.safeguarding_channel)

    def answers(self) -> list[dict[str, Any]]:
        return [m for m in self.posts() if " answered question " in m["content"]]

    async def dms(self, user: str, count: int = 1) -> list[dict[str, Any]]:
        """The bot's direct messages to ``user``, once there are ``count`` (they may follow
        an interaction's private reply)."""
        await self.fake.wait_for(lambda: len(self.fake.dm_messages(user)) >= count)
        return self.fake.dm_messages(user)

    def counts(self, message_id: str) -> dict[str, int]:
        return counts(self.fake.messages[message_id])

    async def wait_for_counts(self, message_id: str, expected: Mapping[str, int]) -> None:
        def shown() -> bool:
            current = self.counts(message_id)
            return all(current.get(emoji) == n for emoji, n in expected.items())

        try:
            await self.fake.wait_for(shown, within=5)
        except TimeoutError:
            shown_now = self.counts(message_id)
            raise AssertionError(f"counts {shown_now} never became {expected}") from None


def buttons(message: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [button for row in message.get("components", []) for button in row["components"]]


def buttons_labelled(message: Mapping[str, Any], label: str) -> list[dict[str, Any]]:
    return [b for b in buttons(message) if b.get("label") == label]


def button(message: Mapping[str, Any], label: str) -> dict[str, Any]:
    found = [b for b in buttons(message) if b.get("label") == label]
    assert len(found) == 1, f"no single {label!r} button in {buttons(message)}"
    return found[0]


def counts(message: Mapping[str, Any]) -> dict[str, int]:
    shown: dict[str, int] = {}
    for button in buttons(message):
        match = _COUNT.search(button.get("label", ""))
        if match and button.get("emoji"):
            shown[button["emoji"]["name"]] = int(match.group(1))
    return shown


@contextlib.asynccontextmanager
async def open_room(
    tmp_path: Path,
    *,
    staff_channel: bool = True,
    safeguarding_channel: bool = True,
    edit_interval: float = 0.2,
    reveal_seconds: int = 0,
    clock: Callable[[], datetime] = utc_now,
    rng: random.Random | None = None,
    **discord_settings: Any,
) -> AsyncIterator[Room]:
    """A connected, ready bot in a guild with a session channel, a staff channel and a
    safeguarding channel (or, without it, alerts by DM to the lead). ``discord_settings``
    override the ``DiscordSettings`` fields; ``clock`` and ``rng`` are the engine's."""
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Youth voice group")
        channel = fake.add_channel(guild, "consultation")
        staff_room = fake.add_channel(guild, "staff-only")
        safeguarding_room = fake.add_channel(guild, "safeguarding")
        facilitator_role = fake.add_role(guild, "Facilitator")
        staff_role = fake.add_role(guild, "Staff")
        lead_role = fake.add_role(guild, "Safeguarding lead")
        roles_of = {
            FACILITATOR[0]: [facilitator_role],
            STAFF[0]: [staff_role],
            LEAD[0]: [lead_role],
        }
        for user_id, username, display in EVERYONE:
            member = fake.user(user_id, username, global_name=display)
            fake.add_member(guild, member, roles_of.get(user_id, []))
        lead_users = frozenset() if safeguarding_channel else frozenset({int(LEAD[0])})
        values: dict[str, Any] = {
            "token": "fake-token",
            "api_base": fake.api_base,
            "gateway_url": fake.gateway_url,
            "facilitator_role_ids": frozenset({int(facilitator_role)}),
            "staff_role_ids": frozenset({int(staff_role)}),
            "staff_channel_id": int(staff_room) if staff_channel else None,
            "safeguarding_role_ids": frozenset({int(lead_role)}),
            "safeguarding_channel_id": int(safeguarding_room) if safeguarding_channel else None,
            "safeguarding_user_ids": lead_users,
            "guild_id": int(guild),
        }
        settings = DiscordSettings(**{**values, **discord_settings})
        core = Settings(
            database_path=tmp_path / "t.db",
            prompts_dir=DEFAULT_PROMPTS_DIR,
            identity_key=b"test-key-0123456789",
            reveal_seconds=reveal_seconds,
        )
        async with open_runtime(core, clock=clock, rng=rng) as runtime:
            engine = runtime.engine
            with api_endpoints(settings):
                client = ConsultClient(
                    engine,
                    settings,
                    retry_delays=(0.05,),
                    edit_interval=edit_interval,
                    guild_ready_timeout=0.05,
                )
                task = asyncio.create_task(client.start(settings.token))
                ready = asyncio.create_task(client.wait_until_ready())
                try:
                    await asyncio.wait(
                        {task, ready}, timeout=5, return_when=asyncio.FIRST_COMPLETED
                    )
                    if task.done():  # start() failed (or ended): show why, don't hang
                        ready.cancel()
                        await task
                    assert ready.done(), "the bot did not become ready within 5 s"
                    yield Room(
                        fake=fake,
                        client=client,
                        engine=engine,
                        guild=guild,
                        channel=channel,
                        staff_channel=staff_room,
                        safeguarding_channel=safeguarding_room,
                        facilitator_role=facilitator_role,
                        staff_role=staff_role,
                        jobs=runtime.jobs,
                    )
                finally:
                    await client.close()  # before the fake stops, or it reconnects
                    with contextlib.suppress(Exception):
                        await task
