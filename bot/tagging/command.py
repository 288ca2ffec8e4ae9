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
    """Write each record of ``path`` with its themes to ``out`` as JSON Lines; answers with
    no theme say ``"untagged": true``. With ``explain``, each theme says why and gives its
    codebook note.

    The whole file is read and checked before anything is written, so a bad line never
    leaves half an output behind.
    """
    codebook = load_codebook(codebook_path)
    records = list(tag_records(path, Tagger(codebook), explain=explain, codebook=codebook))
    write_jsonl(records, out)


def run_eval(path: Path, codebook_path: Path, out: TextIO) -> EvalReport:
    """Tag the labelled answers in ``path``, write the score table to ``out``, return it.

    The table is for the tagger as it runs; a last line gives keywords alone and the model
    alone for comparison. A file the model was trained on scores higher than new answers
    will: quote cross-validation or a holdout instead."""
    codebook = load_codebook(codebook_path)
    answers = load_labelled(path, codebook)
    tagger = Tagger(codebook)
    report = evaluate(answers, tagger, codebook)
    out.write(format_report(report))
    if tagger.model is not None:
        for mode in ("keywords", "model"):
            alone = evaluate(answers, Tagger(codebook, model=tagger.model, mode=mode), codebook)
            out.write(
                f"{mode} alone: macro F1 {alone.macro_f1:.2f}, "
                f"no theme {alone.untagged_share:.0%}\n"
            )
        if tagger.model_is_stale:
            out.write(
                "The codebook changed since the model was trained: python -m bot.tagging.train\n"
            )
    return report
