"""Who wrote an answer, kept encrypted (Fernet: AES-128-CBC with HMAC-SHA256) under
``CONSULTBOT_SAFEGUARDING_KEY``, apart from the answers. Only the safeguarding lead's
``/who-wrote`` decrypts it, with a stated reason that goes in the audit log. The same key
seals what an alert must keep until it is delivered and has no other home (``seal_text``:
the words of /worried, for example), so no such words are stored in plain text."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken

from bot.core.errors import ConfigError

_SEPARATOR = "\x1f"


@dataclass(frozen=True, slots=True)
class Identity:
    platform: str
    user_id: str


class IdentityVault:
    def __init__(self, key: bytes, *, key_name: str = "CONSULTBOT_SAFEGUARDING_KEY") -> None:
        try:
            self._fernet = Fernet(key)
        except ValueError:
            raise ConfigError(
                key_name,
                "must be a Fernet key; make one with `python -c 'from cryptography.fernet "
                "import Fernet; print(Fernet.generate_key().decode())'`",
            ) from None

    def seal(self, platform: str, user_id: str) -> bytes:
        return self._fernet.encrypt(f"{platform}{_SEPARATOR}{user_id}".encode())

    def open(self, token: bytes) -> Identity | None:
        """The identity, or ``None`` if it was sealed with another key."""
        try:
            platform, _, user_id = self._fernet.decrypt(token).decode().partition(_SEPARATOR)
        except InvalidToken:
            return None
        return Identity(platform, user_id)

    def seal_text(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode("utf-8", "surrogatepass"))

    def open_text(self, token: bytes) -> str | None:
        """The text, or ``None`` if it was sealed with another key."""
        try:
            return self._fernet.decrypt(token).decode("utf-8", "replace")
        except InvalidToken:
            return None
