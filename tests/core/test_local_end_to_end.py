"""A whole consultation through the local adapter, checked in the digest it produces."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

from adapters.local.adapter import LocalChannel
from bot.config import Settings
from bot.core.events import Command, Role
from bot.core.outbound import (
    AnswerPost,
    ConsentRequest,
    FileDelivery,
    PrivateNotice,
    QuestionPost,
)
from bot.engine import Engine

USER_IDS = ["user-id-918273645", "user-id-564738291", "user-id-102938475"]
ANSWERS = {
    1: [
        "Honestly I felt angry, it doesn't say anything about leaving care at 18",
        "It made me think about my brother and sister who I never see",
        "I was relieved someone is finally listening",
    ],
    4: [
        "Moving homes 9 times and nobody asked me what I wanted",
        "When adults call my family time 'contact' like its a business meeting",
        '=HYPERLINK("http://evil") <script>alert(1)</script> @everyone',
    ],
}


async def test_whole_session_digest_has_answers_aliases_tags_and_counts_and_no_ids(
    engine: Engine, settings: Settings
) -> None:
    channel = LocalChannel(engine)
    # A facilitator who is staff too, so /digest is theirs as well.
    facilitator = channel.person("facilitator-id-55555", Role.FACILITATOR, Role.STAFF)
    people = [channel.person(uid) for uid in USER_IDS]

    await channel.command(facilitator, Command.START_SESSION, **{"question-set": "case-for-change"})
    posts: dict[str, AnswerPost] = {}
    for number in range(1, 7):
        question = channel.outbox.of_type(QuestionPost)[-1]
        assert question.number == number
        for person, text in zip(people, ANSWERS.get(number, []), strict=False):
            post = (await channel.answer(person, question, text, quote_ok=True))[0]
            assert isinstance(post, AnswerPost)
            posts[text] = post
        if number < 6:
            await channel.command(facilitator, Command.NEXT_QUESTION)

    leaving = posts[ANSWERS[1][0]]
    moving = posts[ANSWERS[4][0]]
    # Two "me too" buttons and one native 💡 on the leaving-care answer; one toggled off again.
    await channel.press(people[1], leaving.reactions[0])
    await channel.press(people[2], leaving.reactions[0])
    ref = next(r for r, m in channel.outbox.refs.items() if m == leaving)
    await channel.native_reaction(people[1], ref, "💡")
    await channel.press(people[0], moving.reactions[0])
    await channel.press(people[0], moving.reactions[0])  # changed their mind
    await channel.press(people[2], moving.reactions[1])

    await channel.command(facilitator, Command.END_SESSION)
    # What the scheduler's job sends staff when the end-of-session check closes.
    (delivery,) = await engine.staff_digest(question.session_id)
    assert isinstance(delivery, FileDelivery)
    # The facilitator fetches it too (/digest): audited with who asked (the automatic one
    # is the scheduler's).
    await channel.command(facilitator, Command.DIGEST, session=question.session_id, format="md")
    files = {f.name.rsplit(".", 1)[1]: f.content for f in delivery.files}

    digest = json.loads(files["json"])
    q1 = digest["questions"][0]
    assert q1["answers"][0]["text"] == ANSWERS[1][0]  # most agreed first
    first = q1["answers"][0]
    assert first["alias"] == leaving.alias
    assert {r["emoji"]: r["count"] for r in first["reactions"]} == {
        "👍": 2,
        "💡": 1,
        "❤️": 0,
        "🔀": 0,
    }
    assert "leaving-care" in first["themes"]
    q4 = {a["text"]: a for a in digest["questions"][3]["answers"]}
    moving_counts = {r["emoji"]: r["count"] for r in q4[ANSWERS[4][0]]["reactions"]}
    assert moving_counts == {"👍": 0, "😤": 1, "❤️": 0, "🔀": 0}
    assert "stability-moves" in q4[ANSWERS[4][0]]["themes"]
    assert "siblings-family" in {t for a in q1["answers"] for t in a["themes"]}
    aliases = {a["alias"] for q in digest["questions"] for a in q["answers"]}
    assert len(aliases) == 3

    # The CSV keeps the hostile answer's exact text but defuses the formula.
    rows = list(csv.DictReader(io.StringIO(files["csv"].decode("utf-8-sig"))))
    hostile = next(r for r in rows if "HYPERLINK" in r["comment-body"])
    assert hostile["comment-body"].startswith("'=")
    assert b"<script>" not in files["html"]

    # Anonymity: no young person's platform id anywhere in any export or in the database
    # (who wrote what is kept only encrypted); a staff member's id only in the audit log.
    everything = b"".join(files.values())
    db_dump = "\n".join(sqlite3.connect(settings.database_path).iterdump()).encode()
    for secret in USER_IDS:
        assert secret.encode() not in everything
        assert secret.encode() not in db_dump
    assert b"facilitator-id-55555" not in everything
    audit_lines = [line for line in db_dump.splitlines() if b"facilitator-id-55555" in line]
    assert audit_lines and all(b'INSERT INTO "audit_log"' in line for line in audit_lines)
    with sqlite3.connect(settings.database_path) as db:  # the answer itself is stored, once
        stored = db.execute("SELECT COUNT(*) FROM answers WHERE text = ?", (ANSWERS[4][1],))
        assert stored.fetchone()[0] == 1


async def test_replies_go_back_to_whoever_acted_and_the_form_takes_the_thanks_place(
    engine: Engine,
) -> None:
    channel = LocalChannel(engine)
    facilitator = channel.person("facilitator-id-55555", Role.FACILITATOR)
    writer = channel.person(USER_IDS[0])
    await channel.command(facilitator, Command.START_SESSION, **{"question-set": "check-in"})
    (started,) = channel.outbox.replies
    assert isinstance(started, PrivateNotice) and started.recipient == facilitator
    question = channel.outbox.of_type(QuestionPost)[-1]

    sent = await channel.answer(writer, question, "my dad hits me and i'm scared to go home")

    note, *held = channel.outbox.replies[1:]
    assert isinstance(note, ConsentRequest) and note.recipient == writer  # before the form
    # The answer form opened after "I understand", so the engine's thanks was not sent.
    assert not any("You can answer and react now" in getattr(m, "text", "") for m in held)
    (kind,) = held
    assert isinstance(kind, PrivateNotice) and kind.recipient == writer
    assert "0800 1111" in kind.text
    # Everything for anyone else went through the outbox, not back to the writer.
    to_facilitator = [m for m in sent if isinstance(m, PrivateNotice) and m.recipient != writer]
    assert to_facilitator and not any(m in channel.outbox.replies for m in to_facilitator)
    assert all(m in channel.outbox.sent for m in sent)
    assert channel.outbox.of_type(AnswerPost) == []  # held: nothing for the group
