"""/workspace on every adapter: the team gets a private sign-in link for the browser; a young
person is told privately that it is for the team, and nothing else changes for anyone."""

from __future__ import annotations

from tests.scenarios.room import Room
from tests.scenarios.steps import everything, start


async def test_the_team_gets_a_private_link_and_nobody_else_sees_it(room: Room) -> None:
    await start(room)
    for someone in (room.facilitator, room.staff, room.lead):
        before = everything(room)
        (told,) = await room.command(someone, "workspace")
        assert "/sign-in/" in told and "works once, in the next 10 minutes" in told
        before.private[someone].append(told)
        assert everything(room) == before  # only they saw it


async def test_a_young_persons_workspace_is_refused_privately(room: Room) -> None:
    await start(room)
    young = room.young[0]
    before = everything(room)
    (refused,) = await room.command(young, "workspace")
    assert "for the team" in refused and "/sign-in/" not in refused
    before.private[young].append(refused)
    assert everything(room) == before
