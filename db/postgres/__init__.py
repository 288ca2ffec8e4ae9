"""The PostgreSQL store: one mixin per capability Protocol in ``bot.core.store``, all sharing
one connection pool (``connection.py``), with job leases for several processes
(``lease.py``) and wake-ups by ``LISTEN/NOTIFY`` (``notify.py``).

``await PostgresStore.open(url)`` connects, migrates and starts its background tasks;
``close()`` stops them and closes the pool. Chosen by ``CONSULTBOT_DATABASE_URL``; SQLite
(``db.sqlite``) stays the default. ``python -m db.postgres`` migrates, checks and copies a
SQLite database in (``tools.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.postgres.actions import PostgresActions
from db.postgres.answers import PostgresAnswers
from db.postgres.audit import PostgresAudit
from db.postgres.codebook import PostgresCodebook
from db.postgres.end_check import PostgresEndCheck
from db.postgres.jobs import PostgresJobs
from db.postgres.keys import PostgresKeys
from db.postgres.participants import PostgresParticipants
from db.postgres.replicas import PostgresReplicas
from db.postgres.retention import PostgresRetention
from db.postgres.safeguarding import PostgresSafeguarding
from db.postgres.sessions import PostgresSessions
from db.postgres.summaries import PostgresSummaries
from db.postgres.workspace import PostgresWorkspace

__all__ = ["PostgresStore"]


class PostgresStore(
    PostgresSessions,
    PostgresParticipants,
    PostgresAnswers,
    PostgresJobs,
    PostgresSafeguarding,
    PostgresRetention,
    PostgresAudit,
    PostgresKeys,
    PostgresCodebook,
    PostgresWorkspace,
    PostgresReplicas,
    PostgresActions,
    PostgresEndCheck,
    PostgresSummaries,
):
    """Every capability over one pool: implements ``bot.core.store.Store``."""


if TYPE_CHECKING:
    from bot.core.store import Store

    def _implements_store(store: PostgresStore) -> Store:
        return store  # mypy checks here that every capability Protocol is satisfied
