"""Store backends behind the capability Protocols in ``bot.core.store``: ``db.sqlite`` today,
with its own numbered migrations."""
