"""Typed core settings, read once at start from the environment (and ``.env``) and passed down.

Our own keys share the prefix ``CONSULTBOT_``; every key is documented in
``config.example.env``. Platform keys live with their adapters' settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv

from bot.core.errors import ConfigError
from bot.core.records import SmtpSettings, SmtpTls

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROMPTS_DIR = PROJECT_ROOT / "prompts"
MAX_ANSWER_CHARS = 2000
# Used only by `consultbot demo` and tests when no key is configured: demo data is made up.
DEMO_IDENTITY_KEY = "demo-only-key-not-for-real-sessions"
# Fernet key for the demo and tests only (the demo's people are made up).
DEMO_SAFEGUARDING_KEY = b"ZGVtby1vbmx5LWtleS1ub3QtZm9yLXJlYWwtdXNlISE="
DEFAULT_TIME_ZONE = "Europe/London"
DEFAULT_REMINDERS = (timedelta(hours=24), timedelta(minutes=15))


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    database_path: Path
    prompts_dir: Path
    identity_key: bytes  # keys the per-session hash of a platform user id
    max_answer_chars: int = MAX_ANSWER_CHARS
    log_level: str = "INFO"
    time_zone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIME_ZONE))
    reminders: tuple[timedelta, ...] = DEFAULT_REMINDERS
    safeguarding_key: bytes = DEMO_SAFEGUARDING_KEY  # encrypts who wrote what (see vault)
    reveal_seconds: int = 60  # answers reach the group in shuffled batches; 0 = at once
    retention_days: int = 30
    escalate_minutes: int = 15
    lead_email: str | None = None
    deputy_email: str | None = None
    smtp: SmtpSettings | None = None
    database_url: str | None = None  # PostgreSQL instead of the SQLite file, when set
    cache_dir: Path | None = None  # built data (the screen's trie) kept between starts
    web: WebSettings = field(default_factory=lambda: WebSettings())

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, *, require_identity_key: bool = True
    ) -> Settings:
        """Build settings from ``env`` (default: ``os.environ`` after loading ``.env``)."""
        if env is None:
            load_dotenv()
            env = os.environ
        key = env.get("CONSULTBOT_IDENTITY_KEY", "")
        if not key:
            if require_identity_key:
                raise ConfigError(
                    "CONSULTBOT_IDENTITY_KEY",
                    "is not set; generate one with "
                    "`python -c 'import secrets; print(secrets.token_hex(32))'`",
                )
            key = DEMO_IDENTITY_KEY
        elif len(key) < 16:
            raise ConfigError("CONSULTBOT_IDENTITY_KEY", "must be at least 16 characters")
        max_chars_raw = env.get("CONSULTBOT_MAX_ANSWER_CHARS", str(MAX_ANSWER_CHARS))
        try:
            max_chars = int(max_chars_raw)
        except ValueError:
            raise ConfigError(
                "CONSULTBOT_MAX_ANSWER_CHARS", f"must be a whole number, not {max_chars_raw!r}"
            ) from None
        if not 1 <= max_chars <= 4000:
            raise ConfigError("CONSULTBOT_MAX_ANSWER_CHARS", "must be between 1 and 4000")
        level = env.get("CONSULTBOT_LOG_LEVEL", "INFO").upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ConfigError("CONSULTBOT_LOG_LEVEL", "must be DEBUG, INFO, WARNING or ERROR")
        zone_name = env.get("CONSULTBOT_TIMEZONE", DEFAULT_TIME_ZONE)
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                "CONSULTBOT_TIMEZONE", f"{zone_name!r} is not a time zone (try Europe/London)"
            ) from None
        try:
            reminders = parse_reminders(env.get("CONSULTBOT_REMINDERS", "24h,15m"))
        except ValueError as exc:
            raise ConfigError("CONSULTBOT_REMINDERS", str(exc)) from None
        safeguarding_key = env.get("CONSULTBOT_SAFEGUARDING_KEY", "").strip()
        if not safeguarding_key and require_identity_key:
            raise ConfigError(
                "CONSULTBOT_SAFEGUARDING_KEY",
                "is not set; make one with `python -c 'from cryptography.fernet import "
                "Fernet; print(Fernet.generate_key().decode())'`",
            )
        return cls(
            time_zone=zone,
            reminders=reminders,
            safeguarding_key=safeguarding_key.encode() or DEMO_SAFEGUARDING_KEY,
            reveal_seconds=_whole(env, "CONSULTBOT_REVEAL_SECONDS", 60, 0, 3600),
            retention_days=_whole(env, "CONSULTBOT_RETENTION_DAYS", 30, 1, 3650),
            escalate_minutes=_whole(env, "CONSULTBOT_ESCALATE_MINUTES", 15, 1, 24 * 60),
            lead_email=env.get("CONSULTBOT_LEAD_EMAIL", "").strip() or None,
            deputy_email=env.get("CONSULTBOT_DEPUTY_EMAIL", "").strip() or None,
            smtp=_smtp(env),
            database_path=Path(env.get("CONSULTBOT_DATABASE", "consultbot.db")),
            database_url=database_url(env.get("CONSULTBOT_DATABASE_URL", "")),
            prompts_dir=Path(env.get("CONSULTBOT_PROMPTS_DIR", str(DEFAULT_PROMPTS_DIR))),
            cache_dir=_cache_dir(env),
            identity_key=key.encode(),
            max_answer_chars=max_chars,
            log_level=level,
            web=web_settings(env),
        )


def _cache_dir(env: Mapping[str, str]) -> Path | None:
    """``CONSULTBOT_CACHE_DIR``; unset: the user's cache folder; ``off``: no cache."""
    raw = env.get("CONSULTBOT_CACHE_DIR", "").strip()
    if raw.lower() == "off":
        return None
    if raw:
        return Path(raw)
    base = env.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "consultbot"


DEFAULT_WEB_PORT = 8080


@dataclass(frozen=True, slots=True, kw_only=True)
class WebSettings:
    """The staff workspace in the browser (docs/workspace.md). ``port`` is ``None`` when
    ``consultbot run`` should not serve it; ``public_url`` is where staff open it (sign-in
    links start with it), ``https://`` behind a TLS reverse proxy."""

    port: int | None = None
    host: str = "127.0.0.1"
    public_url: str = ""

    @property
    def secure(self) -> bool:
        """Cookies only over TLS: the public address is https."""
        return self.public_url.startswith("https://")

    def base_url(self, port: int = DEFAULT_WEB_PORT) -> str:
        return self.public_url or f"http://{self.host}:{self.port or port}"


def web_settings(env: Mapping[str, str]) -> WebSettings:
    port_raw = env.get("CONSULTBOT_WEB_PORT", "").strip()
    port = _whole(env, "CONSULTBOT_WEB_PORT", 0, 1, 65535) if port_raw else None
    host = env.get("CONSULTBOT_WEB_HOST", "").strip() or "127.0.0.1"
    public = env.get("CONSULTBOT_WEB_PUBLIC_URL", "").strip().rstrip("/")
    if public:
        parts = urlsplit(public)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ConfigError(
                "CONSULTBOT_WEB_PUBLIC_URL", "must be an address like https://workspace.example.org"
            )
        if parts.query or parts.fragment:
            raise ConfigError("CONSULTBOT_WEB_PUBLIC_URL", "must have no ?query or #fragment")
    return WebSettings(port=port, host=host, public_url=public)


def database_url(raw: str) -> str | None:
    """A ``postgresql://`` address, checked for shape; errors name the host, never the
    password. Empty means SQLite. Whether the server answers is checked when it is opened."""
    url = raw.strip()
    if not url:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # "[::1/x": a square bracket left open
        typed = url.partition("://")[2].rpartition("@")[2].split("/", 1)[0]
        raise ConfigError(
            "CONSULTBOT_DATABASE_URL",
            f"has a host that is not an address (host {typed}): "
            "an IPv6 host goes in square brackets, as in [::1]",
        ) from None
    where = f" (host {host})" if host else ""
    if parts.scheme not in {"postgresql", "postgres"}:
        problem = "must start with postgresql:// (leave it empty to use SQLite)"
        raise ConfigError("CONSULTBOT_DATABASE_URL", problem + where)
    try:
        parts.port  # noqa: B018 (raises on a port that is not a number from 0 to 65535)
    except ValueError:
        problem = f"has a port that is not a number{where}"
        raise ConfigError("CONSULTBOT_DATABASE_URL", problem) from None
    if not parts.path.strip("/"):
        raise ConfigError(
            "CONSULTBOT_DATABASE_URL", f"must name the database, as in …/consultbot{where}"
        )
    return url


def _whole(env: Mapping[str, str], key: str, default: int, low: int, high: int) -> int:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(key, f"must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(key, f"must be between {low} and {high}")
    return value


def _smtp(env: Mapping[str, str]) -> SmtpSettings | None:
    host = env.get("CONSULTBOT_SMTP_HOST", "").strip()
    if not host:
        return None
    sender = env.get("CONSULTBOT_SMTP_FROM", "").strip()
    if not sender:
        raise ConfigError("CONSULTBOT_SMTP_FROM", "is needed when CONSULTBOT_SMTP_HOST is set")
    port = _whole(env, "CONSULTBOT_SMTP_PORT", 587, 1, 65535)
    ca_file = env.get("CONSULTBOT_SMTP_CA_FILE", "").strip() or None
    if ca_file is not None and not Path(ca_file).is_file():
        raise ConfigError("CONSULTBOT_SMTP_CA_FILE", f"{ca_file} is not a file")
    return SmtpSettings(
        host=host,
        port=port,
        sender=sender,
        username=env.get("CONSULTBOT_SMTP_USERNAME", "").strip() or None,
        password=env.get("CONSULTBOT_SMTP_PASSWORD", "") or None,
        tls=_smtp_tls(env, port),
        ca_file=ca_file,
    )


def _smtp_tls(env: Mapping[str, str], port: int) -> SmtpTls:
    """CONSULTBOT_SMTP_TLS, or by default implicit TLS on port 465 and STARTTLS elsewhere.
    The older CONSULTBOT_SMTP_STARTTLS=false still means no encryption."""
    raw = env.get("CONSULTBOT_SMTP_TLS", "").strip().lower()
    legacy = env.get("CONSULTBOT_SMTP_STARTTLS", "").strip().lower()
    if legacy not in {"", "true", "false"}:
        raise ConfigError("CONSULTBOT_SMTP_STARTTLS", "must be true or false")
    if raw and legacy:
        raise ConfigError(
            "CONSULTBOT_SMTP_STARTTLS", "is replaced by CONSULTBOT_SMTP_TLS: remove it"
        )
    if not raw:
        if legacy == "false":
            return SmtpTls.OFF
        return SmtpTls.IMPLICIT if port == 465 else SmtpTls.STARTTLS
    try:
        return SmtpTls(raw)
    except ValueError:
        raise ConfigError("CONSULTBOT_SMTP_TLS", "must be starttls, implicit or off") from None


def parse_reminders(text: str) -> tuple[timedelta, ...]:
    """``"24h,15m"`` → (24 hours, 15 minutes). Empty means no reminders."""
    units = {"m": 60, "h": 3600, "d": 86400}
    found = []
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        number, unit = part[:-1], part[-1:]
        if unit not in units or not number.isdigit() or int(number) == 0:
            raise ValueError(f"'{part}' is not a duration like 15m, 24h or 2d")
        found.append(timedelta(seconds=int(number) * units[unit]))
    return tuple(sorted(set(found), reverse=True))
