"""Safeguarding through the local adapter: a possible disclosure never reaches the group or
a digest unless the safeguarding lead releases it; alerts, escalation, decisions, audit."""

from __future__ import annotations

import sqlite3

from adapters.local.adapter import LocalChannel, LocalOutbox
from bot.app import Runtime
from bot.config import Settings
from bot.core.errors import DeliveryFailed
from bot.core.events import Command
from bot.core.outbound import (
    AlertAudience,
    AnswerPost,
    ChannelNotice,
    Outbound,
    PrivateNotice,
    SafeguardingAlert,
)
from tests.privacy.conftest import AMY, BEN, FACILITATOR, LEAD, start
from tests.scheduling.conftest import FakeClock

DISCLOSURE = "my step dad hits me when mum is out and i dont want to go home"


async def _hold(channel: LocalChannel) -> tuple[str, SafeguardingAlert, list[object]]:
    question = await start(channel)
    sent = await channel.answer(BEN, question, DISCLOSURE, quote_ok=True)
    (alert,) = [m for m in sent if isinstance(m, SafeguardingAlert)]
    return question.session_id, alert, sent


async def test_a_disclosure_is_held_from_the_group_and_reaches_the_lead(
    channel: LocalChannel, runtime: Runtime, clock: FakeClock
) -> None:
    session_id, alert, sent = await _hold(channel)
    assert alert.audience is AlertAudience.LEAD
    assert DISCLOSURE in alert.text and "ben-222" in alert.text and alert.writer == "ben-222"
    assert alert.release_action_id and alert.keep_out_action_id
    to_ben = [m.text for m in sent if isinstance(m, PrivateNotice) and m.recipient == BEN]
    assert any("0800 1111" in t and "trusted adult" in t for t in to_ben)
    to_facilitator = [
        m.text for m in sent if isinstance(m, PrivateNotice) and m.recipient == FACILITATOR
    ]
    assert to_facilitator == [
        "One answer was passed privately to the safeguarding lead and hasn't been shown "
        "to the group."
    ]
    # Never shown: not now, not in the next batch, not at the end, not in the digest.
    clock.advance(minutes=5)
    await runtime.jobs.run_due(channel.outbox)
    await channel.command(FACILITATOR, Command.END_SESSION)
    group = [m for m in channel.outbox.sent if isinstance(m, AnswerPost | ChannelNotice)]
    assert not any(DISCLOSURE in m.text for m in group)
    digest = await runtime.engine.digest(session_id)
    assert digest.answer_count == 0


async def test_opinions_about_the_system_are_not_held(channel: LocalChannel) -> None:
    question = await start(channel)
    for text in ("The care system hurts young people.", "Social workers never listen to us."):
        sent = await channel.answer(AMY, question, text)
        assert not any(isinstance(m, SafeguardingAlert) for m in sent)


async def test_the_lead_can_release_a_held_answer_to_the_group_anonymously(
    channel: LocalChannel, runtime: Runtime
) -> None:
    session_id, alert, _ = await _hold(channel)
    refused = await channel.command(AMY, Command.RELEASE, answer="x")
    assert isinstance(refused[0], PrivateNotice) and "Only the safeguarding lead" in refused[0].text
    answer_id = alert.release_action_id.split(":")[2] if alert.release_action_id else ""
    sent = await channel.command(LEAD, Command.RELEASE, answer=answer_id)
    (post,) = [m for m in sent if isinstance(m, AnswerPost)]
    assert post.text == DISCLOSURE and post.alias and "ben-222" not in post.text
    digest = await runtime.engine.digest(session_id)
    assert [a.text for q in digest.questions for a in q.answers] == [DISCLOSURE]


async def test_the_lead_can_keep_an_answer_out_of_every_digest(
    channel: LocalChannel, runtime: Runtime
) -> None:
    question = await start(channel)
    await channel.answer(AMY, question, "a shown answer", quote_ok=True)
    await channel.command(FACILITATOR, Command.NEXT_QUESTION)  # reveals it
    shown = channel.outbox.of_type(AnswerPost)[-1]
    assert shown.text == "a shown answer"
    reported = await channel.report(BEN, shown)
    assert any(isinstance(m, SafeguardingAlert) for m in reported)
    assert any(isinstance(m, PrivateNotice) and "Nobody else knows" in m.text for m in reported)
    sent = await channel.command(LEAD, Command.KEEP_OUT, answer=shown.answer_id)
    assert isinstance(sent[0], PrivateNotice) and "kept out" in sent[0].text
    digest = await runtime.engine.digest(question.session_id)
    assert digest.answer_count == 0


async def test_seeing_who_wrote_needs_the_lead_a_reason_and_is_audited(
    channel: LocalChannel, runtime: Runtime
) -> None:
    _, alert, _ = await _hold(channel)
    answer_id = alert.release_action_id.split(":")[2] if alert.release_action_id else ""
    refused = await channel.command(
        FACILITATOR, Command.WHO_WROTE, answer=answer_id, reason="x" * 20
    )
    assert "Only the safeguarding lead" in refused[0].text  # type: ignore[union-attr]
    no_reason = await channel.command(LEAD, Command.WHO_WROTE, answer=answer_id, reason="")
    assert "reason" in no_reason[0].text  # type: ignore[union-attr]
    reason = "Need to contact them today about their safety at home"
    sent = await channel.command(LEAD, Command.WHO_WROTE, answer=answer_id, reason=reason)
    assert isinstance(sent[0], PrivateNotice) and "local user ben-222" in sent[0].text
    entries = await runtime.store.audit_entries()
    looks = [e for e in entries if e.action == "identity-revealed"]
    assert [(e.actor, e.subject, e.detail) for e in looks] == [("local:lead-88", answer_id, reason)]
    assert not any(DISCLOSURE in e.detail or DISCLOSURE in e.subject for e in entries)


async def test_an_unacknowledged_alert_goes_to_the_deputy_once(
    channel: LocalChannel, runtime: Runtime, clock: FakeClock
) -> None:
    await _hold(channel)
    clock.advance(minutes=14)
    await runtime.jobs.run_due(channel.outbox)
    assert not [a for a in channel.outbox.of_type(SafeguardingAlert) if a.audience == "deputy"]
    clock.advance(minutes=2)
    await runtime.jobs.run_due(channel.outbox)
    clock.advance(minutes=30)
    await runtime.jobs.run_due(channel.outbox)
    deputy = [a for a in channel.outbox.of_type(SafeguardingAlert) if a.audience == "deputy"]
    assert len(deputy) == 1 and "not been picked up for 15 minutes" in deputy[0].text
    # The whole alert (issue 11): the deputy can act without finding the lead's copy.
    assert DISCLOSURE in deputy[0].text and "local user ben-222" in deputy[0].text
    assert deputy[0].writer == "ben-222" and deputy[0].release_action_id


async def test_an_acknowledged_alert_is_not_escalated(
    channel: LocalChannel, runtime: Runtime, clock: FakeClock
) -> None:
    _, alert, _ = await _hold(channel)
    refused = await channel.acknowledge(AMY, alert)
    assert "Only the safeguarding lead" in refused[0].text  # type: ignore[union-attr]
    acked = await channel.acknowledge(LEAD, alert)
    assert "picked this up" in acked[0].text  # type: ignore[union-attr]
    clock.advance(minutes=20)
    await runtime.jobs.run_due(channel.outbox)
    assert not [a for a in channel.outbox.of_type(SafeguardingAlert) if a.audience == "deputy"]


async def test_worried_reaches_the_lead_privately_and_help_lists_support(
    channel: LocalChannel,
) -> None:
    sent = await channel.command(AMY, Command.WORRIED, message="can someone call me")
    (alert,) = [m for m in sent if isinstance(m, SafeguardingAlert)]
    assert "amy-111" in alert.text and "can someone call me" in alert.text
    reply = [m for m in sent if isinstance(m, PrivateNotice)]
    assert reply[0].recipient == AMY and "trusted adult" in reply[0].text
    helped = await channel.command(AMY, Command.HELP)
    assert isinstance(helped[0], PrivateNotice) and "0800 1111" in helped[0].text
    assert not channel.outbox.of_type(ChannelNotice)  # nothing reached the group


async def test_the_writer_is_stored_only_encrypted(
    channel: LocalChannel, settings: Settings
) -> None:
    await _hold(channel)
    dump = "\n".join(sqlite3.connect(settings.database_path).iterdump())
    assert "ben-222" not in dump  # in the alert sent to the lead, never in the store


async def test_the_deputy_can_act_on_a_held_answer(
    channel: LocalChannel, runtime: Runtime, clock: FakeClock
) -> None:
    _, alert, _ = await _hold(channel)
    clock.advance(minutes=16)
    await runtime.jobs.run_due(channel.outbox)
    (deputy,) = [a for a in channel.outbox.of_type(SafeguardingAlert) if a.audience == "deputy"]
    assert deputy.release_action_id == alert.release_action_id
    assert deputy.keep_out_action_id == alert.keep_out_action_id


async def test_a_withdrawal_does_not_make_a_safeguarding_alert_disappear(
    channel: LocalChannel, runtime: Runtime, clock: FakeClock
) -> None:
    _, alert, _ = await _hold(channel)
    await channel.command(BEN, Command.WITHDRAW)
    stored = await runtime.store.alert(alert.alert_id)
    assert stored is not None and stored.answer_id is None
    clock.advance(minutes=16)
    await runtime.jobs.run_due(channel.outbox)
    (deputy,) = [a for a in channel.outbox.of_type(SafeguardingAlert) if a.audience == "deputy"]
    # The whole alert, though the answer and who wrote it were taken back from the store.
    assert DISCLOSURE in deputy.text and "local user ben-222" in deputy.text
    assert deputy.writer == "ben-222"
    assert "no longer" not in deputy.text


class AlertsRefused(LocalOutbox):
    """The local platform while it is down for safeguarding alerts: every one is refused."""

    async def send(self, message: Outbound) -> str | None:
        if isinstance(message, SafeguardingAlert):
            raise DeliveryFailed("the platform is down", transient=True)
        return await super().send(message)


async def test_an_alert_not_yet_delivered_keeps_the_words_and_writer_after_a_withdrawal(
    channel: LocalChannel, runtime: Runtime, clock: FakeClock
) -> None:
    working = channel.outbox
    channel.outbox = AlertsRefused()
    question = await start(channel)
    sent = await channel.answer(BEN, question, DISCLOSURE)
    assert any(isinstance(m, SafeguardingAlert) for m in sent)  # tried, refused
    assert not working.of_type(SafeguardingAlert)
    await channel.command(BEN, Command.WITHDRAW)  # the answer and who wrote it are deleted
    clock.advance(minutes=1)  # the platform is back: the outbox's next round delivers it
    await runtime.jobs.run_due(working)
    (lead,) = [a for a in working.of_type(SafeguardingAlert) if a.audience == "lead"]
    assert DISCLOSURE in lead.text and "local user ben-222" in lead.text
    assert lead.writer == "ben-222" and "no longer" not in lead.text
    clock.advance(minutes=16)  # nobody picked it up: the deputy gets it whole
    await runtime.jobs.run_due(working)
    (deputy,) = [a for a in working.of_type(SafeguardingAlert) if a.audience == "deputy"]
    assert DISCLOSURE in deputy.text and "local user ben-222" in deputy.text
    assert deputy.writer == "ben-222" and "no longer" not in deputy.text


async def test_a_reported_answer_keeps_its_words_for_the_deputy_after_a_withdrawal(
    channel: LocalChannel, runtime: Runtime, clock: FakeClock
) -> None:
    question = await start(channel)
    await channel.answer(AMY, question, "an answer someone reports", quote_ok=True)
    await channel.command(FACILITATOR, Command.NEXT_QUESTION)  # reveals it
    shown = channel.outbox.of_type(AnswerPost)[-1]
    await channel.report(BEN, shown)
    await channel.command(AMY, Command.WITHDRAW)  # the writer takes it back
    clock.advance(minutes=16)
    await runtime.jobs.run_due(channel.outbox)
    (deputy,) = [a for a in channel.outbox.of_type(SafeguardingAlert) if a.audience == "deputy"]
    assert "an answer someone reports" in deputy.text and "no longer" not in deputy.text
    assert deputy.writer is None  # a report names nobody
