"""Slack deliveries already handled: Events API retries (``X-Slack-Retry-Num``), redelivered
Socket Mode envelopes and a "you said, we did" form sent again carry the same key. Checked in
a bounded in-memory LRU and, when replicas share a store (``replicas``), through it, so a
retry reaching another replica or a restarted process is recognised; a delivery whose
handling failed is forgotten in both, so its retry is handled."""

from __future__ import annotations

from adapters.slack.cache import Lru
from bot.core.events import utc_now
from bot.core.store import ReplicaStore


class Deliveries:
    def __init__(self, size: int, shared: ReplicaStore | None) -> None:
        self._seen: Lru[str, None] = Lru(size)
        self._shared = shared

    async def first(self, key: str) -> bool:
        """``True`` the first time ``key`` is seen (and from now on remembered)."""
        if key in self._seen:
            return False
        shared = self._shared
        if (
            shared is not None
            and key
            and not await shared.first_delivery(f"slack:{key}", utc_now())
        ):
            return False
        self._seen.put(key, None)
        return True

    async def forget(self, key: str) -> None:
        self._seen.pop(key)
        if self._shared is not None and key:
            await self._shared.forget_delivery(f"slack:{key}")
