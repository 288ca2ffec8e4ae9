"""Per-session aliases ("Calm Otter"): how a young person is shown to the group.

An alias is drawn at random when a person agrees to the privacy note in a session and is
stored against a keyed hash, so it is stable within that session and unrelated to their alias in any
other session.
"""

from __future__ import annotations

import hashlib
import hmac
import random
from collections.abc import Iterator

_ADJECTIVES = (
    "Brave", "Bright", "Calm", "Clever", "Cosy", "Curious", "Gentle", "Golden", "Happy", "Hopeful",
    "Jolly", "Kind", "Lively", "Lucky", "Mellow", "Mighty", "Patient", "Quick", "Quiet", "Silver",
    "Sunny", "Swift", "Thoughtful", "Warm", "Wise", "Bold", "Cheerful", "Steady", "Sparkly",
    "Breezy",
)  # fmt: skip
_ANIMALS = (
    "Badger", "Bear", "Crane", "Dolphin", "Eagle", "Falcon", "Fox", "Hare", "Hedgehog", "Heron",
    "Kestrel", "Koala", "Lynx", "Magpie", "Otter", "Owl", "Panda", "Penguin", "Puffin", "Rabbit",
    "Raven", "Robin", "Seal", "Sparrow", "Squirrel", "Stag", "Swan", "Tiger", "Turtle", "Wren",
)  # fmt: skip


ALIASES_PER_ROUND = len(_ADJECTIVES) * len(_ANIMALS)  # then "Calm Otter 2"…


def alias_candidates(rng: random.Random) -> Iterator[str]:
    """Every alias once, in a random order (900 in all; then numbered ones)."""
    names = [f"{a} {b}" for a in _ADJECTIVES for b in _ANIMALS]
    rng.shuffle(names)
    yield from names
    number = 2
    while True:
        yield from (f"{name} {number}" for name in names)
        number += 1


def person_key(identity_key: bytes, session_id: str, platform: str, user_id: str) -> str:
    """Keyed hash of a platform user within one session: lets a person withdraw later without
    storing who they are, and cannot link the same person across sessions without the key."""
    message = "\x1f".join((session_id, platform, user_id)).encode()
    return hmac.new(identity_key, message, hashlib.sha256).hexdigest()
