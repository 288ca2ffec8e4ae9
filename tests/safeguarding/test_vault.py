"""The identity vault: a bad key is refused at once, as Fernet would refuse it, though the
cryptography library itself is loaded only at the first seal or open."""

from __future__ import annotations

import base64
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from bot.core.errors import ConfigError
from bot.safeguarding.vault import IdentityVault, is_fernet_key

GOOD = Fernet.generate_key()
KEYS = [
    GOOD,
    GOOD.decode(),  # text, as Fernet also takes
    base64.urlsafe_b64encode(b"x" * 31),  # too short
    base64.urlsafe_b64encode(b"x" * 33),  # too long
    base64.b64encode(b"\xfb" * 32),  # standard base64: "+" and "/", not URL-safe
    GOOD.rstrip(b"="),  # padding missing
    b"not a key at all",
    b"",
    "clé",  # not ASCII
]


def fernet_takes(key: bytes | str) -> bool:
    try:
        Fernet(key)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("key", KEYS)
def test_the_key_check_agrees_with_fernet(key: bytes) -> None:
    assert is_fernet_key(key) == fernet_takes(key)


def test_a_bad_key_is_refused_naming_the_setting() -> None:
    with pytest.raises(ConfigError) as raised:
        IdentityVault(b"not a key", key_name="CONSULTBOT_SAFEGUARDING_KEY")
    assert raised.value.key == "CONSULTBOT_SAFEGUARDING_KEY"


def test_sealed_with_one_key_opened_with_it_not_another() -> None:
    vault, other = IdentityVault(GOOD), IdentityVault(Fernet.generate_key())
    token = vault.seal("slack", "U0PERSON01")
    opened = vault.open(token)
    assert opened is not None and opened.user_id == "U0PERSON01"
    assert other.open(token) is None and not other.opens(token)
    assert other.open_text(vault.seal_text("words")) is None
    moved = vault.reseal(token, other)
    assert moved is not None and other.open(moved) == vault.open(token)


def test_cryptography_loads_at_the_first_seal_not_before() -> None:
    probe = (
        "import sys\n"
        "from bot.safeguarding.vault import IdentityVault\n"
        f"vault = IdentityVault({GOOD!r})\n"
        "print('cryptography' in sys.modules)\n"
        "vault.seal('slack', 'U0PERSON01')\n"
        "print('cryptography' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == ["False", "True"]
