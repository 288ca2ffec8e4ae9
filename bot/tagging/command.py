"""The ``consultbot tag`` commands: tag a file of answers, or measure the tagger.

The CLI owns argument parsing and exit codes; these functions read, tag and write.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from bot.tagging.codebook import load_codebook
from bot.tagging.evaluate import EvalReport, evaluate, format_report, load_labelled
from bot.tagging.tag_file import tag_records, write_jsonl
from bot.tagging.tagger import Tagger


def run_tag(path: Path, codebook_path: Path, out: TextIO, *, explain: bool = False) -> None:
    """Write each record of ``path`` with its themes to ``out`` as JSON Lines.

    The whole file is read and checked before anything is written, so a bad line never
    leaves half an output behind.
    """
    tagger = Tagger(load_codebook(codebook_path))
    write_jsonl(list(tag_records(path, tagger, explain=explain)), out)


def run_eval(path: Path, codebook_path: Path, out: TextIO) -> EvalReport:
    """Tag the labelled answers in ``path``, write the score table to ``out``, return it."""
    codebook = load_codebook(codebook_path)
    report = evaluate(load_labelled(path, codebook), Tagger(codebook), codebook)
    out.write(format_report(report))
    return report
