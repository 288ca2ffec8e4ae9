"""The workspace's "you said, we did" page says what reached the group's channel and what
waits: a card the platform refuses is tried again by the bot and arrives once."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer

from bot.app import workspace_for
from bot.config import Settings
from bot.core.events import Role
from bot.core.outbound import ChannelNotice
from bot.core.records import JobKind, JobState
from bot.scheduling.runner import DELIVERY_BACKOFF
from bot.web.app import make_app
from bot.web.workspace import ChatLink
from tests.feedback.test_card_outage import Outage

from .conftest import STAFF_ID, Site, sign_in


async def test_the_page_says_a_refused_card_waits_and_the_bot_posts_it_later(
    site: Site, settings: Settings
) -> None:
    outbox = Outage(refused=(ChannelNotice,))
    chat = ChatLink(handler=site.runtime.engine, outbox=outbox)
    workspace = workspace_for(site.runtime, settings, env={}, chat=chat, clock=site.clock)
    theme = next(iter(site.workspace.digests.theme_labels))
    feedback = site.runtime.engine.feedback
    action = await feedback.add("Leeds, 3 Dec", theme, "", "cli")
    async with TestClient(TestServer(make_app(workspace))) as client:
        csrf = await sign_in(client, await site.link(STAFF_ID, Role.STAFF))
        step = {"csrf": csrf, "decision": "changed", "because": "you asked for it"}
        posted = await client.post(f"/actions/{action.id}/updates", data=step)
        text = await posted.text()
    assert posted.status == 200
    assert "posted it to 0 channels" in text and "1 channel could not take it yet" in text
    assert outbox.of_type(ChannelNotice) == []

    outbox.down = False
    site.clock.advance(seconds=DELIVERY_BACKOFF[0].total_seconds())
    outcomes = await site.runtime.jobs.run_due(outbox)
    assert [(o.kind, o.state) for o in outcomes if o.kind is JobKind.FEEDBACK_CARD] == [
        (JobKind.FEEDBACK_CARD, JobState.DONE)
    ]
    site.clock.advance(hours=5)
    await site.runtime.jobs.run_due(outbox)
    (card,) = outbox.of_type(ChannelNotice)
    assert "you asked for it" in card.text
