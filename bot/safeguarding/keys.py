"""The keys a database was set up with, and changing one on purpose.

``CONSULTBOT_IDENTITY_KEY`` keys the per-session hash that lets a young person ``/withdraw``;
``CONSULTBOT_SAFEGUARDING_KEY`` encrypts who wrote what. Started with a different key, the
bot would silently find nobody ("You don't have any answers stored") or open nothing
(``/who-wrote``), and identities sealed meanwhile would be unreadable with the right key. So
the database keeps a keyed one-way fingerprint of each key (HMAC-SHA256 of a constant under
the key: it tells whether a key is the same, and never gives the key away), recorded at first
start, and start-up refuses a key that doesn't match, naming it.

Changing a key is ``consultbot keys rotate`` (see docs/running.md):

- ``--identity``: the hashes can't be re-keyed from the old ones (they are one-way), so each
  person's hash is computed afresh under the new key from their encrypted identity, opened
  with the safeguarding key. Nothing is lost unless an identity can't be opened; such a
  person gets a random code instead (so the old key no longer links to them either): their
  answers stay until the retention purge, but they can no longer take them back. That needs
  ``--confirm``.
- ``--safeguarding``: every identity is decrypted (with ``CONSULTBOT_OLD_SAFEGUARDING_KEY``,
  or already under the new key) and encrypted again under the new key. One neither key opens
  is kept as it is, unreadable (it can be re-sealed later if the old key turns up); going on
  without them needs ``--confirm``. What alerts keep sealed (the words of /worried, who
  wrote it…) is carried over the same way, in the same transaction, so an alert still
  waiting to be delivered reaches the lead readable.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.alias import person_key
from bot.core.errors import ConfigError
from bot.core.records import AuditEntry, SealedAlert, SealedIdentity
from bot.core.store import KeyStore
from bot.safeguarding.vault import IdentityVault

IDENTITY = "identity"
SAFEGUARDING = "safeguarding"
KEY_SETTINGS = {IDENTITY: "CONSULTBOT_IDENTITY_KEY", SAFEGUARDING: "CONSULTBOT_SAFEGUARDING_KEY"}
OLD_SAFEGUARDING_KEY = "CONSULTBOT_OLD_SAFEGUARDING_KEY"
_CONTEXT = b"consultbot key fingerprint v1"


def fingerprint(key: bytes) -> str:
    """A keyed one-way fingerprint: equal for the same key, and no help in finding it."""
    return hmac.new(key, _CONTEXT, hashlib.sha256).hexdigest()


async def check_keys(
    store: KeyStore, keys: dict[str, bytes], *, database: str, skip: str | None = None
) -> None:
    """Record each key's fingerprint at first start; refuse a key that doesn't match."""
    for name, key in keys.items():
        if name == skip:
            continue
        mine = fingerprint(key)
        stored = await store.remember_key_fingerprint(name, mine)
        if not hmac.compare_digest(stored, mine):
            raise ConfigError(
                KEY_SETTINGS[name],
                f"is not the key {database} was set up with, so nothing stored under it "
                "could be found; set the old key back, or if you mean to change it run "
                f"`consultbot keys rotate --{name}` (see docs/running.md)",
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class Rotation:
    """What a rotation did (or, when ``done`` is false, would do)."""

    changed: int  # people re-keyed or re-sealed
    changed_sessions: int
    lost: int  # people whose identity neither key opens
    lost_sessions: tuple[str, ...]
    done: bool
    changed_alerts: int = 0  # alerts whose sealed words were re-sealed
    lost_alerts: int = 0  # alerts whose sealed words neither key opens
    unchanged_key: bool = False  # the key given is the one already in use


async def rotate_identity_key(
    store: KeyStore,
    *,
    new_key: bytes,
    vault: IdentityVault,
    confirm: bool,
    clock: Callable[[], datetime],
) -> Rotation:
    if await store.key_fingerprint(IDENTITY) == fingerprint(new_key):
        return _nothing_to_do()
    keys: list[tuple[int, str]] = []
    changed: list[SealedIdentity] = []
    lost: list[SealedIdentity] = []
    for sealed in await store.sealed_identities():
        identity = vault.open(sealed.ciphertext) if sealed.ciphertext else None
        if identity is None:
            lost.append(sealed)
            keys.append((sealed.participant_id, secrets.token_hex(32)))
        else:
            changed.append(sealed)
            hashed = person_key(new_key, sealed.session_id, identity.platform, identity.user_id)
            keys.append((sealed.participant_id, hashed))
    rotation = _rotation(changed, lost, done=confirm or not lost)
    if rotation.done:
        await store.rekey_people(
            keys, fingerprint(new_key), _entry(clock, "identity-key-rotated", rotation)
        )
    return rotation


async def rotate_safeguarding_key(
    store: KeyStore,
    *,
    new_key: bytes,
    old_key: bytes | None,
    confirm: bool,
    clock: Callable[[], datetime],
) -> Rotation:
    new = IdentityVault(new_key)
    old = IdentityVault(old_key, key_name=OLD_SAFEGUARDING_KEY) if old_key else None
    already = await store.key_fingerprint(SAFEGUARDING) == fingerprint(new_key)
    if already and old is None:
        return _nothing_to_do()
    resealed: list[tuple[int, bytes]] = []
    changed: list[SealedIdentity] = []
    lost: list[SealedIdentity] = []
    for sealed in await store.sealed_identities():
        token = sealed.ciphertext
        if token is None or new.open(token) is not None:
            continue  # nothing to carry over, or already under the new key
        identity = old.open(token) if old else None
        if identity is None:
            lost.append(sealed)
        else:
            changed.append(sealed)
            resealed.append((sealed.participant_id, new.seal(identity.platform, identity.user_id)))
    alerts, lost_alerts = _reseal_alerts(await store.sealed_alerts(), new=new, old=old)
    rotation = replace(
        _rotation(changed, lost, done=confirm or not (lost or lost_alerts)),
        changed_alerts=len(alerts),
        lost_alerts=len(lost_alerts),
    )
    if rotation.done:
        await store.reseal_identities(
            resealed,
            fingerprint(new_key),
            _entry(clock, "safeguarding-key-rotated", rotation),
            alerts=alerts,
        )
    return rotation


def _reseal_alerts(
    sealed_alerts: Sequence[SealedAlert], *, new: IdentityVault, old: IdentityVault | None
) -> tuple[list[tuple[str, bytes]], list[SealedAlert]]:
    """Each alert's seal under the new key, and the alerts neither key opens (kept as they
    are: they reach the lead saying their sealed words can no longer be read)."""
    resealed: list[tuple[str, bytes]] = []
    lost: list[SealedAlert] = []
    for sealed in sealed_alerts:
        if new.opens(sealed.ciphertext):
            continue  # already under the new key
        token = old.reseal(sealed.ciphertext, new) if old else None
        if token is None:
            lost.append(sealed)
        else:
            resealed.append((sealed.alert_id, token))
    return resealed, lost


def _nothing_to_do() -> Rotation:
    return Rotation(
        changed=0, changed_sessions=0, lost=0, lost_sessions=(), done=False, unchanged_key=True
    )


def _rotation(
    changed: Sequence[SealedIdentity], lost: Sequence[SealedIdentity], *, done: bool
) -> Rotation:
    return Rotation(
        changed=len(changed),
        changed_sessions=len({s.session_id for s in changed}),
        lost=len(lost),
        lost_sessions=tuple(sorted({s.session_id for s in lost})),
        done=done,
    )


def _entry(clock: Callable[[], datetime], action: str, rotation: Rotation) -> AuditEntry:
    return AuditEntry(
        at=clock(),
        actor="cli",
        action=action,
        subject="",
        detail=f"{rotation.changed} carried over, {rotation.lost} could not be"
        + (
            f"; alerts: {rotation.changed_alerts} carried over, {rotation.lost_alerts} could not be"
            if rotation.changed_alerts or rotation.lost_alerts
            else ""
        ),
    )
