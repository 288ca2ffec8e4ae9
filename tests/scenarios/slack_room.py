"""``Room`` over the real slack-bolt app, signed HTTP in and a fake Slack Web API out
(``tests/slack/conftest.py``'s ``Harness``).

What a person saw privately: replies through the ``response_url`` of the requests they made,
ephemeral messages (``chat.postEphemeral``) to them, direct messages, and the privacy note
when it opened as a modal for them. Buttons are found by the action ids they carry, never by
Slack block ids, so a change of layout inside the adapter does not break the suite.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from bot.app import Runtime
from bot.core.actions import (
    AnswerAction,
    ConsentAction,
    ReactAction,
    ReportAction,
    SkipAction,
    consent_action_id,
    parse_action_id,
)
from bot.core.records import AuditEntry
from tests.fakes.slack_server import Ephemeral, FakeSlack
from tests.scenarios.room import (
    HELD_WHO_WROTE,
    Alert,
    Held,
    HeldList,
    Opened,
    Post,
    held_entries,
    newly,
)
from tests.scenarios.runtime import Clock, open_scenario_runtime
from tests.slack.conftest import (
    ALL_SLACK_IDS,
    CHANNEL,
    FACILITATOR,
    FACILITATOR_GROUP,
    GROUP_FACILITATOR,
    LEAD,
    MEMBERS,
    SAFEGUARDING_CHANNEL,
    STAFF,
    STAFF_CHANNEL,
    Harness,
    _running,
    button_counts,
)

FORM = "application/x-www-form-urlencoded"
SLACK_NAMES = {"👍": "+1", "💡": "bulb", "❤️": "heart", "🤔": "thinking_face", "😤": "triumph"}
_MENTION = re.compile(r"<@(U[A-Z0-9]+)>")
_COUNT = re.compile(r"^(.+) (\d+)$")


def dm_channel(user: str) -> str:
    """The fake's direct-message channel with ``user``."""
    return "D" + user.removeprefix("U")


@dataclass
class SlackRoom:
    harness: Harness
    runtime: Runtime
    clock: Clock
    reveal_seconds: int
    platform: str = "slack"
    settle_within: float = 5.0  # longer where a test makes slack_sdk sleep out rate limits
    facilitator: str = FACILITATOR
    staff: str = STAFF
    lead: str = LEAD
    young: tuple[str, ...] = (*MEMBERS, "U0MEMBER0D")
    _hooks: dict[str, str] = field(default_factory=dict)  # response_url key → user
    _replacing: set[str] = field(default_factory=set)  # keys whose reply replaces a note
    _triggers: dict[str, str] = field(default_factory=dict)  # trigger id → user
    _notes: dict[str, dict[str, Any] | Ephemeral] = field(default_factory=dict)
    _forms: dict[str, dict[str, Any]] = field(default_factory=dict)
    _events: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _held: dict[str, str] = field(default_factory=dict)  # who → the latest /held's reply key
    # Errors shown inside a form someone submitted (only they see them), by person.
    form_errors: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    @property
    def fake(self) -> FakeSlack:
        return self.harness.fake

    def _own(self, who: str, response_url: str, trigger_id: str) -> None:
        self._hooks[response_url.rsplit("/", 1)[-1]] = who
        self._triggers[trigger_id] = who

    async def _press(
        self, who: str, channel: str, ts: str, action_id: str
    ) -> tuple[list[str], dict[str, Any] | None]:
        """Press a button; the texts shown privately, and the modal it opened, if any."""
        before = self.private(who)
        payload = self.harness.slack.block_actions_payload(
            user_id=who, channel_id=channel, message_ts=ts, action_id=action_id
        )
        self._own(who, payload["response_url"], payload["trigger_id"])
        if ts in self.fake.ephemerals:  # the thanks takes the place of the privacy note
            self._replacing.add(payload["response_url"].rsplit("/", 1)[-1])
        reply = await self.harness.slack.post(urlencode({"payload": json.dumps(payload)}), FORM)
        assert reply.status == 200, reply
        await self.settle()
        opened = [
            call.params["view"]
            for call in self.fake.calls_to("views.open")
            if call.params.get("trigger_id") == payload["trigger_id"]
        ]
        return newly(before, self.private(who)), (opened[-1] if opened else None)

    # -- acting -----------------------------------------------------------------------------

    async def command(self, who: str, name: str, **options: str) -> list[str]:
        before = self.private(who)
        body = self.harness.slack.slash_body(
            f"/{name}", _slash_text(name, options), user_id=who, channel_id=CHANNEL
        )
        fields = dict(parse_qsl(body))
        self._own(who, fields["response_url"], fields["trigger_id"])
        if name == "held":
            self._held[who] = fields["response_url"].rsplit("/", 1)[-1]
        reply = await self.harness.slack.post(body, FORM)
        assert reply.status == 200, reply
        assert reply.body == "", "acknowledged at once, with nothing shown in the channel"
        await self.settle()
        return newly(before, self.private(who))

    async def you_said_we_did(
        self, who: str, target: Mapping[str, str], fields: Mapping[str, str]
    ) -> list[str]:
        body = self.harness.slack.slash_body(
            "/you-said-we-did", _slash_text("you-said-we-did", target), user_id=who,
            channel_id=CHANNEL,
        )  # fmt: skip
        trigger = dict(parse_qsl(body))["trigger_id"]
        self._own(who, dict(parse_qsl(body))["response_url"], trigger)
        reply = await self.harness.slack.post(body, FORM)
        assert (reply.status, reply.body) == (200, ""), reply
        await self.settle()
        (view,) = [
            call.params["view"]
            for call in self.fake.calls_to("views.open")
            if call.params.get("trigger_id") == trigger
        ]
        values = {
            block["block_id"]: {block["element"]["action_id"]: fields[block["block_id"]]}
            for block in view["blocks"]
            if block.get("type") == "input" and block["block_id"] in fields
        }
        before = self.private(who)
        submitted = await self.harness.slack.submit(user_id=who, view=view, values=values)
        assert submitted.status == 200, submitted
        if submitted.body:  # refused: the form stays open, the reason under a field
            reply = json.loads(submitted.body)
            assert reply["response_action"] == "errors", reply
            self.form_errors.setdefault(who, []).append(reply["errors"])
        await self.settle()
        return newly(before, self.private(who))

    async def press_answer(self, who: str, question: Post) -> Opened:
        texts, view = await self._press(who, CHANNEL, question.ref, _first(question, AnswerAction))
        return self._opened(who, texts, view)

    def _opened(self, who: str, texts: list[str], view: dict[str, Any] | None) -> Opened:
        if view is not None and _is_form(view):
            self._forms[who] = view
            return Opened("form", _view_text(view))
        if view is not None:
            assert view["submit"]["text"] == "I understand", view
            self._notes[who] = view
            return Opened("note", _view_text(view))
        for ephemeral in reversed(self.fake.ephemerals_for(who)):
            if _consent_button(ephemeral.message) and _readable(ephemeral.message) in texts:
                # shown where they pressed, with one button: agreeing to this session's note
                assert ephemeral.channel == CHANNEL
                action = _consent_button(ephemeral.message)
                assert _buttons(ephemeral.message) == {"I understand": action}
                sessions = {post.session_id for post in self.group() if post.is_question}
                assert action in {consent_action_id(s, None) for s in sessions}, action
                self._notes[who] = ephemeral
                return Opened("note", _readable(ephemeral.message))
        return Opened("text", "\n".join(texts))

    async def agree(self, who: str) -> Opened:
        note = self._notes.pop(who)
        if isinstance(note, Ephemeral):
            action_id = _consent_button(note.message)
            assert action_id is not None
            texts, view = await self._press(who, note.channel, note.ts, action_id)
            return self._opened(who, texts, view)
        before = self.private(who)
        reply = await self.harness.slack.submit(user_id=who, view=note)
        assert reply.status == 200, reply
        await self.settle()
        answer = reply.json() or {}
        texts = newly(before, self.private(who))
        if answer.get("response_action") == "update":
            return self._opened(who, texts, answer["view"])
        return Opened("text", "\n".join(texts))

    async def submit(self, who: str, text: str, *, quote: bool = False) -> list[str]:
        view = self._forms.pop(who)
        values: dict[str, dict[str, str | list[str]]] = {}
        for block in view["blocks"]:
            if block.get("type") != "input":
                continue
            element = block["element"]
            if element["type"] == "plain_text_input":
                values[block["block_id"]] = {element["action_id"]: text}
            elif element["type"] == "checkboxes" and quote:
                values[block["block_id"]] = {element["action_id"]: [element["options"][0]["value"]]}
        before = self.private(who)
        reply = await self.harness.slack.submit(user_id=who, view=view, values=values)
        assert (reply.status, reply.body) == (200, ""), "an empty ack closes the modal"
        await self.settle()
        return newly(before, self.private(who))

    async def skip(self, who: str, question: Post) -> list[str]:
        texts, _ = await self._press(who, CHANNEL, question.ref, _first(question, SkipAction))
        return texts

    async def react(self, who: str, answer: Post, emoji: str) -> list[str]:
        message = self.fake.messages[(CHANNEL, answer.ref)]
        (action_id,) = [
            str(element["action_id"])
            for block in message.get("blocks", [])
            for element in block.get("elements", [])
            if isinstance(parse_action_id(str(element.get("action_id", ""))), ReactAction)
            and str(element["text"]["text"]).startswith(f"{emoji} ")
        ]
        texts, _ = await self._press(who, CHANNEL, answer.ref, action_id)
        self._opened(who, texts, None)  # remembers the privacy note, if that was shown
        return texts

    async def native_react(self, who: str, answer: Post, emoji: str, *, added: bool = True) -> None:
        slack = self.harness.slack
        event = slack.reaction_event(
            added=added, user_id=who, name=SLACK_NAMES[emoji], channel_id=CHANNEL, ts=answer.ref
        )
        reply = await slack.event(event, event_id=f"EvScenario{next(self._events)}")
        assert reply.status == 200, reply
        await self.settle()

    async def report(self, who: str, answer: Post) -> list[str]:
        texts, _ = await self._press(who, CHANNEL, answer.ref, _first(answer, ReportAction))
        return texts

    async def press_alert(self, who: str, alert: Alert, label: str) -> list[str]:
        texts, _ = await self._press(who, SAFEGUARDING_CHANNEL, alert.ref, alert.action_for(label))
        return texts

    async def days_pass(self, days: float) -> None:
        self.clock.advance(days=days)
        await self.runtime.jobs.run_due(self.harness.adapter.outbox)
        await self.settle()

    async def tap(self, who: str, post: Post, action_id: str) -> list[str]:
        texts, _ = await self._press(who, CHANNEL, post.ref, action_id)
        return texts

    async def press_held(self, who: str, held: Held, label: str) -> list[str]:
        texts, _ = await self._press(who, CHANNEL, held.ref, held.action_for(label))
        return texts

    async def who_wrote_held(self, who: str, held: Held, reason: str) -> list[str]:
        action_id = held.action_for(HELD_WHO_WROTE)
        _, view = await self._press(who, CHANNEL, held.ref, action_id)
        assert view is not None, "a form asks for the reason"
        (block,) = [b for b in view["blocks"] if b.get("type") == "input"]
        values = {block["block_id"]: {block["element"]["action_id"]: reason}}
        before = self.private(who)
        reply = await self.harness.slack.submit(user_id=who, view=view, values=values)
        assert (reply.status, reply.body) == (200, ""), "an empty ack closes the form"
        await self.settle()
        return newly(before, self.private(who))

    async def batch_time(self) -> None:
        self.clock.advance(seconds=self.reveal_seconds + 1)
        await self.runtime.jobs.run_due(self.harness.adapter.outbox)
        await self.settle()

    async def time_passes(self, minutes: float) -> None:
        self.clock.advance(minutes=minutes)
        await self.runtime.jobs.run_due(self.harness.adapter.outbox)
        await self.settle()

    async def settle(self) -> None:
        await self.harness.adapter.settle(within=self.settle_within)

    # -- looking ----------------------------------------------------------------------------

    def group(self) -> list[Post]:
        posts = self.fake.posts_in(CHANNEL)
        for message in posts:
            raw = json.dumps(message)
            assert not any(user in raw for user in self.young), "the group sees no ids"
        return [Post(str(m["ts"]), _readable(m), tuple(_buttons(m).values())) for m in posts]

    def counts(self, answer: Post) -> dict[str, int]:
        shown = {}
        for text in button_counts(self.fake.messages[(CHANNEL, answer.ref)]):
            match = _COUNT.match(text)
            assert match, text
            shown[match.group(1)] = int(match.group(2))
        return shown

    async def counts_become(self, answer: Post, expected: Mapping[str, int]) -> None:
        def shown() -> bool:
            now = self.counts(answer)
            return all(now.get(emoji) == n for emoji, n in expected.items())

        try:
            await self.fake.wait_until(shown, within=5)
        except TimeoutError:
            raise AssertionError(f"counts {self.counts(answer)} never became {expected}") from None

    def private(self, who: str) -> list[str]:
        texts = []
        for key, body in self.fake.hook_posts:
            if self._hooks.get(key) != who:
                continue
            assert body["response_type"] == "ephemeral", body  # only for the person asking
            # a reply never takes the place of a shared message; a thanks takes the note's
            assert body.get("replace_original", False) == (key in self._replacing), body
            if body.get("text"):
                texts.append(html.unescape(str(body["text"])))
        texts += [_readable(e.message) for e in self.fake.ephemerals_for(who)]
        texts += [_readable(m) for m in self.fake.posts_in(dm_channel(who))]
        texts += [
            _view_text(call.params["view"])
            for call in self.fake.calls_to("views.open")
            if self._triggers.get(call.params.get("trigger_id", "")) == who
            and not _is_form(call.params["view"])
        ]
        texts += [text for errors in self.form_errors.get(who, []) for text in errors.values()]
        return texts

    def alerts(self) -> list[Alert]:
        found = []
        for message in self.fake.posts_in(SAFEGUARDING_CHANNEL):
            buttons = _buttons(message)
            writers = _MENTION.findall(json.dumps(message.get("blocks", [])))
            assert len(writers) <= 1, "an alert names at most its writer"
            found.append(
                Alert(
                    ref=str(message["ts"]),
                    text=_readable(message),
                    buttons=tuple(buttons),
                    writer=writers[0] if writers else None,
                    action_ids=tuple(buttons.values()),
                )
            )
        return found

    def held_list(self, who: str) -> HeldList:
        bodies = [body for key, body in self.fake.hook_posts if key == self._held.get(who)]
        refs = {id(body): ts for ts, body in self.fake.hook_messages.items()}
        texts: list[str] = []
        found: list[tuple[str, dict[str, str]]] = []
        for body in bodies:
            assert body["response_type"] == "ephemeral", "only the lead sees the list"
            blocks = body.get("blocks") or []
            assert len(blocks) <= 50, "Slack's limit: 50 blocks a message"
            for block in blocks:
                text = (block.get("text") or {}).get("text", "")
                assert len(text) <= 3000, "Slack's limit: 3000 characters a section"
                if block.get("type") == "actions":
                    found.append((refs[id(body)], _buttons({"blocks": [block]})))
                else:
                    texts += _texts([block])
        text = html.unescape("\n".join(texts))
        parts = held_entries(text, [_answer_of(buttons) for _, buttons in found])
        held = tuple(
            Held(
                ref=ref,
                text=parts[_answer_of(buttons)],
                buttons=tuple(buttons),
                action_ids=tuple(buttons.values()),
            )
            for ref, buttons in found
        )
        return HeldList(held=held, messages=len(bodies), text=text)

    async def audit_entries(self) -> list[AuditEntry]:
        return await self.runtime.engine.desk.audit_entries()

    def staff_files(self) -> list[dict[str, bytes]]:
        return [dict(s.files) for s in self.fake.shared if s.channel_id == STAFF_CHANNEL]

    def files_to(self, who: str) -> list[dict[str, bytes]]:
        return [dict(s.files) for s in self.fake.shared if s.channel_id == dm_channel(who)]

    def staff_notes(self) -> list[str]:
        return [_readable(m) for m in self.fake.posts_in(STAFF_CHANNEL)]

    def identifying(self) -> set[str]:
        return {*ALL_SLACK_IDS, *self.young, *(dm_channel(u) for u in self.young)}


def _slash_text(name: str, options: Mapping[str, str]) -> str:
    """What a person types after the command, e.g. ``/who-wrote ab12 she asked for help``."""
    if name == "who-wrote":
        return f"{options.get('answer', '')} {options.get('reason', '')}".strip()
    if name == "worried":
        return options.get("message", "")
    return " ".join(f'{key}="{value}"' for key, value in options.items())


def _answer_of(buttons: Mapping[str, str]) -> str:
    release = [a for a in buttons.values() if a.startswith("cb:release:")]
    return release[0].split(":")[2]


def _buttons(message: Mapping[str, Any]) -> dict[str, str]:
    """Button text → action id, for the buttons of ours on a message."""
    return {
        str(element["text"]["text"]): str(element["action_id"])
        for block in message.get("blocks", [])
        for element in block.get("elements", [])
        if element.get("type") == "button" and parse_action_id(str(element["action_id"]))
    }


def _first(post: Post, kind: type[object]) -> str:
    return next(a for a in post.action_ids if isinstance(parse_action_id(a), kind))


def _consent_button(message: Mapping[str, Any]) -> str | None:
    ids = [a for a in _buttons(message).values() if isinstance(parse_action_id(a), ConsentAction)]
    return ids[0] if ids else None


def _is_form(view: Mapping[str, Any]) -> bool:
    """The answer form has a text input; the privacy note has none."""
    return any(block.get("type") == "input" for block in view.get("blocks", []))


def _texts(blocks: Any) -> list[str]:
    found: list[str] = []
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict) and text.get("text"):
            found.append(str(text["text"]))
        for element in block.get("elements", []):
            if element.get("type") in ("mrkdwn", "plain_text") and element.get("text"):
                found.append(str(element["text"]))
    return found


def _readable(message: Mapping[str, Any]) -> str:
    texts = _texts(message.get("blocks") or []) or [str(message.get("text", ""))]
    return html.unescape("\n".join(texts))


def _view_text(view: Mapping[str, Any]) -> str:
    return html.unescape("\n".join(_texts(view.get("blocks", []))))


@asynccontextmanager
async def open_slack_room(tmp_path: Path, *, reveal_seconds: int) -> AsyncIterator[SlackRoom]:
    usergroups = {FACILITATOR_GROUP: [GROUP_FACILITATOR]}
    async with (
        FakeSlack(usergroups=usergroups) as fake,
        open_scenario_runtime(tmp_path, reveal_seconds=reveal_seconds) as (runtime, clock),
        _running(fake, runtime.engine) as harness,
    ):
        yield SlackRoom(
            harness=harness, runtime=runtime, clock=clock, reveal_seconds=reveal_seconds
        )
