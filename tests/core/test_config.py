"""Settings: start-up fails fast on bad config, naming the key."""

from __future__ import annotations

import pytest

from bot.config import MAX_ANSWER_CHARS, Settings
from bot.core.errors import ConfigError

KEY = "k" * 32
FERNET = "ZGVtby1vbmx5LWtleS1ub3QtZm9yLXJlYWwtdXNlISE="


def test_defaults_from_a_minimal_environment() -> None:
    settings = Settings.from_env(
        {"CONSULTBOT_IDENTITY_KEY": KEY, "CONSULTBOT_SAFEGUARDING_KEY": FERNET}
    )
    assert settings.max_answer_chars == MAX_ANSWER_CHARS == 2000
    assert settings.identity_key == KEY.encode()


@pytest.mark.parametrize(
    ("env", "key"),
    [
        ({}, "CONSULTBOT_IDENTITY_KEY"),
        ({"CONSULTBOT_IDENTITY_KEY": "short"}, "CONSULTBOT_IDENTITY_KEY"),
        (
            {
                "CONSULTBOT_IDENTITY_KEY": KEY,
                "CONSULTBOT_SAFEGUARDING_KEY": FERNET,
                "CONSULTBOT_MAX_ANSWER_CHARS": "lots",
            },
            "CONSULTBOT_MAX_ANSWER_CHARS",
        ),
        (
            {
                "CONSULTBOT_IDENTITY_KEY": KEY,
                "CONSULTBOT_SAFEGUARDING_KEY": FERNET,
                "CONSULTBOT_MAX_ANSWER_CHARS": "0",
            },
            "CONSULTBOT_MAX_ANSWER_CHARS",
        ),
        (
            {
                "CONSULTBOT_IDENTITY_KEY": KEY,
                "CONSULTBOT_SAFEGUARDING_KEY": FERNET,
                "CONSULTBOT_LOG_LEVEL": "LOUD",
            },
            "CONSULTBOT_LOG_LEVEL",
        ),
    ],
)
def test_bad_settings_name_the_key(env: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(env)
    assert caught.value.key == key
    assert key in str(caught.value)


def test_every_setting_read_is_documented_in_the_example_env() -> None:
    from pathlib import Path

    import bot.config

    source = Path(bot.config.__file__).read_text(encoding="utf-8")
    example = (Path(bot.config.__file__).parents[1] / "config.example.env").read_text(
        encoding="utf-8"
    )
    import re

    for key in set(re.findall(r'"(CONSULTBOT_[A-Z_]+)"', source)):
        assert f"{key}=" in example, key


def test_every_platform_setting_read_is_documented_in_the_example_env() -> None:
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    example = (root / "config.example.env").read_text(encoding="utf-8")
    for settings_file in ("adapters/discord/settings.py", "adapters/slack/settings.py"):
        source = (root / settings_file).read_text(encoding="utf-8")
        keys = set(re.findall(r'"((?:DISCORD|SLACK)_[A-Z_]+)"', source))
        assert keys, settings_file
        for key in keys:
            assert f"\n{key}=" in example, key
