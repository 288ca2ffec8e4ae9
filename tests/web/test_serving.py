"""Serving the workspace: its settings, ``consultbot web`` alone, beside the bot as
``consultbot run`` does it, and ``consultbot web --link`` at the server."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from adapters.local.adapter import LocalChannel
from bot.app import open_runtime, serve_workspace, serve_workspace_beside
from bot.cli import main
from bot.config import Settings, WebSettings, web_settings
from bot.core.errors import ConfigError
from bot.core.events import Command, Person, Role
from bot.core.outbound import AnswerPost, QuestionPost
from bot.core.records import AnswerStatus
from bot.signin.links import token_hash
from tests.web.conftest import DISCLOSURE, FACILITATOR_ID, LEAD_ID, YOUNG_PEOPLE, csrf_of


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_web_settings_default_to_loopback_and_no_workspace() -> None:
    web = web_settings({})
    assert web == WebSettings() and web.port is None and web.host == "127.0.0.1"
    assert web.base_url(8080) == "http://127.0.0.1:8080" and not web.secure
    behind_tls = web_settings(
        {"CONSULTBOT_WEB_PORT": "8181", "CONSULTBOT_WEB_PUBLIC_URL": "https://ws.example.org/"}
    )
    assert behind_tls.port == 8181 and behind_tls.secure
    assert behind_tls.base_url() == "https://ws.example.org"


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("CONSULTBOT_WEB_PORT", "eighty", "whole number"),
        ("CONSULTBOT_WEB_PORT", "70000", "between 1 and 65535"),
        ("CONSULTBOT_WEB_PUBLIC_URL", "ftp://x.org", "an address like https://"),
        ("CONSULTBOT_WEB_PUBLIC_URL", "https://x.org/?a=1", "no ?query"),
    ],
)
def test_a_bad_web_setting_names_the_key(key: str, value: str, says: str) -> None:
    with pytest.raises(ConfigError) as refused:
        web_settings({key: value})
    assert key in str(refused.value) and says in str(refused.value)


async def _get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.text()


async def _until_listening(port: int) -> None:
    """Wait for the server task to bind (it does within a few event-loop turns)."""
    for _ in range(500):
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"nothing listens on {port}")


async def test_consultbot_web_serves_the_workspace_alone(settings: Settings) -> None:
    port = _free_port()
    task = asyncio.create_task(serve_workspace(settings, host="127.0.0.1", port=port))
    try:
        await _until_listening(port)
        status, text = await _get(f"http://127.0.0.1:{port}/sessions")
        assert status == 401 and "/workspace" in text
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_beside_the_bot_the_workspace_reaches_the_chat(settings: Settings) -> None:
    port = _free_port()
    settings = replace(settings, web=WebSettings(port=port))
    async with open_runtime(settings) as runtime:
        channel = LocalChannel(runtime.engine)
        facilitator = channel.person(FACILITATOR_ID, Role.FACILITATOR)
        await channel.command(facilitator, Command.START_SESSION, **{"question-set": "check-in"})
        question = channel.outbox.of_type(QuestionPost)[-1]
        await channel.answer(channel.person(YOUNG_PEOPLE[0]), question, DISCLOSURE)
        (held,) = await runtime.store.answers_with_status(question.session_id, AnswerStatus.HELD)
        no_port = replace(settings, web=WebSettings())
        assert await serve_workspace_beside(runtime, no_port, channel.outbox, {}) is None
        runner = await serve_workspace_beside(runtime, settings, channel.outbox, {})
        assert runner is not None
        lead = Person(platform="local", user_id=LEAD_ID, roles=frozenset({Role.SAFEGUARDING_LEAD}))
        link = await runtime.engine.signin.make_link(lead)
        base = f"http://127.0.0.1:{port}"
        try:
            jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1
            async with aiohttp.ClientSession(base, cookie_jar=jar) as http:
                async with http.post(link[link.index("/sign-in/") :]) as signed_in:
                    csrf = csrf_of(await signed_in.text())
                path = f"/safeguarding/answers/{held.id}/release"
                async with http.post(path, data={"csrf": csrf}) as released:
                    assert released.status == 200
        finally:
            await runner.cleanup()
        posted = [p for p in channel.outbox.of_type(AnswerPost) if p.answer_id == held.id]
        assert len(posted) == 1


def test_web_link_at_the_server_prints_a_link_that_signs_in_once(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CONSULTBOT_DATABASE", str(settings.database_path))
    monkeypatch.setenv("CONSULTBOT_IDENTITY_KEY", settings.identity_key.decode())
    monkeypatch.setenv("CONSULTBOT_SAFEGUARDING_KEY", settings.safeguarding_key.decode())
    monkeypatch.setenv("CONSULTBOT_WEB_PUBLIC_URL", "https://ws.example.org")
    argv = ["web", "--link", "--platform", "slack", "--user", "U0STAFF", "--role", "staff"]
    assert main(argv) == 0
    link = capsys.readouterr().out.strip()
    assert link.startswith("https://ws.example.org/sign-in/")

    async def stored() -> tuple[tuple[str, ...], list[str]]:
        async with open_runtime(settings) as runtime:
            found = await runtime.store.sign_in_link(token_hash(link.rsplit("/", 1)[1]))
            assert found is not None and found.user_id == "U0STAFF"
            return found.roles, [e.action for e in await runtime.store.audit_entries()]

    roles, actions = asyncio.run(stored())
    assert roles == ("staff",) and "workspace-link-made" in actions
    assert main(["web", "--link", "--platform", "slack"]) == 2
    assert "--platform and --user" in capsys.readouterr().err
