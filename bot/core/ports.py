"""Ports: the Protocols on both sides of the core.

Outward (the core needs them): ``Outbox``, the one port adapters implement, with a single
method so that a new kind of message never breaks an adapter (new kinds are new dataclasses in
``bot.core.outbound``); ``JobWaker`` (whatever runs timed jobs), ``Mailer`` (email for
safeguarding alerts), ``Screener`` and ``Scrubber`` (safeguarding checks on an answer). The
store's capability Protocols are in ``bot.core.store``.

Inward (adapters call them): ``EventHandler``, what an adapter may ask of the engine, and
``ScheduledWork``, what the job runner may ask of it. Neither names the engine's class, so an
adapter or a feature never imports ``bot.engine``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.events import ConsentGiven, InboundEvent, Person
from bot.core.outbound import AnswerForm, Outbound
from bot.core.records import AnswerRecord, NewAlert, ScheduleRecord, SessionRecord


class Outbox(Protocol):
    async def send(self, message: Outbound) -> str | None:
        """Deliver ``message``. Return the platform's reference for a posted message
        (message id / ts) when there is one, so native reactions can be mapped back.
        Raise ``DeliveryFailed`` when the platform refuses."""
        ...


class ScreenVerdict(Protocol):
    """The screen's verdict on one answer. ``outcome`` is the policy's: "hold" (possible harm
    now: held back, the lead alerted), "inform_lead" (harm told as past and over: shown to
    the group, a low-priority note to the lead) or "share"."""

    @property
    def disclosure(self) -> bool: ...  # outcome is "hold"
    @property
    def categories(self) -> tuple[str, ...]: ...  # none when shared
    @property
    def outcome(self) -> str: ...
    @property
    def inform_lead(self) -> bool: ...  # outcome is "inform_lead"
    @property
    def why(self) -> tuple[str, ...]: ...  # plain reasons a lead can read


class Screener(Protocol):
    """Decides whether an answer might be a disclosure of harm now (held for the lead), harm
    past and over (noted to the lead), or neither."""

    def screen(self, text: str) -> ScreenVerdict: ...


class RemovedDetail(Protocol):
    @property
    def kind(self) -> str: ...  # name, phone, email, address, school, handle


class ScrubVerdict(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def spans(self) -> Sequence[RemovedDetail]: ...


class Scrubber(Protocol):
    """Takes personal details out of an answer before anyone sees it."""

    def scrub(self, text: str) -> ScrubVerdict: ...


class JobWaker(Protocol):
    def wake(self, at: datetime) -> None:
        """Something is due at ``at`` (aware UTC): make sure the runner looks then."""
        ...


class Mailer(Protocol):
    async def send(self, to: str, subject: str, body: str) -> bool:
        """Send one email; ``False`` (logged) when it could not be sent."""
        ...


class EventHandler(Protocol):
    """What an adapter may ask of the core. Every method is safe to call with anything a
    person did: user mistakes come back as private replies, never as exceptions (except
    ``answer_form``, which raises ``UserFacingError`` for the adapter to show)."""

    @property
    def max_answer_chars(self) -> int:
        """The longest answer accepted (adapters size their answer inputs with it)."""
        ...

    async def handle(self, event: InboundEvent) -> list[Outbound]:
        """What to send in response to ``event``."""
        ...

    async def dispatch(self, event: InboundEvent, outbox: Outbox) -> list[Outbound]:
        """Handle ``event`` and send every resulting message through ``outbox``."""
        ...

    async def send_all(
        self, messages: Sequence[Outbound], outbox: Outbox, *, actor: Person, channel_id: str
    ) -> None:
        """Send messages, handling delivery failures the one way the core decides."""
        ...

    async def answer_form(
        self, session_id: str, question_number: int, person: Person
    ) -> AnswerForm:
        """The answer form for a question, or (``form.consent``) the privacy note first."""
        ...

    async def agree_then_form(
        self, event: ConsentGiven, question_number: int
    ) -> tuple[list[Outbound], AnswerForm | None]:
        """ "I understand" pressed on the privacy note shown before an answer form: record
        the consent, then the form to open (``None`` when it cannot open: the messages say
        why). The form must be the platform's first response, so nothing is sent here."""
        ...

    def question_set_choices(self) -> list[tuple[str, str]]:
        """(id, title) of every question set, for autocomplete."""
        ...

    async def session_choices(self) -> list[tuple[str, str]]:
        """(shown, value) of sessions, by label where they have one, for autocomplete."""
        ...


class ScheduledWork(Protocol):
    """What the job runner asks of the core when a timed job falls due."""

    def reminder(self, schedule: ScheduleRecord, number: int, before: timedelta) -> Outbound: ...
    async def start_scheduled(
        self, schedule: ScheduleRecord, number: int, *, repost: bool = False
    ) -> list[Outbound]: ...
    async def close_scheduled(self, schedule_id: str, number: int) -> list[Outbound]: ...
    async def one_minute_left(self, session_id: str, number: int) -> list[Outbound]: ...
    async def advance_timed_question(
        self, session_id: str, number: int, *, repost: bool = False
    ) -> list[Outbound]: ...
    async def reveal_waiting(self, session_id: str) -> list[Outbound]: ...
    async def escalate(self, alert_id: str) -> list[Outbound]: ...
    async def deliver_alerts(self, outbox: Outbox) -> int:
        """Try again every safeguarding alert still waiting for the platform; return how
        many were delivered (the alert outbox, ``bot.safeguarding.alert_outbox``)."""
        ...

    async def purge(self) -> int: ...
    async def follow_up_due(self, action_id: str, number: int) -> list[Outbound]: ...
    async def feedback_card(self, action_id: str, number: int, session_id: str) -> list[Outbound]:
        """ "You said, we did": a card recorded from the command line, for the group."""
        ...

    async def staff_digest(self, session_id: str) -> list[Outbound]:
        """The session's digest for staff, when its end-of-session check has closed (once)."""
        ...

    async def send_all(
        self, messages: Sequence[Outbound], outbox: Outbox, *, actor: Person, channel_id: str
    ) -> None: ...


class ThemeMatch(Protocol):
    @property
    def theme_id(self) -> str: ...
    @property
    def evidence(self) -> Sequence[str]: ...


class ThemeTagger(Protocol):
    """Tags an answer with the codebook's themes, each with the words behind it."""

    def tag(self, text: str) -> Sequence[ThemeMatch]: ...


class QuestionTimers(Protocol):
    """What the session lifecycle tells the timers about (the scheduling feature)."""

    async def question_posted(self, session: SessionRecord, number: int) -> None: ...
    async def session_closed(self, session: SessionRecord) -> None: ...
    async def digest_due(self, session: SessionRecord, at: datetime) -> None:
        """Send the session's digest to staff at ``at`` (a job: a restart doesn't lose it)."""
        ...


class AuditTrail(Protocol):
    async def audit(self, who: str, action: str, subject: str = "", detail: str = "") -> None:
        """Record who did what to what (never answer text)."""
        ...


class AlertDesk(AuditTrail, Protocol):
    """What the sessions feature asks of the safeguarding desk."""

    def seal(self, person: Person) -> bytes:
        """Who this is, encrypted so only the safeguarding lead's key can read it."""
        ...

    async def held_answer(
        self,
        answer: AnswerRecord,
        writer: Person,
        categories: tuple[str, ...],
        original: str,
        *,
        stored: bool = True,
    ) -> list[Outbound]: ...

    def held_alert(
        self, answer: AnswerRecord, writer: Person, categories: tuple[str, ...], original: str
    ) -> NewAlert:
        """The alert for an answer about to be stored as held, stored with it in one
        transaction (``AnswerStore.record_answer(alert=…)``)."""
        ...

    async def alert_stored(self, new: NewAlert) -> list[Outbound]:
        """Send an alert stored with its held answer."""
        ...

    async def reported_answer(self, answer: AnswerRecord) -> list[Outbound]: ...

    async def noted_answer(
        self, answer: AnswerRecord, why: tuple[str, ...], original: str
    ) -> list[Outbound]:
        """A low-priority note for the lead about an answer shown to the group."""
        ...
