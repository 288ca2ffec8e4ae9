"""Where the database is, said without the password: for every message that names it.

``CONSULTBOT_DATABASE_URL`` is checked for shape by ``bot.config``; here a failure to reach
or use the server becomes one line naming the setting and the host, never the password
(which libpq does not echo, and which is scrubbed from the reason all the same).
"""

from __future__ import annotations

import psycopg
from psycopg.conninfo import conninfo_to_dict

from bot.core.errors import ConfigError, StorageError

SETTING = "CONSULTBOT_DATABASE_URL"


def where(url: str) -> str:
    """``host:port/database`` for messages and logs."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        raise ConfigError(SETTING, "is not a PostgreSQL address") from None
    host = str(params.get("host") or "the local socket")
    port = str(params.get("port") or "5432")
    return f"{host}:{port}/{params.get('dbname') or params.get('user') or ''}"


def reason(url: str, error: Exception) -> str:
    """The useful end of a driver message, on one line, with no password in it."""
    text = " ".join(str(error).split("\n")[0].split())
    for marker in ("failed: ", "error: "):
        if marker in text:
            text = text.rsplit(marker, 1)[1]
    text = text.removeprefix("FATAL: ").strip() or type(error).__name__
    try:
        password = conninfo_to_dict(url).get("password")
    except psycopg.ProgrammingError:
        password = None
    if password:
        text = text.replace(str(password), "***")
    return text


def unreachable(url: str, error: Exception) -> ConfigError:
    return ConfigError(
        SETTING, f"cannot connect to PostgreSQL at {where(url)}: {reason(url, error)}"
    )


def unusable(url: str, error: Exception) -> StorageError:
    return StorageError(f"the PostgreSQL database at {where(url)} failed: {reason(url, error)}")
