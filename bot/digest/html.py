"""The HTML digest: one self-contained page that reads well on a phone and prints well.

Inline CSS only; no scripts, fonts, images or links to anywhere but its own sections (the
jump links), and a Content-Security-Policy that would block them if one slipped in. Jinja2
autoescaping makes answer text inert; answers carry ``dir="auto"`` so right-to-left text
displays properly. The themes chart is an inline SVG laid out here, so the template only
places numbers that are already worked out.

Printing: the summary and the chart share page 1 (the chart is short: the top themes only,
the rest are in the table); the theme table and the questions each start a new page (the
answers with no theme follow on, rather than leave a page nearly empty), no heading is left
at the foot of a page, and no answer card, quote or table row is split across pages.
"""

from __future__ import annotations

import functools
import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.digest import actions, feedback_words, words
from bot.digest.agreement import thresholds_text
from bot.digest.model import Consensus, Digest, DigestAnswer
from bot.digest.summary import summarise

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup

_TEMPLATE = "digest.html.j2"
CHART_THEMES = 8
_CHART_WIDTH = 400  # SVG user units; the chart scales to the page width
_BAR_SPACE = 310  # a bar as long as everyone present; the rest is for its numbers
_ROW_HEIGHT = 38  # the theme's name, then its bar under it (room for long names on a phone)
_BAR_HEIGHT = 14


@dataclass(frozen=True, slots=True, kw_only=True)
class ChartBar:
    """One laid-out row of the themes chart, in SVG user units: who raised the theme (solid)
    and who else agreed with it (lighter), out of everyone present."""

    label: str
    raised: int
    agreed: int
    label_y: int
    bar_y: int
    raised_width: int
    agreed_width: int
    caption: str  # "17 (65%)"


@dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    width: int
    height: int
    bar_height: int
    bars: tuple[ChartBar, ...]
    description: str
    more: int  # themes left out of the chart (they are in the table)


def render_html(digest: Digest) -> str:
    """The whole digest as one HTML document."""
    return html_bytes(digest).decode("utf-8")


def html_bytes(digest: Digest) -> bytes:
    """The whole digest as the bytes of an HTML file (UTF-8), encoded a few thousand pieces
    at a time as the template makes them: the page is never held as one string."""
    template = _environment().get_template(_TEMPLATE)
    present = digest.participant_count
    pieces = template.generate(
        digest=digest,
        summary=summarise(digest),
        chart=theme_chart(digest),
        words=words,
        present=present,
        heading=words.heading(digest),
        span=words.span(digest),
        thresholds=thresholds_text(),
        not_quotable=words.NOT_QUOTABLE,
        action_line=actions.action_line,
        feedback=feedback_words,
        labels=digest.theme_labels(),
        untagged=digest.untagged_answers,
        agreement=_agreement(present),
    )
    out = io.BytesIO()
    while batch := list(itertools.islice(pieces, _BATCH)):
        out.write("".join(batch).encode("utf-8"))
    return out.getvalue()


# Template pieces joined and encoded at once. Not many more: the pieces are Markup strings,
# which the garbage collector tracks, and thousands held at once are promoted often enough
# to set off full collections (a 50,000-answer page took 1.8 s with 4,096, 1.0 s with 512).
_BATCH = 512


def theme_chart(digest: Digest) -> Chart:
    """A horizontal bar per theme (the top ``CHART_THEMES``, in the digest's order): people
    who raised it and people who agreed, out of everyone present."""
    present = max(digest.participant_count, 1)
    shown = digest.themes[:CHART_THEMES]
    bars = []
    for index, theme in enumerate(shown):
        raised = round(_BAR_SPACE * theme.raised_by / present)
        agreed = round(_BAR_SPACE * theme.agreed_by / present)
        bars.append(
            ChartBar(
                label=theme.label,
                raised=theme.raised_by,
                agreed=theme.agreed_by,
                label_y=index * _ROW_HEIGHT + 14,
                bar_y=index * _ROW_HEIGHT + 19,
                raised_width=max(raised, 2),
                agreed_width=agreed,
                caption=f"{theme.reach} ({words.share(theme.reach, digest.participant_count)})",
            )
        )
    description = "; ".join(
        f"{bar.label}: raised by {words.people(bar.raised)}, {bar.agreed} more agreed"
        for bar in bars
    )
    return Chart(
        width=_CHART_WIDTH,
        height=max(len(bars), 1) * _ROW_HEIGHT,
        bar_height=_BAR_HEIGHT,
        bars=tuple(bars),
        description=(
            f"People per theme, out of {words.people(digest.participant_count)} present. "
            f"{description}."
            if bars
            else "No themes were tagged."
        ),
        more=len(digest.themes) - len(shown),
    )


def _agreement(present: int) -> Callable[[DigestAnswer], Markup]:
    """How the room agreed with an answer, as the page shows it after the alias: the words of
    ``words.agreed`` with the consensus label marked. Made here rather than as a template
    macro, once per (agreement, different, consensus): a macro call on every answer was a
    third of a big page's time."""
    from markupsafe import Markup  # comes with Jinja2, loaded only for HTML likewise

    @functools.cache
    def made(agreement: int, differ: int, consensus: Consensus) -> Markup:
        line = Markup("no one pressed agree")
        if agreement:
            share = words.share(agreement, present)
            line = Markup("agreed by {} of {} ({})").format(agreement, present, share)
        if differ:
            line += Markup(", {} different for them").format(differ)
        if consensus.value:
            line += Markup(' · <span class="consensus">{}</span>').format(consensus.value)
        return line

    return lambda answer: made(answer.agreement, answer.differ, answer.consensus)


@functools.cache
def _environment() -> jinja2.Environment:
    import jinja2  # only when an HTML digest is made: 9 MiB a bot at rest need not hold

    return jinja2.Environment(
        loader=jinja2.PackageLoader("bot.digest", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
