"""Pure Discord translation: roles, escaping, message text, buttons, the modal, errors."""

from __future__ import annotations

import re

import pytest

from adapters.discord import convert
from adapters.discord.convert import Needs
from bot.core.engine import AnswerForm
from bot.core.events import Role
from bot.core.outbound import AnswerPost, QuestionPost, ReactionButton

FACILITATORS = frozenset({111111111111111111})
STAFF = frozenset({222222222222222222})
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
    )


def test_roles_map_to_core_roles_and_nothing_else_is_kept() -> None:
    both = convert.person(
        42,
        [*FACILITATORS, *STAFF, 9],
        facilitator_role_ids=FACILITATORS,
        staff_role_ids=STAFF,
    )
    assert both.platform == "discord" and both.user_id == "42"
    assert both.roles == {Role.FACILITATOR, Role.STAFF}
    nobody = convert.person(7, [9], facilitator_role_ids=FACILITATORS, staff_role_ids=STAFF)
    assert nobody.roles == frozenset()


@pytest.mark.parametrize("text", TRICKY)
def test_escaped_text_reads_exactly_as_typed(text: str) -> None:
    assert shown(convert.escape_text(text)) == text


@pytest.mark.parametrize("text", TRICKY)
def test_escaped_text_cannot_mention_format_or_link(text: str) -> None:
    escaped = convert.escape_text(text)
    assert not re.search(r"(?<!\\)<[@#:t]", escaped), "a mention or emoji would render"
    assert not re.search(r"@(everyone|here)", escaped)
    assert not re.search(r"(?<!\\)(\*\*|__|~~|\|\||`)", escaped)
    assert not re.search(r"(?m)^[ \t]*(#|>|-|\+|\d+\.)", escaped), "a line would be formatted"
    assert not re.search(r"(?<!\\)\[", escaped), "a masked link would render"


def test_an_answer_shows_alias_and_text_in_a_quote() -> None:
    content = convert.answer_content(answer_post("I felt **ignored**", alias="Calm_Otter"))
    assert content.startswith("**Calm\\_Otter** answered question 2:\n>>> ")
    assert shown(content.split(">>> ", 1)[1]) == "I felt **ignored**"


def test_a_long_answer_is_shortened_to_fit_without_half_an_escape() -> None:
    for filler in ("*" * 1999, "a" * 1998 + "*", "word " * 800):
        content = convert.answer_content(answer_post(filler))
        assert len(content) <= convert.MESSAGE_LIMIT
        assert content.endswith(convert.SHORTENED_NOTE)
        body = content.split(">>> ", 1)[1].removesuffix(convert.SHORTENED_NOTE)
        assert not re.search(r"(?<!\\)(\\\\)*\\…$", body), "cut inside an escape"


def test_a_question_shows_number_text_and_help() -> None:
    post = QuestionPost(
        channel_id="1",
        session_id="s",
        number=2,
        total=6,
        text="Is this you?",
        help_text="Be honest.",
        answer_action_id="cb:answer:s:2",
    )
    assert convert.question_content(post) == "**Question 2 of 6**\nIs this you?\n-# Be honest."
    ((button,),) = convert.question_buttons(post)
    assert (button.custom_id, button.label) == ("cb:answer:s:2", "Answer anonymously")


def test_reaction_buttons_show_emoji_label_and_count_in_rows_of_five() -> None:
    reactions = [
        ReactionButton(emoji="👍", label="me too", count=i, action_id=f"cb:react:a1:{i}")
        for i in range(7)
    ]
    rows = convert.reaction_buttons(reactions)
    assert [len(row) for row in rows] == [5, 2]
    assert rows[0][3].label == "me too · 3" and rows[0][3].emoji == "👍"
    assert rows[1][1].custom_id == "cb:react:a1:6"
    assert len(convert.rows([rows[0][0]] * 30)) == 5  # Discord shows at most 25


def test_the_modal_keeps_to_discords_limits() -> None:
    long_question = "If we were creating care today that was good enough for all our children?"
    form = AnswerForm(
        session_id="s",
        question_number=1,
        question_text=long_question,
        help_text="Imagine.",
        max_chars=9000,
    )
    spec = convert.answer_modal(form, "cb:answer:s:1")
    assert len(spec.title) <= 45 and spec.title.endswith("…")
    assert spec.placeholder == long_question  # the whole question is still readable
    assert len(spec.input_label) <= 45
    assert spec.max_length == 4000
    short = AnswerForm(
        session_id="s", question_number=1, question_text="Why?", help_text=None, max_chars=300
    )
    spec = convert.answer_modal(short, "cb:answer:s:1")
    assert (spec.title, spec.placeholder, spec.max_length) == (
        "Why?",
        convert.ANSWER_PLACEHOLDER,
        300,
    )


def test_the_answer_is_read_from_either_modal_shape() -> None:
    rows = [{"type": 1, "components": [{"type": 4, "custom_id": "answer", "value": "hi"}]}]
    labels = [{"type": 18, "component": {"type": 4, "custom_id": "answer", "value": "yo"}}]
    assert convert.modal_answer_text(rows) == "hi"
    assert convert.modal_answer_text(labels) == "yo"
    assert convert.modal_answer_text([]) is None


def test_long_text_is_split_at_line_breaks() -> None:
    text = "\n".join(f"line {i} " + "x" * 90 for i in range(50))
    chunks = convert.split_text(text)
    assert all(len(chunk) <= 2000 for chunk in chunks) and len(chunks) == 3
    assert "\n".join(chunks) == text
    assert convert.split_text("y" * 4500) == ["y" * 2000, "y" * 2000, "y" * 500]


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
