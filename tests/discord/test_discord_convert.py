"""Pure Discord translation: roles, escaping, message text, buttons, the modal and its
submit, alerts, errors."""

from __future__ import annotations

import re

import pytest

from adapters.discord import convert, render
from adapters.discord.convert import Needs
from bot.core.actions import (
    acknowledge_action_id,
    consent_action_id,
    keep_out_action_id,
    release_action_id,
    report_action_id,
)
from bot.core.errors import DeliveryFailed
from bot.core.events import Person, Role
from bot.core.outbound import (
    AlertAudience,
    AnswerForm,
    AnswerPost,
    ConsentRequest,
    QuestionPost,
    ReactionButton,
    SafeguardingAlert,
)

FACILITATORS = frozenset({111111111111111111})
STAFF = frozenset({222222222222222222})
LEADS = frozenset({333333333333333333})
ROLES = convert.RoleMap(
    facilitator_role_ids=FACILITATORS,
    staff_role_ids=STAFF,
    lead_role_ids=LEADS,
    lead_user_ids=frozenset({444444444444444444}),
)
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")

TRICKY = [
    "@everyone @here hello",
    "<@123456789012345678> and <@!123456789012345678> and <@&123456789012345678>",
    "<#123456789012345678> <:blob:123456789012345678> <t:0:R>",
    "**bold** __under__ *it* _it_ ~~gone~~ ||spoiler|| `code` ```block```",
    "# heading\n## smaller\n-# subtext\n> quote\n>>> all quoted\n- item\n+ item\n1. first",
    "[masked](https://example.com) https://example.com \\ back\\slash",
    "plain words, and a smiley :) 💛",
    "",
]


def shown(escaped: str) -> str:
    """What Discord renders: a backslash before punctuation shows that character."""
    return _UNESCAPE.sub(r"\1", escaped).replace("\u200b", "")


def answer_post(text: str, alias: str = "Calm Otter") -> AnswerPost:
    return AnswerPost(
        channel_id="1",
        session_id="abc234",
        answer_id="a1",
        question_number=2,
        alias=alias,
        text=text,
        reactions=(),
        report_action_id=report_action_id("a1"),
    )


def question_post(number: int = 2, *, content_note: str | None = None) -> QuestionPost:
    return QuestionPost(
        channel_id="1",
        session_id="s",
        number=number,
        total=6,
        text="Is this you?",
        help_text="Be honest." if number else None,
        answer_action_id=f"cb:answer:s:{number}",
        skip_action_id=f"cb:skip:s:{number}",
        content_note=content_note,
    )


def alert(**changes: object) -> SafeguardingAlert:
    values: dict[str, object] = {
        "audience": AlertAudience.LEAD,
        "alert_id": "al-1",
        "text": "⚠️ Possible disclosure (abuse)\nTheir words: «@everyone **help** <@1>»",
        "writer": "1300000000000000101",
        "acknowledge_action_id": acknowledge_action_id("al-1"),
        "release_action_id": release_action_id("a1"),
        "keep_out_action_id": keep_out_action_id("a1"),
        **changes,
    }
    return SafeguardingAlert(**values)  # type: ignore[arg-type]


def test_roles_map_to_core_roles_and_nothing_else_is_kept() -> None:
    everything = convert.person(42, [*FACILITATORS, *STAFF, *LEADS, 9], ROLES)
    assert everything.platform == "discord" and everything.user_id == "42"
    assert everything.roles == {Role.FACILITATOR, Role.STAFF, Role.SAFEGUARDING_LEAD}
    nobody = convert.person(7, [9], ROLES)
    assert nobody.roles == frozenset()


def test_a_configured_safeguarding_user_is_a_lead_even_without_roles() -> None:
    # A button pressed in a DM carries no member and so no roles.
    in_a_dm = convert.person(444444444444444444, [], ROLES)
    assert in_a_dm.roles == {Role.SAFEGUARDING_LEAD}


@pytest.mark.parametrize("text", TRICKY)
def test_escaped_text_reads_exactly_as_typed(text: str) -> None:
    assert shown(render.escape_text(text)) == text


@pytest.mark.parametrize("text", TRICKY)
def test_escaped_text_cannot_mention_format_or_link(text: str) -> None:
    escaped = render.escape_text(text)
    assert not re.search(r"(?<!\\)<[@#:t]", escaped), "a mention or emoji would render"
    assert not re.search(r"@(everyone|here)", escaped)
    assert not re.search(r"(?<!\\)(\*\*|__|~~|\|\||`)", escaped)
    assert not re.search(r"(?m)^[ \t]*(#|>|-|\+|\d+\.)", escaped), "a line would be formatted"
    assert not re.search(r"(?<!\\)\[", escaped), "a masked link would render"


def test_an_answer_shows_alias_and_text_in_a_quote() -> None:
    content = render.answer_content(answer_post("I felt **ignored**", alias="Calm_Otter"))
    assert content.startswith("**Calm\\_Otter** answered question 2:\n>>> ")
    assert shown(content.split(">>> ", 1)[1]) == "I felt **ignored**"


def test_a_long_answer_is_shortened_to_fit_without_half_an_escape() -> None:
    for filler in ("*" * 1999, "a" * 1998 + "*", "word " * 800):
        content = render.answer_content(answer_post(filler))
        assert len(content) <= render.MESSAGE_LIMIT
        assert content.endswith(render.SHORTENED_NOTE)
        body = content.split(">>> ", 1)[1].removesuffix(render.SHORTENED_NOTE)
        assert not re.search(r"(?<!\\)(\\\\)*\\…$", body), "cut inside an escape"


def test_a_question_shows_number_text_help_and_answer_and_skip_buttons() -> None:
    post = question_post()
    assert render.question_content(post) == "**Question 2 of 6**\nIs this you?\n-# Be honest."
    ((answer, skip),) = render.question_buttons(post)
    assert (answer.custom_id, answer.label) == ("cb:answer:s:2", "Answer anonymously")
    assert (skip.custom_id, skip.label) == ("cb:skip:s:2", "Skip")


def test_a_content_note_comes_before_the_question() -> None:
    note = "💛 This question touches on things that can be hard to think about."
    content = render.question_content(question_post(content_note=note))
    assert content.startswith(note + "\n**Question 2 of 6**\nIs this you?")


def test_the_check_in_is_not_numbered_as_a_question() -> None:
    content = render.question_content(question_post(0))
    assert content == "**Check-in**\nIs this you?"
    assert "Question" not in content


def test_answer_buttons_are_reactions_in_rows_of_five_then_report_on_its_own_row() -> None:
    reactions = [
        ReactionButton(emoji="👍", label="me too", count=i, action_id=f"cb:react:a1:{i}")
        for i in range(7)
    ]
    rows = render.answer_buttons(reactions, report_action_id("a1"))
    assert [len(row) for row in rows] == [5, 2, 1]
    assert rows[0][3].label == "me too · 3" and rows[0][3].emoji == "👍"
    assert rows[1][1].custom_id == "cb:react:a1:6"
    ((report,),) = render.answer_buttons(reactions[:5], "cb:report:a1:0")[1:]
    assert (report.label, report.emoji, report.custom_id) == (
        "Report privately",
        "🚩",
        "cb:report:a1:0",
    )
    many = render.answer_buttons(reactions * 4, "cb:report:a1:0")  # 28 reactions
    assert len(many) == 5 and all(len(row) <= 5 for row in many)  # Discord's limits
    assert many[-1][0].label == "Report privately"  # never pushed off


def test_the_privacy_note_has_one_i_understand_button() -> None:
    request = ConsentRequest(
        channel_id="1",
        recipient=Person(platform="discord", user_id="5"),
        session_id="s",
        question_number=2,
        text="How this works",
        consent_action_id=consent_action_id("s", 2),
    )
    ((agree,),) = render.consent_buttons(request)
    assert (agree.label, agree.custom_id) == ("I understand", "cb:consent:s:3")


def test_an_alert_mentions_the_writer_and_shows_their_words_literally() -> None:
    (content,) = render.alert_chunks(alert())
    assert content.endswith("\nOn Discord: <@1300000000000000101>")
    words = content.split("Their words: ", 1)[1].split("\n")[0]
    assert shown(words) == "«@everyone **help** <@1>»"
    mentions = re.findall(r"(?<!\\)<@\d+>", content)
    assert mentions == ["<@1300000000000000101>"]  # the answer's <@1> is escaped
    assert "@everyone" not in content
    ((ack, release, keep),) = render.alert_buttons(alert())
    assert [ack.label, release.label, keep.label] == [
        "I'm on it",
        "Release to the group",
        "Keep out of the digest",
    ]
    assert [ack.custom_id, release.custom_id, keep.custom_id] == [
        "cb:ack:al-1:0",
        "cb:release:a1:0",
        "cb:keep:a1:0",
    ]


def test_an_escalation_has_only_the_acknowledge_button_and_no_mention() -> None:
    escalation = alert(
        audience=AlertAudience.DEPUTY, writer=None, release_action_id=None, keep_out_action_id=None
    )
    (content,) = render.alert_chunks(escalation)
    assert not re.search(r"(?<!\\)<@", content)
    assert [[b.label for b in row] for row in render.alert_buttons(escalation)] == [["I'm on it"]]


def test_an_alert_opens_with_a_line_that_quotes_and_names_nobody() -> None:
    (content,) = render.alert_chunks(alert())
    first, details = content.split("\n", 1)
    assert first == render.ALERT_HEADER
    assert details.startswith("⚠️ Possible disclosure (abuse)\n")


def test_a_notice_escapes_the_words_it_quotes_and_nothing_else() -> None:
    words = "# hi ||secret|| [tap](https://a.example) «inner» **loud» <@1> @everyone"
    sent = render.notice_text(f"**Check-in** (anonymous): «{words}» **Thanks**")
    # The first « to the last »: the writer's own guillemets cannot end the quote early.
    head, rest = sent.split("«", 1)
    inner, tail = rest.rsplit("»", 1)
    assert (head, tail) == ("**Check-in** (anonymous): ", " **Thanks**")  # ours renders
    assert shown(inner) == words
    assert "\\[tap\\]" in inner and "\\|\\|secret" in inner and "\\# hi" in inner
    assert not re.search(r"(?<!\\)<@", inner) and "@everyone" not in inner
    unclosed = render.notice_text("They wrote: «**a** [b](https://c)")
    assert unclosed == "They wrote: «\\*\\*a\\*\\* \\[b\\](https://c)"
    assert render.notice_text("**Done.** Nothing quoted.") == "**Done.** Nothing quoted."


def test_only_snowflakes_can_be_sent_to() -> None:
    scheduler = Person(platform="discord", user_id="")  # bot.core.events.system_person
    with pytest.raises(DeliveryFailed) as failed:
        convert.user_snowflake(scheduler)
    assert "nobody on Discord" in failed.value.hint
    assert convert.user_snowflake(Person(platform="discord", user_id="5")) == 5
    with pytest.raises(DeliveryFailed) as unknown:
        convert.channel_snowflake("")
    assert "can't find the channel" in unknown.value.hint


def test_a_long_alert_is_split_and_the_mention_is_kept() -> None:
    chunks = render.alert_chunks(alert(text="Their words: «" + "word " * 900 + "»"))
    # Split at the line break after the neutral header first: it is a message of its own.
    assert chunks[0] == render.ALERT_HEADER
    assert len(chunks) == 4 and all(len(c) <= render.MESSAGE_LIMIT for c in chunks)
    assert chunks[-1].endswith("<@1300000000000000101>")


def test_the_modal_keeps_to_discords_limits() -> None:
    long_question = "If we were creating care today that was good enough for all our children?"
    form = AnswerForm(
        session_id="s",
        question_number=1,
        question_text=long_question,
        help_text="Imagine.",
        max_chars=9000,
    )
    spec = render.answer_modal(form, "cb:answer:s:1")
    assert len(spec.title) <= 45 and spec.title.endswith("…")
    assert spec.placeholder == long_question  # the whole question is still readable
    assert len(spec.input_label) <= 45
    assert spec.max_length == 4000
    assert spec.ask_quote
    assert len(spec.quote_label) <= 45 and len(spec.quote_description) <= 100
    short = AnswerForm(
        session_id="s", question_number=1, question_text="Why?", help_text=None, max_chars=300
    )
    spec = render.answer_modal(short, "cb:answer:s:1")
    assert (spec.title, spec.placeholder, spec.max_length) == (
        "Why?",
        render.ANSWER_PLACEHOLDER,
        300,
    )


def test_the_check_in_form_does_not_ask_about_quoting() -> None:
    check_in = AnswerForm(
        session_id="s", question_number=0, question_text="How are you?", help_text=None, max_chars=9
    )
    assert not render.answer_modal(check_in, "cb:answer:s:0").ask_quote


def submit(quote: object, *, with_checkbox: bool = True) -> list[dict[str, object]]:
    """``data.components`` of a real modal submit: Labels (type 18) around a text input
    (type 4, string value) and a checkbox (type 23, boolean value), numbered ids."""
    components: list[dict[str, object]] = [
        {
            "type": 18,
            "id": 1,
            "component": {"type": 4, "id": 2, "custom_id": "answer", "value": "I'd say: it's ok"},
        }
    ]
    if with_checkbox:
        checkbox = {"type": 23, "id": 4, "custom_id": "quote", "value": quote}
        components.append({"type": 18, "id": 3, "component": checkbox})
    return components


def test_the_answer_and_the_quote_choice_are_read_from_the_submit() -> None:
    assert convert.modal_answer(submit(True)) == convert.ModalAnswer("I'd say: it's ok", True)
    assert convert.modal_answer(submit(False)) == convert.ModalAnswer("I'd say: it's ok", False)
    # Only an explicit tick counts: a missing checkbox (the check-in) or an odd value is "no".
    assert not convert.modal_answer(submit(None, with_checkbox=False)).quote_ok
    assert not convert.modal_answer(submit("true")).quote_ok


def test_the_answer_is_read_from_the_older_action_row_shape_too() -> None:
    rows = [{"type": 1, "components": [{"type": 4, "custom_id": "answer", "value": "hi"}]}]
    assert convert.modal_answer(rows) == convert.ModalAnswer("hi", False)
    assert convert.modal_answer([]) == convert.ModalAnswer(None, False)


def test_long_text_is_split_at_line_breaks() -> None:
    text = "\n".join(f"line {i} " + "x" * 90 for i in range(50))
    chunks = render.split_text(text)
    assert all(len(chunk) <= 2000 for chunk in chunks) and len(chunks) == 3
    assert "\n".join(chunks) == text
    assert render.split_text("y" * 4500) == ["y" * 2000, "y" * 2000, "y" * 500]


def test_a_missing_permission_is_named_with_the_channel() -> None:
    failure = convert.delivery_failure(
        status=403, code=50013, needs=Needs.FILE_POST, channel_id="555"
    )
    assert not failure.transient
    assert failure.hint.startswith(
        "I need the 'View Channel', 'Send Messages' and 'Attach Files' permissions in <#555>."
    )
    no_access = convert.delivery_failure(
        status=403, code=50001, needs=Needs.CHANNEL_POST, channel_id="555"
    )
    assert "'View Channel' and 'Send Messages' permissions" in no_access.hint


@pytest.mark.parametrize("status", [None, 429, 500, 502, 503])
def test_outages_are_transient(status: int | None) -> None:
    failure = convert.delivery_failure(
        status=status, code=0, needs=Needs.CHANNEL_POST, channel_id="1"
    )
    assert failure.transient and "try again" in failure.hint


def test_closed_direct_messages_are_explained() -> None:
    failure = convert.delivery_failure(
        status=403, code=50007, needs=Needs.DIRECT_MESSAGE, channel_id=None
    )
    assert "direct message" in failure.hint and not failure.transient


def test_the_invite_permissions_are_the_documented_number() -> None:
    assert convert.BOT_PERMISSIONS.value == 35840  # View Channel, Send Messages, Attach Files
    assert convert.BOT_SCOPES == ("bot", "applications.commands")
