"""The ``consultbot screen`` commands: screen and scrub a file of answers, or measure them.

The CLI owns argument parsing and exit codes; these functions read, screen and write.

``run_screen`` reads JSON Lines (one ``{"text": ...}`` object per line; blank lines skipped)
and writes each object back with these fields added:

- ``"outcome"``: the policy's outcome, ``hold``, ``inform_lead`` or ``share``;
- ``"disclosure"``: true only when held back for the lead (``hold``: possible harm now);
- ``"inform_lead"``: true when shown to the group with a low-priority note to the lead
  (harm told as past and over);
- ``"categories"``: the safeguarding categories it was held or noted for, in lexicon order
  (none when shared);
- ``"why"``: plain reasons a lead can read ("lexicon phrase: 'kill myself' (self-harm)",
  "past and over: 'used to', 'im safe now'", "second opinion 0.83 …");
- ``"redacted"``: the text with personal data replaced by ``[name]``, ``[phone]`` and so on;
- ``"pii"``: ``[{"start", "end", "kind"}, ...]``, offsets into the ORIGINAL text.

The whole file is read and checked before anything is written, so a bad line never leaves
half an output behind. Errors name the file and the line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from bot.datafile import read_text_records
from bot.safeguarding.evaluate import (
    ScreenReport,
    ScrubReport,
    evaluate_screen,
    evaluate_scrub,
    format_screen_report,
    format_scrub_report,
    load_screen_labels,
    load_scrub_labels,
)
from bot.safeguarding.screen import DisclosureScreen, default_screen
from bot.safeguarding.scrub import Scrubber, default_scrubber


def run_screen(path: Path, out: TextIO, lexicon_path: Path | None = None) -> None:
    """Write each record of ``path`` with its screening and scrubbing to ``out``."""
    screen = _screen(lexicon_path)
    scrubber = default_scrubber()
    results: list[dict[str, Any]] = []
    for record in _read_jsonl(path):
        text: str = record["text"]
        screening = screen.screen(text)
        scrubbed = scrubber.scrub(text)
        results.append(
            {
                **record,
                "outcome": screening.outcome.value,
                "disclosure": screening.disclosure,
                "inform_lead": screening.inform_lead,
                "categories": list(screening.categories),
                "why": list(screening.why),
                "redacted": scrubbed.text,
                "pii": [{"start": s.start, "end": s.end, "kind": s.kind} for s in scrubbed.spans],
            }
        )
    for result in results:
        out.write(json.dumps(result, ensure_ascii=False) + "\n")


def run_screen_eval(path: Path, out: TextIO, lexicon_path: Path | None = None) -> ScreenReport:
    """Screen the labelled answers in ``path``; write a table for all and for each split."""
    screen = _screen(lexicon_path)
    answers = load_screen_labels(path, screen.lexicon.ids)
    report = evaluate_screen(answers, screen)
    out.write(format_screen_report(report, title="all"))
    for split in sorted({a.split for a in answers if a.split is not None}):
        part = evaluate_screen([a for a in answers if a.split == split], screen)
        out.write("\n" + format_screen_report(part, title=split))
    return report


def run_scrub_eval(path: Path, out: TextIO, names_path: Path | None = None) -> ScrubReport:
    """Scrub the labelled answers in ``path``; write a table for all and for each split."""
    scrubber = default_scrubber() if names_path is None else Scrubber.from_file(names_path)
    answers = load_scrub_labels(path)
    report = evaluate_scrub(answers, scrubber)
    out.write(format_scrub_report(report, title="all"))
    for split in sorted({a.split for a in answers if a.split is not None}):
        part = evaluate_scrub([a for a in answers if a.split == split], scrubber)
        out.write("\n" + format_scrub_report(part, title=split))
    return report


def _screen(lexicon_path: Path | None) -> DisclosureScreen:
    """The shipped screen (built once per process), or one built from ``lexicon_path``."""
    return default_screen() if lexicon_path is None else DisclosureScreen.from_file(lexicon_path)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [record for _, record in read_text_records(path)]
