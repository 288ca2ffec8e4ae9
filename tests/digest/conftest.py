"""Fixtures for the digest renderer tests."""

from __future__ import annotations

import pytest

from bot.digest.model import Digest

from .sample import build_digest


@pytest.fixture
def digest() -> Digest:
    return build_digest()
