"""A fake Discord on 127.0.0.1 for platform tests: REST API and gateway, both recorded.

``FakeDiscord`` is a small generic server that the real discord.py talks to over real
sockets (point ``discord.http.Route.BASE`` at ``api_base`` and
``DiscordWebSocket.DEFAULT_GATEWAY`` at ``gateway_url``). It holds a little world (one bot
user, guilds with channels, roles and members), answers REST calls from a route table that a
test can extend with ``route()``, and records every request (method, path, query, headers,
JSON body or multipart ``payload_json`` + files, timestamp, status answered) as
``RecordedRequest``. Messages created through channels, webhooks and interaction callbacks
are kept (``messages``), edited in place, and can carry buttons a test then presses; a
deleted channel message moves to ``deleted`` (deleting it again answers 404 Unknown Message).

Default routes: ``users/@me``, ``oauth2/applications/@me``, application command sync (global
and guild ``PUT``, echoing ids), interaction callbacks (types 1/4/5/6/7/8/9, with
``with_response``), webhook follow-ups and ``@original`` get/edit/delete, channel message
create/get/edit/delete (JSON or multipart), reactions ``PUT``/``DELETE`` ``@me``, DM channel
create, ``GET /channels/{id}``, and thread create. Anything else answers 404 (recorded).

Faults: ``fail(method, path_regex, status=..., code=...)`` answers the next matching call(s)
with an error (403 Missing Permissions, 503, ...); with ``handled=True`` the call takes
effect first (the message is created) and only the answer is an error, as when Discord's
edge times out after the write. ``disconnect(...)`` handles the call, then drops the
connection without answering. ``rate_limit(...)`` answers a 429 with the ``Via`` header and
``retry_after`` body discord.py needs to retry on its own.

Nonces: a channel message created with ``nonce`` and ``enforce_nonce`` is created once; a
repeat returns the first message, as Discord does. Webhooks (interaction follow-ups) take
no nonce, so every follow-up call creates a message.

Gateway at ``/gateway``: HELLO, heartbeat ACKs, IDENTIFY → READY + one GUILD_CREATE per guild
(plain text JSON frames, never compressed), RESUME → RESUMED. ``dispatch(t, d)`` sends any
event; builders make INTERACTION_CREATE payloads for slash commands, autocomplete, button
presses and modal submits (``interact`` dispatches one and returns its handle), and
MESSAGE_REACTION_ADD/REMOVE payloads.

Components are checked as Discord checks them, and a breach answers 400 Invalid Form Body
(code 50035): at most 5 action rows of at most 5 buttons per message, custom ids of at most
100 characters and button labels of 80; a modal (callback type 9) has a title of at most 45,
at most 5 top-level components, Labels (text 45, description 100) around a text input or a
checkbox, and a checkbox only inside a Label.

Not covered: permissions (inject them with ``fail``), real rate-limit buckets and headers,
sharding, ``GET /gateway/bot``, zlib/zstd compression, voice, member chunking, message
history, embeds validation, select menus and other components, and interaction token
expiry.
"""

from __future__ import annotations

import asyncio
import email.policy
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.parser import BytesParser
from typing import Any

from aiohttp import WSMsgType, web

API_PREFIX = "/api/v10"
EPHEMERAL = 64
PERMISSIONS_ALL = str((1 << 53) - 1)


@dataclass(frozen=True, slots=True)
class RecordedFile:
    field_name: str
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    method: str
    path: str  # below the API prefix, e.g. "/channels/123/messages"
    query: Mapping[str, str]
    headers: Mapping[str, str]
    json: Any  # the JSON body, or the multipart ``payload_json``; None when there is none
    files: tuple[RecordedFile, ...]
    raw: bytes
    at: float  # the event loop's clock when the request arrived
    status: int  # what the fake answered (0: nothing, the connection was dropped)


@dataclass(slots=True)
class Call:
    """What a route handler gets: the request, the path's named groups, the parsed body."""

    method: str
    path: str
    params: dict[str, str]
    query: Mapping[str, str]
    json: Any
    files: tuple[RecordedFile, ...]


@dataclass(slots=True)
class Reply:
    status: int = 200
    body: Any = None  # JSON-serialisable; None means no body
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Call], Awaitable[Reply]]


@dataclass(slots=True)
class _Fault:
    method: str
    pattern: re.Pattern[str]
    reply: Reply
    remaining: int | None  # None: for ever
    handled: bool = False  # the call takes effect before the error is answered
    disconnect: bool = False  # no answer at all: the connection is dropped


@dataclass(frozen=True, slots=True)
class InteractionHandle:
    id: str
    token: str
    payload: dict[str, Any]
    dispatched_at: float


class FakeDiscord:
    """A fake Discord: ``async with FakeDiscord() as fake: ...``."""

    def __init__(self, *, application_id: str = "1100000000000000001") -> None:
        self._ids = itertools.count(1200000000000000000)
        self.application_id = application_id
        self.bot_user = self.user("1100000000000000002", "consultbot", bot=True)
        self.guilds: dict[str, dict[str, Any]] = {}
        self.requests: list[RecordedRequest] = []
        self.messages: dict[str, dict[str, Any]] = {}  # id -> message, as last sent/edited
        self.deleted: list[dict[str, Any]] = []  # channel messages deleted, as they were last
        self.files: dict[str, tuple[RecordedFile, ...]] = {}  # message id -> uploaded files
        self.commands: dict[str, list[dict[str, Any]]] = {}  # "global" or guild id -> synced
        self.identify: dict[str, Any] | None = None
        self.identified_at: list[float] = []  # time.monotonic() of each IDENTIFY (a new session)
        self.dispatched: list[tuple[str, dict[str, Any], float]] = []
        self._dm_channels: dict[str, dict[str, Any]] = {}
        self._interactions: dict[str, InteractionHandle] = {}
        self._originals: dict[str, str] = {}  # interaction token -> original message id
        self._followup_ids: dict[str, list[str]] = {}  # interaction token -> follow-up ids
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._faults: list[_Fault] = []
        self._sockets: list[web.WebSocketResponse] = []
        self._seq = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._add_default_routes()

    # -- lifecycle ---------------------------------------------------------------------

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- the world ---------------------------------------------------------------------

    def new_id(self) -> str:
        return str(next(self._ids))

    @staticmethod
    def user(
        user_id: str, username: str, *, global_name: str | None = None, bot: bool = False
    ) -> dict[str, Any]:
        return {
            "id": user_id,
            "username": username,
            "global_name": global_name,
            "discriminator": "0",
            "avatar": None,
            "bot": bot,
            "public_flags": 0,
        }

    def add_guild(self, name: str = "Test server", guild_id: str | None = None) -> str:
        guild_id = guild_id or self.new_id()
        everyone = {
            "id": guild_id,
            "name": "@everyone",
            "permissions": "2248473465835073",
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }
        self.guilds[guild_id] = {
            "id": guild_id,
            "name": name,
            "roles": [everyone],
            "channels": [],
            "members": [],
        }
        self.add_member(guild_id, self.bot_user)
        return guild_id

    def add_channel(self, guild_id: str, name: str, channel_id: str | None = None) -> str:
        channel_id = channel_id or self.new_id()
        channels = self.guilds[guild_id]["channels"]
        channels.append(
            {
                "id": channel_id,
                "type": 0,
                "name": name,
                "guild_id": guild_id,
                "position": len(channels),
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
                "topic": None,
                "last_message_id": None,
                "rate_limit_per_user": 0,
            }
        )
        return channel_id

    def add_role(self, guild_id: str, name: str, role_id: str | None = None) -> str:
        role_id = role_id or self.new_id()
        roles = self.guilds[guild_id]["roles"]
        roles.append({**roles[0], "id": role_id, "name": name, "position": len(roles)})
        return role_id

    def add_member(
        self, guild_id: str, user: dict[str, Any], role_ids: Sequence[str] = ()
    ) -> dict[str, Any]:
        member = {
            "user": user,
            "roles": list(role_ids),
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
            "avatar": None,
            "pending": False,
        }
        self.guilds[guild_id]["members"].append(member)
        return member

    def member(self, guild_id: str, user_id: str) -> dict[str, Any]:
        for member in self.guilds[guild_id]["members"]:
            if member["user"]["id"] == user_id:
                return dict(member)
        raise KeyError(user_id)

    def channel(self, channel_id: str) -> dict[str, Any] | None:
        for guild in self.guilds.values():
            for channel in guild["channels"]:
                if channel["id"] == channel_id:
                    return dict(channel)
        return self._dm_channels.get(channel_id)

    # -- recording ---------------------------------------------------------------------

    def requests_to(self, method: str, path_regex: str) -> list[RecordedRequest]:
        pattern = re.compile(path_regex)
        return [r for r in self.requests if r.method == method and pattern.fullmatch(r.path)]

    async def wait_for(self, predicate: Callable[[], Any], within: float = 5.0) -> Any:
        """Wait until ``predicate()`` returns something truthy (checked on every request)."""
        async with self._changed:
            return await asyncio.wait_for(self._changed.wait_for(predicate), within)

    async def wait_for_request(
        self,
        method: str,
        path_regex: str,
        *,
        count: int = 1,
        where: Callable[[RecordedRequest], bool] = lambda r: True,
        within: float = 5.0,
    ) -> list[RecordedRequest]:
        def enough() -> list[RecordedRequest] | None:
            found = [r for r in self.requests_to(method, path_regex) if where(r)]
            return found if len(found) >= count else None

        found: list[RecordedRequest] = await self.wait_for(enough, within)
        return found

    def channel_messages(self, channel_id: str) -> list[dict[str, Any]]:
        return [m for m in self.messages.values() if m["channel_id"] == channel_id]

    def callbacks(self, interaction_id: str) -> list[RecordedRequest]:
        return self.requests_to("POST", rf"/interactions/{interaction_id}/[^/]+/callback")

    def replies(self, handle: InteractionHandle) -> list[dict[str, Any]]:
        """The messages an interaction was answered with, as they are now: its first
        response (type 4, or the "thinking" of type 5), then its follow-ups."""
        ids = [self._originals.get(handle.token), *self._followup_ids.get(handle.token, [])]
        return [self.messages[i] for i in ids if i is not None and i in self.messages]

    def dm_messages(self, user_id: str) -> list[dict[str, Any]]:
        """Messages the bot sent to ``user_id`` in a direct message, oldest first."""
        channels = {
            cid for cid, c in self._dm_channels.items() if c["recipients"][0]["id"] == user_id
        }
        return [m for m in self.messages.values() if m["channel_id"] in channels]

    def followups(self, handle: InteractionHandle) -> list[RecordedRequest]:
        """Follow-ups and edits of the original response sent with this interaction's token."""
        prefix = f"/webhooks/{self.application_id}/{handle.token}"
        return [r for r in self.requests if r.path.startswith(prefix) and r.method != "GET"]

    # -- faults and custom routes ------------------------------------------------------

    def fail(
        self,
        method: str,
        path_regex: str,
        *,
        status: int,
        code: int = 0,
        message: str = "",
        times: int | None = 1,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
        handled: bool = False,
    ) -> None:
        """Answer the next ``times`` matching calls (None: all of them) with an error; with
        ``handled``, after doing what they asked (Discord wrote it, the answer was lost)."""
        reply = Reply(
            status=status,
            body=body if body is not None else {"message": message or str(status), "code": code},
            headers=dict(headers or {}),
        )
        self._faults.append(_Fault(method, re.compile(path_regex), reply, times, handled))

    def disconnect(
        self, method: str, path_regex: str, *, times: int | None = 1, handled: bool = True
    ) -> None:
        """Do what the next ``times`` matching calls ask, then close the connection without
        answering: the client cannot know whether the call took effect. With
        ``handled=False`` the call is dropped before anything is done (Discord is down)."""
        fault = _Fault(method, re.compile(path_regex), Reply(0), times, handled, disconnect=True)
        self._faults.append(fault)

    def forbid(self, method: str, path_regex: str, *, times: int | None = None) -> None:
        """403 Missing Permissions (50013), as Discord answers when a permission is absent."""
        self.fail(
            method, path_regex, status=403, code=50013, message="Missing Permissions", times=times
        )

    def rate_limit(
        self, method: str, path_regex: str, *, retry_after: float = 0.05, times: int = 1
    ) -> None:
        """429 as Discord's edge sends it: ``Via`` header and a ``retry_after`` body."""
        self.fail(
            method,
            path_regex,
            status=429,
            times=times,
            headers={"Via": "1.1 google", "Retry-After": str(retry_after)},
            body={
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": False,
            },
        )

    def clear_faults(self) -> None:
        self._faults.clear()

    def route(self, method: str, path_regex: str) -> Callable[[Handler], Handler]:
        """Add or override a route; named groups in the regex become ``Call.params``."""

        def register(handler: Handler) -> Handler:
            self._routes.insert(0, (method, re.compile(path_regex), handler))
            return handler

        return register

    # -- REST --------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        loop = asyncio.get_running_loop()
        at = loop.time()
        path = "/" + request.match_info["tail"]
        raw = await request.read()
        body, files = await _parse_body(request, raw)
        fault = self._fault_for(request.method, path)
        if fault is None or fault.handled:
            reply = await self._answer(request.method, path, request.query, body, files)
        if fault is not None:
            reply = fault.reply
        self.requests.append(
            RecordedRequest(
                method=request.method,
                path=path,
                query=dict(request.query),
                headers=dict(request.headers),
                json=body,
                files=files,
                raw=raw,
                at=at,
                status=reply.status,
            )
        )
        async with self._changed:
            self._changed.notify_all()
        if fault is not None and fault.disconnect:
            assert request.transport is not None
            request.transport.abort()
            raise asyncio.CancelledError  # nothing more to send on a dropped connection
        if reply.body is None:
            return web.Response(status=reply.status, headers=reply.headers)
        # Exactly "application/json": discord.py compares the header literally.
        headers = {**reply.headers, "Content-Type": "application/json"}
        return web.Response(
            status=reply.status, body=json.dumps(reply.body).encode(), headers=headers
        )

    def _fault_for(self, method: str, path: str) -> _Fault | None:
        for fault in self._faults:
            if fault.method == method and fault.pattern.fullmatch(path):
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                return fault
        return None

    async def _answer(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        body: Any,
        files: tuple[RecordedFile, ...],
    ) -> Reply:
        for route_method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if route_method == method and match:
                call = Call(method, path, match.groupdict(), query, body, files)
                return await handler(call)
        return Reply(404, {"message": "404: Not Found", "code": 0})

    def _add_default_routes(self) -> None:
        r = self.route
        app = r"/applications/(?P<app>\d+)"
        hook = r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)"
        msg = r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)"
        r("GET", "/users/@me")(self._get_me)
        r("GET", "/oauth2/applications/@me")(self._get_application)
        r("GET", app + r"/commands")(self._get_commands)
        r("PUT", app + r"/commands")(self._put_commands)
        r("GET", app + r"/guilds/(?P<guild>\d+)/commands")(self._get_commands)
        r("PUT", app + r"/guilds/(?P<guild>\d+)/commands")(self._put_commands)
        r("POST", r"/interactions/(?P<iid>\d+)/(?P<token>[^/]+)/callback")(self._callback)
        r("POST", hook)(self._followup)
        r("GET", hook + r"/messages/(?P<message>[^/]+)")(self._get_hook_message)
        r("PATCH", hook + r"/messages/(?P<message>[^/]+)")(self._edit_hook_message)
        r("DELETE", hook + r"/messages/(?P<message>[^/]+)")(self._delete_hook_message)
        r("GET", r"/channels/(?P<channel>\d+)")(self._get_channel)
        r("POST", r"/channels/(?P<channel>\d+)/messages")(self._create_message)
        r("GET", msg)(self._get_message)
        r("PATCH", msg)(self._edit_message)
        r("DELETE", msg)(self._delete_message)
        r("PUT", msg + r"/reactions/(?P<emoji>[^/]+)/@me")(_no_content)
        r("DELETE", msg + r"/reactions/(?P<emoji>[^/]+)/@me")(_no_content)
        r("POST", r"/users/@me/channels")(self._create_dm)
        r("POST", r"/channels/(?P<channel>\d+)/threads")(self._create_thread)
        r("POST", msg + r"/threads")(self._create_thread)

    async def _get_me(self, call: Call) -> Reply:
        return Reply(body=self.bot_user)

    async def _get_application(self, call: Call) -> Reply:
        return Reply(
            body={
                "id": self.application_id,
                "name": "consultbot",
                "icon": None,
                "description": "",
                "bot_public": False,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": 0,
                "owner": self.user(self.new_id(), "owner"),
                "team": None,
                "interactions_endpoint_url": None,
                "bot": self.bot_user,
            }
        )

    async def _get_commands(self, call: Call) -> Reply:
        return Reply(body=self.commands.get(call.params.get("guild") or "global", []))

    async def _put_commands(self, call: Call) -> Reply:
        guild = call.params.get("guild")
        synced = [
            {
                "default_member_permissions": None,
                "dm_permission": True,
                "nsfw": False,
                **command,
                "id": self.new_id(),
                "application_id": self.application_id,
                "version": self.new_id(),
                **({"guild_id": guild} if guild else {}),
            }
            for command in call.json or []
        ]
        self.commands[guild or "global"] = synced
        return Reply(body=synced)

    async def _callback(self, call: Call) -> Reply:
        iid = call.params["iid"]
        kind = int(call.json["type"])
        data = call.json.get("data") or {}
        problem = _modal_problem(data) if kind == 9 else _message_problem(data)
        if problem:
            return _invalid_form_body(problem)
        handle = self._interactions.get(iid)
        interaction: dict[str, Any] = {
            "id": iid,
            "type": handle.payload["type"] if handle else 2,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
        }
        reply: dict[str, Any] = {"interaction": interaction}
        channel_id = handle.payload.get("channel_id", "0") if handle else "0"
        if kind in (4, 5):  # a message (or "thinking…") that becomes the original response
            message = self._store_message(channel_id, data, call.files, webhook=True)
            self._originals[call.params["token"]] = message["id"]
            interaction["response_message_id"] = message["id"]
            reply["resource"] = {"type": kind, "message": message}
        elif kind == 7 and handle and "message" in handle.payload:  # update the pressed message
            message = self._update_message(handle.payload["message"]["id"], data, call.files)
            reply["resource"] = {"type": kind, "message": message}
        return Reply(body=reply)

    async def _followup(self, call: Call) -> Reply:
        problem = _message_problem(call.json or {})
        if problem:
            return _invalid_form_body(problem)
        token = call.params["token"]
        message = self._store_message(
            self._channel_for_token(token), call.json or {}, call.files, webhook=True
        )
        self._followup_ids.setdefault(token, []).append(message["id"])
        return Reply(body=message)

    def _hook_message_id(self, call: Call) -> str:
        wanted = call.params["message"]
        if wanted == "@original":
            return self._originals.get(call.params["token"], "0")
        return wanted

    async def _get_hook_message(self, call: Call) -> Reply:
        message = self.messages.get(self._hook_message_id(call))
        return Reply(body=message) if message else _unknown_message()

    async def _edit_hook_message(self, call: Call) -> Reply:
        mid = self._hook_message_id(call)
        if mid not in self.messages:
            return _unknown_message()
        return Reply(body=self._update_message(mid, call.json or {}, call.files))

    async def _delete_hook_message(self, call: Call) -> Reply:
        self.messages.pop(self._hook_message_id(call), None)
        return Reply(204)

    async def _get_channel(self, call: Call) -> Reply:
        channel = self.channel(call.params["channel"])
        return Reply(body=channel) if channel else _unknown_channel()

    async def _create_message(self, call: Call) -> Reply:
        channel_id = call.params["channel"]
        if self.channel(channel_id) is None:
            return _unknown_channel()
        data = call.json or {}
        problem = _message_problem(data)
        if problem:
            return _invalid_form_body(problem)
        nonce = data.get("nonce")
        if nonce is not None and data.get("enforce_nonce"):
            for message in self.messages.values():
                if message["channel_id"] == channel_id and message["nonce"] == nonce:
                    return Reply(body=message)  # Discord's de-duplication: no second message
        return Reply(body=self._store_message(channel_id, data, call.files))

    async def _get_message(self, call: Call) -> Reply:
        message = self.messages.get(call.params["message"])
        return Reply(body=message) if message else _unknown_message()

    async def _edit_message(self, call: Call) -> Reply:
        if call.params["message"] not in self.messages:
            return _unknown_message()
        problem = _message_problem(call.json or {})
        if problem:
            return _invalid_form_body(problem)
        return Reply(body=self._update_message(call.params["message"], call.json or {}, call.files))

    async def _delete_message(self, call: Call) -> Reply:
        message = self.messages.pop(call.params["message"], None)
        if message is None:
            return _unknown_message()  # as Discord answers a second delete
        self.deleted.append(message)
        return Reply(204)

    async def _create_dm(self, call: Call) -> Reply:
        recipient_id = str(call.json["recipient_id"])
        for channel in self._dm_channels.values():
            if channel["recipients"][0]["id"] == recipient_id:
                return Reply(body=channel)
        user = self._find_user(recipient_id)
        channel = {"id": self.new_id(), "type": 1, "recipients": [user], "last_message_id": None}
        self._dm_channels[channel["id"]] = channel
        return Reply(body=channel)

    async def _create_thread(self, call: Call) -> Reply:
        parent = self.channel(call.params["channel"])
        if parent is None:
            return _unknown_channel()
        thread = {
            **parent,
            "id": self.new_id(),
            "type": int((call.json or {}).get("type") or 11),
            "name": (call.json or {}).get("name", "thread"),
            "parent_id": parent["id"],
            "owner_id": self.bot_user["id"],
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": _now(),
                "locked": False,
            },
            "member_count": 1,
            "message_count": 0,
        }
        self.guilds[parent["guild_id"]]["channels"].append(thread)
        return Reply(201, thread)

    def _find_user(self, user_id: str) -> dict[str, Any]:
        for guild in self.guilds.values():
            for member in guild["members"]:
                if member["user"]["id"] == user_id:
                    return dict(member["user"])
        return self.user(user_id, f"user{user_id[-4:]}")

    def _channel_for_token(self, token: str) -> str:
        for handle in self._interactions.values():
            if handle.token == token:
                return str(handle.payload.get("channel_id", "0"))
        return "0"

    def _store_message(
        self,
        channel_id: str,
        data: Mapping[str, Any],
        files: tuple[RecordedFile, ...],
        *,
        webhook: bool = False,
    ) -> dict[str, Any]:
        message_id = self.new_id()
        message: dict[str, Any] = {
            "id": message_id,
            "channel_id": channel_id,
            "type": 0,
            "author": self.bot_user,
            "content": data.get("content") or "",
            "timestamp": _now(),
            "edited_timestamp": None,
            "tts": bool(data.get("tts", False)),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": _attachments(message_id, files),
            "embeds": data.get("embeds") or [],
            "pinned": False,
            "flags": int(data.get("flags") or 0),
            "components": data.get("components") or [],
            "nonce": data.get("nonce"),
        }
        if webhook:
            message["webhook_id"] = self.application_id
            message["application_id"] = self.application_id
        self.messages[message_id] = message
        if files:
            self.files[message_id] = files
        return message

    def _update_message(
        self, message_id: str, data: Mapping[str, Any], files: tuple[RecordedFile, ...]
    ) -> dict[str, Any]:
        message = self.messages[message_id]
        for key in ("content", "components", "embeds", "flags"):
            if key in data:
                message[key] = data[key] if data[key] is not None else message[key]
        if files:
            message["attachments"] = _attachments(message_id, files)
            self.files[message_id] = files
        message["edited_timestamp"] = _now()
        return dict(message)

    # -- gateway -----------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        try:
            await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41250}})
            async for frame in ws:
                if frame.type is not WSMsgType.TEXT:
                    continue
                message = json.loads(frame.data)
                op = message.get("op")
                if op == 1:
                    await ws.send_json({"op": 11})
                elif op == 2:
                    self.identify = message["d"]
                    self.identified_at.append(time.monotonic())
                    await self._ready(ws)
                elif op == 6:
                    await self._send(ws, "RESUMED", {})
        finally:
            self._sockets.remove(ws)
            async with self._changed:
                self._changed.notify_all()
        return ws

    async def _ready(self, ws: web.WebSocketResponse) -> None:
        await self._send(
            ws,
            "READY",
            {
                "v": 10,
                "user": self.bot_user,
                "session_id": "fake-session",
                "resume_gateway_url": self.gateway_url,
                "guilds": [{"id": gid, "unavailable": True} for gid in self.guilds],
                "application": {"id": self.application_id, "flags": 0},
                "private_channels": [],
                "shard": [0, 1],
            },
        )
        for guild in self.guilds.values():
            await self._send(ws, "GUILD_CREATE", self._guild_create(guild))
        async with self._changed:
            self._changed.notify_all()

    @staticmethod
    def _guild_create(guild: Mapping[str, Any]) -> dict[str, Any]:
        return {
            **guild,
            "owner_id": "1",
            "member_count": len(guild["members"]),
            "large": False,
            "unavailable": False,
            "emojis": [],
            "stickers": [],
            "threads": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "features": [],
            "premium_tier": 0,
            "preferred_locale": "en-GB",
            "joined_at": "2024-01-01T00:00:00+00:00",
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "system_channel_flags": 0,
        }

    async def _send(self, ws: web.WebSocketResponse, event: str, data: Mapping[str, Any]) -> None:
        await ws.send_json({"op": 0, "t": event, "s": next(self._seq), "d": data})

    async def wait_until_identified(self, within: float = 5.0) -> None:
        await self.wait_for(lambda: self.identify is not None and self._sockets, within)

    async def dispatch(self, event: str, data: dict[str, Any]) -> float:
        """Send a gateway event to every connected client; returns the loop time it left."""
        if not self._sockets:
            raise RuntimeError("no client is connected to the fake gateway")
        at = asyncio.get_running_loop().time()
        self.dispatched.append((event, data, at))
        for ws in list(self._sockets):
            await self._send(ws, event, data)
        return at

    # -- interactions ------------------------------------------------------------------

    def _interaction(
        self,
        kind: int,
        *,
        guild_id: str,
        channel_id: str,
        user_id: str,
        data: dict[str, Any],
        message: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        channel = self.channel(channel_id) or {"id": channel_id, "type": 0}
        if channel["type"] == 1:  # in a DM: a user, no member, no guild (context 1, bot DM)
            return self._interaction_in_dm(kind, channel, user_id, data, message, guild_id)
        member = {**self.member(guild_id, user_id), "permissions": "2248473465835073"}
        payload: dict[str, Any] = {
            "id": self.new_id(),
            "application_id": self.application_id,
            "type": kind,
            "token": f"token-{self.new_id()}",
            "version": 1,
            "guild_id": guild_id,
            "guild": {"id": guild_id, "locale": "en-GB", "features": []},
            "channel_id": channel_id,
            "channel": channel,
            "member": member,
            "app_permissions": PERMISSIONS_ALL,
            "locale": "en-GB",
            "guild_locale": "en-GB",
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild_id},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
            "data": data,
        }
        if message is not None:
            payload["message"] = message
        return payload

    def _interaction_in_dm(
        self,
        kind: int,
        channel: dict[str, Any],
        user_id: str,
        data: dict[str, Any],
        message: dict[str, Any] | None,
        guild_id: str,
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": self.new_id(),
            "application_id": self.application_id,
            "type": kind,
            "token": f"token-{self.new_id()}",
            "version": 1,
            "channel_id": channel["id"],
            "channel": channel,
            "user": self._find_user(user_id),
            "app_permissions": PERMISSIONS_ALL,
            "locale": "en-GB",
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild_id},
            "context": 1,
            "attachment_size_limit": 10 * 1024 * 1024,
            "data": data,
        }
        if message is not None:
            payload["message"] = message
        return payload

    def _command_id(self, guild_id: str, name: str) -> str:
        for scope in (guild_id, "global"):
            for command in self.commands.get(scope, []):
                if command["name"] == name:
                    return str(command["id"])
        return self.new_id()

    def slash_command(
        self,
        name: str,
        *,
        guild_id: str,
        channel_id: str,
        user_id: str,
        options: Mapping[str, str | int] | None = None,
    ) -> dict[str, Any]:
        """A chat-input command with string (type 3) or integer (type 4) options."""
        data = {
            "id": self._command_id(guild_id, name),
            "name": name,
            "type": 1,
            "options": [
                {"name": k, "type": 4 if isinstance(v, int) else 3, "value": v}
                for k, v in (options or {}).items()
            ],
        }
        return self._interaction(
            2, guild_id=guild_id, channel_id=channel_id, user_id=user_id, data=data
        )

    def autocomplete(
        self,
        name: str,
        *,
        guild_id: str,
        channel_id: str,
        user_id: str,
        focused: str,
        typed: str,
    ) -> dict[str, Any]:
        data = {
            "id": self._command_id(guild_id, name),
            "name": name,
            "type": 1,
            "options": [{"name": focused, "type": 3, "value": typed, "focused": True}],
        }
        return self._interaction(
            4, guild_id=guild_id, channel_id=channel_id, user_id=user_id, data=data
        )

    def button_press(
        self, message_id: str, custom_id: str, *, guild_id: str, user_id: str
    ) -> dict[str, Any]:
        """A press on a button of a message the fake holds (it carries that message). On a
        message in a DM, the press comes from the DM: a user and no member or guild."""
        message = dict(self.messages[message_id])
        return self._interaction(
            3,
            guild_id=guild_id,
            channel_id=message["channel_id"],
            user_id=user_id,
            data={"custom_id": custom_id, "component_type": 2},
            message=message,
        )

    def modal_submit(
        self,
        modal: Mapping[str, Any],
        values: Mapping[str, str | bool],
        *,
        guild_id: str,
        channel_id: str,
        user_id: str,
    ) -> dict[str, Any]:
        """The submit of ``modal`` (the ``data`` of a type 9 callback) as Discord sends it:
        the same layout, each Label (type 18) holding its component's value (a text input's
        string, a checkbox's bool), numbered ``id``s, no labels or placeholders. Inputs not in
        ``values`` come back empty (text) or as their default (checkbox)."""
        numbers = itertools.count(1)

        def filled(component: Mapping[str, Any]) -> dict[str, Any]:
            kind = int(component["type"])
            own = {"type": kind, "id": component.get("id") or next(numbers)}
            if kind == 1:
                return {**own, "components": [filled(c) for c in component["components"]]}
            if kind == 18:
                return {**own, "component": filled(component["component"])}
            custom_id = str(component["custom_id"])
            if kind == 23:
                return {
                    **own,
                    "custom_id": custom_id,
                    "value": bool(values.get(custom_id, component.get("default", False))),
                }
            return {**own, "custom_id": custom_id, "value": str(values.get(custom_id, ""))}

        return self._interaction(
            5,
            guild_id=guild_id,
            channel_id=channel_id,
            user_id=user_id,
            data={
                "custom_id": modal["custom_id"],
                "components": [filled(c) for c in modal["components"]],
            },
        )

    async def interact(self, payload: dict[str, Any]) -> InteractionHandle:
        """Dispatch INTERACTION_CREATE and remember it so callbacks can be matched."""
        at = await self.dispatch("INTERACTION_CREATE", payload)
        handle = InteractionHandle(
            id=payload["id"], token=payload["token"], payload=payload, dispatched_at=at
        )
        self._interactions[handle.id] = handle
        return handle

    async def wait_for_response(self, handle: InteractionHandle, within: float = 5.0) -> None:
        """Until the interaction was answered and its deferred reply (if any) resolved."""

        def settled() -> bool:
            callbacks = self.callbacks(handle.id)
            if not callbacks:
                return False
            if int(callbacks[0].json["type"]) != 5:
                return True
            return bool(self.followups(handle))

        await self.wait_for(settled, within)

    # -- reactions ---------------------------------------------------------------------

    def reaction(
        self,
        message_id: str,
        emoji: str,
        *,
        guild_id: str,
        user_id: str,
        added: bool = True,
    ) -> dict[str, Any]:
        """MESSAGE_REACTION_ADD (with ``member``) or _REMOVE (without), unicode emoji."""
        data: dict[str, Any] = {
            "user_id": user_id,
            "channel_id": self.messages[message_id]["channel_id"],
            "message_id": message_id,
            "guild_id": guild_id,
            "emoji": {"id": None, "name": emoji},
            "type": 0,
            "burst": False,
        }
        if added:
            data["member"] = self.member(guild_id, user_id)
            data["message_author_id"] = self.messages[message_id]["author"]["id"]
            data["burst_colors"] = []
        return data


async def _parse_body(request: web.Request, raw: bytes) -> tuple[Any, tuple[RecordedFile, ...]]:
    if request.content_type.startswith("multipart/"):
        header = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
        envelope = BytesParser(policy=email.policy.HTTP).parsebytes(header + raw)
        body: Any = None
        files: list[RecordedFile] = []
        for part in envelope.iter_parts():
            content = part.get_payload(decode=True)
            assert isinstance(content, bytes)
            name = str(part.get_param("name", header="content-disposition") or "")
            if name == "payload_json":
                body = json.loads(content)
            else:
                files.append(
                    RecordedFile(
                        field_name=name,
                        filename=part.get_filename() or "",
                        content_type=part.get_content_type(),
                        content=content,
                    )
                )
        return body, tuple(files)
    if raw and request.content_type == "application/json":
        return json.loads(raw), ()
    return None, ()


def _attachments(message_id: str, files: Sequence[RecordedFile]) -> list[dict[str, Any]]:
    return [
        {
            "id": f"{message_id}{index}",
            "filename": f.filename,
            "size": len(f.content),
            "url": f"https://cdn.invalid/{message_id}/{f.filename}",
            "proxy_url": f"https://media.invalid/{message_id}/{f.filename}",
            "content_type": f.content_type,
        }
        for index, f in enumerate(files)
    ]


def _now() -> str:
    return datetime.now(UTC).isoformat()


async def _no_content(call: Call) -> Reply:
    return Reply(204)


def _unknown_message() -> Reply:
    return Reply(404, {"message": "Unknown Message", "code": 10008})


def _unknown_channel() -> Reply:
    return Reply(404, {"message": "Unknown Channel", "code": 10003})


def _invalid_form_body(problem: str) -> Reply:
    """400 as Discord sends it: ``errors`` is a tree ending in ``_errors`` lists."""
    field = problem.split(":", 1)[0]
    errors = {field: {"_errors": [{"code": "COMPONENT_INVALID", "message": problem}]}}
    return Reply(400, {"message": "Invalid Form Body", "code": 50035, "errors": errors})


def _message_problem(data: Mapping[str, Any]) -> str | None:
    """What Discord would refuse in a message's components (action rows of buttons)."""
    rows = data.get("components") or []
    if len(rows) > 5:
        return f"components: {len(rows)} action rows (at most 5)"
    for r, row in enumerate(rows):
        if row.get("type") != 1:
            return f"components.{r}: a message's top level holds action rows"
        buttons = row.get("components") or []
        if not 1 <= len(buttons) <= 5:
            return f"components.{r}: {len(buttons)} buttons in a row (1 to 5)"
        for b, button in enumerate(buttons):
            where = f"components.{r}.components.{b}"
            if button.get("type") != 2:
                return f"{where}: only buttons are checked by this fake"
            if len(str(button.get("custom_id", ""))) > 100:
                return f"{where}.custom_id: longer than 100"
            if len(str(button.get("label") or "")) > 80:
                return f"{where}.label: longer than 80"
    return None


def _modal_problem(data: Mapping[str, Any]) -> str | None:
    """What Discord would refuse in a modal: title, count, Labels and their children."""
    if not 1 <= len(str(data.get("title", ""))) <= 45:
        return "title: 1 to 45 characters"
    if len(str(data.get("custom_id", ""))) > 100:
        return "custom_id: longer than 100"
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        return f"components: {len(components)} (1 to 5)"
    for i, component in enumerate(components):
        where = f"components.{i}"
        kind = component.get("type")
        if kind == 1:  # the older layout: an action row around a text input
            children = component.get("components") or []
            if [c.get("type") for c in children] != [4]:
                return f"{where}: an action row in a modal holds one text input"
            continue
        if kind != 18:
            return f"{where}: type {kind} is not allowed at a modal's top level"
        if not 1 <= len(str(component.get("label", ""))) <= 45:
            return f"{where}.label: 1 to 45 characters"
        if len(str(component.get("description") or "")) > 100:
            return f"{where}.description: longer than 100"
        child = component.get("component") or {}
        if child.get("type") == 4:
            if int(child.get("max_length") or 4000) > 4000:
                return f"{where}.component.max_length: at most 4000"
            if len(str(child.get("placeholder") or "")) > 100:
                return f"{where}.component.placeholder: longer than 100"
        elif child.get("type") == 23:
            if not isinstance(child.get("default", False), bool):
                return f"{where}.component.default: a boolean"
        else:
            return f"{where}.component: type {child.get('type')} is not checked by this fake"
        if len(str(child.get("custom_id", ""))) > 100:
            return f"{where}.component.custom_id: longer than 100"
    return None
