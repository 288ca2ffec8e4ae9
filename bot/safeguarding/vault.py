"""Who wrote an answer, kept encrypted (Fernet: AES-128-CBC with HMAC-SHA256) under
``CONSULTBOT_SAFEGUARDING_KEY``, apart from the answers. Only the safeguarding lead's
``/who-wrote`` decrypts it, with a stated reason that goes in the audit log. The same key
seals what an alert must keep until it is delivered and has no other home (``seal_text``:
the words of /worried, for example), so no such words are stored in plain text."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.errors import ConfigError

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

_SEPARATOR = "\x1f"
_KEY_BYTES = 32


@dataclass(frozen=True, slots=True)
class Identity:
    platform: str
    user_id: str


class IdentityVault:
    """Seals and opens with one Fernet key. The key is checked at once (as Fernet checks it:
    32 bytes in URL-safe base64); ``cryptography`` itself is loaded at the first seal or
    open, as it holds about 7 MiB that a process which never seals need not."""

    def __init__(self, key: bytes, *, key_name: str = "CONSULTBOT_SAFEGUARDING_KEY") -> None:
        if not is_fernet_key(key):
            raise ConfigError(
                key_name,
                "must be a Fernet key; make one with `python -c 'from cryptography.fernet "
                "import Fernet; print(Fernet.generate_key().decode())'`",
            )
        self._key = key
        self._made: Fernet | None = None

    def _fernet(self) -> Fernet:
        if self._made is None:
            from cryptography.fernet import Fernet

            self._made = Fernet(self._key)
        return self._made

    def _decrypt(self, token: bytes) -> bytes | None:
        """What ``token`` holds, or ``None`` if this key did not seal it."""
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet().decrypt(token)
        except InvalidToken:
            return None

    def seal(self, platform: str, user_id: str) -> bytes:
        return self._fernet().encrypt(f"{platform}{_SEPARATOR}{user_id}".encode())

    def open(self, token: bytes) -> Identity | None:
        """The identity, or ``None`` if it was sealed with another key."""
        plain = self._decrypt(token)
        if plain is None:
            return None
        platform, _, user_id = plain.decode().partition(_SEPARATOR)
        return Identity(platform, user_id)

    def seal_text(self, text: str) -> bytes:
        return self._fernet().encrypt(text.encode("utf-8", "surrogatepass"))

    def open_text(self, token: bytes) -> str | None:
        """The text, or ``None`` if it was sealed with another key."""
        plain = self._decrypt(token)
        return None if plain is None else plain.decode("utf-8", "replace")

    def reseal(self, token: bytes, new: IdentityVault) -> bytes | None:
        """What ``token`` holds (an identity or a text), sealed again under ``new``'s key, or
        ``None`` if this vault's key can't open it. The bytes are carried over unchanged."""
        plain = self._decrypt(token)
        return None if plain is None else new._fernet().encrypt(plain)

    def opens(self, token: bytes) -> bool:
        return self._decrypt(token) is not None


def is_fernet_key(key: bytes) -> bool:
    """Whether ``Fernet(key)`` would take ``key``: 32 bytes, URL-safe base64 encoded."""
    try:
        return len(base64.urlsafe_b64decode(key)) == _KEY_BYTES
    except (binascii.Error, ValueError):
        return False
