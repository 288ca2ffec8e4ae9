"""``consultbot actions add|list|update``: an update from the command line is saved, and the
running bot posts its card to the group's channel (a job); bad input is one line, exit 2,
nothing saved."""

from __future__ import annotations

import asyncio

import pytest

from adapters.local.adapter import LocalOutbox
from bot.app import open_runtime
from bot.cli import main
from bot.config import Settings
from bot.core.outbound import ChannelNotice
from bot.core.records import JobKind
from tests.core.conftest import cli_env, session_with_answers  # noqa: F401  (a fixture)
from tests.scheduling.conftest import RecordingWaker


def _one_line_exit_2(code: int, err: str) -> str:
    assert code == 2, err
    (line,) = err.strip().splitlines()
    assert line.startswith("consultbot: ") and "Traceback" not in err
    return line


async def _post_queued_cards(settings: Settings) -> list[ChannelNotice]:
    async with open_runtime(settings, waker=RecordingWaker()) as runtime:
        outbox = LocalOutbox()
        outcomes = await runtime.jobs.run_due(outbox)
        assert JobKind.FEEDBACK_CARD in {o.kind for o in outcomes}
        return outbox.of_type(ChannelNotice)


def test_add_list_update_and_the_bot_posts_the_card(
    cli_env: Settings,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    session_id = asyncio.run(session_with_answers(cli_env, ("amy", "I moved school twice")))
    code = main(
        ["actions", "add", "--sessions", session_id, "--theme", "education",
         "--heard", "Moving school makes it hard to keep friends"]
    )  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "School, college and education (heard)" in out
    action_id = out.split()[1].rstrip(":")

    code = main(
        ["actions", "update", action_id, "--taken-to", "the head teachers' meeting, 4 Feb",
         "--decision", "changed", "--because", "every school will keep a place for you"]
    )  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert f"Saved update 2 of action {action_id}." in out
    assert "**We took it to:** the head teachers' meeting, 4 Feb." in out

    (card,) = asyncio.run(_post_queued_cards(cli_env))
    assert card.channel_id == "local-channel"
    assert "**You said:** Moving school makes it hard to keep friends." in card.text
    assert "**What happened:** Things are changing because of what you said." in card.text

    assert main(["actions", "list", "--sessions", session_id]) == 0
    listed = capsys.readouterr().out
    assert f"{action_id}  School, college and education" in listed
    assert "1. " in listed and "by cli: waiting" in listed
    assert "2. " in listed and "by cli: changed; taken to the head teachers' meeting" in listed


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["add", "--sessions", "{session}", "--theme", "pizza"], "There's no theme 'pizza'."),
        (["add", "--sessions", "Hull", "--theme", "education"], "No session called 'Hull'."),
        (["update", "nope", "--decision", "changed"], "There's no action 'nope'."),
        (["update", "{action}", "--decision", "maybe"], "decision 'maybe' is not one I know"),
        (["update", "{action}"], "Please say what happened"),
        (["update", "{action}", "--follow-up", "31/01/2027"], "is not a date: use YYYY-MM-DD"),
        # $'\xff\xfe' from the shell: bytes that are not UTF-8 arrive as lone surrogates
        (["update", "\udcff\udcfe", "--decision", "changed"], "ACTION holds bytes that are not"),
        (["update", "{action}", "--because", "ok\udcff"], "--because holds bytes that are not"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_saved(
    cli_env: Settings,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    expected: str,
) -> None:
    session_id = asyncio.run(session_with_answers(cli_env, ("amy", "school")))
    assert main(["actions", "add", "--sessions", session_id, "--theme", "education"]) == 0
    action_id = capsys.readouterr().out.split()[1].rstrip(":")
    filled = [a.format(session=session_id, action=action_id) for a in argv]
    line = _one_line_exit_2(main(["actions", *filled]), capsys.readouterr().err)
    assert expected in line
    assert main(["actions", "list"]) == 0
    listed = capsys.readouterr().out
    assert listed.count(f"{action_id}  ") == 1 and "    2. " not in listed
