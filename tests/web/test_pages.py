"""The workspace's pages and forms, through aiohttp's test client (no browser): what each role
sees, theme corrections, reports, the lead's decisions, and every refusal changing nothing."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

from aiohttp import FormData

from bot.core.events import Command, Role
from bot.core.outbound import AnswerPost, ChannelNotice, PrivateNotice
from bot.core.records import AnswerStatus
from bot.report.select import Selection
from bot.web.made_reports import MadeReports, ReportAsked
from bot.web.workspace import MAX_FORM_BYTES
from tests.web.conftest import (
    FACILITATOR_ID,
    LEAD_ID,
    LEEDS_ANSWERS,
    STAFF_ID,
    YOUNG_PEOPLE,
    Client,
    Site,
    sign_in,
)

PAGES = ("/", "/sessions", "/themes/untagged", "/reports", "/audit")


async def _themes(site: Site, answer_id: str) -> set[str]:
    answer = await site.runtime.store.answer(answer_id)
    assert answer is not None
    items = await site.runtime.store.answers_for_session(answer.session_id)
    (item,) = [i for i in items if i.answer.id == answer_id]
    return {t.theme_id for t in item.tags}


async def _an_answer(site: Site, session_id: str) -> str:
    items = await site.runtime.store.answers_for_session(session_id)
    return items[0].answer.id


def _a_theme(site: Site, not_in: set[str]) -> str:
    return next(t for t in site.workspace.digests.theme_labels if t not in not_in)


async def test_sessions_list_filters_and_searches(site: Site, client: Client) -> None:
    await sign_in(client, await site.link(FACILITATOR_ID, Role.FACILITATOR))
    everything = await (await client.get("/sessions")).text()
    assert "Leeds, 3 Dec" in everything and "Hull, 4 Dec" in everything
    assert "Showing 2 of 2" in everything
    searched = await (await client.get("/sessions", params={"q": "hull"})).text()
    assert "Hull, 4 Dec" in searched and "Leeds, 3 Dec" not in searched
    by_status = await (await client.get("/sessions", params={"status": "running"})).text()
    assert "Showing 0 of 2" in by_status


async def test_a_session_shows_its_answers_with_themes_but_files_only_to_staff(
    site: Site, client: Client
) -> None:
    await sign_in(client, await site.link(FACILITATOR_ID, Role.FACILITATOR))
    page = await (await client.get(f"/sessions/{site.leeds}")).text()
    assert "More time with my brother and sister" in page
    assert "/download/" not in page  # facilitators don't get the files (as /digest)
    refused = await client.get(f"/sessions/{site.leeds}/download/csv")
    assert refused.status == 403 and "Only staff" in await refused.text()


async def test_staff_download_every_format_and_each_download_is_audited(
    site: Site, client: Client
) -> None:
    await sign_in(client, await site.link(STAFF_ID, Role.STAFF))
    for fmt in ("md", "html", "csv", "json", "docx"):
        got = await client.get(f"/sessions/{site.leeds}/download/{fmt}")
        assert got.status == 200, fmt
        assert f"digest-{site.leeds}.{fmt}" in got.headers["Content-Disposition"]
        assert len(await got.read()) > 100
    downloads = [
        e for e in await site.runtime.store.audit_entries() if e.action == "digest-downloaded"
    ]
    assert len(downloads) == 5 and all(e.actor == f"local:{STAFF_ID}" for e in downloads)
    unknown = await client.get(f"/sessions/{site.leeds}/download/pdf")
    assert unknown.status == 404 and "no digest format" in await unknown.text()


async def test_the_digest_page_is_the_html_file_with_only_its_own_styles_allowed(
    site: Site, client: Client
) -> None:
    await sign_in(client, await site.link(STAFF_ID, Role.STAFF))
    got = await client.get(f"/sessions/{site.leeds}/digest")
    policy = got.headers["Content-Security-Policy"]
    assert got.status == 200 and "default-src 'none'" in policy and "'sha256-" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert "More time with my brother and sister" in await got.text()


async def test_a_theme_added_on_the_page_wins_and_is_in_the_digest_and_the_audit(
    site: Site, client: Client
) -> None:
    csrf = await sign_in(client, await site.link(STAFF_ID, Role.STAFF))
    answer_id = await _an_answer(site, site.leeds)
    before = await _themes(site, answer_id)
    theme = _a_theme(site, before)
    added = await client.post(
        f"/sessions/{site.leeds}/answers/{answer_id}/themes",
        data={"csrf": csrf, "change": "add", "theme": theme},
    )
    assert added.status == 200 and str(added.url).endswith(f"/sessions/{site.leeds}")
    assert await _themes(site, answer_id) == before | {theme}
    digest_csv = await (await client.get(f"/sessions/{site.leeds}/download/csv")).text()
    rows = {r["comment-id"]: r for r in csv.DictReader(io.StringIO(digest_csv.lstrip("\ufeff")))}
    assert theme in rows[answer_id]["themes"].split(";")
    (entry,) = [e for e in await site.runtime.store.audit_entries() if e.action == "themes-edited"]
    assert entry.subject == answer_id and f"+{theme}" in entry.detail
    assert entry.actor == f"local:{STAFF_ID}" and "workspace" in entry.detail
    removed = await client.post(
        f"/sessions/{site.leeds}/answers/{answer_id}/themes",
        data={"csrf": csrf, "change": "remove", "theme": theme},
    )
    assert removed.status == 200 and theme not in await _themes(site, answer_id)


async def test_the_queue_lists_answers_with_no_theme_and_a_bulk_change_clears_it(
    site: Site, client: Client
) -> None:
    csrf = await sign_in(client, await site.link(FACILITATOR_ID, Role.FACILITATOR))
    digest = await site.workspace.digests.digest(site.leeds)
    untagged = [a.answer_id for a in digest.untagged_answers]
    assert untagged, "the sample needs an answer with no theme"
    queue = await (await client.get("/themes/untagged")).text()
    assert all(f'value="{a}"' in queue for a in untagged)
    theme = _a_theme(site, set())
    done = await client.post(
        "/themes/bulk",
        data=[("csrf", csrf), ("session", site.leeds), ("change", "add"), ("theme", theme)]
        + [("answer", a) for a in untagged]
        + [("back", "untagged")],
    )
    assert done.status == 200 and str(done.url).endswith("/themes/untagged")
    for answer_id in untagged:
        assert theme in await _themes(site, answer_id)
    edited = [e for e in await site.runtime.store.audit_entries() if e.action == "themes-edited"]
    assert len(edited) == len(untagged)


async def test_a_theme_not_in_the_codebook_or_an_unknown_answer_changes_nothing(
    site: Site, client: Client
) -> None:
    csrf = await sign_in(client, await site.link(STAFF_ID, Role.STAFF))
    answer_id = await _an_answer(site, site.leeds)
    before = await _themes(site, answer_id)
    path = f"/sessions/{site.leeds}/answers/{answer_id}/themes"
    bad_theme = await client.post(path, data={"csrf": csrf, "change": "add", "theme": "nope"})
    assert bad_theme.status == 404
    assert "no theme 'nope' in the codebook" in unescape(await bad_theme.text())
    theme = _a_theme(site, before)
    other = await _an_answer(site, site.hull)
    mixed = await client.post(
        "/themes/bulk",
        data=[
            ("csrf", csrf),
            ("session", site.leeds),
            ("change", "add"),
            ("theme", theme),
            ("answer", answer_id),
            ("answer", other),
        ],
    )
    assert mixed.status == 404 and "nothing has changed" in await mixed.text()
    unknown_session = await client.post(
        f"/sessions/nope/answers/{answer_id}/themes",
        data={"csrf": csrf, "change": "add", "theme": theme},
    )
    assert unknown_session.status == 404
    assert await _themes(site, answer_id) == before  # nothing changed, not even the first
    assert not [e for e in await site.runtime.store.audit_entries() if e.action == "themes-edited"]
    missing = await client.get("/sessions/nope")
    assert missing.status == 404 and "no session" in (await missing.text()).lower()


async def test_a_form_without_its_csrf_token_changes_nothing(site: Site, client: Client) -> None:
    csrf = await sign_in(client, await site.link(STAFF_ID, Role.STAFF))
    answer_id = await _an_answer(site, site.leeds)
    before = await _themes(site, answer_id)
    theme = _a_theme(site, before)
    path = f"/sessions/{site.leeds}/answers/{answer_id}/themes"
    for form in (
        {"change": "add", "theme": theme},
        {"csrf": "0" * len(csrf), "change": "add", "theme": theme},
    ):
        refused = await client.post(path, data=form)
        assert refused.status == 403 and "nothing has changed" in await refused.text()
    other = await client.post("/sign-out", data={})
    assert other.status == 403
    assert await _themes(site, answer_id) == before
    assert (await client.get("/sessions")).status == 200  # still signed in


async def test_a_csrf_token_from_another_browser_session_is_refused(
    site: Site, client: Client
) -> None:
    theirs = await sign_in(client, await site.link(FACILITATOR_ID, Role.FACILITATOR))
    client.session.cookie_jar.clear()
    await sign_in(client, await site.link(STAFF_ID, Role.STAFF))
    answer_id = await _an_answer(site, site.leeds)
    before = await _themes(site, answer_id)
    refused = await client.post(
        f"/sessions/{site.leeds}/answers/{answer_id}/themes",
        data={"csrf": theirs, "change": "add", "theme": _a_theme(site, before)},
    )
    assert refused.status == 403 and await _themes(site, answer_id) == before


async def test_an_oversized_form_is_refused_with_a_clear_page(site: Site, client: Client) -> None:
    csrf = await sign_in(client, await site.link(STAFF_ID, Role.STAFF))
    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("notes", b"x" * (MAX_FORM_BYTES + 1), filename="notes.csv")
    refused = await client.post("/reports", data=form)
    assert refused.status == 413 and "too big" in await refused.text()
    assert not [e for e in await site.runtime.store.audit_entries() if e.action == "report-made"]


async def test_a_report_over_two_sessions_with_notes_to_see_and_download(
    site: Site, client: Client
) -> None:
    csrf = await sign_in(client, await site.link(STAFF_ID, Role.STAFF))
    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("session", "Leeds, 3 Dec")
    form.add_field("session", "Hull, 4 Dec")
    notes = "workshop,text,people\nCoventry room,We want our social workers to listen,6\n"
    form.add_field("notes", notes.encode(), filename="in-person.csv")
    form.add_field("title", "Winter round")
    made = await client.post("/reports", data=form)
    page = await made.text()
    assert made.status == 200 and str(made.url).endswith("/reports/latest")
    assert "Winter round" in page and "3 workshops" in page and "Coventry room" in page
    markdown = await (await client.get("/reports/latest/download/md")).text()
    assert "Leeds, 3 Dec" in markdown and "Hull, 4 Dec" in markdown
    view = await client.get("/reports/latest/view")
    assert view.status == 200 and "'sha256-" in view.headers["Content-Security-Policy"]
    actions = [e.action for e in await site.runtime.store.audit_entries()]
    assert "report-made" in actions and "report-downloaded" in actions


async def test_a_bad_notes_file_names_the_file_and_makes_no_report(
    site: Site, client: Client
) -> None:
    csrf = await sign_in(client, await site.link(STAFF_ID, Role.STAFF))
    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("notes", b"workshop,text\nRoom,words\n", filename="in-person.csv")
    refused = await client.post("/reports", data=form)
    text = await refused.text()
    assert refused.status == 400 and "in-person.csv" in text and "consultbot-notes" not in text
    assert (await client.get("/reports/latest")).status == 404


async def test_a_staff_member_cannot_open_or_use_the_lead_pages(site: Site, client: Client) -> None:
    csrf = await sign_in(client, await site.link(STAFF_ID, Role.STAFF, Role.FACILITATOR))
    page = await client.get("/safeguarding")
    assert page.status == 403 and "Only the safeguarding lead" in await page.text()
    for action in ("release", "keep-out", "who-wrote"):
        refused = await client.post(
            f"/safeguarding/answers/{site.held_answer}/{action}",
            data={"csrf": csrf, "reason": "I would like to know please"},
        )
        assert refused.status == 403, action
    held = await site.runtime.store.answer(site.held_answer)
    assert held is not None and held.status is AnswerStatus.HELD
    assert DISCLOSURE_WORDS not in await (await client.get(f"/sessions/{site.leeds}")).text()


DISCLOSURE_WORDS = "scared to go home"


async def test_the_lead_sees_held_words_and_releases_an_answer_to_the_group(
    site: Site, client: Client
) -> None:
    csrf = await sign_in(client, await site.link(LEAD_ID, Role.SAFEGUARDING_LEAD))
    page = await (await client.get("/safeguarding")).text()
    assert DISCLOSURE_WORDS in page and "disclosure" in page
    posts_before = len(site.channel.outbox.of_type(AnswerPost))
    done = await client.post(
        f"/safeguarding/answers/{site.held_answer}/release", data={"csrf": csrf}
    )
    assert done.status == 200 and "now shown to the group" in await done.text()
    held = await site.runtime.store.answer(site.held_answer)
    assert held is not None and held.status is AnswerStatus.SHOWN
    posts = site.channel.outbox.of_type(AnswerPost)
    assert len(posts) == posts_before + 1 and posts[-1].answer_id == site.held_answer
    (entry,) = [
        e for e in await site.runtime.store.audit_entries() if e.action == "answer-released"
    ]
    assert entry.actor == f"local:{LEAD_ID}"
    again = await client.post(
        f"/safeguarding/answers/{site.held_answer}/release", data={"csrf": csrf}
    )
    assert again.status == 400 and "isn't held" in unescape(await again.text())
    unknown = await client.post("/safeguarding/answers/nope/keep-out", data={"csrf": csrf})
    assert unknown.status == 404 and "no answer" in await unknown.text()


async def test_who_wrote_needs_a_reason_and_goes_to_the_lead_in_the_chat_never_on_a_page(
    site: Site, client: Client
) -> None:
    csrf = await sign_in(client, await site.link(LEAD_ID, Role.SAFEGUARDING_LEAD))
    path = f"/safeguarding/answers/{site.held_answer}/who-wrote"
    short = await client.post(path, data={"csrf": csrf, "reason": "why"})
    assert short.status == 400 and "reason" in await short.text()
    assert not [e for e in await site.runtime.store.audit_entries() if "identity" in e.action]
    done = await client.post(path, data={"csrf": csrf, "reason": "They may be at risk tonight"})
    text = await done.text()
    assert done.status == 200 and "sent to you privately in the chat" in text
    assert YOUNG_PEOPLE[3] not in text
    told = site.channel.outbox.of_type(PrivateNotice)[-1]
    assert told.recipient.user_id == LEAD_ID and YOUNG_PEOPLE[3] in told.text
    (entry,) = [
        e for e in await site.runtime.store.audit_entries() if e.action == "identity-revealed"
    ]
    assert entry.detail == "They may be at risk tonight"


async def test_the_leads_reason_is_on_the_audit_page_for_the_lead_alone(
    site: Site, client: Client
) -> None:
    reason = "They may be at risk tonight"
    csrf = await sign_in(client, await site.link(LEAD_ID, Role.SAFEGUARDING_LEAD))
    path = f"/safeguarding/answers/{site.held_answer}/who-wrote"
    assert (await client.post(path, data={"csrf": csrf, "reason": reason})).status == 200
    lead_view = await client.get("/audit")
    assert lead_view.status == 200 and reason in await lead_view.text()
    await sign_in(client, await site.link(STAFF_ID, Role.STAFF))
    staff_view = unescape(await (await client.get("/audit")).text())
    assert "identity-revealed" in staff_view and site.held_answer in staff_view
    assert reason not in staff_view and "(for the safeguarding lead)" in staff_view


async def test_without_the_bot_the_lead_is_told_and_nothing_changes(
    site: Site, client: Client
) -> None:
    site.workspace.chat = None
    csrf = await sign_in(client, await site.link(LEAD_ID, Role.SAFEGUARDING_LEAD))
    refused = await client.post(
        f"/safeguarding/answers/{site.held_answer}/release", data={"csrf": csrf}
    )
    assert refused.status == 400 and "/release in the chat" in await refused.text()
    held = await site.runtime.store.answer(site.held_answer)
    assert held is not None and held.status is AnswerStatus.HELD


async def test_the_audit_log_is_for_staff(site: Site, client: Client) -> None:
    await sign_in(client, await site.link(FACILITATOR_ID, Role.FACILITATOR))
    assert (await client.get("/audit")).status == 403
    client.session.cookie_jar.clear()
    await sign_in(client, await site.link(STAFF_ID, Role.STAFF))
    page = await (await client.get("/audit")).text()
    assert "workspace-signed-in" in page and "alert-raised" in page


async def test_every_page_has_strict_headers_and_no_young_persons_id(
    site: Site, client: Client
) -> None:
    await sign_in(client, await site.link(STAFF_ID, Role.STAFF, Role.SAFEGUARDING_LEAD))
    pages = [*PAGES, "/safeguarding", f"/sessions/{site.leeds}", f"/sessions/{site.leeds}/digest"]
    for path in pages:
        got = await client.get(path)
        text = await got.text()
        assert got.status == 200, path
        assert got.headers["X-Frame-Options"] == "DENY"
        policy = got.headers["Content-Security-Policy"]
        assert ("frame-ancestors 'none'" in policy and "script-src 'none'" in policy) or (
            "default-src 'none'" in policy
        )
        assert "<script" not in text
        assert not re.search("|".join(YOUNG_PEOPLE), text), path
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", text, re.DOTALL)
        assert all('name="csrf"' in form for form in forms), path


async def test_the_lead_keeps_an_answer_out_of_the_group_and_the_digest(
    site: Site, client: Client
) -> None:
    csrf = await sign_in(client, await site.link(LEAD_ID, Role.SAFEGUARDING_LEAD))
    done = await client.post(
        f"/safeguarding/answers/{site.held_answer}/keep-out", data={"csrf": csrf}
    )
    assert done.status == 200 and "kept out of the group" in await done.text()
    kept = await site.runtime.store.answer(site.held_answer)
    assert kept is not None and kept.status is AnswerStatus.KEPT_OUT
    assert DISCLOSURE_WORDS not in await (await client.get("/safeguarding")).text()
    (entry,) = [
        e for e in await site.runtime.store.audit_entries() if e.action == "answer-kept-out"
    ]
    assert entry.actor == f"local:{LEAD_ID}" and entry.subject == site.held_answer


async def test_a_report_by_question_set_and_dates(site: Site, client: Client) -> None:
    csrf = await sign_in(client, await site.link(STAFF_ID, Role.STAFF))
    form = {"csrf": csrf, "question_set": "check-in", "since": "2026-12-01", "until": "2026-12-31"}
    made = await client.post("/reports", data=form)
    assert made.status == 200 and "2 workshops" in await made.text()
    none = {**form, "since": "2027-01-01", "until": "2027-01-31"}
    refused = await client.post("/reports", data=none)
    assert refused.status in {400, 404}
    assert "2 workshops" in await (await client.get("/reports/latest")).text()  # kept
    bad_day = await client.post("/reports", data={**form, "since": "1 Dec"})
    assert bad_day.status == 400 and "not a date" in await bad_day.text()


async def test_you_said_we_did_start_preview_post_and_history(site: Site, client: Client) -> None:
    csrf = await sign_in(client, await site.link(STAFF_ID, Role.STAFF))
    theme = _a_theme(site, set())
    started = await client.post(
        "/actions",
        data={
            "csrf": csrf,
            "session": "Leeds, 3 Dec",
            "theme": theme,
            "heard": "You told us your social workers change too often <b>",
        },
    )
    assert started.status == 200 and "/actions/" in str(started.url)
    action_path = started.url.path
    (action,) = await site.runtime.engine.feedback.actions()
    assert action_path.endswith(action.id) and action.theme_id == theme
    step = {
        "csrf": csrf,
        "taken_to": "The Corporate Parenting Board, 12 March",
        "decision": "partly",
        "because": "there is money for two more social workers",
        "follow_up": "2027-03-01",
    }
    cards_before = len(site.channel.outbox.of_type(ChannelNotice))
    previewed = await client.post(f"{action_path}/preview", data=step)
    text = unescape(await previewed.text())
    assert previewed.status == 200
    assert "<strong>We took it to:</strong> The Corporate Parenting Board" in text
    assert len((await site.runtime.engine.feedback.action(action.id)).updates) == 1  # unsaved
    assert len(site.channel.outbox.of_type(ChannelNotice)) == cards_before
    posted = await client.post(f"{action_path}/updates", data=step)
    assert posted.status == 200 and "posted it to 1 channel" in await posted.text()
    (card,) = site.channel.outbox.of_type(ChannelNotice)[cards_before:]
    assert "Corporate Parenting Board" in card.text
    saved = await site.runtime.engine.feedback.action(action.id)
    assert len(saved.updates) == 2 and saved.latest.by == f"local:{STAFF_ID}"
    listing = await (await client.get("/actions")).text()
    assert "Partly changed" in listing
    page = await (await client.get(action_path)).text()
    assert "too often &lt;b&gt;" in page and "<b>" not in page  # words stay words
    assert "taken to The Corporate Parenting Board" in unescape(page)
    assert "action-updated" in [e.action for e in await site.runtime.store.audit_entries()]


async def test_you_said_we_did_refuses_a_bad_update_and_the_lead_alone(
    site: Site, client: Client
) -> None:
    csrf = await sign_in(client, await site.link(FACILITATOR_ID, Role.FACILITATOR))
    action = await site.runtime.engine.feedback.add(
        "Hull, 4 Dec", _a_theme(site, set()), "", "local:someone"
    )
    bad = await client.post(
        f"/actions/{action.id}/updates", data={"csrf": csrf, "decision": "maybe"}
    )
    assert bad.status == 400 and "is not one I know" in unescape(await bad.text())
    empty = await client.post(f"/actions/{action.id}/updates", data={"csrf": csrf})
    assert empty.status == 400 and "Nothing has changed" in await empty.text()
    assert len((await site.runtime.engine.feedback.action(action.id)).updates) == 1
    assert (await client.get("/actions/nope")).status == 404
    client.session.cookie_jar.clear()
    await sign_in(client, await site.link(LEAD_ID, Role.SAFEGUARDING_LEAD))
    assert (await client.get("/actions")).status == 403


async def test_a_report_downloaded_after_a_withdrawal_no_longer_has_the_withdrawn_words(
    site: Site, client: Client
) -> None:
    csrf = await sign_in(client, await site.link(STAFF_ID, Role.STAFF))
    made = await client.post("/reports", data={"csrf": csrf, "session": "Leeds, 3 Dec"})
    assert made.status == 200
    words = LEEDS_ANSWERS[0]
    assert words in await (await client.get("/reports/latest/download/md")).text()
    young = site.channel.person(YOUNG_PEOPLE[0])
    await site.channel.command(young, Command.WITHDRAW, session=site.leeds)
    for fmt in ("md", "json", "csv"):
        again = await (await client.get(f"/reports/latest/download/{fmt}")).text()
        assert words not in again and "Leeds, 3 Dec" in again, fmt
    assert words not in await (await client.get("/reports/latest")).text()


def test_the_reports_browsers_asked_for_are_bounded() -> None:
    made = MadeReports(limit=3)
    for n in range(5):
        made.keep(f"browser-{n}", ReportAsked(selection=Selection(), notes=(), title=f"{n}"))
    assert len(made) == 3 and made.get("browser-0") is None and made.get("browser-4")
