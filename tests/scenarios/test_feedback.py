"""Going back to the group, on every adapter: the intro says who will hear it; the anonymous
end-of-session check is posted at the close and counts each person once per question (a
second tap changes it), counts only, in the digest and the report; and the summary staff
drafted, edited and saved is posted to the group by /share-summary, for staff only, and never
over the platform's limit."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.digest.feedback_words import FEWER, STILL_OPEN
from bot.questions.end_check import END_CHECK_QUESTIONS
from bot.summary.check import platform_limit
from tests.scenarios.room import Post, Room
from tests.scenarios.runtime import scenario_settings
from tests.scenarios.steps import answered, digest_json, start

AUDIENCE = "the team writing the Review of Children's Social Care"
NO, NOT_SURE, A_BIT, YES = range(4)


def _end_check(room: Room) -> list[Post]:
    return [post for post in room.group() if post.is_end_check]


def _report_json(files: dict[str, bytes]) -> dict[str, Any]:
    (content,) = [c for name, c in files.items() if name.endswith(".json")]
    data: dict[str, Any] = json.loads(content)
    return data


async def test_the_intro_tells_the_group_who_will_hear_it_and_the_digest_records_it(
    room: Room,
) -> None:
    question = await start(room, "case-for-change")
    (intro,) = [p for p in room.group() if "Our response to the Case for Change" in p.text]
    assert f"Who will hear what you say: {AUDIENCE}." in intro.text
    await answered(room, room.young[0], question, "Nobody asked us before", quote=True)
    await room.command(room.facilitator, "end-session")
    session_id = question.session_id
    await room.command(room.staff, "digest", session=session_id, format="all")
    (files,) = room.files_to(room.staff)
    assert digest_json(files)["audience"] == AUDIENCE
    for name in (f"digest-{session_id}.md", f"digest-{session_id}.csv"):
        assert AUDIENCE in files[name].decode("utf-8-sig"), name


async def test_a_check_in_set_has_no_end_check_and_no_audience(room: Room) -> None:
    await start(room)  # check-in: end_check = false
    intro = room.group()[0]
    assert "Who will hear" not in intro.text
    await room.command(room.facilitator, "end-session")
    assert _end_check(room) == []


async def test_the_end_check_is_posted_at_the_close_and_counts_each_person_once(
    room: Room,
) -> None:
    question = await start(room, "case-for-change")
    for n, who in enumerate(room.young[:3]):
        await answered(room, who, question, f"Answer number {n}")
    assert _end_check(room) == []  # not before the end
    await room.command(room.facilitator, "end-session")

    posted = room.group()
    checks = _end_check(room)
    assert [q in p.text for p, q in zip(checks, END_CHECK_QUESTIONS, strict=True)] == [True] * 4
    ended = next(i for i, p in enumerate(posted) if "That's the end of this session" in p.text)
    assert posted[ended + 1 : ended + 5] == checks  # after the goodbye, before the check-in
    assert "Only the facilitator will see your answer" in posted[ended + 5].text
    safe, said, who_hears, difference = checks

    (thanks,) = await room.tap(room.young[0], safe, safe.face(YES))
    assert "saved without your name" in thanks
    await room.tap(room.young[0], safe, safe.face(YES))  # the same face again
    await room.tap(room.young[0], safe, safe.face(NOT_SURE))  # changed her mind
    await room.tap(room.young[1], safe, safe.face(YES))
    await room.tap(room.young[1], difference, difference.face(NO))
    await room.tap(room.young[2], said, said.face(A_BIT))
    assert room.group() == posted  # nothing new for the group: no counts shown

    session_id = question.session_id
    # While the check is open, no counts at all: a reload between taps would show whose.
    await room.command(room.staff, "digest", session=session_id, format="all")
    (files,) = room.files_to(room.staff)
    check = digest_json(files)["end_check"]
    assert check["still_open"] is True
    assert [q for q in check["questions"]] == [{"text": q} for q in END_CHECK_QUESTIONS]
    assert STILL_OPEN in files[f"digest-{session_id}.md"].decode().replace("\\", "")

    await room.tap(room.young[0], safe, safe.face(YES))  # changed back
    await room.tap(room.young[2], safe, safe.face(YES))
    await room.time_passes(minutes=31)  # the check has closed
    await room.command(room.staff, "digest", session=session_id, format="all")
    (_, files) = room.files_to(room.staff)
    check = digest_json(files)["end_check"]
    assert check["still_open"] is False
    assert [q["text"] for q in check["questions"]] == list(END_CHECK_QUESTIONS)
    assert [(q["counts"], q["answered"]) for q in check["questions"]] == [
        ([FEWER, FEWER, FEWER, 3], 3),  # safe: three yes, each person once (one changed)
        ([FEWER] * 4, FEWER),  # one a bit: under 3 shows as "fewer than 3"
        ([FEWER] * 4, FEWER),  # who will hear it: nobody tapped
        ([FEWER] * 4, FEWER),
    ]
    markdown = files[f"digest-{session_id}.md"].decode()
    assert (
        "Did you feel safe? 😀 yes 3 · 🙂 a bit fewer than 3 · 😐 not sure fewer than 3 · "
        "😞 no fewer than 3 (3 answered)"
    ) in markdown
    for name, content in files.items():
        if name.endswith(".docx"):
            continue  # compressed: its words are the Markdown's (tests/digest/test_word.py)
        for secret in room.identifying():
            assert secret.encode() not in content, (name, secret)
    del who_hears

    await room.command(room.staff, "report", sessions=session_id, format="json")
    (_, _, report_files) = room.files_to(room.staff)
    report = _report_json(report_files)
    assert report["end_check"]["workshops"] == 1
    assert report["end_check"]["questions"][0]["counts"] == [FEWER, FEWER, FEWER, 3]
    assert report["audiences"] == {session_id: AUDIENCE}


async def test_someone_who_never_agreed_to_the_privacy_note_sees_it_first(room: Room) -> None:
    question = await start(room, "case-for-change")
    await answered(room, room.young[0], question, "Something to say")
    await room.command(room.facilitator, "end-session")
    safe = _end_check(room)[0]
    told = await room.tap(room.young[3], safe, safe.face(YES))
    assert any("Before you answer" in t for t in told), told
    await room.time_passes(minutes=31)
    await room.command(room.staff, "digest", session=question.session_id, format="json")
    (files,) = room.files_to(room.staff)
    assert digest_json(files)["end_check"]["questions"][0]["answered"] == FEWER  # nobody


async def _cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    """``consultbot …`` against the room's database, as staff would run it beside the bot."""
    (database,) = await asyncio.to_thread(lambda: list(tmp_path.glob("*.db")))
    settings = scenario_settings(tmp_path, reveal_seconds=0)
    monkeypatch.setenv("CONSULTBOT_DATABASE", str(database))
    monkeypatch.setenv("CONSULTBOT_PROMPTS_DIR", str(settings.prompts_dir))
    monkeypatch.setenv("CONSULTBOT_IDENTITY_KEY", settings.identity_key.decode())
    monkeypatch.setenv("CONSULTBOT_SAFEGUARDING_KEY", settings.safeguarding_key.decode())
    return await asyncio.to_thread(main, list(argv))


async def test_a_summary_drafted_edited_saved_and_shared_reaches_the_group(
    room: Room, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = await start(room, "case-for-change")
    await answered(room, room.young[0], question, "Moving homes all the time is hard")
    await room.command(room.facilitator, "end-session")
    session_id = question.session_id
    draft = tmp_path / "summary.txt"

    assert await _cli(tmp_path, monkeypatch, "summary", "draft", "--session", session_id,
                      "-o", str(draft)) == 0  # fmt: skip
    text = draft.read_text()
    assert "Moving homes all the time" not in text  # counts and themes, never their words
    edited = text.replace("We will read every answer.", "We read every answer on Monday.")
    assert edited != text
    draft.write_text(edited)
    assert await _cli(tmp_path, monkeypatch, "summary", "save", str(draft),
                      "--session", session_id) == 0  # fmt: skip

    before = room.group()
    (refused,) = await room.command(room.young[1], "share-summary", session=session_id)
    assert refused == "Only staff and facilitators can share a summary. Nothing was posted."
    assert room.group() == before
    (done,) = await room.command(room.staff, "share-summary", session=session_id)
    assert "Posted the summary" in done
    (shared,) = room.group()[len(before) :]
    assert "We read every answer on Monday." in shared.text
    assert "What you told us" in shared.text and AUDIENCE[1:] in shared.text
    assert "#" not in shared.text  # the notes for staff stay in the file


async def test_a_summary_over_the_platforms_limit_is_refused_and_nothing_is_posted(
    room: Room, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = await start(room, "case-for-change")
    await room.command(room.facilitator, "end-session")
    limit = platform_limit(room.platform)
    too_long = tmp_path / "long.txt"
    too_long.write_text("We heard you. " * (limit // 14 + 1))
    code = await _cli(tmp_path, monkeypatch, "summary", "save", str(too_long),
                      "--session", question.session_id)  # fmt: skip
    assert code == 2  # refused: nothing saved
    before = room.group()
    (refused,) = await room.command(room.staff, "share-summary", session=question.session_id)
    assert "no saved summary" in refused
    assert room.group() == before


async def test_with_an_end_check_staff_get_the_digest_when_it_closes_with_the_counts(
    room: Room,
) -> None:
    question = await start(room, "case-for-change")
    await answered(room, room.young[0], question, "Nobody asked us before")
    told = await room.command(room.facilitator, "end-session")
    assert any("The digest will go to staff in 30 minutes" in t for t in told), told
    assert room.staff_files() == []  # not yet: the check is open
    safe, said, _, _ = _end_check(room)
    await room.tap(room.young[0], safe, safe.face(YES))
    await room.tap(room.young[0], said, said.face(A_BIT))

    await room.time_passes(29)
    assert room.staff_files() == []
    await room.time_passes(2)  # the check has closed
    (files,) = room.staff_files()
    check = digest_json(files)["end_check"]
    # Made after the check closed (not "still open"); in a room this small every count is
    # under 3, so each is shown as "fewer than 3" (the privacy rule for small counts).
    assert check["still_open"] is False
    counts = [q["counts"] for q in check["questions"]]
    assert counts == [[FEWER] * 4] * 4
    await room.time_passes(60)
    assert len(room.staff_files()) == 1  # once


async def test_without_an_end_check_staff_get_the_digest_at_the_close(room: Room) -> None:
    question = await start(room)  # check-in: end_check = false
    await answered(room, room.young[0], question, "Fine thanks")
    told = await room.command(room.facilitator, "end-session")
    assert not any("The digest will go to staff" in t for t in told), told
    (files,) = room.staff_files()
    assert digest_json(files)["end_check"] is None
