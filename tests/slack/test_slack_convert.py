"""Pure Slack translations: escaping, Block Kit building and payload parsing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.slack import commands, inbound, modals, render
from bot.core.actions import (
    acknowledge_action_id,
    answer_action_id,
    consent_action_id,
    keep_out_action_id,
    react_action_id,
    release_action_id,
    report_action_id,
    skip_action_id,
)
from bot.core.events import (
    AlertAcknowledged,
    AnswerReported,
    Command,
    CommandInvoked,
    Person,
    QuestionSkipped,
    ReactionChange,
)
from bot.core.outbound import (
    AlertAudience,
    AnswerPost,
    ConsentRequest,
    QuestionPost,
    ReactionButton,
    SafeguardingAlert,
)

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
        report_action_id=report_action_id("ans1"),
    )


def test_escape_neutralises_every_slack_control_sequence() -> None:
    escaped = render.escape("<!channel> <!here> <!everyone> <@U123> <#C123> & <b>")
    assert escaped == (
        "&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;@U123&gt; &lt;#C123&gt; "
        "&amp; &lt;b&gt;"
    )
    assert render.escape("&amp;") == "&amp;amp;"  # already-escaped text is escaped again


def test_long_answers_split_into_sections_without_breaking_entities() -> None:
    text = "a&" * 2000  # 4000 characters, 12000 once escaped
    chunks = render.escaped_chunks(text, limit=3000)
    assert all(len(c) <= 3000 for c in chunks)
    assert "".join(chunks) == render.escape(text)
    assert all(not c.endswith(("&", "&a", "&am", "&amp")) for c in chunks)
    assert render.escaped_chunks("") == [""]


def test_answer_message_escapes_text_and_alias_and_carries_reaction_buttons() -> None:
    fallback, blocks = render.answer_message(_answer("<!here> hi", alias="<@U1>"))
    dumped = json.dumps(blocks)
    assert "<!here>" not in dumped and "<@U1>" not in dumped
    assert "&lt;!here&gt; hi" in fallback
    buttons = blocks[2]
    assert buttons["block_id"] == render.REACTIONS_BLOCK_ID
    assert [e["action_id"] for e in buttons["elements"]] == [
        react_action_id("ans1", i) for i in range(3)
    ]
    assert [e["value"] for e in buttons["elements"]] == ["👍", "💡", "❤️"]
    assert [e["text"]["text"] for e in buttons["elements"]] == ["👍 0", "💡 0", "❤️ 0"]
    assert buttons["elements"][0]["accessibility_label"] == "me too: 0"


def test_answer_message_of_a_long_answer_stays_within_block_limits() -> None:
    _, blocks = render.answer_message(_answer("&" * 4000))
    sections = [b for b in blocks if b["type"] == "section"]
    assert len(sections) == 7  # 20000 escaped characters in sections of at most 3000
    assert all(len(b["text"]["text"]) <= render.SECTION_TEXT_LIMIT for b in sections)


def test_with_reaction_counts_replaces_only_the_buttons() -> None:
    _, blocks = render.answer_message(_answer("hello"))
    updated = render.with_reaction_counts(blocks, _buttons((3, 0, 1)))
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
        skip_action_id=skip_action_id("s1", 1),
    )
    fallback, blocks = render.question_message(post)
    assert fallback.startswith("Question 1 of 6: What &lt;b&gt;")
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Question 1 of 6", "emoji": True},
    }
    assert "<!here>" not in json.dumps(blocks)
    answer, skip = blocks[-1]["elements"]
    assert (answer["action_id"], answer["text"]["text"]) == ("cb:answer:s1:1", "Answer anonymously")
    assert (skip["action_id"], skip["text"]["text"]) == ("cb:skip:s1:1", "Skip")
    assert [b["type"] for b in blocks] == ["header", "section", "context", "actions"]


def test_answer_modal_respects_slack_limits_and_round_trips_its_target() -> None:
    target = modals.AnswerTarget("s1", 12345, "C1")
    modal = modals.answer_modal(
        target=target, question_text="Q?" * 2000, help_text=None, max_chars=4000
    )
    assert len(modal["title"]["text"]) <= modals.MODAL_TITLE_LIMIT
    assert len(modal["submit"]["text"]) <= 24 and len(modal["close"]["text"]) <= 24
    assert len(modal["blocks"][0]["text"]["text"]) <= render.SECTION_TEXT_LIMIT
    element = _input(modal, modals.ANSWER_INPUT_BLOCK_ID)["element"]
    assert element["multiline"] is True
    assert element["max_length"] == 3000  # min(max_chars, 3000)
    small = modals.answer_modal(target=target, question_text="Q", help_text="h", max_chars=500)
    assert _input(small, modals.ANSWER_INPUT_BLOCK_ID)["element"]["max_length"] == 500
    assert modals.decode_answer_target(modal["private_metadata"]) == target
    assert modals.decode_answer_target("not json") is None
    assert modals.decode_answer_target('{"s": "x"}') is None


def test_view_submission_becomes_an_answer_for_the_question_on_the_button() -> None:
    target = modals.AnswerTarget("s1", 3, "C9")
    view = modals.answer_modal(target=target, question_text="Q", help_text=None, max_chars=10)
    view["state"] = {"values": {"answer": {"text": {"type": "plain_text_input", "value": "hi"}}}}
    event = inbound.view_submission_event(view, PERSON)
    assert event is not None
    assert (event.channel_id, event.session_id, event.question_number, event.text) == (
        "C9",
        "s1",
        3,
        "hi",
    )
    assert inbound.view_submission_event({**view, "callback_id": "other"}, PERSON) is None


def _input(view: dict[str, object], block_id: str) -> dict[str, Any]:
    blocks = view["blocks"]
    assert isinstance(blocks, list)
    (block,) = [b for b in blocks if b.get("block_id") == block_id]
    assert block["type"] == "input"
    return dict(block)


def _submitted_view(*, ticked: bool, question_number: int = 2) -> dict[str, Any]:
    """The ``view`` of a real ``view_submission`` payload for our answer modal, as Slack
    sends it (ids shortened): the app's view plus Slack's fields and the typed state."""
    option = {
        "text": {"type": "plain_text", "text": modals.QUOTE_CHOICE, "emoji": True},
        "value": modals.QUOTE_OPTION_VALUE,
        "description": {
            "type": "plain_text",
            "text": "Leave it empty and the report counts your answer, without your words.",
            "emoji": True,
        },
    }
    return {
        "id": "V07QJ5N4Z1K",
        "team_id": "T01ABCDEF",
        "type": "modal",
        "blocks": [
            {
                "type": "section",
                "block_id": "Xr5g",
                "text": {"type": "mrkdwn", "text": "What matters most?", "verbatim": False},
            },
            {
                "type": "input",
                "block_id": "answer",
                "label": {"type": "plain_text", "text": "Your answer", "emoji": True},
                "optional": False,
                "dispatch_action": False,
                "element": {
                    "type": "plain_text_input",
                    "action_id": "text",
                    "multiline": True,
                    "min_length": 1,
                    "max_length": 1500,
                    "dispatch_action_config": {"trigger_actions_on": ["on_enter_pressed"]},
                },
            },
            {
                "type": "input",
                "block_id": "quote",
                "label": {"type": "plain_text", "text": "Quoting your words", "emoji": True},
                "optional": True,
                "dispatch_action": False,
                "element": {"type": "checkboxes", "action_id": "ok", "options": [option]},
            },
        ],
        "private_metadata": f'{{"s":"k7m2pq","q":{question_number},"c":"C0GROUP001"}}',
        "callback_id": "cb-answer",
        "state": {
            "values": {
                "answer": {
                    "text": {"type": "plain_text_input", "value": "Ask us before you decide"}
                },
                "quote": {
                    "ok": {"type": "checkboxes", "selected_options": [option] if ticked else []}
                },
            }
        },
        "hash": "1729012345.AbCdEf12",
        "title": {"type": "plain_text", "text": "Question 2", "emoji": True},
        "clear_on_close": False,
        "notify_on_close": False,
        "close": {"type": "plain_text", "text": "Cancel", "emoji": True},
        "submit": {"type": "plain_text", "text": "Share anonymously", "emoji": True},
        "previous_view_id": None,
        "root_view_id": "V07QJ5N4Z1K",
        "app_id": "A01APPID",
        "external_id": "",
        "app_installed_team_id": "T01ABCDEF",
        "bot_id": "B01BOTID",
    }


def test_quote_choice_is_read_from_the_checkbox_state() -> None:
    ticked = inbound.view_submission_event(_submitted_view(ticked=True), PERSON)
    unticked = inbound.view_submission_event(_submitted_view(ticked=False), PERSON)
    assert ticked is not None and unticked is not None
    assert (ticked.quote_ok, unticked.quote_ok) == (True, False)
    assert (ticked.session_id, ticked.question_number, ticked.channel_id) == (
        "k7m2pq",
        2,
        "C0GROUP001",
    )
    assert ticked.text == "Ask us before you decide"
    # Slack leaves a block out of the state when the view had none (the check-in modal)
    view = _submitted_view(ticked=True, question_number=0)
    del view["state"]["values"]["quote"]
    check_in = inbound.view_submission_event(view, PERSON)
    assert check_in is not None and check_in.quote_ok is False


def test_answer_modal_offers_the_quote_choice_unticked_except_at_check_in() -> None:
    modal = modals.answer_modal(
        target=modals.AnswerTarget("s1", 2, "C1"), question_text="Q", help_text=None, max_chars=9
    )
    quote = _input(modal, modals.QUOTE_BLOCK_ID)
    assert quote["optional"] is True
    element = quote["element"]
    assert element["type"] == "checkboxes" and "initial_options" not in element
    (option,) = element["options"]
    assert option["text"]["text"] == "You can quote my exact words in the group's report"
    assert len(option["text"]["text"]) <= 75 and len(option["description"]["text"]) <= 75
    check_in = modals.answer_modal(
        target=modals.AnswerTarget("s1", 0, "C1"), question_text="Q", help_text=None, max_chars=9
    )
    assert check_in["title"]["text"] == "Check-in"
    assert modals.QUOTE_BLOCK_ID not in json.dumps(check_in)


def test_content_note_comes_before_the_question_and_check_in_has_no_number() -> None:
    post = QuestionPost(
        channel_id="C1",
        session_id="s1",
        number=3,
        total=6,
        text="What was hard?",
        help_text=None,
        answer_action_id=answer_action_id("s1", 3),
        skip_action_id=skip_action_id("s1", 3),
        content_note="This one can be hard <3. You can skip it.",
    )
    _, blocks = render.question_message(post)
    assert [b["type"] for b in blocks] == ["header", "context", "section", "actions"]
    assert blocks[1]["elements"][0]["text"] == "This one can be hard &lt;3. You can skip it."
    check_in = QuestionPost(
        channel_id="C1",
        session_id="s1",
        number=0,
        total=6,
        text="How are you feeling after this?",
        help_text=None,
        answer_action_id=answer_action_id("s1", 0),
        skip_action_id=skip_action_id("s1", 0),
    )
    fallback, blocks = render.question_message(check_in)
    assert blocks[0]["text"]["text"] == "Check-in"
    assert "Question" not in fallback and "of 6" not in json.dumps(blocks)


def test_answer_message_has_a_report_button_apart_from_the_reactions() -> None:
    _, blocks = render.answer_message(_answer("hello"))
    (report_block,) = [b for b in blocks if b.get("block_id") == render.REPORT_BLOCK_ID]
    (report,) = report_block["elements"]
    assert (report["action_id"], report["text"]["text"]) == (
        "cb:report:ans1:0",
        "🚩 Report privately",
    )
    updated = render.with_reaction_counts(blocks, _buttons((1, 0, 0)))
    assert report_block in updated


def _alert(**changes: object) -> SafeguardingAlert:
    fields: dict[str, Any] = {
        "audience": AlertAudience.LEAD,
        "alert_id": "al-1",
        "text": "⚠️ Possible disclosure (harm) in session s1, question 2.\n"
        "Their words: «<!channel> my dad hits me & <@U0OTHER01>»",
        "writer": "U0WRITER01",
        "acknowledge_action_id": acknowledge_action_id("al-1"),
        "release_action_id": release_action_id("ans1"),
        "keep_out_action_id": keep_out_action_id("ans1"),
    }
    fields.update(changes)
    return SafeguardingAlert(**fields)


def test_alert_mentions_the_writer_but_escapes_the_answer() -> None:
    fallback, blocks = render.alert_message(_alert())
    dumped = json.dumps(blocks, ensure_ascii=False)
    assert "&lt;!channel&gt; my dad hits me &amp; &lt;@U0OTHER01&gt;" in dumped
    assert "<!channel>" not in dumped and "<@U0OTHER01>" not in dumped
    assert dumped.count("<@") == 1
    assert {"type": "mrkdwn", "text": "Written by <@U0WRITER01>"} in [
        e for b in blocks if b["type"] == "context" for e in b["elements"]
    ]
    # the notification shows the kind of alert, never the words
    assert fallback == "⚠️ Possible disclosure (harm) in session s1, question 2."
    buttons = blocks[-1]["elements"]
    assert [(e["text"]["text"], e["action_id"]) for e in buttons] == [
        ("I'm on it", "cb:ack:al-1:0"),
        ("Release to the group", "cb:release:ans1:0"),
        ("Keep out of the digest", "cb:keep:ans1:0"),
    ]
    assert "confirm" in buttons[1]


def test_alert_without_answer_buttons_or_writer_and_with_an_odd_writer() -> None:
    _, blocks = render.alert_message(
        _alert(writer=None, release_action_id=None, keep_out_action_id=None)
    )
    assert [e["text"]["text"] for e in blocks[-1]["elements"]] == ["I'm on it"]
    assert "Written by" not in json.dumps(blocks)
    _, blocks = render.alert_message(_alert(writer="<!channel>"))
    assert "Written by &lt;!channel&gt;" in json.dumps(blocks)


def _consent_request(question_number: int | None) -> ConsentRequest:
    return ConsentRequest(
        channel_id="C1",
        recipient=PERSON,
        session_id="s1",
        question_number=question_number,
        text="**Before you answer** 💛\n• Your answers are anonymous <3",
        consent_action_id=consent_action_id("s1", question_number),
    )


def test_consent_modal_round_trips_to_consent_given_with_the_question() -> None:
    modal = modals.consent_modal(_consent_request(4), "C0GROUP")
    assert modal["submit"]["text"] == "I understand"
    assert len(modal["title"]["text"]) <= modals.MODAL_TITLE_LIMIT
    (section,) = modal["blocks"]
    assert section["text"]["text"] == "*Before you answer* 💛\n• Your answers are anonymous &lt;3"
    consent = inbound.consent_submission(modal, PERSON)
    assert consent is not None
    assert (consent.session_id, consent.channel_id, consent.then_answer) == (
        "s1",
        "C0GROUP",
        4,
    )
    assert inbound.consent_submission({**modal, "private_metadata": "{}"}, PERSON) is None
    assert inbound.consent_submission({**modal, "callback_id": "cb-answer"}, PERSON) is None


def test_consent_message_button_carries_the_consent_action() -> None:
    _, blocks = render.consent_message(_consent_request(None))
    (button,) = blocks[-1]["elements"]
    assert (button["text"]["text"], button["action_id"]) == ("I understand", "cb:consent:s1:0")
    body = {"container": {"type": "message", "channel_id": "C1", "is_ephemeral": True}}
    consent = inbound.consent_press(body, {"action_id": button["action_id"]}, PERSON)
    assert consent is not None
    assert (consent.session_id, consent.then_answer) == ("s1", None)


def test_long_consent_text_splits_between_lines_within_section_limits() -> None:
    request = _consent_request(None)
    long = ConsentRequest(
        channel_id="C1",
        recipient=PERSON,
        session_id="s1",
        question_number=None,
        text="\n".join(f"• point {i} & more " + "x" * 900 for i in range(6)),
        consent_action_id=request.consent_action_id,
    )
    modal = modals.consent_modal(long, "C1")
    texts = [b["text"]["text"] for b in modal["blocks"]]
    assert len(texts) > 1 and all(len(t) <= render.SECTION_TEXT_LIMIT for t in texts)
    assert all(t.startswith("• point") for t in texts)


@pytest.mark.parametrize(
    ("action_id", "expected"),
    [
        (skip_action_id("s1", 2), QuestionSkipped),
        (report_action_id("ans1"), AnswerReported),
        (acknowledge_action_id("al-1"), AlertAcknowledged),
        (release_action_id("ans1"), CommandInvoked),
        (keep_out_action_id("ans1"), CommandInvoked),
    ],
)
def test_buttons_become_core_events(action_id: str, expected: type) -> None:
    body = {"channel": {"id": "D0LEAD"}, "container": {"channel_id": "D0LEAD"}}
    event = inbound.button_event(body, {"action_id": action_id}, PERSON)
    assert isinstance(event, expected)
    assert event is not None and event.channel_id == "D0LEAD"


def test_release_and_keep_buttons_are_the_lead_commands_with_the_answer() -> None:
    body = {"channel": {"id": "C1"}}
    for action_id, command in (
        (release_action_id("ans1"), Command.RELEASE),
        (keep_out_action_id("ans1"), Command.KEEP_OUT),
    ):
        event = inbound.button_event(body, {"action_id": action_id}, PERSON)
        assert isinstance(event, CommandInvoked)
        assert (event.command, dict(event.options)) == (command, {"answer": "ans1"})
    skip = inbound.button_event(body, {"action_id": skip_action_id("s1", 2)}, PERSON)
    assert isinstance(skip, QuestionSkipped)
    assert (skip.session_id, skip.question_number) == ("s1", 2)
    assert inbound.button_event(body, {"action_id": "cb:react:ans1:0"}, PERSON) is None
    assert inbound.button_event({}, {"action_id": skip_action_id("s1", 2)}, PERSON) is None


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
        (Command.WITHDRAW, "", {}),
        (Command.WITHDRAW, "this", {"session": "this"}),
        (Command.WITHDRAW, "abc123", {"session": "abc123"}),
        (Command.RELEASE, "a1b2c3", {"answer": "a1b2c3"}),
        (Command.KEEP_OUT, " a1b2c3 ", {"answer": "a1b2c3"}),
        (
            Command.WHO_WROTE,
            "a1b2c3  she asked for help, name=x & more",
            {"answer": "a1b2c3", "reason": "she asked for help, name=x & more"},
        ),
        (Command.WHO_WROTE, "a1b2c3", {"answer": "a1b2c3"}),
        (Command.WORRIED, "", {}),
        (
            Command.WORRIED,
            "  things at home are hard  x=y ",
            {"message": "things at home are hard  x=y"},
        ),
        (Command.HELP, "anything", {}),
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
    assert commands.command_options(command, text) == options


def test_slash_command_body_becomes_command_invoked() -> None:
    body = {"command": "/digest", "text": "abc md", "channel_id": "C1", "user_id": "U1"}
    event = commands.slash_command_event(body, PERSON)
    assert event is not None
    assert (event.command, dict(event.options), event.channel_id) == (
        Command.DIGEST,
        {"session": "abc", "format": "md"},
        "C1",
    )
    assert commands.slash_command_event({**body, "command": "/weather"}, PERSON) is None


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
    event = inbound.native_reaction_event(_reaction(reaction=name), PERSON, bot_user_id="UBOT")
    assert event is not None
    assert (event.emoji, event.change, event.message_ref) == (
        emoji,
        ReactionChange.ADDED,
        "C1:17.5",
    )


def test_native_reactions_ignored_for_the_bot_files_and_unknown_emoji() -> None:
    def parse(**changes: object) -> object:
        return inbound.native_reaction_event(_reaction(**changes), PERSON, bot_user_id="UBOT")

    assert parse(user="UBOT") is None
    assert parse(item={"type": "file", "file": "F1"}) is None
    assert parse(reaction="tada") is None
    assert parse(type="message") is None
    removed = inbound.native_reaction_event(
        _reaction(type="reaction_removed"), PERSON, bot_user_id="UBOT"
    )
    assert removed is not None and removed.change is ReactionChange.REMOVED


def test_reaction_button_press_carries_answer_and_palette_index() -> None:
    body = {
        "channel": {"id": "C1"},
        "container": {"type": "message", "channel_id": "C1", "message_ts": "17.5"},
    }
    action = {"action_id": react_action_id("ans1", 2), "value": "❤️"}
    event = inbound.react_press_event(body, action, PERSON)
    assert event is not None
    assert (event.answer_id, event.palette_index, event.emoji, event.change) == (
        "ans1",
        2,
        "❤️",
        ReactionChange.TOGGLE,
    )
    assert event.message_ref == "C1:17.5"
    assert inbound.react_press_event(body, {"action_id": "cb:answer:s1:1"}, PERSON) is None


def test_notice_text_turns_markdown_bold_into_mrkdwn_and_keeps_channel_links() -> None:
    assert render.notice_text("Session **abc** started") == "Session *abc* started"
    assert render.notice_text("Invite me to <#C0ABC>") == "Invite me to <#C0ABC>"
    assert (
        render.notice_text("no '<!channel>' & <@U1>") == "no '&lt;!channel&gt;' &amp; &lt;@U1&gt;"
    )


def test_message_refs_round_trip() -> None:
    ref = render.message_ref("C1", "1700000000.000100")
    assert render.split_message_ref(ref) == ("C1", "1700000000.000100")
    assert render.split_message_ref("nonsense") is None
