"""The words every digest format uses for what goes back to and comes from the group: who
will hear it (the question set's audience) and the anonymous end-of-session check (counts
only). The same lines in Markdown, HTML, Word, CSV and JSON, so every format says the same."""

from __future__ import annotations

from bot.digest.model import EndCheckQuestion, EndCheckResult

NO_AUDIENCE = "The question set doesn't say who will hear it."
END_CHECK_HEADING = "End-of-session check"
END_CHECK_ABOUT = (
    "Four anonymous questions after the last one, one tap each, changeable, open for 30 "
    "minutes after the close. Counts only: nobody's choice is kept with their name, and it goes "
    "with the session's answers. The digest sent to staff by itself comes when these close, "
    "with the counts; /digest gives them at any time."
)
NO_END_CHECK = "This session had no end-of-session check."


def audience_line(audience: str | None) -> str:
    return f"Who will hear it: {audience}." if audience else NO_AUDIENCE


def end_check_line(result: EndCheckResult, question: EndCheckQuestion) -> str:
    """ "Did you feel safe? 😀 yes 5 · 🙂 a bit 2 · 😐 not sure 1 · 😞 no 0 (8 answered)",
    most positive first."""
    faces = [
        f"{emoji} {label} {count}"
        for (emoji, label), count in reversed(list(zip(result.faces, question.counts, strict=True)))
    ]
    return f"{question.text} {' · '.join(faces)} ({question.answered} answered)"


def end_check_lines(result: EndCheckResult | None) -> list[str]:
    if result is None:
        return [NO_END_CHECK]
    return [end_check_line(result, q) for q in result.questions]


def end_check_data(result: EndCheckResult | None) -> dict[str, object] | None:
    """The JSON form: faces and each question's counts (read back by ``json_import``)."""
    if result is None:
        return None
    return {
        "faces": [{"emoji": emoji, "label": label} for emoji, label in result.faces],
        "questions": [
            {"text": q.text, "counts": list(q.counts), "answered": q.answered}
            for q in result.questions
        ],
    }


def end_check_from_data(data: object) -> EndCheckResult | None:
    if not isinstance(data, dict):
        return None
    return EndCheckResult(
        faces=tuple((str(f["emoji"]), str(f["label"])) for f in data["faces"]),
        questions=tuple(
            EndCheckQuestion(text=str(q["text"]), counts=tuple(int(c) for c in q["counts"]))
            for q in data["questions"]
        ),
    )
