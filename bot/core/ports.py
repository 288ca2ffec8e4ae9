"""Ports: what the core needs from the outside, as Protocols.

``Outbox`` is the one port adapters implement. It has a single method so that adding a kind
of message never breaks an adapter's signature: new kinds are new dataclasses in
``bot.core.outbound``.
"""

from __future__ import annotations

from typing import Protocol

from bot.core.outbound import Outbound


class Outbox(Protocol):
    async def send(self, message: Outbound) -> str | None:
        """Deliver ``message``. Return the platform's reference for a posted message
        (message id / ts) when there is one, so native reactions can be mapped back.
        Raise ``DeliveryFailed`` when the platform refuses."""
        ...
