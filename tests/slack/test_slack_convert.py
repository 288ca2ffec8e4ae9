"""Pure Slack translations: escaping, Block Kit building and payload parsing."""

from __future__ import annotations

import json

import pytest

from adapters.slack import convert
from bot.core.actions import answer_action_id, react_action_id
from bot.core.events import Command, Person, ReactionChange
from bot.core.outbound import AnswerPost, QuestionPost, ReactionButton

PERSON = Person(platform="slack", user_id="U0PERSON01")


def _buttons(counts: tuple[int, int, int] = (0, 0, 0)) -> tuple[ReactionButton, ...]:
    palette = (("👍", "me too"), ("💡", "good point"), ("❤️", "sending support"))
    return tuple(
        ReactionButton(emoji=e, label=label, count=n, action_id=react_action_id("ans1", i))
        for i, ((e, label), n) in enumerate(zip(palette, counts, strict=True))
    )


def _answer(text: str, alias: str = "Calm Otter") -> AnswerPost:
    return AnswerPost(
        channel_id="C1",
        session_id="s1",
        answer_id="ans1",
        question_number=2,
        alias=alias,
        text=text,
        reactions=_buttons(),
    )


def test_escape_neutralises_every_slack_control_sequence() -> None:
    escaped = convert.escape("<!channel> <!here> <!everyone> <@U123> <#C123> & <b>")
    assert escaped == (
        "&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;@U123&gt; &lt;#C123&gt; "
        "&amp; &lt;b&gt;"
    )
    assert convert.escape("&amp;") == "&amp;amp;"  # already-escaped text is escaped again


def test_long_answers_split_into_sections_without_breaking_entities() -> None:
    text = "a&" * 2000  # 4000 characters, 12000 once escaped
    chunks = convert.escaped_chunks(text, limit=3000)
    assert all(len(c) <= 3000 for c in chunks)
    assert "".join(chunks) == convert.escape(text)
    assert all(not c.endswith(("&", "&a", "&am", "&amp")) for c in chunks)
    assert convert.escaped_chunks("") == [""]


def test_answer_message_escapes_text_and_alias_and_carries_reaction_buttons() -> None:
    fallback, blocks = convert.answer_message(_answer("<!here> hi", alias="<@U1>"))
    dumped = json.dumps(blocks)
    assert "<!here>" not in dumped and "<@U1>" not in dumped
    assert "&lt;!here&gt; hi" in fallback
    buttons = blocks[2]
    assert buttons["block_id"] == convert.REACTIONS_BLOCK_ID
    assert [e["action_id"] for e in buttons["elements"]] == [
        react_action_id("ans1", i) for i in range(3)
    ]
    assert [e["value"] for e in buttons["elements"]] == ["👍", "💡", "❤️"]
    assert [e["text"]["text"] for e in buttons["elements"]] == ["👍 0", "💡 0", "❤️ 0"]
    assert buttons["elements"][0]["accessibility_label"] == "me too: 0"


def test_answer_message_of_a_long_answer_stays_within_block_limits() -> None:
    _, blocks = convert.answer_message(_answer("&" * 4000))
    sections = [b for b in blocks if b["type"] == "section"]
    assert len(sections) == 7  # 20000 escaped characters in sections of at most 3000
    assert all(len(b["text"]["text"]) <= convert.SECTION_TEXT_LIMIT for b in sections)


def test_with_reaction_counts_replaces_only_the_buttons() -> None:
    _, blocks = convert.answer_message(_answer("hello"))
    updated = convert.with_reaction_counts(blocks, _buttons((3, 0, 1)))
    assert updated[:2] == blocks[:2]
    assert [e["text"]["text"] for e in updated[2]["elements"]] == ["👍 3", "💡 0", "❤️ 1"]
    assert [e["text"]["text"] for e in blocks[2]["elements"]] == ["👍 0", "💡 0", "❤️ 0"]


def test_question_message_has_the_answer_button_and_escaped_text() -> None:
    post = QuestionPost(
        channel_id="C1",
        session_id="s1",
        number=1,
        total=6,
        text="What <b>resonates</b>?",
        help_text="Any <!here> thoughts",
        answer_action_id=answer_action_id("s1", 1),
    )
    fallback, blocks = convert.question_message(post)
    assert fallback.startswith("Question 1 of 6: What &lt;b&gt;")
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Question 1 of 6", "emoji": True},
    }
    assert "<!here>" not in json.dumps(blocks)
    (button,) = blocks[-1]["elements"]
    assert button["action_id"] == "cb:answer:s1:1"
    assert button["text"]["text"] == "Answer anonymously"


def test_answer_modal_respects_slack_limits_and_round_trips_its_target() -> None:
    target = convert.AnswerTarget("s1", 12345, "C1")
    modal = convert.answer_modal(
        target=target, question_text="Q?" * 2000, help_text=None, max_chars=4000
    )
    assert len(modal["title"]["text"]) <= convert.MODAL_TITLE_LIMIT
    assert len(modal["submit"]["text"]) <= 24 and len(modal["close"]["text"]) <= 24
    assert len(modal["blocks"][0]["text"]["text"]) <= convert.SECTION_TEXT_LIMIT
    element = modal["blocks"][-1]["element"]
    assert element["multiline"] is True
    assert element["max_length"] == 3000  # min(max_chars, 3000)
    small = convert.answer_modal(target=target, question_text="Q", help_text="h", max_chars=500)
    assert small["blocks"][-1]["element"]["max_length"] == 500
    assert convert.decode_answer_target(modal["private_metadata"]) == target
    assert convert.decode_answer_target("not json") is None
    assert convert.decode_answer_target('{"s": "x"}') is None


def test_view_submission_becomes_an_answer_for_the_question_on_the_button() -> None:
    target = convert.AnswerTarget("s1", 3, "C9")
    view = convert.answer_modal(target=target, question_text="Q", help_text=None, max_chars=10)
    view["state"] = {"values": {"answer": {"text": {"type": "plain_text_input", "value": "hi"}}}}
    event = convert.view_submission_event(view, PERSON)
    assert event is not None
    assert (event.channel_id, event.session_id, event.question_number, event.text) == (
        "C9",
        "s1",
        3,
        "hi",
    )
    assert convert.view_submission_event({**view, "callback_id": "other"}, PERSON) is None


@pytest.mark.parametrize(
    ("command", "text", "options"),
    [
        (Command.START_SESSION, "case-for-change", {"question-set": "case-for-change"}),
        (Command.START_SESSION, "", {}),
        (
            Command.START_SESSION,
            "check-in 5",
            {"question-set": "check-in", "question-minutes": "5"},
        ),
        (Command.DIGEST, "abc123 HTML", {"session": "abc123", "format": "html"}),
        (Command.DIGEST, "abc123", {"session": "abc123"}),
        (Command.WITHDRAW, "whatever", {}),
        (Command.EXTEND_QUESTION, "3", {"minutes": "3"}),
        (
            Command.SCHEDULE_SESSION,
            'check-in start="2025-06-01 16:00" repeat=weekly channel=<#C0ABC|group>',
            {
                "question-set": "check-in",
                "start": "2025-06-01 16:00",
                "repeat": "weekly",
                "channel": "C0ABC",
            },
        ),
    ],
)
def test_command_text_becomes_core_options(
    command: Command, text: str, options: dict[str, str]
) -> None:
    assert convert.command_options(command, text) == options


def test_slash_command_body_becomes_command_invoked() -> None:
    body = {"command": "/digest", "text": "abc md", "channel_id": "C1", "user_id": "U1"}
    event = convert.slash_command_event(body, PERSON)
    assert event is not None
    assert (event.command, dict(event.options), event.channel_id) == (
        Command.DIGEST,
        {"session": "abc", "format": "md"},
        "C1",
    )
    assert convert.slash_command_event({**body, "command": "/weather"}, PERSON) is None


def _reaction(**changes: object) -> dict[str, object]:
    event: dict[str, object] = {
        "type": "reaction_added",
        "user": "U0PERSON01",
        "reaction": "+1",
        "item": {"type": "message", "channel": "C1", "ts": "17.5"},
        "item_user": "UBOT",
    }
    event.update(changes)
    return event


@pytest.mark.parametrize(
    ("name", "emoji"),
    [("+1", "👍"), ("thumbsup", "👍"), ("+1::skin-tone-4", "👍"), ("bulb", "💡"), ("heart", "❤️")],
)
def test_native_reaction_names_map_to_palette_emoji(name: str, emoji: str) -> None:
    event = convert.native_reaction_event(_reaction(reaction=name), PERSON, bot_user_id="UBOT")
    assert event is not None
    assert (event.emoji, event.change, event.message_ref) == (
        emoji,
        ReactionChange.ADDED,
        "C1:17.5",
    )


def test_native_reactions_ignored_for_the_bot_files_and_unknown_emoji() -> None:
    def parse(**changes: object) -> object:
        return convert.native_reaction_event(_reaction(**changes), PERSON, bot_user_id="UBOT")

    assert parse(user="UBOT") is None
    assert parse(item={"type": "file", "file": "F1"}) is None
    assert parse(reaction="tada") is None
    assert parse(type="message") is None
    removed = convert.native_reaction_event(
        _reaction(type="reaction_removed"), PERSON, bot_user_id="UBOT"
    )
    assert removed is not None and removed.change is ReactionChange.REMOVED


def test_reaction_button_press_carries_answer_and_palette_index() -> None:
    body = {
        "channel": {"id": "C1"},
        "container": {"type": "message", "channel_id": "C1", "message_ts": "17.5"},
    }
    action = {"action_id": react_action_id("ans1", 2), "value": "❤️"}
    event = convert.react_press_event(body, action, PERSON)
    assert event is not None
    assert (event.answer_id, event.palette_index, event.emoji, event.change) == (
        "ans1",
        2,
        "❤️",
        ReactionChange.TOGGLE,
    )
    assert event.message_ref == "C1:17.5"
    assert convert.react_press_event(body, {"action_id": "cb:answer:s1:1"}, PERSON) is None


def test_notice_text_turns_markdown_bold_into_mrkdwn_and_keeps_channel_links() -> None:
    assert convert.notice_text("Session **abc** started") == "Session *abc* started"
    assert convert.notice_text("Invite me to <#C0ABC>") == "Invite me to <#C0ABC>"
    assert (
        convert.notice_text("no '<!channel>' & <@U1>") == "no '&lt;!channel&gt;' &amp; &lt;@U1&gt;"
    )


def test_message_refs_round_trip() -> None:
    ref = convert.message_ref("C1", "1700000000.000100")
    assert convert.split_message_ref(ref) == ("C1", "1700000000.000100")
    assert convert.split_message_ref("nonsense") is None
