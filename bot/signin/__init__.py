"""Signing in to the staff workspace from the chat, with no passwords (``links``), and
rechecking each signed-in person's roles against the settings (``grants``)."""
