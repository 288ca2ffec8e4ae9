"""What ``consultbot run`` imports before it serves: only what the chosen platform and the
enabled features need. Each run is a fresh process (``sys.modules`` of this one holds
everything the other tests imported) that goes through ``bot.cli.main`` as the command does,
up to the moment it would open its port (Slack) or connect (Discord), and reports its
modules. Untimed: speed is for ``make bench``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]

# Stops the run where it would start serving, and prints the modules imported by then.
PROBE = """
import json, sys

class Ready(BaseException):
    pass

async def ready(*args, **kwargs):
    raise Ready

platform = sys.argv[1]
if platform == "slack":
    from aiohttp import web
    web.TCPSite.start = ready
else:
    import discord
    discord.Client.start = ready

import bot.cli

try:
    bot.cli.main(["run", "--platform", platform, "--http", "--port", "1"])
except Ready:
    print(json.dumps(sorted(sys.modules)))
else:
    raise SystemExit("the run stopped before it was ready")
"""

# Never needed to serve: training and name-list tools, documents, the browser workspace.
NEVER = (
    "sklearn", "numpy", "scipy", "wordfreq", "spylls", "faker", "docx", "lxml", "jinja2",
    "playwright", "markdown_it", "yaml", "bot.web", "psycopg", "psycopg_pool",
)  # fmt: skip
# Needed later, if at all: loaded when first used (an email to the lead, a file made).
LATER = (
    "smtplib", "bot.digest.markdown", "bot.digest.html", "bot.report.markdown",
    "bot.report.html", "bot.report.data_export",
)  # fmt: skip


def modules_at_start(platform: str, tmp_path: Path, **env: str) -> set[str]:
    settings = {
        "CONSULTBOT_IDENTITY_KEY": "start-imports-identity-key",
        "CONSULTBOT_SAFEGUARDING_KEY": Fernet.generate_key().decode(),
        "CONSULTBOT_DATABASE": str(tmp_path / "start.db"),
        "CONSULTBOT_CACHE_DIR": str(tmp_path / "cache"),
        "CONSULTBOT_LOG_LEVEL": "WARNING",
        "SLACK_BOT_TOKEN": "xoxb-start",
        "SLACK_SIGNING_SECRET": "start-signing-secret",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
        "SLACK_FACILITATOR_USER_IDS": "U0FACIL001",
        "SLACK_SAFEGUARDING_CHANNEL_ID": "C0SAFE0001",
        "DISCORD_TOKEN": "start-token",
        "DISCORD_FACILITATOR_ROLE_IDS": "100000000000000001",
        "DISCORD_SAFEGUARDING_ROLE_IDS": "100000000000000002",
        "DISCORD_SAFEGUARDING_CHANNEL_ID": "100000000000000003",
        **env,
    }
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CONSULTBOT_", "SLACK_"))}
    clean = {k: v for k, v in clean.items() if not k.startswith("DISCORD_")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, platform],
        env={**clean, **settings},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def imported(modules: set[str], package: str) -> list[str]:
    return sorted(m for m in modules if m == package or m.startswith(f"{package}."))


@pytest.fixture(scope="module")
def slack_run(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    return modules_at_start("slack", tmp_path_factory.mktemp("slack"))


@pytest.fixture(scope="module")
def discord_run(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    return modules_at_start("discord", tmp_path_factory.mktemp("discord"))


def test_a_slack_run_imports_no_discord_and_no_socket_mode(slack_run: set[str]) -> None:
    assert "adapters.slack.adapter" in slack_run, "the probe reached the Slack adapter"
    assert imported(slack_run, "discord") == []
    assert imported(slack_run, "adapters.discord") == []
    assert imported(slack_run, "slack_bolt.adapter.socket_mode") == []
    assert imported(slack_run, "slack_sdk.socket_mode") == []


def test_a_discord_run_imports_no_slack(discord_run: set[str]) -> None:
    assert "adapters.discord.adapter" in discord_run, "the probe reached the Discord adapter"
    assert imported(discord_run, "slack_bolt") == []
    assert imported(discord_run, "slack_sdk") == []
    assert imported(discord_run, "adapters.slack") == []


@pytest.mark.parametrize("platform", ["slack", "discord"])
@pytest.mark.parametrize(
    "packages",
    [NEVER, LATER],
    ids=["no-training-document-or-workspace-code", "email-and-renderers-later"],
)
def test_a_run_leaves_out_what_it_never_needs_or_needs_only_later(
    platform: str, packages: tuple[str, ...], slack_run: set[str], discord_run: set[str]
) -> None:
    modules = slack_run if platform == "slack" else discord_run
    for package in packages:
        assert imported(modules, package) == [], package


def test_cryptography_waits_for_the_first_sealed_identity(slack_run: set[str]) -> None:
    """The keys are checked at start, but the 7 MiB library loads at the first seal."""
    assert imported(slack_run, "cryptography") == []
