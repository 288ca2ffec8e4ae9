"""Answers taken back leave the group's chat; a form sent twice is stored once; a button
from another channel changes nothing there. The real engine and store, the local adapter."""

from __future__ import annotations

from adapters.local.adapter import LocalChannel
from bot.core.errors import DeliveryFailed
from bot.core.events import AnswerSubmitted, Command, CommandInvoked, Role
from bot.core.outbound import (
    AnswerPost,
    Outbound,
    PostsRemoved,
    PrivateNotice,
    QuestionPost,
    ReactionCountsChanged,
)
from bot.engine import Engine
from bot.sessions.directory import OTHER_CHANNEL

FACILITATOR = LocalChannel.person("fac-1", Role.FACILITATOR)
LEAD = LocalChannel.person("lead-1", Role.SAFEGUARDING_LEAD)
AMY = LocalChannel.person("user-amy")
BEN = LocalChannel.person("user-ben")


async def _start(channel: LocalChannel) -> QuestionPost:
    await channel.command(FACILITATOR, Command.START_SESSION, **{"question-set": "check-in"})
    return channel.outbox.of_type(QuestionPost)[-1]


def _ref_of(channel: LocalChannel, post: AnswerPost) -> str:
    return next(ref for ref, sent in channel.outbox.refs.items() if sent is post)


async def test_withdraw_takes_the_persons_posts_out_of_the_channel(engine: Engine) -> None:
    channel = LocalChannel(engine)
    question = await _start(channel)
    mine = (await channel.answer(AMY, question, "first of mine"))[0]
    theirs = (await channel.answer(BEN, question, "someone else's"))[0]
    again = (await channel.answer(AMY, question, "second of mine"))[0]
    assert isinstance(mine, AnswerPost) and isinstance(again, AnswerPost)
    assert isinstance(theirs, AnswerPost)

    sent = await channel.command(AMY, Command.WITHDRAW)

    assert isinstance(sent[0], PrivateNotice) and sent[0].text.startswith("Done. 2 of")
    (removal,) = [m for m in sent if isinstance(m, PostsRemoved)]
    assert removal.channel_id == channel.channel_id
    assert removal.message_refs == (_ref_of(channel, mine), _ref_of(channel, again))
    assert _ref_of(channel, theirs) not in removal.message_refs


async def test_keeping_an_answer_out_takes_its_post_out_of_the_channel(engine: Engine) -> None:
    channel = LocalChannel(engine)
    question = await _start(channel)
    post = (await channel.answer(AMY, question, "something I said"))[0]
    assert isinstance(post, AnswerPost)

    sent = await channel.command(LEAD, Command.KEEP_OUT, answer=post.answer_id)

    (removal,) = [m for m in sent if isinstance(m, PostsRemoved)]
    assert removal.message_refs == (_ref_of(channel, post),)
    (done,) = [m for m in sent if isinstance(m, PrivateNotice)]
    assert "taken out of the chat too" in done.text


class _RefusesDeletes:
    """Delivers everything but refuses to delete, as a platform might."""

    def __init__(self) -> None:
        self.private: list[PrivateNotice] = []

    async def send(self, message: Outbound) -> str | None:
        if isinstance(message, PostsRemoved):
            raise DeliveryFailed("Discord refused that (error 403/50013).")
        if isinstance(message, PrivateNotice):
            self.private.append(message)
        return None


async def test_a_refused_deletion_is_told_truthfully_to_whoever_asked(engine: Engine) -> None:
    channel = LocalChannel(engine)
    question = await _start(channel)
    await channel.answer(AMY, question, "mine")
    outbox = _RefusesDeletes()

    withdraw = CommandInvoked(person=AMY, channel_id=channel.channel_id, command=Command.WITHDRAW)
    await engine.dispatch(withdraw, outbox)

    texts = [n.text for n in outbox.private if n.recipient == AMY]
    assert texts[0].startswith("Done. 1 of your answers")
    assert texts[1] == engine.directory.notices.posts_not_removed
    assert "may still show there" in texts[1]
    assert "403" not in " ".join(texts)  # no platform talk for a young person
    privacy = await channel.command(AMY, Command.PRIVACY)
    assert isinstance(privacy[0], PrivateNotice)
    assert "If the app won't let us, we tell you" in privacy[0].text


async def test_the_same_submission_sent_again_is_stored_and_shown_once(engine: Engine) -> None:
    channel = LocalChannel(engine)
    question = await _start(channel)
    await channel.join(AMY, question.session_id)
    submitted = AnswerSubmitted(
        person=AMY,
        channel_id=channel.channel_id,
        text="only once please",
        session_id=question.session_id,
        question_number=question.number,
        quote_ok=True,
        submission_id="slack-view:V123",
    )
    first = await engine.handle(submitted)
    second = await engine.handle(submitted)
    other_form = await engine.handle(
        AnswerSubmitted(
            person=AMY,
            channel_id=channel.channel_id,
            text="a second answer, from a new form",
            session_id=question.session_id,
            question_number=question.number,
            quote_ok=True,
            submission_id="slack-view:V124",
        )
    )

    assert any(isinstance(m, AnswerPost) for m in first)
    assert second == []
    assert any(isinstance(m, AnswerPost) for m in other_form)
    digest = await engine.digest(question.session_id)
    texts = sorted(a.text for q in digest.questions for a in q.answers)
    assert texts == ["a second answer, from a new form", "only once please"]


async def test_a_button_from_another_channel_cannot_consent_answer_or_skip_there(
    engine: Engine,
) -> None:
    group = LocalChannel(engine, "group-channel")
    elsewhere = LocalChannel(engine, "another-channel")
    question = await _start(group)

    agreed = await elsewhere.join(AMY, question.session_id)
    answered = await elsewhere.submit(
        AMY,
        await engine.answer_form(question.session_id, question.number, BEN),
        "put into another channel's session",
    )
    skipped = await elsewhere.skip(AMY, question)

    assert "another channel" in OTHER_CHANNEL
    for sent in (agreed, answered, skipped):
        (reply,) = sent
        assert isinstance(reply, PrivateNotice)
        assert reply.text == OTHER_CHANNEL
    assert await engine.directory.participant(question.session_id, AMY) is None
    digest = await engine.digest(question.session_id)
    assert [a for q in digest.questions for a in q.answers] == []
    assert group.outbox.of_type(AnswerPost) == elsewhere.outbox.of_type(AnswerPost) == []
    # In the right channel the same buttons work.
    post = (await group.answer(AMY, question, "here it belongs"))[0]
    assert isinstance(post, AnswerPost)
    # A reaction button of that answer, pressed from elsewhere, is not counted.
    await group.join(BEN, question.session_id)
    assert await elsewhere.press(BEN, post.reactions[0]) == []
    (counted,) = await group.press(BEN, post.reactions[0])  # a toggle: on, so it was off
    assert isinstance(counted, ReactionCountsChanged)
    assert counted.reactions[0].count == 1
