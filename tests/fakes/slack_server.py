"""A fake Slack on 127.0.0.1 for platform tests: both directions of the wire.

``FakeSlack`` is the Web API an app calls: ``POST /api/{method}`` with a form or JSON body
(query parameters too, and ``GET`` for the read methods slack_sdk sends that way), recorded
as ``ApiCall``s. It keeps posted messages so buttons can be pressed on them, and moves
those ``chat.delete`` removes to ``deleted``. It answers
``auth.test``, ``chat.postMessage/postEphemeral/update/delete``, ``views.open``,
``reactions.add/get``, ``conversations.open``, ``usergroups.users.list`` and the three steps
of ``files_upload_v2`` (``files.getUploadURLExternal`` → ``POST /upload/{id}`` →
``files.completeUploadExternal``), plus ``POST /hooks/{key}`` as a ``response_url``. Any
other method answers ``{"ok": true}``. ``fail(method, ...)`` injects a 429 with
``Retry-After`` or a Slack error such as ``not_in_channel`` for the next call(s).

Ephemeral messages (``chat.postEphemeral``) are kept apart, per user, in ``ephemerals``, so
their buttons can be pressed too (Slack sends no ``message`` for those presses).

``SlackRequests`` plays Slack calling the app: slash-command form posts, ``block_actions``
and ``view_submission`` payloads (form field ``payload``), and Events API ``event_callback``
JSON, each signed with the v0 HMAC scheme the way Slack signs them. A submitted view's
``state`` holds every input block of the view, as Slack sends it: typed text, ticked
checkboxes, and empty values for inputs left alone.

Not covered: Socket Mode websockets, OAuth, pagination, real rate-limit tiers, scopes,
channel membership (use ``fail``), message formatting, ephemeral ``response_url`` expiry.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import ClientSession, web
from slack_sdk.signature import SignatureVerifier

_JSON_FIELDS = ("blocks", "view", "files", "attachments", "metadata")


@dataclass(frozen=True, slots=True)
class ApiCall:
    method: str
    params: dict[str, Any]
    token: str | None
    json_body: bool


@dataclass(slots=True)
class _Failure:
    error: str
    status: int
    retry_after: int | None
    times: int
    channels: frozenset[str] | None = None  # only calls to these channels (None: any)


@dataclass(frozen=True, slots=True)
class Ephemeral:
    """One ``chat.postEphemeral``: only ``user`` sees it, in ``channel``."""

    channel: str
    user: str
    ts: str
    message: dict[str, Any]


@dataclass(slots=True)
class SharedFiles:
    """One ``files.completeUploadExternal``: where the files went and their bytes."""

    channel_id: str | None
    initial_comment: str | None
    files: dict[str, bytes] = field(default_factory=dict)  # filename -> content


class FakeSlack:
    """The Slack Web API on loopback. Use as ``async with FakeSlack() as fake``."""

    def __init__(
        self,
        *,
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        team_id: str = "T1",
        usergroups: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.team_id = team_id
        self.usergroups = {k: list(v) for k, v in (usergroups or {}).items()}
        self.calls: list[ApiCall] = []
        self.hook_posts: list[tuple[str, dict[str, Any]]] = []
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.deleted: dict[tuple[str, str], dict[str, Any]] = {}  # (channel, ts) -> message
        self.ephemerals: dict[str, Ephemeral] = {}  # ts -> the ephemeral message
        self.shared: list[SharedFiles] = []
        self._uploads: dict[str, dict[str, Any]] = {}
        self._failures: dict[str, list[_Failure]] = {}
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)  # slack_sdk GETs a few read methods
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/hooks/{key}", self._hook)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"  # slack_sdk needs the trailing slash

    def hook_url(self, key: str) -> str:
        return f"{self.url}/hooks/{key}"

    # --- test controls ---------------------------------------------------------------------

    def fail(
        self,
        method: str,
        error: str = "ratelimited",
        *,
        status: int = 200,
        retry_after: int | None = None,
        times: int = 1,
        channels: Iterable[str] | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (to one of ``channels``, when given)
        with an error. ``status=429`` with ``retry_after`` is a rate limit; ``status=200``
        with ``error`` is a Slack refusal."""
        only = frozenset(channels) if channels is not None else None
        failure = _Failure(error, status, retry_after, times, only)
        self._failures.setdefault(method, []).append(failure)

    def clear_failures(self) -> None:
        """Slack is well again: every failure still waiting is forgotten."""
        self._failures.clear()

    def ephemerals_for(self, user: str) -> list[Ephemeral]:
        """Ephemeral messages ``user`` was shown, in order."""
        return [e for e in self.ephemerals.values() if e.user == user]

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    def posts_in(self, channel: str) -> list[dict[str, Any]]:
        """Messages ``chat.postMessage`` put in ``channel``, in order, as they are now."""
        return [m for (c, _), m in self.messages.items() if c == channel]

    async def wait_for(self, method: str, count: int = 1, within: float = 5.0) -> list[ApiCall]:
        """Wait until ``method`` was called at least ``count`` times (listeners run after ack)."""
        await self.wait_until(lambda: len(self.calls_to(method)) >= count, within)
        return self.calls_to(method)

    async def wait_until(self, predicate: Callable[[], bool], within: float = 5.0) -> None:
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(predicate)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # --- handlers --------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        is_json = request.content_type == "application/json"
        if is_json:
            params.update(await request.json())
        elif request.can_read_body:
            params.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
        for key in _JSON_FIELDS:
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth else params.get("token")
        self.calls.append(ApiCall(method, params, token, is_json))
        try:
            failure = self._take_failure(method, params.get("channel"))
            if failure is not None:
                headers = {}
                if failure.retry_after is not None:
                    headers["Retry-After"] = str(failure.retry_after)
                return web.json_response(
                    {"ok": False, "error": failure.error}, status=failure.status, headers=headers
                )
            handler = getattr(self, "_" + method.replace(".", "_"), None)
            result: dict[str, Any] = handler(params) if handler else {}
            return web.json_response({"ok": True, **result} if "ok" not in result else result)
        finally:
            await self._notify()

    def _take_failure(self, method: str, channel: Any) -> _Failure | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        if failure.channels is not None and channel not in failure.channels:
            return None
        failure.times -= 1
        if failure.times <= 0:
            queue.pop(0)
        return failure

    def _next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://fake.slack.com/",
            "team": "Fake team",
            "user": "consultbot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(params["channel"]), self._next_ts()
        message = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "ts": ts,
            "text": params.get("text", ""),
            "blocks": params.get("blocks", []),
        }
        self.messages[(channel, ts)] = message
        return {"channel": channel, "ts": ts, "message": message}

    def _chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        ts = self._next_ts()
        message = {"type": "message", "text": params.get("text", ""), "blocks": []}
        message["blocks"] = params.get("blocks") or []
        self.ephemerals[ts] = Ephemeral(str(params["channel"]), str(params["user"]), ts, message)
        return {"message_ts": ts}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (str(params["channel"]), str(params["ts"]))
        if key not in self.messages:
            return {"ok": False, "error": "message_not_found"}
        self.messages[key].update(text=params.get("text", ""), blocks=params.get("blocks", []))
        return {"channel": key[0], "ts": key[1], "text": params.get("text", "")}

    def _chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (str(params["channel"]), str(params["ts"]))
        if key not in self.messages:
            return {"ok": False, "error": "message_not_found"}
        self.deleted[key] = self.messages.pop(key)
        return {"channel": key[0], "ts": key[1]}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"view": {"id": f"V{next(self._ids)}", "team_id": self.team_id, **params["view"]}}

    def _reactions_add(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self.messages.get((str(params["channel"]), str(params["timestamp"])))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        message.setdefault("reactions", []).append({"name": params["name"], "count": 1})
        return {}

    def _reactions_get(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params["channel"])
        message = self.messages.get((channel, str(params["timestamp"])))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        return {"type": "message", "channel": channel, "message": message}

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        users = str(params.get("users", ""))
        return {"channel": {"id": "D" + users.split(",")[0].removeprefix("U")}}

    def _usergroups_users_list(self, params: dict[str, Any]) -> dict[str, Any]:
        group = str(params.get("usergroup", ""))
        if group not in self.usergroups:
            return {"ok": False, "error": "no_such_subteam"}
        return {"users": self.usergroups[group]}

    def _files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._ids)}"
        self._uploads[file_id] = {
            "filename": params.get("filename"),
            "length": params.get("length"),
        }
        return {"upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    def _files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        files = params["files"]
        shared = SharedFiles(params.get("channel_id"), params.get("initial_comment"))
        for f in files:
            upload = self._uploads[f["id"]]
            shared.files[str(upload["filename"])] = upload.get("content", b"")
        self.shared.append(shared)
        return {"files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        if file_id not in self._uploads:
            return web.Response(status=404, text="unknown upload")
        self._uploads[file_id]["content"] = await request.read()
        await self._notify()
        return web.Response(text=f"OK - {len(self._uploads[file_id]['content'])}")

    async def _hook(self, request: web.Request) -> web.Response:
        self.hook_posts.append((request.match_info["key"], await request.json()))
        await self._notify()
        return web.Response(text="ok")


@dataclass(frozen=True, slots=True)
class Reply:
    """What the app answered Slack: status and body (an ack's text or JSON)."""

    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class SlackRequests:
    """Plays Slack calling an app's request URL, signing each request like Slack does."""

    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        fake: FakeSlack,
        *,
        api_app_id: str = "A1",
    ) -> None:
        self.app_url = app_url
        self.signing_secret = signing_secret
        self.fake = fake
        self.api_app_id = api_app_id
        self._session: ClientSession | None = None
        self._seq = itertools.count(1)

    async def __aenter__(self) -> SlackRequests:
        self._session = ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    # --- signing ---------------------------------------------------------------------------

    def signed_headers(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: float | None = None,
        secret: str | None = None,
    ) -> dict[str, str]:
        ts = str(int(timestamp if timestamp is not None else time.time()))
        verifier = SignatureVerifier(secret if secret is not None else self.signing_secret)
        return {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": str(verifier.generate_signature(timestamp=ts, body=body)),
        }

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: float | None = None,
        secret: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Reply:
        assert self._session is not None, "use `async with SlackRequests(...)`"
        headers = self.signed_headers(body, content_type, timestamp=timestamp, secret=secret)
        headers.update(extra_headers or {})
        async with self._session.post(self.app_url, data=body.encode(), headers=headers) as r:
            return Reply(r.status, await r.text())

    # --- bodies as Slack builds them -------------------------------------------------------

    def _user(self, user_id: str) -> dict[str, Any]:
        return {"id": user_id, "username": f"user-{user_id.lower()}", "team_id": self.fake.team_id}

    def slash_body(self, command: str, text: str, *, user_id: str, channel_id: str) -> str:
        n = next(self._seq)
        return urlencode(
            {
                "token": "legacy-verification-token",
                "team_id": self.fake.team_id,
                "team_domain": "fake",
                "channel_id": channel_id,
                "channel_name": "consultation",
                "user_id": user_id,
                "user_name": f"user-{user_id.lower()}",
                "command": command,
                "text": text,
                "api_app_id": self.api_app_id,
                "is_enterprise_install": "false",
                "response_url": self.fake.hook_url(f"cmd{n}"),
                "trigger_id": f"{n}.1.trigger",
            }
        )

    async def slash(self, command: str, text: str = "", *, user_id: str, channel_id: str) -> Reply:
        body = self.slash_body(command, text, user_id=user_id, channel_id=channel_id)
        return await self.post(body, "application/x-www-form-urlencoded")

    async def _interactive(self, payload: Mapping[str, Any]) -> Reply:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded")

    def block_actions_payload(
        self, *, user_id: str, channel_id: str, message_ts: str, action_id: str
    ) -> dict[str, Any]:
        """A press on the button ``action_id`` of a message the fake holds (posted, or an
        ephemeral message shown to ``user_id``)."""
        ephemeral = self.fake.ephemerals.get(message_ts)
        if ephemeral is not None:
            assert ephemeral.user == user_id, "only its user can see an ephemeral message"
            message = ephemeral.message
        else:
            message = self.fake.messages[(channel_id, message_ts)]
        for block in message.get("blocks", []):
            for element in block.get("elements", []):
                if element.get("action_id") == action_id:
                    action = {
                        "type": "button",
                        "action_id": action_id,
                        "block_id": block.get("block_id", "b"),
                        "text": element.get("text"),
                        "value": element.get("value"),
                        "action_ts": f"{time.time():.6f}",
                    }
                    break
            else:
                continue
            break
        else:
            raise KeyError(f"no button {action_id!r} on message {message_ts}")
        n = next(self._seq)
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user_id),
            "api_app_id": self.api_app_id,
            "token": "legacy-verification-token",
            "container": {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel_id,
                "is_ephemeral": ephemeral is not None,
            },
            "trigger_id": f"{n}.2.trigger",
            "team": {"id": self.fake.team_id, "domain": "fake"},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": channel_id, "name": "consultation"},
            "state": {"values": {}},
            "response_url": self.fake.hook_url(f"act{n}"),
            "actions": [action],
        }
        if ephemeral is None:  # Slack leaves the message out for ephemeral messages
            payload["message"] = message
        return payload

    async def press(
        self, *, user_id: str, channel_id: str, message_ts: str, action_id: str
    ) -> Reply:
        return await self._interactive(
            self.block_actions_payload(
                user_id=user_id, channel_id=channel_id, message_ts=message_ts, action_id=action_id
            )
        )

    def view_submission_payload(
        self,
        *,
        user_id: str,
        view: Mapping[str, Any],
        values: Mapping[str, Mapping[str, str | Sequence[str]]],
    ) -> dict[str, Any]:
        """Submitting ``view`` (as the app sent it to ``views.open`` or in an ``update``)
        with ``values``: ``{block_id: {action_id: text}}`` for text inputs and
        ``{block_id: {action_id: [option values]}}`` for ticked checkboxes."""
        state: dict[str, dict[str, Any]] = {}
        for block in view.get("blocks", []):
            if block.get("type") != "input":
                continue
            element = block["element"]
            given = values.get(block["block_id"], {}).get(element["action_id"])
            state[block["block_id"]] = {element["action_id"]: _input_state(element, given)}
        unknown = {b for b in values if b not in state}
        assert not unknown, f"the view has no input blocks {unknown}"
        n = next(self._seq)
        return {
            "type": "view_submission",
            "team": {"id": self.fake.team_id, "domain": "fake"},
            "user": self._user(user_id),
            "api_app_id": self.api_app_id,
            "token": "legacy-verification-token",
            "trigger_id": f"{n}.3.trigger",
            "view": {
                "id": f"V{n}",
                "team_id": self.fake.team_id,
                "app_id": self.api_app_id,
                "bot_id": self.fake.bot_id,
                "hash": f"{n}.hash",
                "state": {"values": state},
                **view,
            },
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }

    async def submit(
        self,
        *,
        user_id: str,
        view: Mapping[str, Any],
        values: Mapping[str, Mapping[str, str | Sequence[str]]] | None = None,
    ) -> Reply:
        return await self._interactive(
            self.view_submission_payload(user_id=user_id, view=view, values=values or {})
        )

    def event_body(self, event: Mapping[str, Any], *, event_id: str) -> str:
        return json.dumps(
            {
                "token": "legacy-verification-token",
                "team_id": self.fake.team_id,
                "api_app_id": self.api_app_id,
                "event": dict(event),
                "type": "event_callback",
                "event_id": event_id,
                "event_time": int(time.time()),
                "authorizations": [
                    {
                        "enterprise_id": None,
                        "team_id": self.fake.team_id,
                        "user_id": self.fake.bot_user_id,
                        "is_bot": True,
                        "is_enterprise_install": False,
                    }
                ],
                "is_ext_shared_channel": False,
                "event_context": f"ctx-{event_id}",
            }
        )

    async def event(
        self, event: Mapping[str, Any], *, event_id: str, retry_num: int | None = None
    ) -> Reply:
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.post(
            self.event_body(event, event_id=event_id), "application/json", extra_headers=headers
        )

    def reaction_event(
        self, *, added: bool, user_id: str, name: str, channel_id: str, ts: str
    ) -> dict[str, Any]:
        return {
            "type": "reaction_added" if added else "reaction_removed",
            "user": user_id,
            "reaction": name,
            "item": {"type": "message", "channel": channel_id, "ts": ts},
            "item_user": self.fake.bot_user_id,
            "event_ts": f"{time.time():.6f}",
        }


def _input_state(element: Mapping[str, Any], given: str | Sequence[str] | None) -> dict[str, Any]:
    """One input's entry in ``view.state.values``, shaped as Slack sends it."""
    kind = element["type"]
    if kind == "plain_text_input":
        assert given is None or isinstance(given, str)
        return {"type": kind, "value": given}
    if kind == "checkboxes":
        ticked = [] if given is None else list(given)
        options = [o for o in element["options"] if o["value"] in ticked]
        assert len(options) == len(ticked), f"no such checkbox among {element['options']}"
        return {"type": kind, "selected_options": options}
    raise AssertionError(f"the fake does not know {kind} inputs")
