"""The SQLite store: one mixin per capability Protocol in ``bot.core.store``, all sharing one
connection and one serialized writer (``connection.py``).

``await SqliteStore.open(path)`` opens (and migrates) the database; ``close()`` closes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.sqlite.actions import SqliteActions
from db.sqlite.answers import SqliteAnswers
from db.sqlite.audit import SqliteAudit
from db.sqlite.codebook import SqliteCodebook
from db.sqlite.end_check import SqliteEndCheck
from db.sqlite.jobs import SqliteJobs
from db.sqlite.keys import SqliteKeys
from db.sqlite.participants import SqliteParticipants
from db.sqlite.replicas import SqliteReplicas
from db.sqlite.retention import SqliteRetention
from db.sqlite.safeguarding import SqliteSafeguarding
from db.sqlite.sessions import SqliteSessions
from db.sqlite.summaries import SqliteSummaries
from db.sqlite.workspace import SqliteWorkspace

__all__ = ["SqliteStore"]


class SqliteStore(
    SqliteSessions,
    SqliteParticipants,
    SqliteAnswers,
    SqliteJobs,
    SqliteSafeguarding,
    SqliteRetention,
    SqliteAudit,
    SqliteKeys,
    SqliteCodebook,
    SqliteWorkspace,
    SqliteReplicas,
    SqliteActions,
    SqliteEndCheck,
    SqliteSummaries,
):
    """Every capability over one connection: implements ``bot.core.store.Store``."""


if TYPE_CHECKING:
    from bot.core.store import Store

    def _implements_store(store: SqliteStore) -> Store:
        return store  # mypy checks here that every capability Protocol is satisfied
