"""Loopback fakes of the chat platforms, for platform tests."""
