"""The store, split by capability: one small Protocol per kind of durable state.

Each consumer is typed against only the capabilities it uses, so a new store method breaks
only the consumers of its capability. ``Store`` combines them all for the composition root
and the tests. Every write method returns only after its transaction has committed, so
anything acknowledged to a young person is already durable. Methods return
``bot.core.records`` dataclasses, never rows.

================== ===========================================================================
Capability         What it holds
================== ===========================================================================
SessionStore       sessions: start, find, move on, close, digest delivered (marked once sent)
ParticipantStore   consent (aliases, encrypted identities), withdrawal and the posts it removes
AnswerStore        answers (once per submission), their posts, statuses, reactions and tags
JobStore           schedules, timed jobs and the question timer's pause
SafeguardingStore  alerts and the identity behind a held answer
RetentionStore     purging closed sessions and old alerts, keeping the anonymised digest
AuditStore         the append-only audit log
KeyStore           fingerprints of the keys the database was set up with; re-keying
CodebookStore      which codebook the automatic tags came from; re-tagging when it changes
WorkspaceStore     sign-in links and browser sessions of the staff workspace; recent alerts
ReplicaStore       what several processes for one platform share: deliveries handled, counts shown
ActionStore        "you said, we did": what was done about each theme, with every update
EndCheckStore      the end-of-session check: one face per participant per question (counts out)
SummaryStore       the summary for the young people, as staff saved it, one per session
================== ===========================================================================
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Protocol

from bot.core.records import (
    ActionRecord,
    ActionUpdate,
    AlertDelivery,
    AlertRecord,
    AnswerForDigest,
    AnswerRecord,
    AnswerStatus,
    AuditEntry,
    BrowserSession,
    DeliveryAudience,
    GroupSummary,
    JobKind,
    JobRecord,
    JobState,
    Participant,
    ScheduleRecord,
    SealedAlert,
    SealedIdentity,
    SessionAttendance,
    SessionRecord,
    SessionSummary,
    SignInLink,
)


class SessionStore(Protocol):
    """Session lifecycle. Used by the engine (start, move on, end, list, deliver the digest),
    the answer desk (the open session in a channel, summaries) and the job runner."""

    async def create_session(self, session: SessionRecord) -> None:
        """Raise ``ChannelBusy`` if the channel already has an open session."""
        ...

    async def open_session_in_channel(
        self, platform: str, channel_id: str
    ) -> SessionRecord | None: ...
    async def session(self, session_id: str) -> SessionRecord | None: ...
    async def session_summaries(self) -> list[SessionSummary]: ...
    async def all_session_ids(self) -> list[str]: ...
    async def move_to_question(self, session_id: str, number: int, *, from_number: int) -> bool:
        """``False`` if the session was no longer at ``from_number`` (someone moved it)."""
        ...

    async def close_session(self, session_id: str, at: datetime) -> bool:
        """``False`` if the session was not open (already closed)."""
        ...

    async def session_for_occurrence(
        self, schedule_id: str, occurrence: int
    ) -> SessionRecord | None: ...
    async def mark_digest_delivered(self, session_id: str) -> bool:
        """Record that the platform accepted this session's automatic digest (the session
        record's ``digest_delivered``); ``True`` the first time."""
        ...


class ParticipantStore(Protocol):
    """Who is taking part, under which alias. Used by the answer desk (consent before the
    first answer) and the engine (finding and withdrawing a participant)."""

    async def consent_participant(
        self,
        session_id: str,
        person_key: str,
        alias_candidates: Iterable[str],
        identity: bytes,
    ) -> Participant:
        """Create the participant (first free alias) or mark them consented again."""
        ...

    async def find_participant(self, session_id: str, person_key: str) -> Participant | None: ...
    async def posts_of_participant(self, participant_id: int) -> list[str]:
        """Where the participant's answers were posted (message refs): read before
        ``withdraw_participant``, so the posts can be taken down too."""
        ...

    async def withdraw_participant(self, participant_id: int) -> int:
        """Delete the participant with their answers and reactions; return answers deleted."""
        ...


class AnswerStore(Protocol):
    """Answers and what hangs off them. Used by the answer desk (record, react, release held
    answers), the engine (posts, tags, digest input) and the safeguarding desk (holding and
    releasing an answer)."""

    async def record_answer(
        self,
        *,
        answer_id: str,
        session_id: str,
        question_number: int,
        participant: Participant,
        text: str,
        auto_tags: Sequence[tuple[str, str]],
        status: AnswerStatus = AnswerStatus.SHOWN,
        quote_ok: bool = False,
        submission_id: str | None = None,
        alert: AlertRecord | None = None,
        alert_jobs: Sequence[JobRecord] = (),
    ) -> AnswerRecord:
        """Store an answer. When ``participant`` already gave one with ``submission_id`` in
        this session (the same form sent again), nothing is stored and that answer is
        returned: the caller sees another id than ``answer_id``. With ``alert`` (a held
        answer's), the alert, its delivery to the lead and ``alert_jobs`` (its escalation)
        are stored in the same transaction: a held answer never stands without its alert."""
        ...

    async def answer(self, answer_id: str) -> AnswerRecord | None: ...
    async def record_answer_post(self, answer_id: str, message_ref: str) -> None: ...
    async def posts_of_answer(self, answer_id: str) -> list[str]:
        """Where the answer was posted (message refs), e.g. to take it down when kept out."""
        ...

    async def answer_for_message(self, message_ref: str) -> AnswerRecord | None: ...
    async def answers_for_session(self, session_id: str) -> list[AnswerForDigest]:
        """Shown and pending answers with their active tags and reaction counts."""
        ...

    async def answers_with_status(
        self, session_id: str, status: AnswerStatus, question_number: int | None = None
    ) -> list[AnswerRecord]: ...
    async def set_answer_status(
        self, answer_id: str, status: AnswerStatus, *, only_from: Iterable[AnswerStatus]
    ) -> bool:
        """``True`` if the answer was in one of ``only_from`` and moved."""
        ...

    async def set_reaction(self, answer_id: str, participant_id: int, emoji: str, on: bool) -> bool:
        """``True`` if anything changed."""
        ...

    async def toggle_reaction(self, answer_id: str, participant_id: int, emoji: str) -> bool:
        """Turn one person's reaction off if it is on, else on, as one step (presses at once,
        from one process or several, each see the one before); ``True`` if it is now on."""
        ...

    async def has_reaction(self, answer_id: str, participant_id: int, emoji: str) -> bool: ...
    async def reaction_counts(self, answer_id: str) -> dict[str, int]: ...
    async def set_tag(self, answer_id: str, theme_id: str, active: bool) -> None: ...
    async def session_attendance(self, session_id: str) -> SessionAttendance:
        """Who answered (any status) and who reacted, and how many answers are with the
        safeguarding lead (held or kept out)."""
        ...


class JobStore(Protocol):
    """Schedules and timed jobs: the database is the source of truth for what is due. Used
    by scheduling (timers, the job runner and its driver), the CLI (list and cancel
    schedules) and the desks that queue follow-up jobs."""

    async def create_schedule(
        self, schedule: ScheduleRecord, jobs: Sequence[JobRecord]
    ) -> None: ...
    async def schedule(self, schedule_id: str) -> ScheduleRecord | None: ...
    async def schedules(self) -> list[ScheduleRecord]: ...
    async def cancel_schedule(self, schedule_id: str) -> bool:
        """Cancel it and its pending jobs; ``False`` if there was none to cancel."""
        ...

    async def add_jobs(self, jobs: Sequence[JobRecord]) -> None:
        """A job whose id already exists is left as it is (ids are stable)."""
        ...

    async def due_jobs(self, now: datetime) -> list[JobRecord]: ...
    async def pending_jobs(self) -> list[JobRecord]: ...
    async def claim_job(self, job_id: str) -> bool:
        """``True`` only for the one caller that got the job."""
        ...

    async def finish_job(self, job_id: str, state: JobState) -> None: ...
    async def retry_job(self, job_id: str, due_at: datetime) -> None:
        """Put a running job back to pending, due at ``due_at``, one more attempt counted
        (the platform refused what it had to post)."""
        ...

    async def recover_interrupted_jobs(self, rerun: frozenset[JobKind]) -> tuple[int, int]:
        """After a restart, requeue or drop jobs left running; return (requeued, dropped)."""
        ...

    async def session_jobs(self, session_id: str, kinds: Iterable[JobKind]) -> list[JobRecord]: ...
    async def cancel_jobs(self, job_ids: Iterable[str]) -> None: ...
    async def reschedule_jobs(self, moves: Sequence[tuple[str, datetime]]) -> None: ...
    async def set_timer_pause(self, session_id: str, seconds_left: int | None) -> None: ...


class SafeguardingStore(Protocol):
    """Alerts raised for the safeguarding lead, their deliveries (the alert outbox), and the
    encrypted identity behind an answer. Used by the safeguarding desk only."""

    async def identity_of_answer(self, answer_id: str) -> bytes | None: ...
    async def create_alert(self, alert: AlertRecord, jobs: Sequence[JobRecord] = ()) -> None:
        """Store the alert and, in the same transaction, its delivery to the lead, due at
        once (``alert.created_at``), and ``jobs`` (its escalation): an alert is a row before
        anything is sent."""
        ...

    async def held_answers_without_alert(self) -> list[AnswerRecord]:
        """Held answers with no disclosure alert (the safety net's sweep), oldest first."""
        ...

    async def alert(self, alert_id: str) -> AlertRecord | None: ...
    async def alerts_for_answer(self, answer_id: str) -> list[AlertRecord]: ...
    async def acknowledge_alert(self, alert_id: str, at: datetime) -> bool:
        """``True`` for the first acknowledgement only."""
        ...

    async def mark_alert_escalated(
        self, alert_id: str, *, deliver_at: datetime | None = None
    ) -> bool:
        """``True`` if the alert was still unacknowledged and not yet escalated. With
        ``deliver_at``, its delivery to the deputy is queued in the same transaction."""
        ...

    async def alert_deliveries(self, alert_id: str) -> list[AlertDelivery]: ...
    async def undelivered_alerts(self) -> list[AlertDelivery]:
        """Every delivery the platform has not yet taken, oldest due first."""
        ...

    async def claim_alert_delivery(
        self, alert_id: str, audience: DeliveryAudience, *, seen_due: datetime, hold_until: datetime
    ) -> bool:
        """Start an attempt: ``True`` for the one caller that found the delivery undelivered
        and still due at ``seen_due``; it counts the attempt and holds the delivery until
        ``hold_until`` (a crash mid-attempt is retried then)."""
        ...

    async def extend_alert_hold(
        self,
        alert_id: str,
        audience: DeliveryAudience,
        *,
        held_until: datetime,
        hold_until: datetime,
    ) -> bool:
        """Renew a claim during a long attempt: ``True`` only while the delivery is still
        held by the caller's claim (undelivered, due at ``held_until``)."""
        ...

    async def alert_delivery_failed(
        self, alert_id: str, audience: DeliveryAudience, retry_at: datetime, *, held_until: datetime
    ) -> bool:
        """The caller's attempt failed: due again at ``retry_at``. ``False`` (and nothing
        changed) when the caller's claim (``held_until``) is no longer the delivery's: it was
        delivered, or another caller claimed it after the hold ran out."""
        ...

    async def mark_alert_delivered(
        self, alert_id: str, audience: DeliveryAudience, at: datetime
    ) -> bool:
        """``True`` the first time. Not tied to a claim: the platform took it, whoever holds
        the delivery now, so nobody should try it again."""
        ...


class RetentionStore(Protocol):
    """Forgetting on time: closed sessions lose their answers but keep an anonymised digest;
    /worried alerts are purged by age. Used by the engine's retention sweep."""

    async def sessions_to_purge(self, closed_before: datetime) -> list[str]: ...
    async def purge_session(self, session_id: str, snapshot: str) -> int:
        """Keep ``snapshot``; delete the session's answers, participants and alerts.
        Return the number of answers deleted."""
        ...

    async def digest_snapshot(self, session_id: str) -> str | None: ...
    async def purge_old_alerts(self, created_before: datetime) -> int: ...


class AuditStore(Protocol):
    """The append-only record of who did what, when (no answer text). Used by the
    safeguarding desk, through which the engine and the CLI record what they do."""

    async def audit(self, entry: AuditEntry) -> None: ...
    async def audit_entries(self) -> list[AuditEntry]: ...


class KeyStore(Protocol):
    """Keyed fingerprints of the keys the database was set up with, and replacing what a key
    protects when it is changed on purpose. Used at start (the check) and by ``consultbot
    keys rotate``; each replacement is one transaction with its fingerprint and audit entry."""

    async def key_fingerprint(self, name: str) -> str | None: ...
    async def remember_key_fingerprint(self, name: str, fingerprint: str) -> str:
        """Store ``fingerprint`` unless one is stored for ``name``; return the stored one."""
        ...

    async def sealed_identities(self) -> list[SealedIdentity]: ...
    async def sealed_alerts(self) -> list[SealedAlert]:
        """Every alert that keeps something sealed, oldest first."""
        ...

    async def rekey_people(
        self, person_keys: Sequence[tuple[int, str]], fingerprint: str, entry: AuditEntry
    ) -> None:
        """Give participants new keyed hashes, under a new identity key."""
        ...

    async def reseal_identities(
        self,
        identities: Sequence[tuple[int, bytes]],
        fingerprint: str,
        entry: AuditEntry,
        *,
        alerts: Sequence[tuple[str, bytes]] = (),
    ) -> None:
        """Replace participants' encrypted identities and what alerts keep sealed (by alert
        id), under a new safeguarding key, in one transaction."""
        ...


class CodebookStore(Protocol):
    """Which version of the codebook each answer's automatic tags came from, so that editing
    the codebook re-tags stored answers; facilitators' and staff's own tags always stay.
    Used by the digest (``bot.digest.retag``)."""

    async def adopt_codebook(self, version: str) -> str | None:
        """Answers stored from now on are tagged with ``version``; answers stored before
        without a version are marked as tagged with the previous one (or an unknown one).
        Return the previous version (``None`` the first time)."""
        ...

    async def answers_to_retag(
        self, version: str, session_id: str | None = None
    ) -> list[AnswerRecord]:
        """Answers (of one session, or all) whose automatic tags came from another version."""
        ...

    async def replace_auto_tags(
        self, tags: Sequence[tuple[str, Sequence[tuple[str, str]]]], version: str
    ) -> None:
        """In one transaction, for each (answer id, [(theme id, evidence)]): replace its
        automatic tags, leaving every facilitator tag (added or removed) as it is, and
        mark it tagged with ``version``."""
        ...


class WorkspaceStore(Protocol):
    """The staff workspace in the browser (``bot.signin``, ``bot.web``): single-use sign-in
    links and browser sessions, both kept as hashes of their tokens, and the alerts list the
    safeguarding lead's page shows."""

    async def add_sign_in_link(self, link: SignInLink) -> None:
        """Store a new link (and forget links that expired a day or more before it)."""
        ...

    async def sign_in_link(self, token_hash: str) -> SignInLink | None: ...
    async def use_sign_in_link(self, token_hash: str, at: datetime) -> bool:
        """Mark the link used; ``True`` only for the first use of a link not yet expired."""
        ...

    async def sign_in_links_since(self, platform: str, user_id: str, since: datetime) -> int:
        """How many links this person was sent since ``since`` (the rate limit)."""
        ...

    async def start_browser_session(self, session: BrowserSession) -> None: ...
    async def browser_session(self, token_hash: str) -> BrowserSession | None: ...
    async def end_browser_session(self, token_hash: str, at: datetime) -> bool:
        """Sign out; ``True`` if it was signed in."""
        ...

    async def recent_alerts(self, limit: int) -> list[AlertRecord]:
        """The newest alerts first."""
        ...


class ReplicaStore(Protocol):
    """What several processes serving one platform (Slack HTTP replicas behind a load
    balancer) share instead of keeping in memory. Used by the reactions feature (counts with
    their revision) and, through the composition root, by the Slack adapter."""

    async def reaction_tally(self, answer_id: str) -> tuple[dict[str, int], int]:
        """The answer's reaction counts and their revision, read together: every change to
        its reactions (``set_reaction`` returning ``True``, or ``toggle_reaction``) raises the
        revision by one."""
        ...

    async def offer_counts(self, answer_id: str, revision: int, payload: str) -> tuple[int, str]:
        """Offer counts of ``revision`` for display on the answer's post; the newest revision
        offered so far is kept. Return the kept (revision, payload): the caller shows that."""
        ...

    async def first_delivery(self, key: str, at: datetime) -> bool:
        """``True`` the first time ``key`` (a platform's delivery id) is seen by any process;
        ``False`` for a retry. Keys older than a day are forgotten."""
        ...

    async def forget_delivery(self, key: str) -> None:
        """Forget ``key``: handling it failed, so the platform's retry must be handled."""
        ...


class ActionStore(Protocol):
    """ "You said, we did": per theme of a session (or of a report's sessions), what was done
    and what was decided, with every update kept (time and staff audit name). Used by the
    feedback feature and, for each theme's status, the digest."""

    async def create_action(self, action: ActionRecord, jobs: Sequence[JobRecord] = ()) -> None:
        """Store the action with its first update (and any jobs) in one transaction."""
        ...

    async def add_action_update(
        self,
        action_id: str,
        update: ActionUpdate,
        plan: Callable[[ActionUpdate], Sequence[JobRecord]] | None = None,
    ) -> ActionUpdate | None:
        """Append ``update`` (its ``number`` is the next one, whatever is passed), cancel the
        action's pending follow-up jobs and add the jobs ``plan`` makes for the stored update
        (with the number it got: job ids name it), in one transaction. Return the stored
        update; ``None`` if there is no such action."""
        ...

    async def action(self, action_id: str) -> ActionRecord | None: ...
    async def actions_for_sessions(self, session_ids: Iterable[str] | None) -> list[ActionRecord]:
        """Actions covering any of ``session_ids`` (every action when ``None``), oldest first."""
        ...


class EndCheckStore(Protocol):
    """The anonymous end-of-session check. One row per participant per question, so a
    second tap replaces the first and nobody is counted twice; it goes with the participant
    (withdrawal, the retention purge). Only counts leave the store. Used by
    ``bot.sessions.end_check`` and the digest."""

    async def record_end_check(
        self, session_id: str, participant_id: int, question: int, choice: int
    ) -> bool:
        """Set this participant's face for ``question``; ``True`` if anything changed."""
        ...

    async def end_check_counts(self, session_id: str) -> dict[tuple[int, int], int]:
        """(question, choice) → how many people chose it. Nothing that says who."""
        ...


class SummaryStore(Protocol):
    """The summary for the young people, once staff have read and saved it (no answer text:
    ``bot.summary`` refuses quotes). Kept after the retention purge, like the digest."""

    async def save_group_summary(self, session_id: str, text: str, saved_at: datetime) -> None:
        """Save (or replace) the session's summary."""
        ...

    async def group_summary(self, session_id: str) -> GroupSummary | None: ...


class Store(
    SessionStore,
    ParticipantStore,
    AnswerStore,
    JobStore,
    SafeguardingStore,
    RetentionStore,
    AuditStore,
    KeyStore,
    CodebookStore,
    WorkspaceStore,
    ReplicaStore,
    ActionStore,
    EndCheckStore,
    SummaryStore,
    Protocol,
):
    """Every capability: for the composition root, which owns the one store, and tests."""
