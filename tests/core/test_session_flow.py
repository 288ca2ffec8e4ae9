"""A session through the real engine and store, driven by the local adapter."""

from __future__ import annotations

import pytest

from adapters.local.adapter import LocalChannel
from bot.core.errors import DeliveryFailed
from bot.core.events import Command, Role
from bot.core.outbound import (
    AnswerPost,
    Audience,
    ChannelNotice,
    ConsentRequest,
    FileDelivery,
    PrivateNotice,
    QuestionPost,
    ReactionCountsChanged,
)
from bot.engine import Engine


@pytest.fixture
def channel(engine: Engine) -> LocalChannel:
    return LocalChannel(engine)


FACILITATOR = LocalChannel.person("fac-1", Role.FACILITATOR)
STAFF = LocalChannel.person("staff-1", Role.STAFF)
AMY = LocalChannel.person("user-amy")
BEN = LocalChannel.person("user-ben")


async def start(channel: LocalChannel, set_id: str = "check-in") -> QuestionPost:
    await channel.command(FACILITATOR, Command.START_SESSION, **{"question-set": set_id})
    return channel.outbox.of_type(QuestionPost)[-1]


async def test_start_session_posts_intro_then_first_question(channel: LocalChannel) -> None:
    sent = await channel.command(FACILITATOR, Command.START_SESSION, **{"question-set": "check-in"})
    assert isinstance(sent[0], ChannelNotice)
    assert "Quick check-in" in sent[0].text
    assert isinstance(sent[1], QuestionPost)
    assert (sent[1].number, sent[1].total) == (1, 3)
    assert isinstance(sent[2], PrivateNotice) and sent[2].recipient == FACILITATOR


async def test_non_facilitator_cannot_start_and_nothing_changes(channel: LocalChannel) -> None:
    sent = await channel.command(AMY, Command.START_SESSION, **{"question-set": "check-in"})
    assert len(sent) == 1 and isinstance(sent[0], PrivateNotice)
    assert "Only facilitators" in sent[0].text
    assert sent[0].recipient == AMY
    assert not channel.outbox.of_type(QuestionPost)
    # The channel is still free for a real facilitator.
    await start(channel)


async def test_second_start_in_same_channel_is_refused(channel: LocalChannel) -> None:
    await start(channel)
    sent = await channel.command(FACILITATOR, Command.START_SESSION, **{"question-set": "check-in"})
    assert len(sent) == 1 and isinstance(sent[0], PrivateNotice)
    assert "already running" in sent[0].text
    assert len(channel.outbox.of_type(QuestionPost)) == 1


async def test_unknown_question_set_lists_the_ones_that_exist(channel: LocalChannel) -> None:
    sent = await channel.command(FACILITATOR, Command.START_SESSION, **{"question-set": "nope"})
    assert isinstance(sent[0], PrivateNotice)
    for known in ("case-for-change", "check-in", "good-enough-care"):
        assert known in sent[0].text


async def test_answer_is_posted_under_alias_and_acknowledged(channel: LocalChannel) -> None:
    question = await start(channel)
    sent = await channel.answer(AMY, question, "  Feeling ok today 🙂  ", quote_ok=True)
    post, thanks = sent
    assert isinstance(post, AnswerPost) and isinstance(thanks, PrivateNotice)
    assert post.text == "Feeling ok today 🙂"
    assert post.alias and post.alias in thanks.text
    assert thanks.recipient == AMY
    assert [b.count for b in post.reactions] == [0, 0]


async def test_alias_is_stable_within_a_session_and_differs_between_people(
    channel: LocalChannel,
) -> None:
    question = await start(channel)
    first = (await channel.answer(AMY, question, "one", quote_ok=True))[0]
    second = (await channel.answer(AMY, question, "two", quote_ok=True))[0]
    other = (await channel.answer(BEN, question, "three", quote_ok=True))[0]
    assert isinstance(first, AnswerPost) and isinstance(second, AnswerPost)
    assert isinstance(other, AnswerPost)
    assert first.alias == second.alias
    assert other.alias != first.alias


@pytest.mark.parametrize(
    ("text", "expected"),
    [("   ", "empty"), ("x" * 2001, "2001 characters")],
)
async def test_bad_answers_get_a_clear_private_message_and_nothing_is_stored(
    channel: LocalChannel, engine: Engine, text: str, expected: str
) -> None:
    question = await start(channel)
    sent = await channel.answer(AMY, question, text, quote_ok=True)
    assert len(sent) == 1 and isinstance(sent[0], PrivateNotice)
    assert expected in sent[0].text and sent[0].recipient == AMY
    digest = await engine.digest(question.session_id)
    assert digest.answer_count == 0


async def test_answer_at_exactly_the_limit_is_accepted(channel: LocalChannel) -> None:
    question = await start(channel)
    sent = await channel.answer(AMY, question, "y" * 2000, quote_ok=True)
    assert isinstance(sent[0], AnswerPost)


async def test_reaction_button_toggles_on_and_off(channel: LocalChannel) -> None:
    question = await start(channel)
    post = (await channel.answer(AMY, question, "me", quote_ok=True))[0]
    assert isinstance(post, AnswerPost)
    on = await channel.press(BEN, post.reactions[0])
    assert isinstance(on[0], ReactionCountsChanged)
    assert on[0].reactions[0].count == 1
    off = await channel.press(BEN, post.reactions[0])
    assert isinstance(off[0], ReactionCountsChanged)
    assert off[0].reactions[0].count == 0


async def test_native_reactions_count_once_per_person_and_can_be_removed(
    channel: LocalChannel,
) -> None:
    question = await start(channel)
    post = (await channel.answer(AMY, question, "me", quote_ok=True))[0]
    assert isinstance(post, AnswerPost)
    ref = next(r for r, m in channel.outbox.refs.items() if m == post)
    # Someone who hasn't agreed to the privacy note is not counted at all.
    assert await channel.native_reaction(BEN, ref, "❤") == []
    await channel.join(BEN, question.session_id)
    await channel.native_reaction(BEN, ref, "❤")  # no variation selector: same as ❤️
    again = await channel.native_reaction(BEN, ref, "❤️")
    assert again == []  # already counted
    counts = channel.outbox.buttons[post.answer_id]
    assert [b.count for b in counts] == [0, 1]
    await channel.native_reaction(BEN, ref, "❤️", added=False)
    assert [b.count for b in channel.outbox.buttons[post.answer_id]] == [0, 0]


async def test_reactions_on_unknown_messages_or_emoji_are_ignored(channel: LocalChannel) -> None:
    question = await start(channel)
    post = (await channel.answer(AMY, question, "me", quote_ok=True))[0]
    ref = next(r for r, m in channel.outbox.refs.items() if m == post)
    assert await channel.native_reaction(BEN, "not-an-answer", "👍") == []
    assert await channel.native_reaction(BEN, ref, "🦄") == []
    question_ref = next(r for r, m in channel.outbox.refs.items() if m == question)
    assert await channel.native_reaction(BEN, question_ref, "👍") == []


async def test_next_question_moves_on_and_stops_at_the_last(channel: LocalChannel) -> None:
    await start(channel)
    for number in (2, 3):
        sent = await channel.command(FACILITATOR, Command.NEXT_QUESTION)
        assert isinstance(sent[0], QuestionPost) and sent[0].number == number
    sent = await channel.command(FACILITATOR, Command.NEXT_QUESTION)
    assert isinstance(sent[0], PrivateNotice) and "last question" in sent[0].text


async def test_late_answer_to_an_earlier_question_lands_on_that_question(
    channel: LocalChannel, engine: Engine
) -> None:
    first = await start(channel)
    await channel.command(FACILITATOR, Command.NEXT_QUESTION)
    await channel.answer(AMY, first, "still about question one", quote_ok=True)
    digest = await engine.digest(first.session_id)
    assert [a.text for a in digest.questions[0].answers] == ["still about question one"]


async def test_end_session_sends_digest_to_staff_and_closes_answers(
    channel: LocalChannel,
) -> None:
    question = await start(channel)
    await channel.answer(AMY, question, "hello", quote_ok=True)
    sent = await channel.command(FACILITATOR, Command.END_SESSION)
    delivery = next(m for m in sent if isinstance(m, FileDelivery))
    assert delivery.audience is Audience.STAFF
    assert sorted(f.name.rsplit(".", 1)[1] for f in delivery.files) == [
        "csv",
        "docx",
        "html",
        "json",
        "md",
    ]
    late = await channel.answer(BEN, question, "too late", quote_ok=True)
    assert isinstance(late[0], PrivateNotice) and "finished" in late[0].text


async def test_digest_command_is_for_staff_only(channel: LocalChannel) -> None:
    question = await start(channel)
    refused = await channel.command(AMY, Command.DIGEST, session=question.session_id)
    assert isinstance(refused[0], PrivateNotice) and "Only staff" in refused[0].text
    sent = await channel.command(STAFF, Command.DIGEST, session=question.session_id, format="csv")
    assert isinstance(sent[0], FileDelivery)
    assert sent[0].audience is Audience.REQUESTER
    assert [f.name for f in sent[0].files] == [f"digest-{question.session_id}.csv"]


async def test_unknown_session_lists_what_exists(channel: LocalChannel) -> None:
    question = await start(channel)
    sent = await channel.command(STAFF, Command.DIGEST, session="zzzzzz")
    assert isinstance(sent[0], PrivateNotice)
    assert "zzzzzz" in sent[0].text and question.session_id in sent[0].text


async def test_withdraw_removes_answers_and_reactions_from_next_digest(
    channel: LocalChannel, engine: Engine
) -> None:
    question = await start(channel)
    amy_post = (await channel.answer(AMY, question, "first answer", quote_ok=True))[0]
    ben_post = (await channel.answer(BEN, question, "second answer", quote_ok=True))[0]
    assert isinstance(amy_post, AnswerPost) and isinstance(ben_post, AnswerPost)
    await channel.press(AMY, ben_post.reactions[0])
    sent = await channel.command(AMY, Command.WITHDRAW)
    assert isinstance(sent[0], PrivateNotice) and "1 of your answers" in sent[0].text
    digest = await engine.digest(question.session_id)
    texts = [a.text for q in digest.questions for a in q.answers]
    assert texts == ["second answer"]
    assert digest.questions[0].answers[0].agreement == 0


async def test_withdraw_with_nothing_stored_says_so(channel: LocalChannel) -> None:
    sent = await channel.command(AMY, Command.WITHDRAW)
    assert isinstance(sent[0], PrivateNotice) and "nothing to take out" in sent[0].text


async def test_privacy_notice_mentions_native_reactions_show_names(channel: LocalChannel) -> None:
    sent = await channel.command(AMY, Command.PRIVACY)
    assert isinstance(sent[0], PrivateNotice)
    assert "can see your name" in sent[0].text


async def test_facilitator_can_add_and_remove_tags(channel: LocalChannel, engine: Engine) -> None:
    question = await start(channel)
    post = (await channel.answer(AMY, question, "my social worker changed again", quote_ok=True))[0]
    assert isinstance(post, AnswerPost)
    digest = await engine.digest(question.session_id)
    assert "social-workers" in digest.questions[0].answers[0].themes
    await engine.retag_answer(post.answer_id, add=["relationships"], remove=["social-workers"])
    digest = await engine.digest(question.session_id)
    themes = digest.questions[0].answers[0].themes
    assert "relationships" in themes and "social-workers" not in themes


class _RefusingOutbox:
    """Refuses every public post, as a channel without the bot's permissions would."""

    def __init__(self) -> None:
        self.private: list[PrivateNotice] = []

    async def send(self, message: object) -> str | None:
        if isinstance(message, ConsentRequest):
            return None
        if isinstance(message, PrivateNotice):
            self.private.append(message)
            return None
        raise DeliveryFailed("I need the 'Send Messages' permission in this channel.")


async def test_a_failed_answer_post_keeps_the_answer_and_tells_both_people_once(
    engine: Engine,
) -> None:
    from bot.core.events import AnswerSubmitted, CommandInvoked, ConsentGiven

    outbox = _RefusingOutbox()
    start = CommandInvoked(
        person=FACILITATOR,
        channel_id="c",
        command=Command.START_SESSION,
        options={"question-set": "check-in"},
    )
    sent = await engine.dispatch(start, outbox)
    session_id = next(m for m in sent if isinstance(m, QuestionPost)).session_id
    # The intro and the first question both failed: the facilitator hears about it once.
    hints = [n.text for n in outbox.private if n.recipient == FACILITATOR]
    assert hints.count("I need the 'Send Messages' permission in this channel.") == 1
    outbox.private.clear()
    await engine.dispatch(ConsentGiven(person=AMY, channel_id="c", session_id=session_id), outbox)
    outbox.private.clear()
    answer = AnswerSubmitted(
        person=AMY, channel_id="c", text="kept safe", session_id=session_id, quote_ok=True
    )
    await engine.dispatch(answer, outbox)
    to_amy = [n.text for n in outbox.private if n.recipient == AMY]
    to_facilitator = [n.text for n in outbox.private if n.recipient == FACILITATOR]
    assert any("saved" in t for t in to_amy)
    assert not any("permission" in t for t in to_amy)  # no admin talk for a young person
    assert to_facilitator == [
        "An answer couldn't be shown: I need the 'Send Messages' permission in this channel."
    ]
    digest = await engine.digest(session_id)
    assert [a.text for a in digest.questions[0].answers] == ["kept safe"]


async def test_a_question_that_could_not_be_posted_is_tried_again_by_next_question(
    channel: LocalChannel, engine: Engine
) -> None:
    await start(channel)
    refusing = _RefusingOutbox()
    from bot.core.events import CommandInvoked

    move = CommandInvoked(
        person=FACILITATOR, channel_id=channel.channel_id, command=Command.NEXT_QUESTION
    )
    await engine.dispatch(move, refusing)
    assert "permission" in refusing.private[-1].text
    sent = await channel.command(FACILITATOR, Command.NEXT_QUESTION)  # the channel is fixed
    assert isinstance(sent[0], QuestionPost) and sent[0].number == 2
