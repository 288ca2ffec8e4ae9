"""What each browser last asked a report of: the selection, the notes file's rows and the
title, never the report itself. The report is built again from the store on every view and
download, so an answer withdrawn or purged since is gone from it. At most ``MAX_KEPT``
browsers are remembered (the oldest forgotten first), and sign-out forgets one."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from bot.report.notes import NotesWorkshop
from bot.report.select import Selection

MAX_KEPT = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportAsked:
    selection: Selection
    notes: tuple[NotesWorkshop, ...]
    title: str


class MadeReports:
    def __init__(self, limit: int = MAX_KEPT) -> None:
        self._limit = limit
        self._asked: OrderedDict[str, ReportAsked] = OrderedDict()

    def keep(self, browser: str, asked: ReportAsked) -> None:
        self._asked[browser] = asked
        self._asked.move_to_end(browser)
        while len(self._asked) > self._limit:
            self._asked.popitem(last=False)

    def get(self, browser: str) -> ReportAsked | None:
        return self._asked.get(browser)

    def pop(self, browser: str, default: ReportAsked | None = None) -> ReportAsked | None:
        return self._asked.pop(browser, default)

    def __len__(self) -> int:
        return len(self._asked)
