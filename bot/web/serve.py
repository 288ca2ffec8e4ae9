"""Running the workspace: on its own (``consultbot web``) or beside the bot
(``consultbot run`` with CONSULTBOT_WEB_PORT), on 127.0.0.1 unless told otherwise: put a
TLS reverse proxy in front of it (docs/workspace.md)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from bot.web.app import make_app
from bot.web.workspace import Workspace

log = logging.getLogger(__name__)


@asynccontextmanager
async def serving(workspace: Workspace, *, host: str, port: int) -> AsyncIterator[int]:
    """Serve until the block ends; yields the port (useful with port 0 in tests)."""
    runner = web.AppRunner(make_app(workspace), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = port
        for address in runner.addresses:  # the port chosen when asked for port 0
            bound = int(address[1])
            break
        log.info("the workspace is at http://%s:%s", host, bound)
        yield int(bound)
    finally:
        await runner.cleanup()


async def start(workspace: Workspace, *, host: str, port: int) -> web.AppRunner:
    """Start serving and return the runner (``await runner.cleanup()`` stops it)."""
    runner = web.AppRunner(make_app(workspace), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("the workspace is at http://%s:%s", host, port)
    return runner
