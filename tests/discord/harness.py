"""A consultation room for Discord adapter tests: the real engine and the real discord.py
client, connected over loopback sockets to ``FakeDiscord``.

The people in it have usernames and display names so tests can check that none of them (and
no snowflake) ever reaches a digest.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from adapters.discord.adapter import ConsultClient, api_endpoints
from adapters.discord.settings import DiscordSettings
from bot.app import open_engine
from bot.config import DEFAULT_PROMPTS_DIR, Settings
from bot.core.engine import Engine
from tests.fakes.discord_server import EPHEMERAL, FakeDiscord, InteractionHandle

FACILITATOR = ("1300000000000000001", "fiona_facilitates", "Fiona Fairweather")
STAFF = ("1300000000000000002", "sam_from_staff", "Samira Stafford")
YOUNG = [
    ("1300000000000000101", "river_k", "River Kingsley"),
    ("1300000000000000102", "jay_2009", "Jaylen Okafor"),
    ("1300000000000000103", "moonpie", "Maya Lindqvist"),
    ("1300000000000000104", "toby_t", "Tobias Thorne"),
    ("1300000000000000105", "ash_w", "Ashwin Wells"),
    ("1300000000000000106", "nell", "Penelope Vance"),
]
EVERYONE = [FACILITATOR, STAFF, *YOUNG]
_COUNT = re.compile(r" · (\d+)$")


@dataclass
class Room:
    fake: FakeDiscord
    client: ConsultClient
    engine: Engine
    guild: str
    channel: str
    staff_channel: str
    facilitator_role: str
    staff_role: str

    facilitator: ClassVar[str] = FACILITATOR[0]
    staff: ClassVar[str] = STAFF[0]
    young: ClassVar[tuple[str, ...]] = tuple(person[0] for person in YOUNG)

    # -- acting --------------------------------------------------------------------------

    async def command(self, user: str, name: str, **options: str | int) -> InteractionHandle:
        payload = self.fake.slash_command(
            name, guild_id=self.guild, channel_id=self.channel, user_id=user, options=options
        )
        return await self._settled(payload)

    async def answer(self, user: str, question: Mapping[str, Any], text: str) -> InteractionHandle:
        """Press "Answer anonymously" on ``question``, then submit the modal it opens."""
        (button,) = buttons(question)
        press = await self.fake.interact(
            self.fake.button_press(
                question["id"], button["custom_id"], guild_id=self.guild, user_id=user
            )
        )
        await self.fake.wait_for_response(press)
        modal = self.modal(press)
        submit = self.fake.modal_submit(
            modal["custom_id"],
            {"answer": text},
            guild_id=self.guild,
            channel_id=question["channel_id"],
            user_id=user,
        )
        handle = await self._settled(submit)
        deferred = self.fake.callbacks(handle.id)[0].json
        assert deferred == {"type": 5, "data": {"flags": EPHEMERAL}}, "defer first, privately"
        return handle

    def modal(self, press: InteractionHandle) -> dict[str, Any]:
        (callback,) = self.fake.callbacks(press.id)
        assert callback.json["type"] == 9, callback.json
        data: dict[str, Any] = callback.json["data"]
        return data

    async def press(self, user: str, message_id: str, emoji: str) -> InteractionHandle:
        custom_id = next(
            b["custom_id"]
            for b in buttons(self.fake.messages[message_id])
            if b["emoji"]["name"] == emoji
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
        return [m for m in self.posts() if m["content"].startswith("**Question ")]

    def answers(self) -> list[dict[str, Any]]:
        return [m for m in self.posts() if " answered question " in m["content"]]

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


def counts(message: Mapping[str, Any]) -> dict[str, int]:
    shown: dict[str, int] = {}
    for button in buttons(message):
        match = _COUNT.search(button.get("label", ""))
        if match and button.get("emoji"):
            shown[button["emoji"]["name"]] = int(match.group(1))
    return shown


@contextlib.asynccontextmanager
async def open_room(
    tmp_path: Path, *, staff_channel: bool = True, edit_interval: float = 0.2
) -> AsyncIterator[Room]:
    """A connected, ready bot in a guild with a session channel and a staff channel."""
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Youth voice group")
        channel = fake.add_channel(guild, "consultation")
        staff_room = fake.add_channel(guild, "staff-only")
        facilitator_role = fake.add_role(guild, "Facilitator")
        staff_role = fake.add_role(guild, "Staff")
        for user_id, username, display in EVERYONE:
            roles = {FACILITATOR[0]: [facilitator_role], STAFF[0]: [staff_role]}.get(user_id, [])
            fake.add_member(guild, fake.user(user_id, username, global_name=display), roles)
        settings = DiscordSettings(
            token="fake-token",
            api_base=fake.api_base,
            gateway_url=fake.gateway_url,
            facilitator_role_ids=frozenset({int(facilitator_role)}),
            staff_role_ids=frozenset({int(staff_role)}),
            staff_channel_id=int(staff_room) if staff_channel else None,
            guild_id=int(guild),
        )
        core = Settings(
            database_path=tmp_path / "t.db",
            prompts_dir=DEFAULT_PROMPTS_DIR,
            identity_key=b"test-key-0123456789",
        )
        async with open_engine(core) as engine:
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
                        facilitator_role=facilitator_role,
                        staff_role=staff_role,
                    )
                finally:
                    await client.close()  # before the fake stops, or it reconnects
                    with contextlib.suppress(Exception):
                        await task
