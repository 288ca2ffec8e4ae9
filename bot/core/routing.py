"""Where a safeguarding alert goes, written once: the order as data, and the walk.

Each platform configures, for the lead and for the deputy, a private channel and/or people to
message directly (``AlertTargets``). ``alert_route`` says the order: an alert for the lead
goes to the lead's targets, then (when nobody there received it) to the deputy's; an
escalation goes to the deputy's targets first (when there are any) and then the lead's, so
an alert is never lost for want of one of them. When nobody received it, the alert outbox
(``bot.safeguarding.alert_outbox``) walks the route again later.

``deliver_alert`` walks that route: for each target in turn, its channel; else, or when the
channel refuses, a direct message to each of its people (one failed message does not stop the
others). The first target that anyone received it through ends the walk. It raises
``DeliveryFailed`` only when nobody received it. Failures are logged by alert id, never with
the alert's words. Adapters supply only the two platform calls.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.core.errors import DeliveryFailed
from bot.core.outbound import AlertAudience

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertTargets:
    """A private channel for safeguarding alerts and/or the people to message directly."""

    name: str  # "lead" / "deputy", for the log
    channel_id: str | None = None
    user_ids: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.channel_id is not None or bool(self.user_ids)


def alert_route(
    audience: AlertAudience, *, lead: AlertTargets, deputy: AlertTargets
) -> tuple[AlertTargets, ...]:
    """The targets to try, in order."""
    if not deputy:
        return (lead,)
    if audience is AlertAudience.DEPUTY:
        return (deputy, lead)
    return (lead, deputy)


async def deliver_alert(
    route: Sequence[AlertTargets],
    *,
    alert_id: str,
    to_channel: Callable[[str], Awaitable[object]],
    to_person: Callable[[str], Awaitable[object]],
    nowhere_hint: str,
) -> None:
    """Walk ``route`` until someone has the alert; see the module docstring."""
    failures: list[DeliveryFailed] = []
    for target in route:
        if target.channel_id is not None:
            try:
                await to_channel(target.channel_id)
                return
            except DeliveryFailed as exc:
                log.error(
                    "alert %s: the %s's channel refused it: %s", alert_id, target.name, exc.hint
                )
                failures.append(exc)
        delivered = 0
        for user_id in sorted(target.user_ids):
            try:
                await to_person(user_id)
                delivered += 1
            except DeliveryFailed as exc:
                log.error(
                    "alert %s: a direct message to a %s failed: %s", alert_id, target.name, exc.hint
                )
                failures.append(exc)
        if delivered:
            return
    if failures:
        raise failures[0]
    raise DeliveryFailed(nowhere_hint)
