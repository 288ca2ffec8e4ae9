"""Reports for staff: pick sessions, build their digests, add any notes, render, and the
/report command (files delivered privately to whoever asked, like /digest)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.core.errors import NotFound
from bot.core.events import CommandInvoked, audit_name
from bot.core.outbound import Audience, DeliveryFile, FileDelivery, Outbound
from bot.core.ports import AuditTrail
from bot.core.store import SessionStore
from bot.digest.model import Digest
from bot.digest.render import MIME_TYPES, DigestFormat
from bot.report.build import build_report
from bot.report.model import Report
from bot.report.notes import NotesWorkshop
from bot.report.render import render_report, report_file_name
from bot.report.select import Selection, parse_day, select_sessions, split_names

LONDON = ZoneInfo("Europe/London")
FORMAT_NAMES = ", ".join([*(f.value for f in DigestFormat), "all"])


class DigestSource(Protocol):
    """What a report needs of the digest feature."""

    @property
    def theme_labels(self) -> dict[str, str]: ...
    async def digest(self, session_id: str) -> Digest: ...


class Reports:
    def __init__(
        self,
        *,
        sessions: SessionStore,
        digests: DigestSource,
        audit: AuditTrail,
        zone: ZoneInfo = LONDON,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._sessions = sessions
        self._digests = digests
        self._audit = audit
        self._zone = zone
        self._clock = clock

    async def report(
        self, wanted: Selection, notes: Sequence[NotesWorkshop] = (), *, title: str = ""
    ) -> Report:
        if not wanted.names and not wanted.question_set and notes:
            picked = []  # notes alone make a report too
        else:
            picked = select_sessions(await self._sessions.session_summaries(), wanted, self._zone)
        digests = [await self._digests.digest(s.id) for s in picked]
        return await asyncio.to_thread(
            build_report,
            digests,
            notes,
            self._digests.theme_labels,
            title=title,
            made_at=self._clock() if self._clock else None,
        )

    async def label_choices(self) -> list[tuple[str, str]]:
        """(what to show, what to pass) for autocomplete: labelled sessions by label, the
        rest by id, newest first."""
        summaries = await self._sessions.session_summaries()
        seen: dict[str, str] = {}
        for s in summaries:
            name = s.session.label or s.session.id
            shown = f"{name} · {s.session.question_set_id} · {s.session.started_at:%d %b %Y}"
            seen.setdefault(name, shown)
        return [(shown, name) for name, shown in seen.items()]

    async def command(self, event: CommandInvoked) -> list[Outbound]:
        """/report sessions:"Leeds, Hull" or question-set:X since:DATE until:DATE."""
        options = event.options
        fmt = (options.get("format") or "all").strip().lower().lstrip(".")
        if fmt == "all":
            formats: tuple[DigestFormat, ...] = tuple(DigestFormat)
        else:
            try:
                formats = (DigestFormat(fmt),)
            except ValueError:
                raise NotFound(
                    f"There's no report format '{fmt}'. Formats: {FORMAT_NAMES}."
                ) from None
        since, until = options.get("since"), options.get("until")
        wanted = Selection(
            names=split_names(options.get("sessions", "")),
            question_set=(options.get("question-set") or "").strip() or None,
            since=parse_day(since, "since") if since else None,
            until=parse_day(until, "until") if until else None,
        )
        report = await self.report(wanted)
        # rendered in a worker thread, so the bot goes on answering meanwhile
        files = await asyncio.to_thread(_report_files, report, formats)
        keys = ",".join(w.key for w in report.workshops)
        await self._audit.audit(audit_name(event.person), "report-downloaded", keys, fmt)
        return [
            FileDelivery(
                channel_id=event.channel_id,
                audience=Audience.REQUESTER,
                requester=event.person,
                text=f"Here is the report over {len(report.workshops)} workshops.",
                files=files,
            )
        ]


def _report_files(report: Report, formats: Sequence[DigestFormat]) -> tuple[DeliveryFile, ...]:
    return tuple(
        DeliveryFile(
            name=report_file_name(report, f),
            content=render_report(report, f),
            mime_type=MIME_TYPES[f],
        )
        for f in formats
    )
