"""The Slack "you said, we did" form past Slack's wait: the form closes at once and the
outcome comes by message, and the same form sent again (Slack's timeout error invites it)
records no second update and posts no second card."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from tests.scenarios.slack_room import FORM, SlackRoom, _slash_text, open_slack_room
from tests.scenarios.test_you_said_we_did import FIELDS, TARGET, _closed_workshop
from tests.slack.conftest import CHANNEL


async def _open_form(room: SlackRoom) -> dict[str, Any]:
    slack, who = room.harness.slack, room.staff
    text = _slash_text("you-said-we-did", TARGET)
    body = slack.slash_body("/you-said-we-did", text, user_id=who, channel_id=CHANNEL)
    query = dict(parse_qsl(body))
    room._own(who, query["response_url"], query["trigger_id"])
    reply = await slack.post(body, FORM)
    assert (reply.status, reply.body) == (200, ""), reply
    await room.settle()
    (view,) = [
        call.params["view"]
        for call in room.fake.calls_to("views.open")
        if call.params.get("trigger_id") == query["trigger_id"]
    ]
    # The id Slack gave the open form: every submit of it carries the same one.
    return {**view, "id": "VFEEDBACKFORM1"}


def _values(view: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
    return {
        block["block_id"]: {block["element"]["action_id"]: fields[block["block_id"]]}
        for block in view["blocks"]
        if block.get("type") == "input" and block["block_id"] in fields
    }


async def test_past_the_budget_the_form_closes_and_a_resubmit_records_once(
    tmp_path: Path,
) -> None:
    async with open_slack_room(tmp_path, reveal_seconds=0) as room:
        await _closed_workshop(room)
        room.harness.adapter.commit_budget = 0  # handling always takes longer than this
        posts_before = len(room.group())
        view = await _open_form(room)
        updates: list[int] = []
        for attempt in range(2):  # the second: the same form sent again after Slack's error
            before = room.private(room.staff)
            reply = await room.harness.slack.submit(
                user_id=room.staff, view=view, values=_values(view, FIELDS)
            )
            assert (reply.status, reply.body) == (200, ""), "acked at once: the form closes"
            await room.settle()
            told = room.private(room.staff)[len(before) :]
            if attempt == 0:
                assert any(text.startswith("Saved update") for text in told), told
            else:
                assert told == [], "nothing recorded or said twice"
            (action,) = await room.runtime.store.actions_for_sessions(None)
            updates.append(len(action.updates))
        assert updates[1] == updates[0], "no second update"
        assert len(room.group()[posts_before:]) == 1, "one card"


async def test_a_refusal_within_the_budget_still_keeps_the_form(tmp_path: Path) -> None:
    async with open_slack_room(tmp_path, reveal_seconds=0) as room:
        await _closed_workshop(room)
        room.harness.adapter.commit_budget = 600  # always within it
        view = await _open_form(room)
        typed = FIELDS | {"because": "her placement ended"}
        for _ in range(2):  # refused twice: an unchanged resend is refused again, not dropped
            reply = await room.harness.slack.submit(
                user_id=room.staff, view=view, values=_values(view, typed)
            )
            assert reply.json()["response_action"] == "errors"
        reply = await room.harness.slack.submit(
            user_id=room.staff, view=view, values=_values(view, FIELDS)
        )
        assert (reply.status, reply.body) == (200, "")
