"""The workspace in a real headless Chromium (the system's; see ``browser.py``): signing in
with a link, correcting a theme and finding it in the downloaded digest, a report over two
sessions, the lead releasing a held answer to the group; the refusals; axe-core's WCAG 2 A/AA
check on every page; and screenshots at phone and desktop width (``.screenshots/``)."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.events import Command, Role
from bot.core.outbound import AnswerPost, ChannelNotice, PrivateNotice
from bot.core.records import AnswerStatus
from bot.web.serve import serving
from tests.web import browser
from tests.web.conftest import LEAD_ID, STAFF_ID, YOUNG_PEOPLE, Site

# Where Chromium, Playwright or npm is missing the browser tests skip, saying why in one line;
# CI sets CONSULTBOT_REQUIRE_BROWSER=1 (.ci/run installs them), and then they fail instead.
MISSING = browser.missing()
REQUIRED = os.environ.get("CONSULTBOT_REQUIRE_BROWSER") == "1"
pytestmark = pytest.mark.skipif(MISSING is not None and not REQUIRED, reason=f"{MISSING}")


@pytest.fixture(autouse=True)
def _browser_is_there() -> None:
    if MISSING is not None:
        pytest.fail(f"CONSULTBOT_REQUIRE_BROWSER=1 but the browser tests can't run: {MISSING}")


PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

Page = Any  # playwright.async_api.Page (imported only where Chromium is there)


@pytest.fixture
async def base_url(site: Site) -> AsyncIterator[str]:
    async with serving(site.workspace, host="127.0.0.1", port=0) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
async def chromium() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(browser.CHROMIUM), args=list(browser.CHROMIUM_ARGS)
        )
        yield launched
        await launched.close()


async def _page(chromium: Any, *, axe: bool = False, viewport: dict[str, int] = DESKTOP) -> Page:
    # axe is injected as a script, which the workspace's policy rightly forbids: only the
    # accessibility pass bypasses it; every other test runs under the real policy.
    context = await chromium.new_context(bypass_csp=axe, viewport=viewport, accept_downloads=True)
    return await context.new_page()


def _local(base_url: str, link: str) -> str:
    return base_url + link[link.index("/sign-in/") :]


async def _sign_in(page: Page, base_url: str, link: str) -> None:
    await page.goto(_local(base_url, link))
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("heading", name="Welcome to the workspace").wait_for()


async def test_sign_in_with_a_link_from_the_chat(site: Site, base_url: str, chromium: Any) -> None:
    staff = site.channel.person(STAFF_ID, Role.STAFF)
    (reply,) = await site.channel.command(staff, Command.WORKSPACE)
    assert isinstance(reply, PrivateNotice)
    link = next(w for w in reply.text.split() if "/sign-in/" in w)
    page = await _page(chromium)
    await _sign_in(page, base_url, link)
    await page.get_by_role("link", name="Sessions").first.click()
    assert await page.get_by_role("link", name="Leeds, 3 Dec").is_visible()
    cookies = await page.context.cookies()
    (cookie,) = cookies
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"


async def test_correct_a_theme_and_see_it_in_the_downloaded_digest(
    site: Site, base_url: str, chromium: Any
) -> None:
    page = await _page(chromium)
    await _sign_in(page, base_url, await site.link(STAFF_ID, Role.STAFF))
    digest = await site.workspace.digests.digest(site.leeds)
    answer = digest.untagged_answers[0]
    labels = site.workspace.digests.theme_labels
    theme = next(iter(labels))
    await page.goto(f"{base_url}/sessions/{site.leeds}")
    card = page.locator(f"#answer-{answer.answer_id}")
    await card.get_by_label("Add a theme").select_option(theme)
    await card.get_by_role("button", name="Add").click()
    await page.locator(f"#answer-{answer.answer_id} .tag", has_text=labels[theme]).wait_for()
    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="CSV").click()
    download = await downloading.value
    text = Path(await download.path()).read_text(encoding="utf-8-sig")  # noqa: ASYNC240
    rows = {r["comment-id"]: r for r in csv.DictReader(io.StringIO(text))}
    assert theme in rows[answer.answer_id]["themes"].split(";")
    edited = [e for e in await site.runtime.store.audit_entries() if e.action == "themes-edited"]
    assert [e.subject for e in edited] == [answer.answer_id]


async def test_build_a_report_from_two_sessions(site: Site, base_url: str, chromium: Any) -> None:
    page = await _page(chromium)
    await _sign_in(page, base_url, await site.link(STAFF_ID, Role.STAFF))
    await page.goto(f"{base_url}/reports")
    await page.get_by_label("Leeds, 3 Dec", exact=False).check()
    await page.get_by_label("Hull, 4 Dec", exact=False).check()
    await page.get_by_label("Title (optional)").fill("Two rooms")
    await page.get_by_role("button", name="Make the report").click()
    await page.get_by_role("heading", name="Two rooms").wait_for()
    assert "2 workshops" in await page.locator("main").inner_text()
    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="JSON").click()
    saved = Path(await (await downloading.value).path())
    data = json.loads(saved.read_text(encoding="utf-8"))  # noqa: ASYNC240
    assert {w["key"] for w in data["workshops"]} == {site.leeds, site.hull}


async def test_the_lead_releases_a_held_answer_to_the_group(
    site: Site, base_url: str, chromium: Any
) -> None:
    page = await _page(chromium)
    await _sign_in(page, base_url, await site.link(LEAD_ID, Role.SAFEGUARDING_LEAD))
    await page.goto(f"{base_url}/safeguarding")
    held = page.locator(f"#held-{site.held_answer}")
    assert "scared to go home" in await held.inner_text()
    await held.get_by_role("button", name="Release to the group").click()
    await page.get_by_role("status").wait_for()
    assert "now shown to the group" in await page.get_by_role("status").inner_text()
    answer = await site.runtime.store.answer(site.held_answer)
    assert answer is not None and answer.status is AnswerStatus.SHOWN
    # The local adapter is the chat here: the answer reached the group's channel.
    posted = [p for p in site.channel.outbox.of_type(AnswerPost) if p.answer_id == answer.id]
    assert len(posted) == 1 and posted[0].channel_id == site.channel.channel_id


async def test_you_said_we_did_update_previewed_then_posted_to_the_group(
    site: Site, base_url: str, chromium: Any
) -> None:
    page = await _page(chromium)
    await _sign_in(page, base_url, await site.link(STAFF_ID, Role.STAFF))
    notices = len(site.channel.outbox.of_type(ChannelNotice))  # the sessions' own notices
    await _start_action(page, base_url)
    await page.get_by_label("Who it was taken to, and when").fill("The Children in Care Council")
    await page.get_by_label("What was decided").select_option("changed")
    await page.get_by_label("Why (optional)").fill("everyone agreed it was fair")
    await page.get_by_role("button", name="Preview the card").click()
    preview = await page.locator("#preview").inner_text()
    assert "The Children in Care Council" in preview
    assert len(site.channel.outbox.of_type(ChannelNotice)) == notices  # a preview posts nothing
    await page.get_by_role("button", name="Post it to the group").click()
    await page.get_by_role("status").wait_for()
    (card,) = site.channel.outbox.of_type(ChannelNotice)[notices:]
    assert card.text.replace("**", "") == preview and card.channel_id == site.channel.channel_id


async def _start_action(page: Page, base_url: str) -> None:
    await page.goto(f"{base_url}/actions")
    await page.get_by_label("Leeds, 3 Dec", exact=False).check()
    await page.get_by_label("What the group said", exact=False).fill("You want more say")
    await page.get_by_role("button", name="Start").click()
    await page.get_by_role("heading", name="Write an update").wait_for()


async def test_refusals_change_nothing(site: Site, base_url: str, chromium: Any) -> None:
    # A young person's /workspace: refused privately, no link.
    young = site.channel.person(YOUNG_PEOPLE[0])
    (reply,) = await site.channel.command(young, Command.WORKSPACE)
    assert "/sign-in/" not in reply.text and reply.recipient == young
    page = await _page(chromium)
    # An expired link, then a reused one.
    expired = await site.link(STAFF_ID, Role.STAFF)
    site.clock.advance(minutes=11)
    await page.goto(_local(base_url, expired))
    assert "more than 10 minutes old" in await page.locator("main").inner_text()
    link = await site.link(STAFF_ID, Role.STAFF)
    await _sign_in(page, base_url, link)
    await page.goto(_local(base_url, link))
    assert "already been used" in await page.locator("main").inner_text()
    # A staff member opening the lead's page.
    response = await page.goto(f"{base_url}/safeguarding")
    assert response is not None and response.status == 403
    assert "Only the safeguarding lead" in await page.locator("main").inner_text()
    # A form without its CSRF token.
    digest = await site.workspace.digests.digest(site.leeds)
    answer = digest.untagged_answers[0]
    await page.goto(f"{base_url}/sessions/{site.leeds}")
    card = page.locator(f"#answer-{answer.answer_id}")
    await card.locator("form.add-theme input[name=csrf]").evaluate("input => input.remove()")
    await card.get_by_role("button", name="Add").click()
    assert "nothing has changed" in await page.locator("main").inner_text()
    after = await site.workspace.digests.digest(site.leeds)
    (same,) = [a for q in after.questions for a in q.answers if a.answer_id == answer.answer_id]
    assert not same.themes
    held = await site.runtime.store.answer(site.held_answer)
    assert held is not None and held.status is AnswerStatus.HELD


async def _pages(site: Site) -> list[str]:
    return [
        "/",
        "/sessions",
        f"/sessions/{site.leeds}",
        "/themes/untagged",
        "/reports",
        "/reports/latest",
        "/safeguarding",
        "/audit",
        f"/sessions/{site.leeds}/digest",
        "/reports/latest/view",
        "/sessions/nope",
        "/actions",
    ]


async def _make_report(page: Page, base_url: str) -> None:
    await page.goto(f"{base_url}/reports")
    await page.get_by_label("Leeds, 3 Dec", exact=False).check()
    await page.get_by_label("Hull, 4 Dec", exact=False).check()
    await page.get_by_role("button", name="Make the report").click()
    await page.get_by_role("link", name="Read the whole report").wait_for()


async def _violations(page: Page) -> list[str]:
    await page.add_script_tag(path=str(browser.axe_script()))
    result = await page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG,
    )
    assert len(result["passes"]) > 5, "axe checked nothing"  # it really ran on the page
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


async def test_every_page_passes_axe_wcag_a_and_aa(
    site: Site, base_url: str, chromium: Any
) -> None:
    page = await _page(chromium, axe=True)
    problems: dict[str, list[str]] = {}
    # Before signing in: the sign-in page, a used link, the please-sign-in page.
    link = await site.link(STAFF_ID, Role.STAFF, Role.FACILITATOR, Role.SAFEGUARDING_LEAD)
    for url in (_local(base_url, link), f"{base_url}/sessions"):
        await page.goto(url)
        problems[url] = await _violations(page)
    await _sign_in(page, base_url, link)
    await page.goto(_local(base_url, link))
    problems["used link"] = await _violations(page)
    await _make_report(page, base_url)
    for path in await _pages(site):
        await page.goto(base_url + path)
        problems[path] = await _violations(page)
    await _start_action(page, base_url)
    await page.get_by_role("button", name="Preview the card").click()
    problems["an action, with a preview"] = await _violations(page)
    staff_only = await _page(chromium, axe=True)
    await _sign_in(staff_only, base_url, await site.link(STAFF_ID, Role.STAFF))
    await staff_only.goto(f"{base_url}/safeguarding")
    problems["refused"] = await _violations(staff_only)
    failing = {where: found for where, found in problems.items() if found}
    assert not failing, json.dumps(failing, indent=1)
    assert len(problems) >= 16


async def test_screenshots_at_phone_and_desktop_width(
    site: Site, base_url: str, chromium: Any
) -> None:
    browser.SCREENSHOTS.mkdir(exist_ok=True)
    link_roles = (Role.STAFF, Role.FACILITATOR, Role.SAFEGUARDING_LEAD)
    shots = {
        "home": "/",
        "sessions": "/sessions",
        "session": f"/sessions/{site.leeds}",
        "untagged": "/themes/untagged",
        "reports": "/reports",
        "report": "/reports/latest",
        "safeguarding": "/safeguarding",
        "audit": "/audit",
        "actions": "/actions",
    }
    for width, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = await _page(chromium, viewport=viewport)
        await _sign_in(page, base_url, await site.link(f"{STAFF_ID}-{width}", *link_roles))
        await _make_report(page, base_url)
        if width == "phone":
            await _start_action(page, base_url)
        (action,) = await site.runtime.engine.feedback.actions()
        shots["action"] = f"/actions/{action.id}"
        for name, path in shots.items():
            await page.goto(base_url + path)
            target = browser.SCREENSHOTS / f"{name}-{width}.png"
            await page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 5000
            overflow = await page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} scrolls sideways at {width} width"
