""" "You said, we did" in the digest: each action's latest update as a status staff can read,
so the loop from the group's words to what happened is visible in every format."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.records import ActionRecord, Decision
from bot.digest.model import ThemeAction

STATUS_WORDS = {
    Decision.CHANGED: "changed",
    Decision.PARTLY: "partly changed",
    Decision.NOT_CHANGED: "not changed",
}


def status_of(action: ActionRecord) -> str:
    """ "heard", "taken to …" (no decision yet), or the decision."""
    latest = action.latest
    if latest.decision in STATUS_WORDS:
        return STATUS_WORDS[latest.decision]
    taken_to = next((u.taken_to for u in reversed(action.updates) if u.taken_to), "")
    return f"taken to {taken_to}" if taken_to else "heard"


def theme_actions(
    actions: Sequence[ActionRecord], labels: Mapping[str, str]
) -> tuple[ThemeAction, ...]:
    """The actions as statuses, in codebook order (``labels``' order), then oldest first."""
    order = {theme: i for i, theme in enumerate(labels)}
    ranked = sorted(actions, key=lambda a: (order.get(a.theme_id, len(order)), a.created_at))
    return tuple(
        ThemeAction(
            action_id=a.id,
            theme_id=a.theme_id,
            label=labels.get(a.theme_id, a.theme_id),
            status=status_of(a),
            taken_to=next((u.taken_to for u in reversed(a.updates) if u.taken_to), ""),
            because=a.latest.because,
            follow_up=a.latest.follow_up,
            updated_at=a.latest.at,
            updates=len(a.updates),
        )
        for a in ranked
    )


SECTION_TITLE = "You said, we did"


def action_line(action: ThemeAction) -> str:
    """One line for staff: "Moving home: partly changed (taken to …). Because …. Follow-up
    by 1 Apr 2027. 3 updates, last on 2 Feb 2027." """
    status = action.status
    if action.taken_to and not status.startswith("taken to"):
        status += f" (taken to {action.taken_to})"
    parts = [f"{action.label}: {status}."]
    if action.because:
        parts.append(f"Because {action.because.rstrip('.')}.")
    if action.follow_up:
        parts.append(f"Follow-up by {action.follow_up:%-d %b %Y}.")
    noun = "update" if action.updates == 1 else "updates"
    parts.append(f"{action.updates} {noun}, last on {action.updated_at:%-d %b %Y}.")
    return " ".join(parts)


def status_cell(theme_ids: Sequence[str], actions: Sequence[ThemeAction]) -> str:
    """A CSV cell: the status of each of an answer's themes that has an action."""
    by_theme: dict[str, list[str]] = {}
    for a in actions:
        by_theme.setdefault(a.theme_id, []).append(a.status)
    return "; ".join(f"{t}: {', '.join(by_theme[t])}" for t in theme_ids if t in by_theme)
