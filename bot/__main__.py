"""The ``consultbot`` command (``python -m bot`` runs it too).

Importing the bot (some 800 modules) is most of a start, so it is done with the cycle
collector paused (``bot.heap``); then ``bot.cli.main`` runs the command as usual.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.heap import collector_paused


def main(argv: Sequence[str] | None = None) -> int:
    with collector_paused():
        from bot.cli import main as run_command
    return run_command(argv)


if __name__ == "__main__":
    raise SystemExit(main())
