"""Mistakes in setting up are refused when they are made, in one line naming the fix, not
found out later: no facilitator at all, a channel given by name to `schedule add`."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.cli import main
from bot.config import PROJECT_ROOT, Settings


def _one_line(code: int, err: str) -> str:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("consultbot: "), err
    return lines[0]


def test_slack_without_a_facilitator_does_not_start(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-2-abc")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-2-abc")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")  # nothing there
    monkeypatch.setenv("SLACK_SAFEGUARDING_USER_IDS", "U0LEAD0001")
    for key in ("SLACK_FACILITATOR_USER_IDS", "SLACK_FACILITATOR_GROUP_IDS"):
        monkeypatch.delenv(key, raising=False)
    # A process of its own: a bot that does start would keep trying to connect.
    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", "--platform", "slack"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    line = _one_line(run.returncode, run.stderr)
    assert "SLACK_FACILITATOR_USER_IDS" in line and "SLACK_FACILITATOR_GROUP_IDS" in line
    assert "nobody can start a session" in line


def test_discord_without_a_facilitator_does_not_start(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "a-token")
    monkeypatch.setenv("DISCORD_SAFEGUARDING_USER_IDS", "130000000000000003")
    monkeypatch.delenv("DISCORD_FACILITATOR_ROLE_IDS", raising=False)
    line = _one_line(main(["run", "--platform", "discord"]), capsys.readouterr().err)
    assert "DISCORD_FACILITATOR_ROLE_IDS" in line and "Copy Role ID" in line


@pytest.mark.parametrize(
    ("platform", "channel", "fix"),
    [
        ("discord", "general", "Copy Channel ID"),
        ("discord", "#general", "Copy Channel ID"),
        ("slack", "general", "C0123ABCD"),
        ("slack", "#general", "C0123ABCD"),
        ("slack", "1300000000000000001", "C0123ABCD"),
    ],
)
def test_schedule_add_refuses_a_channel_name(
    platform: str,
    channel: str,
    fix: str,
    cli_env: Settings,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["schedule", "add", "--question-set", "check-in", "--start", "2099-06-01 18:00"]
    code = main([*args, "--platform", platform, "--channel", channel])
    line = _one_line(code, capsys.readouterr().err)
    assert repr(channel) in line and fix in line
    assert main(["schedule", "list"]) == 0
    assert "Nothing is scheduled." in capsys.readouterr().out


def test_schedule_add_takes_a_channel_id(
    cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["schedule", "add", "--question-set", "check-in", "--start", "2099-06-01 18:00"]
    assert main([*args, "--platform", "slack", "--channel", "C0GROUP001"]) == 0
    assert main([*args, "--platform", "discord", "--channel", "1300000000000000001"]) == 0
    assert capsys.readouterr().out.count("Scheduled") == 2
