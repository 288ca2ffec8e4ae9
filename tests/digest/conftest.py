"""Fixtures for the digest tests: a hand-built digest of tricky answers (``sample.py``) and a
scripted session run once per module through the real engine (``scripted.py``)."""

from __future__ import annotations

import pytest

from bot.digest.model import Digest

from .sample import build_digest
from .scripted import Scripted, scripted


@pytest.fixture
def digest() -> Digest:
    return build_digest()


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Scripted:
    return scripted(tmp_path_factory.mktemp("scripted"))
