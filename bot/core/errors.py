"""The one error tree of consultbot.

    ConsultbotError                 root: anything we raise on purpose
    ├── UserFacingError             message is safe and kind to show a young person or facilitator
    │   ├── NotAllowed              the person lacks the role for a command
    │   ├── InvalidAnswer           empty, too long, or no question open
    │   ├── ChannelBusy             a session is already running in this channel
    │   ├── InvalidRequest          a command's options don't make sense (bad time, length…)
    │   └── NotFound                unknown session, question set or answer (lists what exists)
    ├── DataFileError               a prompts/ file is malformed (names file, field, problem)
    ├── ConfigError                 a setting is missing or wrong (names the key)
    ├── StorageError                the database can't be used now (locked, full, unreadable)
    └── DeliveryFailed              a platform refused or failed to deliver a message

The engine is the single error boundary: a ``UserFacingError`` becomes a private reply,
anything else is logged with context (never answer text) and answered with a short apology.
"""

from __future__ import annotations


class ConsultbotError(Exception):
    """Root of every error consultbot raises on purpose."""


class UserFacingError(ConsultbotError):
    """An error whose message can be shown as-is to the person who caused it."""


class NotAllowed(UserFacingError):
    """The person may not run this command."""


class InvalidAnswer(UserFacingError):
    """The answer cannot be stored (empty, too long, or no question is open)."""


class ChannelBusy(UserFacingError):
    """A second session was started in a channel that has one running."""


class InvalidRequest(UserFacingError):
    """A command's options are wrong: the message says which and how to fix it."""


class NotFound(UserFacingError):
    """Something named by id does not exist; the message lists what does."""


class DataFileError(ConsultbotError):
    """A data file in prompts/ is malformed."""

    def __init__(self, path: str, field: str, problem: str) -> None:
        self.path = path
        self.field = field
        self.problem = problem
        super().__init__(f"{path}: {field}: {problem}")


class ConfigError(ConsultbotError):
    """A configuration key is missing or has a wrong value."""

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        self.problem = problem
        super().__init__(f"config {key}: {problem}")


class StorageError(ConsultbotError):
    """The database could not be read or written: locked by another program for longer than
    the store waits, a full disk, or a file that is not a consultbot database."""


class DeliveryFailed(ConsultbotError):
    """A platform could not deliver a message; ``hint`` is safe to show a facilitator."""

    def __init__(self, hint: str, *, transient: bool = False) -> None:
        self.hint = hint
        self.transient = transient
        super().__init__(hint)
