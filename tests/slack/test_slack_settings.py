"""Slack settings from the environment, and the app manifest."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from adapters.slack import adapter
from adapters.slack.manifest import COMMANDS, EVENTS_PATH, manifest
from adapters.slack.manifest import main as manifest_main
from adapters.slack.settings import DEFAULT_API_URL, SlackSettings
from bot.config import PROJECT_ROOT
from bot.core.errors import ConfigError
from bot.core.events import Command

MANIFEST = PROJECT_ROOT / "slack-manifest.yml"
BASE = {
    "SLACK_BOT_TOKEN": "xoxb-1-2-abc",
    "SLACK_SAFEGUARDING_USER_IDS": "U0LEAD",
    "SLACK_FACILITATOR_USER_IDS": "U0FACIL",
}


def test_minimal_settings_use_defaults() -> None:
    settings = SlackSettings.from_env(BASE)
    assert settings.api_url == DEFAULT_API_URL
    assert settings.staff_channel_id is None
    assert settings.safeguarding_user_ids == {"U0LEAD"}
    assert settings.safeguarding_channel_id is None
    assert settings.deputy_user_ids == frozenset() and settings.deputy_channel_id is None
    assert not settings.uses_user_groups
    assert "xoxb" not in repr(settings)


def test_safeguarding_and_deputy_settings_are_parsed() -> None:
    settings = SlackSettings.from_env(
        {
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_FACILITATOR_USER_IDS": "U0FACIL",
            "SLACK_SAFEGUARDING_CHANNEL_ID": "G0SAFE",
            "SLACK_SAFEGUARDING_GROUP_IDS": "S0DSL",
            "SLACK_DEPUTY_USER_IDS": "U0DEP1,W0DEP2",
            "SLACK_DEPUTY_CHANNEL_ID": "C0DEPUTY",
        }
    )
    assert settings.safeguarding_channel_id == "G0SAFE"
    assert settings.safeguarding_user_ids == frozenset()
    assert settings.safeguarding_group_ids == {"S0DSL"}
    assert settings.uses_user_groups
    assert settings.deputy_user_ids == {"U0DEP1", "W0DEP2"}
    assert settings.deputy_channel_id == "C0DEPUTY"


def test_without_a_safeguarding_destination_start_up_fails_naming_both_keys() -> None:
    for env in (
        {"SLACK_BOT_TOKEN": "xoxb-1"},
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SAFEGUARDING_GROUP_IDS": "S0DSL"},
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_DEPUTY_USER_IDS": "U0DEP1"},
    ):
        env = {**env, "SLACK_FACILITATOR_GROUP_IDS": "S0FACIL"}
        with pytest.raises(ConfigError) as caught:
            SlackSettings.from_env(env)
        assert caught.value.key == "SLACK_SAFEGUARDING_CHANNEL_ID"
        assert "SLACK_SAFEGUARDING_USER_IDS" in str(caught.value)


def test_ids_lists_and_api_url_are_parsed() -> None:
    settings = SlackSettings.from_env(
        {
            **BASE,
            "SLACK_API_URL": "http://127.0.0.1:9/api",
            "SLACK_FACILITATOR_USER_IDS": "U0AAA, U0BBB W0CCC",
            "SLACK_STAFF_GROUP_IDS": "S0STAFF",
            "SLACK_STAFF_CHANNEL_ID": "C0STAFF",
        }
    )
    assert settings.api_url == "http://127.0.0.1:9/api/"  # slack_sdk needs the trailing slash
    assert settings.facilitator_user_ids == {"U0AAA", "U0BBB", "W0CCC"}
    assert settings.staff_group_ids == {"S0STAFF"}
    assert settings.uses_user_groups


@pytest.mark.parametrize(
    ("env", "key"),
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN"),
        ({**BASE, "SLACK_APP_TOKEN": "xoxb-wrong"}, "SLACK_APP_TOKEN"),
        ({**BASE, "SLACK_FACILITATOR_USER_IDS": "@alice"}, "SLACK_FACILITATOR_USER_IDS"),
        ({**BASE, "SLACK_STAFF_GROUP_IDS": "U0NOTAGROUP"}, "SLACK_STAFF_GROUP_IDS"),
        ({**BASE, "SLACK_STAFF_CHANNEL_ID": "#staff"}, "SLACK_STAFF_CHANNEL_ID"),
        ({**BASE, "SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"),
        ({**BASE, "SLACK_SAFEGUARDING_USER_IDS": "dsl@example.org"}, "SLACK_SAFEGUARDING_USER_IDS"),
        ({**BASE, "SLACK_SAFEGUARDING_GROUP_IDS": "U0LEAD"}, "SLACK_SAFEGUARDING_GROUP_IDS"),
        ({**BASE, "SLACK_SAFEGUARDING_CHANNEL_ID": "#dsl"}, "SLACK_SAFEGUARDING_CHANNEL_ID"),
        ({**BASE, "SLACK_DEPUTY_USER_IDS": "S0GROUP"}, "SLACK_DEPUTY_USER_IDS"),
        ({**BASE, "SLACK_DEPUTY_CHANNEL_ID": "deputies"}, "SLACK_DEPUTY_CHANNEL_ID"),
    ],
)
def test_bad_settings_name_the_key(env: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        SlackSettings.from_env(env)
    assert caught.value.key == key


def test_each_mode_requires_its_own_secret() -> None:
    settings = SlackSettings.from_env(BASE)
    with pytest.raises(ConfigError) as socket:
        settings.require_mode(http=False)
    assert socket.value.key == "SLACK_APP_TOKEN"
    with pytest.raises(ConfigError) as http:
        settings.require_mode(http=True)
    assert http.value.key == "SLACK_SIGNING_SECRET"
    both = SlackSettings.from_env(
        {**BASE, "SLACK_APP_TOKEN": "xapp-1", "SLACK_SIGNING_SECRET": "s"}
    )
    both.require_mode(http=False)
    both.require_mode(http=True)


# --- the manifest: checked as text, since PyYAML is not a dependency ------------------------


def _manifest() -> str:
    return MANIFEST.read_text(encoding="utf-8")


def _list_under(text: str, key: str) -> list[str]:
    """The ``- item`` lines of the YAML list right under ``key:`` (comments dropped)."""
    match = re.search(rf"^(\s*){re.escape(key)}:\s*\n((?:\1\s+- .*\n)+)", text, re.MULTILINE)
    assert match, f"no list under {key}"
    return [line.split("#")[0].strip()[2:].strip() for line in match.group(2).splitlines()]


def test_manifest_offers_every_core_command_and_nothing_else() -> None:
    commands = re.findall(r"^\s*- command: /cb-(\S+)\s*$", _manifest(), re.MULTILINE)
    assert sorted(commands) == sorted(c.value for c in Command)
    assert all(len("/cb-" + c) <= 32 for c in commands)


def test_manifest_commands_with_options_show_them_in_a_usage_hint() -> None:
    hints = dict(
        re.findall(
            r"^\s*- command: /cb-(\S+)\n(?:\s+description: .*\n)\s+usage_hint: (.+)$",
            _manifest(),
            re.MULTILINE,
        )
    )
    assert "ANSWER" in hints["release"] and "ANSWER" in hints["keep-out"]
    assert "ANSWER reason" in hints["who-wrote"]
    assert "this" in hints["withdraw"] and "SESSION" in hints["withdraw"]
    assert "worried" in hints and "help" not in hints


def test_manifest_asks_for_exactly_the_scopes_and_events_used() -> None:
    text = _manifest()
    assert sorted(_list_under(text, "bot")) == sorted(
        ["commands", "chat:write", "im:write", "files:write", "reactions:read", "usergroups:read"]
    )
    assert _list_under(text, "bot_events") == ["reaction_added", "reaction_removed"]
    assert re.search(r"^  interactivity:\n    is_enabled: true$", text, re.MULTILINE)
    assert re.search(r"^  socket_mode_enabled: true$", text, re.MULTILINE)


def test_manifest_is_plain_yaml_within_slack_limits() -> None:
    text = _manifest()
    assert "\t" not in text
    description = re.search(r"^  description: (.+)$", text, re.MULTILINE)
    assert description and len(description.group(1)) <= 140
    name = re.search(r"^  name: (.+)$", text, re.MULTILINE)
    assert name and len(name.group(1)) <= 35


def test_manifest_parses_as_yaml() -> None:
    import yaml  # a dev dependency

    text = _manifest()
    data = yaml.safe_load(text)
    assert 175 <= len(data["display_information"]["long_description"]) <= 4000


def test_manifest_says_slack_needs_users_aged_16_or_over() -> None:
    assert "16 or over" in _manifest()


def test_docs_page_exists_and_names_the_age_limit() -> None:
    docs = Path(PROJECT_ROOT / "docs" / "slack.md").read_text(encoding="utf-8")
    assert "16 or over" in docs and "Discord" in docs


def test_docs_page_explains_every_setting_and_command() -> None:
    docs = Path(PROJECT_ROOT / "docs" / "slack.md").read_text(encoding="utf-8")
    source = Path(PROJECT_ROOT / "adapters" / "slack" / "settings.py").read_text(encoding="utf-8")
    keys = set(re.findall(r'"(SLACK_[A-Z_]+)"', source))
    assert "SLACK_SAFEGUARDING_CHANNEL_ID" in keys and "SLACK_DEPUTY_USER_IDS" in keys
    assert {key for key in keys if f"`{key}`" not in docs} == set()
    assert {c.value for c in Command if f"`/cb-{c.value}" not in docs} == set()


# --- the manifest made from one place, and the command prefix --------------------------------


def test_the_manifest_file_is_what_the_generator_makes() -> None:
    import yaml  # a dev dependency

    assert yaml.safe_load(_manifest()) == manifest()
    assert set(COMMANDS) == set(Command)
    assert EVENTS_PATH == adapter.EVENTS_PATH


def test_an_http_manifest_is_made_from_a_base_url() -> None:
    import yaml  # a dev dependency

    socket_mode = yaml.safe_load(_manifest())
    http = manifest(base_url="https://bot.example.org/")
    url = "https://bot.example.org/slack/events"
    assert {c["url"] for c in http["features"]["slash_commands"]} == {url}
    assert http["settings"]["event_subscriptions"]["request_url"] == url
    assert http["settings"]["interactivity"] == {"is_enabled": True, "request_url": url}
    assert http["settings"]["socket_mode_enabled"] is False
    # Apart from those, the same manifest as the file.
    for command in http["features"]["slash_commands"]:
        del command["url"]
    del http["settings"]["event_subscriptions"]["request_url"]
    del http["settings"]["interactivity"]["request_url"]
    http["settings"]["socket_mode_enabled"] = True
    assert http == socket_mode
    assert manifest(base_url=url) == manifest(base_url="https://bot.example.org")


def test_the_manifest_command_prints_json_and_refuses_a_plain_http_url(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_COMMAND_PREFIX", "ourgroup-")
    assert manifest_main(["--base-url", "https://bot.example.org"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["features"]["slash_commands"][0]["command"] == "/ourgroup-start-session"
    assert manifest_main(["--prefix", "", "--base-url", "https://b.example"]) == 0
    assert json.loads(capsys.readouterr().out)["features"]["slash_commands"][0]["command"] == (
        "/start-session"
    )
    assert manifest_main(["--base-url", "http://bot.example.org"]) == 2
    assert "https" in capsys.readouterr().err


def test_the_command_prefix_defaults_to_cb_and_is_checked() -> None:
    assert SlackSettings.from_env(BASE).command_prefix == "cb-"
    assert SlackSettings.from_env({**BASE, "SLACK_COMMAND_PREFIX": ""}).command_prefix == ""
    for bad in ("CB-", "/cb-", "a very long prefix-"):
        with pytest.raises(ConfigError) as caught:
            SlackSettings.from_env({**BASE, "SLACK_COMMAND_PREFIX": bad})
        assert caught.value.key == "SLACK_COMMAND_PREFIX"


def test_without_a_facilitator_start_up_fails_naming_both_keys() -> None:
    env = {k: v for k, v in BASE.items() if k != "SLACK_FACILITATOR_USER_IDS"}
    with pytest.raises(ConfigError) as caught:
        SlackSettings.from_env(env)
    assert caught.value.key == "SLACK_FACILITATOR_USER_IDS"
    assert "SLACK_FACILITATOR_GROUP_IDS" in str(caught.value)
    assert SlackSettings.from_env({**env, "SLACK_FACILITATOR_GROUP_IDS": "S0FACIL"})
