"""What the store hands back: plain frozen dataclasses, never rows."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime


class SessionStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionRecord:
    id: str
    platform: str
    channel_id: str
    question_set_id: str
    status: SessionStatus
    current_question: int
    started_at: datetime
    closed_at: datetime | None
    ends_at: datetime | None = None  # auto-close time, when scheduled with a length
    question_seconds: int | None = None  # time limit per question, when set
    paused_seconds_left: int | None = None  # set while the question timer is paused
    schedule_id: str | None = None
    occurrence: int | None = None
    purged: bool = False  # answers deleted by the retention purge; the digest snapshot stays
    label: str | None = None  # a facilitator's words for it ("Policy group, 3 Dec"); no names
    digest_delivered: bool = False  # the platform accepted the automatic digest for staff


class Repeat(enum.StrEnum):
    NONE = "none"
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleRecord:
    id: str
    platform: str
    channel_id: str
    question_set_id: str
    first_start: datetime  # naive wall-clock time in ``time_zone``
    time_zone: str
    repeat: Repeat
    length_minutes: int
    question_minutes: int | None
    cancelled: bool = False
    label: str | None = None  # given to every session it starts


class JobKind(enum.StrEnum):
    REMIND = "remind"  # a reminder in the channel before a scheduled session
    START = "start"  # a scheduled session starts
    CLOSE = "close"  # a session reaches its end time
    NUDGE = "nudge"  # "one minute left" on a timed question
    ADVANCE = "advance"  # a timed question ran out: move on
    REVEAL = "reveal"  # the next shuffled batch of answers is shown to the group
    ESCALATE = "escalate"  # an alert nobody acknowledged goes to the deputy
    PURGE = "purge"  # the retention purge
    FOLLOW_UP = "follow-up"  # a "you said, we did" follow-up date passed: remind facilitators
    FEEDBACK_CARD = "feedback-card"  # post a "you said, we did" card recorded from the CLI
    STAFF_DIGEST = "staff-digest"  # the digest for staff, once the end-of-session check closed


RERUN = "rerun"  # the subject the store gives a start or move-on requeued after a crash


class JobState(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    DROPPED = "dropped"  # missed and not worth doing late (see bot.scheduling.runner)
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True, kw_only=True)
class JobRecord:
    id: str
    kind: JobKind
    due_at: datetime  # aware UTC
    state: JobState = JobState.PENDING
    schedule_id: str | None = None
    occurrence: int | None = None
    session_id: str | None = None
    question_number: int | None = None
    subject: str | None = None  # an alert id, for ESCALATE
    attempts: int = 0  # tries the platform refused (``JobStore.retry_job``)


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionSummary:
    session: SessionRecord
    participant_count: int
    answer_count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Participant:
    id: int
    session_id: str
    alias: str
    consented: bool = False


class AnswerStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the next shuffled batch to the group
    SHOWN = "shown"
    HELD = "held"  # a possible disclosure: only the safeguarding lead sees it
    KEPT_OUT = "kept_out"  # the safeguarding lead kept it out of the group and the digest


@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerRecord:
    id: str
    session_id: str
    question_number: int
    participant_id: int
    alias: str
    text: str
    status: AnswerStatus = AnswerStatus.SHOWN
    quote_ok: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class TagRecord:
    theme_id: str
    origin: str  # "auto" or "facilitator"
    evidence: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerForDigest:
    answer: AnswerRecord
    tags: tuple[TagRecord, ...]  # active tags only
    reaction_counts: dict[str, int]  # emoji -> count
    # (participant id, emoji) of every reaction, so the digest counts distinct people by what
    # their buttons mean. Participant ids never leave the digest builder.
    reactors: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionAttendance:
    """Who took part in a session, for the digest's facts: participant ids, which never
    leave the digest builder, and a count of what only the safeguarding lead sees."""

    answered: frozenset[int]  # gave at least one answer, whatever became of it
    reacted: frozenset[int]  # pressed at least one reaction on an answer
    with_lead: int  # answers held for the safeguarding lead, or kept out by them


class AlertKind(enum.StrEnum):
    DISCLOSURE = "disclosure"  # an answer held back by the screen
    REPORT = "report"  # someone reported a shown answer privately
    WORRIED = "worried"  # someone used /worried
    NOTE = "note"  # harm told as past and over: shown to the group, a quiet note to the lead


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertRecord:
    id: str
    kind: AlertKind
    session_id: str | None
    answer_id: str | None
    categories: tuple[str, ...]
    created_at: datetime
    acknowledged_at: datetime | None
    escalated: bool
    # What has no other home, encrypted with the safeguarding key (``IdentityVault``): the
    # words of /worried, a check-in or a noted answer, the screen's reasons, the writer.
    sealed: bytes | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NewAlert:
    """An alert not yet stored, with the jobs stored with it (its escalation): a held answer
    is stored together with its alert, in one transaction."""

    alert: AlertRecord
    jobs: tuple[JobRecord, ...] = ()


class DeliveryAudience(enum.StrEnum):
    LEAD = "lead"  # the alert itself (and a note), along the lead's route
    DEPUTY = "deputy"  # the whole alert again, when nobody acknowledged it in time


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertDelivery:
    """One alert's delivery to one audience: a row in the store until the platform took it.
    ``due_at`` is when the next attempt may start (an attempt in progress holds it later)."""

    alert_id: str
    audience: DeliveryAudience
    due_at: datetime
    attempts: int
    delivered_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEntry:
    at: datetime
    actor: str  # "platform:user" of a staff member or safeguarding lead, or "scheduler"/"cli"
    action: str
    subject: str
    detail: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SealedIdentity:
    """A participant's encrypted identity (``None`` if none is stored), for re-keying."""

    participant_id: int
    session_id: str
    ciphertext: bytes | None


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupSummary:
    """A session's summary for the young people, as staff saved it."""

    session_id: str
    text: str
    saved_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class SealedAlert:
    """What an alert keeps sealed (``AlertRecord.sealed``), for re-sealing under a new key."""

    alert_id: str
    ciphertext: bytes


class SmtpTls(enum.StrEnum):
    STARTTLS = "starttls"  # connect in plain text, then upgrade; refuse a server that can't
    IMPLICIT = "implicit"  # TLS from the first byte (SMTPS, usually port 465)
    OFF = "off"  # no encryption: only for a mail relay on the same machine


@dataclass(frozen=True, slots=True, kw_only=True)
class SmtpSettings:
    """How to reach the mail server that emails safeguarding alerts. Its certificate is always
    verified, against the system's authorities or ``ca_file`` (a private authority)."""

    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    tls: SmtpTls = SmtpTls.STARTTLS
    ca_file: str | None = None
    timeout: float = 10.0


@dataclass(frozen=True, slots=True, kw_only=True)
class SignInLink:
    """A single-use link to the staff workspace, sent privately by /workspace. Only a hash
    of its token is stored; ``roles`` are the ``Role`` values the platform gave the person.
    ``user_id`` is a staff member's platform id (as in the audit log), never a young
    person's: young people are refused a link."""

    token_hash: str
    platform: str
    user_id: str
    roles: tuple[str, ...]
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BrowserSession:
    """A signed-in browser: the hash of its cookie's token, who, their roles at sign-in."""

    token_hash: str
    platform: str
    user_id: str
    roles: tuple[str, ...]
    created_at: datetime
    expires_at: datetime
    ended_at: datetime | None = None


class Decision(enum.StrEnum):
    """What happened to a theme the group raised ("you said, we did")."""

    WAITING = "waiting"  # heard, or taken somewhere: no decision yet
    CHANGED = "changed"
    PARTLY = "partly"
    NOT_CHANGED = "not-changed"


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionUpdate:
    """One step of an action, kept for ever: who recorded it (a staff member's audit name,
    never a young person's id) and when."""

    number: int  # 1 for the first; each update adds one
    at: datetime  # aware UTC
    by: str  # ``audit_name`` of the staff member or facilitator, or "cli"
    taken_to: str = ""  # who it was taken to, and when ("Corporate Parenting Board, 12 March")
    decision: Decision = Decision.WAITING
    because: str = ""
    follow_up: date | None = None  # when the group will hear more


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionRecord:
    """What was done about one theme of a session, or of a report's sessions."""

    id: str
    theme_id: str  # a codebook id
    heard: str  # what the group said, in plain words
    session_ids: tuple[str, ...]  # sorted
    created_at: datetime
    updates: tuple[ActionUpdate, ...]  # oldest first; never empty

    @property
    def latest(self) -> ActionUpdate:
        return self.updates[-1]
