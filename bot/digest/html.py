"""The HTML digest: one self-contained page that reads well on a phone.

Inline CSS only; no scripts, fonts, images or links to anywhere, and a Content-Security-Policy
that would block them if one slipped in. Jinja2 autoescaping makes answer text inert; answers
carry ``dir="auto"`` so right-to-left text displays properly. The themes chart is an inline SVG
built here, so the template only places numbers that are already laid out.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

import jinja2

from bot.digest.model import Digest

_TEMPLATE = "digest.html.j2"
_CHART_WIDTH = 320  # SVG user units; the chart scales to the page width
_BAR_SPACE = 260  # the longest bar; the rest of the row is left for its count
_ROW_HEIGHT = 40


@dataclass(frozen=True, slots=True, kw_only=True)
class ChartBar:
    """One laid-out bar of the themes chart, in SVG user units."""

    label: str
    count: int
    label_y: int
    bar_y: int
    width: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    width: int
    height: int
    bars: tuple[ChartBar, ...]
    description: str


def render_html(digest: Digest) -> str:
    """The whole digest as one HTML document."""
    template = _environment().get_template(_TEMPLATE)
    return template.render(
        digest=digest,
        theme_labels={theme.theme_id: theme.label for theme in digest.themes},
        chart=theme_chart(digest),
        started=_when(digest.started_at),
        closed=_when(digest.closed_at) if digest.closed_at else None,
    )


def theme_chart(digest: Digest) -> Chart:
    """Lay out a horizontal bar chart of answers per theme, in the digest's theme order."""
    most = max((theme.answer_count for theme in digest.themes), default=0)
    bars = tuple(
        ChartBar(
            label=theme.label,
            count=theme.answer_count,
            label_y=index * _ROW_HEIGHT + 14,
            bar_y=index * _ROW_HEIGHT + 20,
            width=max(2, round(_BAR_SPACE * theme.answer_count / most)) if most else 2,
        )
        for index, theme in enumerate(digest.themes)
    )
    description = "; ".join(f"{bar.label}: {_answers(bar.count)}" for bar in bars)
    return Chart(
        width=_CHART_WIDTH,
        height=max(len(bars), 1) * _ROW_HEIGHT,
        bars=bars,
        description=f"Answers per theme. {description}." if bars else "No themes were tagged.",
    )


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("bot.digest", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _answers(count: int) -> str:
    return f"{count} answer" if count == 1 else f"{count} answers"


def _when(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y, %H:%M} {moment.tzname() or ''}".rstrip()
