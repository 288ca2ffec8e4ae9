"""The summary for the young people: drafted from real digests and a report at a reading age
of 11 or under, with no answer's words and no alias in it; the checks that refuse (and warn)
before it is saved; and the command line's draft → edit → save, with bad input one line and
exit 2, nothing saved."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.local.adapter import LocalChannel
from bot.app import Runtime, open_runtime
from bot.cli import main
from bot.config import DEFAULT_PROMPTS_DIR, Settings
from bot.core.events import Command, Role
from bot.core.outbound import QuestionPost
from bot.core.records import AnswerStatus
from bot.core.store import Store
from bot.language.glossary import load_glossary
from bot.language.readability import TARGET_READING_AGE, reading_age
from bot.report.select import Selection
from bot.summary.check import PLATFORM_LIMITS, PRIVATE_QUOTE, check_summary, quoted_answer
from bot.summary.draft import NO_AUDIENCE, draft_from_digest, draft_from_report, shared_text
from tests.report.workshops import PLANS, run_all

GLOSSARY = load_glossary(DEFAULT_PROMPTS_DIR / "language.toml")


@pytest.fixture
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    async with open_runtime(settings) as opened:
        yield opened


async def _words_of(store: Store, session_id: str) -> list[str]:
    return [a.text for a in await store.answers_with_status(session_id, AnswerStatus.SHOWN)]


async def test_drafts_from_five_workshops_and_their_report_read_at_11_and_quote_no_one(
    runtime: Runtime,
) -> None:
    engine = runtime.engine
    sessions = await run_all(engine)
    for session_id in sessions:
        digest = await engine.digest(session_id)
        draft = draft_from_digest(digest)
        text = shared_text(draft)
        assert reading_age(text) <= TARGET_READING_AGE, (session_id, reading_age(text))
        assert "What you told us" in text and "The biggest themes" in text
        assert "What happens next" in text and "Who will read it" in text
        assert "The team writing the Review of Children's Social Care." in text
        assert digest.themes[0].label in text  # the biggest theme, by name
        words = await _words_of(runtime.store, session_id)
        assert words and quoted_answer(text, words) is None
        aliases = {a.alias for q in digest.questions for a in q.answers}
        assert not any(alias in text for alias in aliases)
        checked = check_summary(text, glossary=GLOSSARY, platform="discord", answers=words)
        assert checked.problems == () and checked.warnings == ()
    report = await engine.reports.report(Selection(names=tuple(p.label for p in PLANS)))
    text = shared_text(draft_from_report(report, [w.audience or "" for w in report.workshops]))
    assert reading_age(text) <= TARGET_READING_AGE, reading_age(text)
    assert "it came up in 5 of 5 groups" in text  # education, raised in every workshop
    assert "43 of you took part, in 5 groups" in text


def test_a_draft_with_no_audience_must_be_filled_in_before_it_can_be_saved() -> None:
    checked = check_summary(f"**Who will read it**\n{NO_AUDIENCE}", glossary=GLOSSARY)
    assert checked.problems == (f"{NO_AUDIENCE} is still to be filled in",)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the summary is empty"),
        ("Thanks @everyone for coming.", "'@everyone' could ping people"),
        ("Thanks <!channel> for coming.", "'<!channel>' could ping people"),
        ("Every LAC young person was heard.", '"LAC": young people asked adults to use'),
    ],
)
def test_what_is_refused(text: str, problem: str) -> None:
    checked = check_summary(text, glossary=GLOSSARY, platform="slack")
    assert any(p.startswith(problem) for p in checked.problems), checked.problems


def test_a_warn_level_word_and_a_hard_text_are_warned_about_not_refused() -> None:
    hard = (
        "Notwithstanding considerable organisational complexity, representatives "
        "systematically deliberated regarding placement opportunities."
    )
    checked = check_summary(hard, glossary=GLOSSARY)
    assert checked.problems == ()
    assert any(
        w.startswith('"placement": young people asked adults to use') for w in checked.warnings
    )
    assert any(w.startswith("reading age") for w in checked.warnings)
    assert checked.reading_age > TARGET_READING_AGE


def test_eight_words_in_a_row_from_an_answer_are_a_quote_and_seven_are_not() -> None:
    answer = "I had four social workers in one year and nobody told me why"
    assert quoted_answer("You said: four social workers in one year and nobody told.", [answer])
    assert quoted_answer("Some had four social workers in one year.", [answer]) is None


@pytest.mark.parametrize("platform", sorted(PLATFORM_LIMITS))
def test_one_character_over_the_platforms_limit_is_refused(platform: str) -> None:
    limit = PLATFORM_LIMITS[platform]
    assert check_summary("a" * limit, glossary=None, platform=platform).problems == ()
    (problem,) = check_summary("a" * (limit + 1), glossary=None, platform=platform).problems
    assert f"takes {limit:,} in one message" in problem


def _use(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSULTBOT_DATABASE", str(settings.database_path))
    monkeypatch.setenv("CONSULTBOT_PROMPTS_DIR", str(settings.prompts_dir))
    monkeypatch.setenv("CONSULTBOT_IDENTITY_KEY", settings.identity_key.decode())
    monkeypatch.setenv("CONSULTBOT_SAFEGUARDING_KEY", settings.safeguarding_key.decode())


def test_the_command_line_drafts_checks_and_saves_and_refuses_bad_input_in_one_line(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import asyncio

    from bot.app import open_engine

    async def workshops() -> list[str]:
        async with open_engine(settings) as engine:
            return await run_all(engine)

    sessions = asyncio.run(workshops())
    _use(settings, monkeypatch)
    draft = tmp_path / "summary.txt"
    assert main(["summary", "draft", "--session", "Hull, 4 Dec", "-o", str(draft)]) == 0
    text = draft.read_text(encoding="utf-8")
    assert text.startswith("# A summary for the young people, drafted from session ")
    assert main(["summary", "check", str(draft), "--platform", "discord"]) == 0
    out = capsys.readouterr().out
    assert f"{draft}: Reading age " in out and "refused" not in out

    draft.write_text(text + "\nThanks @here!\n", encoding="utf-8")
    assert main(["summary", "check", str(draft)]) == 1
    assert main(["summary", "save", str(draft), "--session", sessions[1]]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"consultbot: {draft}: session {sessions[1]}: '@here' could ping people: take it out; "
        "nothing was saved"
    ]
    assert main(["summary", "save", str(draft), "--session", "Nowhere, 1 Jan"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "There's no session 'Nowhere, 1 Jan'. Sessions: " in line and "Hull, 4 Dec" in line
    assert main(["summary", "save", str(tmp_path / "missing.txt"), "--session", "Hull"]) == 2
    assert "missing.txt: can't read it" in capsys.readouterr().err

    draft.write_text(text.replace("We will read every answer.", "We read it all."), "utf-8")
    assert main(["summary", "save", str(draft), "--session", "hull, 4 dec"]) == 0
    assert "Saved for session" in capsys.readouterr().out

    async def saved() -> str | None:
        async with open_runtime(settings) as opened:
            found = await opened.store.group_summary(sessions[1])
            return found.text if found else None

    stored = asyncio.run(saved())
    assert stored is not None and "We read it all." in stored and "#" not in stored


async def test_a_draft_names_the_themes_in_young_peoples_words(runtime: Runtime) -> None:
    engine = runtime.engine
    (session_id, *_) = await run_all(engine)
    digest = await engine.digest(session_id)
    young = engine.young_theme_labels
    text = shared_text(draft_from_digest(digest, young))
    top = digest.themes[0]
    assert young[top.theme_id] in text
    if young[top.theme_id] != top.label:
        assert top.label not in text  # staff's name for it is not what the group reads
    assert young["state-as-parent"] == "How the council looks after you"


def test_a_whole_answer_of_four_words_or_more_is_a_quote_in_any_alphabet() -> None:
    answer = "my foster dad hits me at night"  # 7 words: under eight, but the whole answer
    assert quoted_answer("One of you said: My foster dad hits me at night.", [answer])
    assert quoted_answer("Some of you spoke about night times.", [answer]) is None
    assert quoted_answer("You said it: no more moves", ["no more moves"]) is None  # 3 words
    curly = "I don’t feel safe at my home"  # a curly apostrophe, as phones type it
    assert quoted_answer("Someone said I don't feel safe at my home.", [curly])
    assert quoted_answer("Quelqu'un a dit : ma mère me frappe souvent.", ["Ma mère me frappe"])
    assert quoted_answer("Кто-то сказал: мне страшно идти домой", ["мне страшно идти домой"])


async def test_a_held_or_kept_out_answers_words_are_refused_and_never_repeated(
    runtime: Runtime,
) -> None:
    engine = runtime.engine
    channel = LocalChannel(engine, channel_id="group")
    await channel.command(
        channel.person("fac-1", Role.FACILITATOR),
        Command.START_SESSION,
        **{"question-set": "check-in"},
    )
    question = channel.outbox.of_type(QuestionPost)[-1]
    private = ("nobody at school knows about it", "I never get to see my nan")
    for user, text in zip(("yp-1", "yp-2"), private, strict=True):
        await channel.answer(channel.person(user), question, text, quote_ok=True)
    shown = await runtime.store.answers_with_status(question.session_id, AnswerStatus.SHOWN)
    for answer, status in zip(shown, (AnswerStatus.HELD, AnswerStatus.KEPT_OUT), strict=True):
        assert await runtime.store.set_answer_status(
            answer.id, status, only_from=[AnswerStatus.SHOWN]
        )
    session = await engine.summaries.find_session(question.session_id)
    for text in private:
        checked = await engine.summaries.check(session, f"You told us: {text}.", GLOSSARY)
        assert checked.problems == (PRIVATE_QUOTE,)
        assert text not in PRIVATE_QUOTE
