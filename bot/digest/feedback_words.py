"""The words every digest format uses for what goes back to and comes from the group: who
will hear it (the question set's audience) and the anonymous end-of-session check (counts
only). The same lines in Markdown, HTML, Word, CSV and JSON, so every format says the same.

So no count can show who chose what: while the check is still taking taps no counts are shown
(a reload between taps in a small room would); once it is closed any count under
``SMALL_COUNT`` shows as "fewer than 3", and so does one more count of the question when
only one is hidden (else it could be worked out from the total)."""

from __future__ import annotations

from bot.digest.model import EndCheckQuestion, EndCheckResult

NO_AUDIENCE = "The question set doesn't say who will hear it."
END_CHECK_HEADING = "End-of-session check"
END_CHECK_ABOUT = (
    "Four anonymous questions after the last one, one tap each, changeable, open for 30 "
    "minutes after the close. Counts only: nobody's choice is kept with their name, and it goes "
    "with the session's answers. No counts are shown while it is open, and any count under 3 "
    "shows as 'fewer than 3'. The digest sent to staff by itself comes when the check closes, "
    "with the counts; /digest gives them once it has closed."
)
SMALL_COUNT = 3
FEWER = "fewer than 3"
STILL_OPEN = (
    "The check is still open: the counts are shown once it has closed, 30 minutes after the "
    "session ends."
)
NO_END_CHECK = "This session had no end-of-session check."


def audience_line(audience: str | None) -> str:
    return f"Who will hear it: {audience}." if audience else NO_AUDIENCE


def shown_counts(counts: tuple[int, ...]) -> tuple[int | None, ...]:
    """``counts`` as they may be shown: ``None`` for "fewer than 3". When that hides just one
    count, the next smallest is hidden too, so the total can't give the hidden one away."""
    hidden = {i for i, n in enumerate(counts) if n < SMALL_COUNT}
    if len(hidden) == 1 and len(counts) > 1:
        hidden.add(min((i for i in range(len(counts)) if i not in hidden), key=counts.__getitem__))
    return tuple(None if i in hidden else n for i, n in enumerate(counts))


def shown_count(count: int | None) -> str:
    return FEWER if count is None or count < SMALL_COUNT else str(count)


def end_check_line(result: EndCheckResult, question: EndCheckQuestion) -> str:
    """ "Did you feel safe? 😀 yes 5 · 🙂 a bit fewer than 3 · 😐 not sure fewer than 3 ·
    😞 no 4 (10 answered)", most positive first."""
    shown = shown_counts(question.counts)
    faces = [
        f"{emoji} {label} {shown_count(count)}"
        for (emoji, label), count in reversed(list(zip(result.faces, shown, strict=True)))
    ]
    return f"{question.text} {' · '.join(faces)} ({shown_count(question.answered)} answered)"


def end_check_lines(result: EndCheckResult | None) -> list[str]:
    if result is None:
        return [NO_END_CHECK]
    if result.still_open:
        return [STILL_OPEN]
    return [end_check_line(result, q) for q in result.questions]


def end_check_data(result: EndCheckResult | None) -> dict[str, object] | None:
    """The JSON form: faces and each question's counts (read back by ``json_import``), a
    count under 3 as "fewer than 3"; while the check is open, ``still_open`` and no counts."""
    if result is None:
        return None
    return {
        "still_open": result.still_open,
        "faces": [{"emoji": emoji, "label": label} for emoji, label in result.faces],
        "questions": [
            {"text": q.text}
            if result.still_open
            else {
                "text": q.text,
                "counts": [FEWER if n is None else n for n in shown_counts(q.counts)],
                "answered": q.answered if q.answered >= SMALL_COUNT else FEWER,
            }
            for q in result.questions
        ],
    }


def end_check_from_data(data: object) -> EndCheckResult | None:
    if not isinstance(data, dict):
        return None
    faces = tuple((str(f["emoji"]), str(f["label"])) for f in data["faces"])
    return EndCheckResult(
        faces=faces,
        still_open=bool(data.get("still_open", False)),
        questions=tuple(
            EndCheckQuestion(
                text=str(q["text"]),
                # "fewer than 3" reads back as 0: shown again as "fewer than 3", and a
                # report adds up only what was shown.
                counts=tuple(c if isinstance(c, int) else 0 for c in q.get("counts", []))
                or (0,) * len(faces),
                total=q["answered"] if isinstance(q.get("answered"), int) else None,
            )
            for q in data["questions"]
        ),
    )
