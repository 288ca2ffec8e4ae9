"""Signing in from the chat: single-use, short-lived links; the browser session's cookie;
roles rechecked on every request; kind pages for links that can't be used. No browser."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.events import Command, Role
from bot.core.outbound import PrivateNotice
from bot.signin.grants import grants_from_env
from bot.signin.links import LINKS_PER_WINDOW, token_hash
from tests.web.conftest import (
    FACILITATOR_ID,
    LEAD_ID,
    STAFF_ID,
    YOUNG_PEOPLE,
    Client,
    Site,
    sign_in,
)


async def test_workspace_command_sends_a_private_single_use_link(
    site: Site, client: Client
) -> None:
    staff = site.channel.person(STAFF_ID, Role.STAFF)
    (reply,) = await site.channel.command(staff, Command.WORKSPACE)
    assert isinstance(reply, PrivateNotice) and reply.recipient == staff
    link = next(w for w in reply.text.split() if "/sign-in/" in w)
    token = link.rsplit("/", 1)[1]
    stored = await site.runtime.store.sign_in_link(token_hash(token))
    assert stored is not None and stored.roles == ("staff",)
    assert token not in stored.token_hash  # only the hash is kept
    await sign_in(client, link)
    page = await client.get("/sessions")
    assert page.status == 200 and "Leeds, 3 Dec" in await page.text()


async def test_a_young_persons_workspace_is_refused_privately_and_no_link_is_made(
    site: Site,
) -> None:
    young = site.channel.person(YOUNG_PEOPLE[0])
    (reply,) = await site.channel.command(young, Command.WORKSPACE)
    assert isinstance(reply, PrivateNotice) and reply.recipient == young
    assert "for the team" in reply.text and "/sign-in/" not in reply.text
    since = site.clock() - timedelta(days=1)
    assert await site.runtime.store.sign_in_links_since("local", young.user_id, since) == 0


async def test_the_cookie_is_httponly_strict_and_lasts_eight_hours(
    site: Site, client: Client
) -> None:
    link = await site.link(STAFF_ID, Role.STAFF)
    path = link[link.index("/sign-in/") :]
    pressed = await client.post(path, allow_redirects=False)
    assert pressed.status == 303
    cookie = pressed.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Max-Age=28800" in cookie
    assert "Secure" not in cookie  # plain http here; https in the next test


async def test_the_cookie_is_secure_behind_https(site: Site, client: Client) -> None:
    site.workspace.secure_cookies = True
    link = await site.link(STAFF_ID, Role.STAFF)
    pressed = await client.post(link[link.index("/sign-in/") :], allow_redirects=False)
    assert "Secure" in pressed.headers["Set-Cookie"]


async def test_a_reused_link_gets_a_kind_page_and_signs_nobody_in(
    site: Site, client: Client
) -> None:
    link = await site.link(STAFF_ID, Role.STAFF)
    await sign_in(client, link)
    client.session.cookie_jar.clear()
    path = link[link.index("/sign-in/") :]
    for reused in (await client.get(path), await client.post(path)):
        text = await reused.text()
        assert reused.status == 400 and "already been used" in text and "/workspace" in text
    assert (await client.get("/sessions")).status == 401


async def test_an_expired_link_gets_a_kind_page(site: Site, client: Client) -> None:
    link = await site.link(STAFF_ID, Role.STAFF)
    site.clock.advance(minutes=10, seconds=1)
    path = link[link.index("/sign-in/") :]
    opened = await client.post(path)
    assert opened.status == 400 and "more than 10 minutes old" in await opened.text()
    assert (await client.get("/sessions")).status == 401
    stored = await site.runtime.store.sign_in_link(token_hash(path.rsplit("/", 1)[1]))
    assert stored is not None and stored.used_at is None  # nothing changed


async def test_a_tampered_link_gets_a_kind_page(site: Site, client: Client) -> None:
    link = await site.link(STAFF_ID, Role.STAFF)
    path = link[link.index("/sign-in/") :]
    tampered = path[:-2] + ("AA" if not path.endswith("AA") else "BB")
    opened = await client.post(tampered)
    assert opened.status == 400 and "isn't one we know" in await opened.text()
    assert (await client.get(path)).status == 200  # the real one still works


async def test_a_tampered_cookie_signs_nobody_in(site: Site, client: Client) -> None:
    await sign_in(client, await site.link(STAFF_ID, Role.STAFF))
    (cookie,) = list(client.session.cookie_jar)
    client.session.cookie_jar.clear()
    client.session.cookie_jar.update_cookies({cookie.key: cookie.value[:-1] + "x"})
    page = await client.get("/sessions")
    assert page.status == 401 and "/workspace" in await page.text()
    client.session.cookie_jar.clear()
    client.session.cookie_jar.update_cookies({cookie.key: cookie.value})
    assert (await client.get("/sessions")).status == 200  # the untouched cookie still works


async def test_the_browser_session_ends_after_eight_hours(site: Site, client: Client) -> None:
    await sign_in(client, await site.link(STAFF_ID, Role.STAFF))
    site.clock.advance(hours=7, minutes=59)
    assert (await client.get("/sessions")).status == 200
    site.clock.advance(minutes=1)
    assert (await client.get("/sessions")).status == 401


async def test_sign_out_ends_the_browser_session(site: Site, client: Client) -> None:
    csrf = await sign_in(client, await site.link(STAFF_ID, Role.STAFF))
    (cookie,) = list(client.session.cookie_jar)
    out = await client.post("/sign-out", data={"csrf": csrf})
    assert out.status == 200 and "signed out" in await out.text()
    client.session.cookie_jar.clear()
    client.session.cookie_jar.update_cookies({cookie.key: cookie.value})  # kept a copy
    assert (await client.get("/sessions")).status == 401
    actions = [e.action for e in await site.runtime.store.audit_entries()]
    assert actions.count("workspace-signed-in") == 1 and "workspace-signed-out" in actions


async def test_a_role_taken_away_in_the_settings_ends_access_at_the_next_click(
    site: Site, client: Client
) -> None:
    site.workspace.grants = grants_from_env({"SLACK_STAFF_USER_IDS": "U0STAFF,U0OTHER"})
    person = replace(site.person("U0STAFF", Role.STAFF), platform="slack")
    await sign_in(client, await site.runtime.engine.signin.make_link(person))
    assert (await client.get("/sessions")).status == 200
    site.workspace.grants = grants_from_env({"SLACK_STAFF_USER_IDS": "U0OTHER"})
    assert (await client.get("/sessions")).status == 401


async def test_a_lead_without_the_lead_setting_loses_only_the_lead_pages(
    site: Site, client: Client
) -> None:
    env = {"SLACK_STAFF_USER_IDS": "U0LEAD", "SLACK_SAFEGUARDING_USER_IDS": "U0LEAD"}
    site.workspace.grants = grants_from_env(env)
    person = replace(site.person("U0LEAD", Role.STAFF, Role.SAFEGUARDING_LEAD), platform="slack")
    await sign_in(client, await site.runtime.engine.signin.make_link(person))
    assert (await client.get("/safeguarding")).status == 200
    site.workspace.grants = grants_from_env({"SLACK_STAFF_USER_IDS": "U0LEAD"})
    assert (await client.get("/safeguarding")).status == 403
    assert (await client.get("/sessions")).status == 200


async def test_links_are_rate_limited(site: Site) -> None:
    facilitator = site.channel.person(FACILITATOR_ID, Role.FACILITATOR)
    for _ in range(LINKS_PER_WINDOW):
        (reply,) = await site.channel.command(facilitator, Command.WORKSPACE)
        assert "/sign-in/" in reply.text
    (refused,) = await site.channel.command(facilitator, Command.WORKSPACE)
    assert "/sign-in/" not in refused.text and "newest one" in refused.text
    site.clock.advance(minutes=10, seconds=1)
    (again,) = await site.channel.command(facilitator, Command.WORKSPACE)
    assert "/sign-in/" in again.text


async def test_pages_need_a_sign_in(client: Client) -> None:
    for path in ("/", "/sessions", "/reports", "/audit", "/safeguarding", "/themes/untagged"):
        page = await client.get(path)
        assert page.status == 401 and "/workspace" in await page.text(), path
    posted = await client.post("/themes/bulk", data={"theme": "x"})
    assert posted.status == 401


async def test_the_lead_alone_sees_the_lead_pages_not_the_sessions(
    site: Site, client: Client
) -> None:
    await sign_in(client, await site.link(LEAD_ID, Role.SAFEGUARDING_LEAD))
    assert (await client.get("/safeguarding")).status == 200
    refused = await client.get("/sessions")
    assert refused.status == 403 and "Only facilitators and staff" in await refused.text()


async def test_another_sites_form_cannot_use_a_link(site: Site, client: Client) -> None:
    link = await site.link(STAFF_ID, Role.STAFF)
    path = link[link.index("/sign-in/") :]
    refused = await client.post(path, headers={"Origin": "https://elsewhere.example"})
    assert refused.status == 403 and "Set-Cookie" not in refused.headers
    assert (await client.get(path)).status == 200  # not used up
