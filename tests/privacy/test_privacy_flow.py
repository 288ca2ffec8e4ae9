"""Privacy through the local adapter: consent first, scrubbing, shuffled batches, skip,
the closing check-in, sensitive questions, quote consent, withdrawal, retention, audit, logs."""

from __future__ import annotations

import io
import logging
import sqlite3

import docx
import pytest

from adapters.local.adapter import LocalChannel
from bot.app import Runtime
from bot.config import Settings
from bot.core.events import Command
from bot.core.outbound import (
    AnswerPost,
    ConsentRequest,
    FileDelivery,
    PrivateNotice,
    QuestionPost,
    StaffNote,
)
from tests.privacy.conftest import AMY, BEN, FACILITATOR, LEAD, start
from tests.scheduling.conftest import FakeClock


async def test_nothing_is_stored_before_the_privacy_note_is_agreed(
    channel: LocalChannel, settings: Settings
) -> None:
    question = await start(channel)
    (note,) = await channel.answer(AMY, question, "my first answer", agree=False)
    assert isinstance(note, ConsentRequest) and note.recipient == AMY
    for words in ("anonymous", "30 days", "safeguarding lead", "/withdraw", "made-up name"):
        assert words in note.text, words
    with sqlite3.connect(settings.database_path) as db:
        assert db.execute("SELECT COUNT(*) FROM participants").fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM answers").fetchone() == (0,)
    await channel.answer(AMY, question, "my first answer")
    with sqlite3.connect(settings.database_path) as db:
        assert db.execute("SELECT COUNT(*) FROM answers").fetchone() == (1,)
    # Asked again after saying no (2), then never again in this session once agreed.
    await channel.answer(AMY, question, "my second answer")
    assert len(channel.outbox.of_type(ConsentRequest)) == 2


async def test_personal_details_are_taken_out_and_the_writer_is_told(
    channel: LocalChannel, runtime: Runtime
) -> None:
    question = await start(channel)
    text = "My social worker Sarah said ring 07700 900123 or email sarah.jones@example.org"
    sent = await channel.answer(AMY, question, text, quote_ok=True)
    thanks = [m.text for m in sent if isinstance(m, PrivateNotice)][-1]
    assert "a name" in thanks and "a phone number" in thanks and "an email address" in thanks
    await channel.command(FACILITATOR, Command.END_SESSION)
    (post,) = channel.outbox.of_type(AnswerPost)
    assert "Sarah" not in post.text and "07700" not in post.text and "@example" not in post.text
    assert "[name]" in post.text and "[phone]" in post.text and "[email]" in post.text
    digest = await runtime.engine.digest(question.session_id)
    assert digest.questions[0].answers[0].text == post.text


async def test_answers_are_shown_in_shuffled_batches_not_as_they_arrive(
    channel: LocalChannel, runtime: Runtime, clock: FakeClock
) -> None:
    question = await start(channel)
    people = [LocalChannel.person(f"p{n}") for n in range(8)]
    for n, person in enumerate(people):
        sent = await channel.answer(person, question, f"answer number {n}", quote_ok=True)
        assert not any(isinstance(m, AnswerPost) for m in sent)  # nothing appears at once
    assert channel.outbox.of_type(AnswerPost) == []
    clock.advance(seconds=61)
    await runtime.jobs.run_due(channel.outbox)
    shown = [p.text for p in channel.outbox.of_type(AnswerPost)]
    assert sorted(shown) == sorted(f"answer number {n}" for n in range(8))
    assert shown != [f"answer number {n}" for n in range(8)]  # not in the order given


async def test_a_question_closing_shows_its_waiting_answers(channel: LocalChannel) -> None:
    question = await start(channel)
    await channel.answer(AMY, question, "waiting", quote_ok=True)
    sent = await channel.command(FACILITATOR, Command.NEXT_QUESTION)
    assert [type(m).__name__ for m in sent] == ["AnswerPost", "QuestionPost"]


async def test_skip_stores_nothing(channel: LocalChannel, settings: Settings) -> None:
    question = await start(channel)
    sent = await channel.skip(AMY, question)
    assert isinstance(sent[0], PrivateNotice) and "skipped" in sent[0].text
    with sqlite3.connect(settings.database_path) as db:
        assert db.execute("SELECT COUNT(*) FROM participants").fetchone() == (0,)


async def test_the_closing_check_in_goes_to_the_facilitator_only(
    channel: LocalChannel, settings: Settings
) -> None:
    question = await start(channel)
    await channel.answer(AMY, question, "fine", quote_ok=True)
    await channel.command(FACILITATOR, Command.END_SESSION)
    check_in = channel.outbox.of_type(QuestionPost)[-1]
    assert check_in.number == 0 and "how are you feeling" in check_in.text
    sent = await channel.answer(AMY, check_in, "bit tired but glad i came")
    to_facilitator = [
        m for m in sent if isinstance(m, PrivateNotice) and m.recipient == FACILITATOR
    ]
    assert len(to_facilitator) == 1 and "bit tired but glad i came" in to_facilitator[0].text
    assert "amy-111" not in to_facilitator[0].text
    assert not any(isinstance(m, AnswerPost) for m in sent)
    with sqlite3.connect(settings.database_path) as db:
        texts = [row[0] for row in db.execute("SELECT text FROM answers")]
    assert texts == ["fine"]


async def test_a_check_in_disclosure_goes_to_the_lead(channel: LocalChannel) -> None:
    question = await start(channel)
    await channel.answer(AMY, question, "ok", quote_ok=True)
    await channel.command(FACILITATOR, Command.END_SESSION)
    check_in = channel.outbox.of_type(QuestionPost)[-1]
    sent = await channel.answer(AMY, check_in, "honestly i want to die")
    assert any(type(m).__name__ == "SafeguardingAlert" for m in sent)
    assert not any(
        isinstance(m, PrivateNotice) and m.recipient == FACILITATOR and "die" in m.text
        for m in sent
    )


async def test_a_check_in_from_a_scheduled_session_goes_to_staff(
    channel: LocalChannel, runtime: Runtime
) -> None:
    # No facilitator is known after a restart or for a scheduled session: staff get it.
    question = await start(channel)
    await channel.answer(AMY, question, "ok", quote_ok=True)
    await channel.command(FACILITATOR, Command.END_SESSION)
    runtime.engine.directory.facilitators.clear()  # as after a restart
    check_in = channel.outbox.of_type(QuestionPost)[-1]
    sent = await channel.answer(AMY, check_in, "good")
    assert [m.text for m in sent if isinstance(m, StaffNote)] == [
        f"Check-in from session {question.session_id} (anonymous): «good»"
    ]


async def test_a_sensitive_question_comes_with_a_content_note(channel: LocalChannel) -> None:
    await start(channel, "case-for-change")
    sent = await channel.command(FACILITATOR, Command.NEXT_QUESTION)
    (question,) = [m for m in sent if isinstance(m, QuestionPost)]
    assert question.text == "Is this an accurate representation of you?"
    assert question.content_note and "/help" in question.content_note
    assert channel.outbox.of_type(QuestionPost)[0].content_note is None


async def test_without_quote_consent_an_answer_counts_but_is_never_quoted(
    channel: LocalChannel, runtime: Runtime
) -> None:
    question = await start(channel)
    await channel.answer(AMY, question, "my foster carer is amazing")  # not ticked
    await channel.answer(BEN, question, "foster carers need more support", quote_ok=True)
    await channel.command(FACILITATOR, Command.END_SESSION)
    delivery = channel.outbox.of_type(FileDelivery)[-1]
    for file in delivery.files:
        content = file.content
        if file.name.endswith(".docx"):  # a zip: read the words Word shows
            paragraphs = docx.Document(io.BytesIO(content)).paragraphs
            content = "\n".join(p.text for p in paragraphs).encode()
        assert b"my foster carer is amazing" not in content, file.name
        assert b"foster carers need more support" in content, file.name
    digest = await runtime.engine.digest(question.session_id)
    answers = digest.questions[0].answers
    assert sum(not a.quotable for a in answers) == 1
    theme = next(t for t in digest.themes if t.theme_id == "foster-carers")
    assert theme.answer_count == 2 and [q.text for q in theme.quotes] == [
        "foster carers need more support"
    ]


async def test_withdraw_from_one_session_keeps_the_other(
    channel: LocalChannel, runtime: Runtime
) -> None:
    first = await start(channel)
    await channel.answer(AMY, first, "in the first session", quote_ok=True)
    await channel.command(FACILITATOR, Command.END_SESSION)
    second = await start(channel)
    await channel.answer(AMY, second, "in the second session", quote_ok=True)
    sent = await channel.command(AMY, Command.WITHDRAW, session="this")
    assert isinstance(sent[0], PrivateNotice) and "1 of your answers" in sent[0].text
    assert (await runtime.engine.digest(second.session_id)).answer_count == 0
    assert (await runtime.engine.digest(first.session_id)).answer_count == 1
    await channel.command(AMY, Command.WITHDRAW)  # all sessions
    assert (await runtime.engine.digest(first.session_id)).answer_count == 0


async def test_retention_purge_deletes_answers_but_keeps_the_digest(
    channel: LocalChannel, runtime: Runtime, clock: FakeClock, settings: Settings
) -> None:
    question = await start(channel)
    await channel.answer(AMY, question, "kept in the digest only", quote_ok=True)
    await channel.command(FACILITATOR, Command.END_SESSION)
    before = await runtime.engine.digest(question.session_id)
    clock.advance(days=29)
    assert await runtime.engine.purge() == 0
    clock.advance(days=2)
    assert await runtime.engine.purge() == 1
    with sqlite3.connect(settings.database_path) as db:
        for table in ("answers", "participants", "identities", "reactions"):
            assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone() == (0,), table
    after = await runtime.engine.digest(question.session_id)
    assert after == before
    # Withdrawing after the purge finds nothing: there is nothing left to link to anyone.
    sent = await channel.command(AMY, Command.WITHDRAW)
    assert "nothing to take out" in sent[0].text  # type: ignore[union-attr]


async def test_digest_downloads_and_lead_decisions_are_audited_without_answer_text(
    channel: LocalChannel, runtime: Runtime
) -> None:
    question = await start(channel)
    await channel.answer(AMY, question, "a private thought", quote_ok=True)
    await channel.command(FACILITATOR, Command.END_SESSION)
    await channel.command(FACILITATOR, Command.DIGEST, session=question.session_id, format="csv")
    entries = await runtime.store.audit_entries()
    actions = [(e.actor, e.action, e.subject) for e in entries]
    assert ("local:fac-77", "digest-sent-to-staff", question.session_id) in actions
    assert ("local:fac-77", "digest-downloaded", question.session_id) in actions
    assert not any("private thought" in f"{e.subject} {e.detail}" for e in entries)


async def test_logs_hold_no_answer_text_and_no_user_ids(
    channel: LocalChannel, runtime: Runtime, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    question = await start(channel)
    secret = "zebra-unique-words-in-an-answer"
    await channel.answer(AMY, question, secret, quote_ok=True)
    await channel.answer(BEN, question, "i keep thinking about ending it all " + secret)
    clock.advance(minutes=20)
    await runtime.jobs.run_due(channel.outbox)
    await channel.command(FACILITATOR, Command.END_SESSION)
    await channel.command(LEAD, Command.WHO_WROTE, answer="nope", reason="checking the logs")
    assert caplog.records, "expected some log lines"
    # Ours at every level; libraries' at INFO and above (aiosqlite echoes SQL parameters at
    # DEBUG, which configure_logging keeps switched off).
    for record in caplog.records:
        ours = record.name.split(".")[0] in {"bot", "adapters", "db"}
        if not ours and record.levelno < logging.INFO:
            continue
        line = record.getMessage()
        assert secret not in line
        for user in ("amy-111", "ben-222", "fac-77", "lead-88"):
            assert user not in line, line
