"""Small accessible SVG charts, drawn on the server: no JavaScript, no library, no CDN.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` (named by
``aria-labelledby``), text labels on the bars and at the end of each line, and series told
apart by pattern, dash and marker shape as well as colour (WCAG 1.4.1). The page shows each
chart's numbers as a table next to it; the chart is the quick look, the table the record.
Only presentation attributes are used (no ``style``), so the Content-Security-Policy holds.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

INK = "#0b0c0c"
GRID = "#b1b4b6"
# High-contrast colours (against white ≥ 4.5:1), each paired with a dash and a marker shape.
SERIES_STYLES = (
    ("#1d3557", "", "circle"),
    ("#a4330a", "6 4", "square"),
    ("#00703c", "2 3", "triangle"),
)
_ids = itertools.count(1)


def _attr(value) -> str:
    return escape(str(value), quote=True)


def _svg(width: int, height: int, title: str, desc: str, body: list[str], slug: str) -> SafeString:
    n = next(_ids)
    tid, did = f"chart-{slug}-{n}-title", f"chart-{slug}-{n}-desc"
    return mark_safe(  # noqa: S308 - every text inside went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{tid} {did}" font-family="system-ui, sans-serif" font-size="13">'
        f'<title id="{tid}">{escape(title)}</title><desc id="{did}">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


@dataclass
class Bar:
    label: str
    value: float | None
    text: str  # the value as shown (e.g. "83 %", "12,4 h")


def bars(
    title: str,
    desc: str,
    items: list[Bar],
    *,
    slug: str,
    maximum: float | None = None,
    goal: tuple[float, str] | None = None,
) -> SafeString:
    """Horizontal bars, one per item, the label left and the value written at the bar's end.
    ``goal`` draws a dashed vertical line with its label (e.g. 24 hours)."""
    label_width, bar_width, row = 230, 380, 28
    width = label_width + bar_width + 90
    height = 20 + row * max(1, len(items)) + (24 if goal else 8)
    top = max([b.value or 0 for b in items] + ([goal[0]] if goal else []) + [0])
    scale = maximum or top or 1
    body: list[str] = []
    for i, item in enumerate(items):
        y = 12 + i * row
        body.append(
            f'<text x="{label_width - 8}" y="{y + 14}" text-anchor="end" fill="{INK}">'
            f"{escape(item.label)}</text>"
        )
        if item.value is None:
            body.append(
                f'<text x="{label_width + 4}" y="{y + 14}" fill="{INK}">uppgift saknas</text>'
            )
            continue
        w = max(1.0, bar_width * min(item.value, scale) / scale) if item.value > 0 else 0
        body.append(
            f'<rect x="{label_width}" y="{y + 2}" width="{w:.1f}" height="{row - 10}" '
            f'fill="#1d3557" stroke="{INK}" stroke-width="0.5"/>'
        )
        body.append(
            f'<text x="{label_width + w + 6:.1f}" y="{y + 14}" fill="{INK}">'
            f"{escape(item.text)}</text>"
        )
    body.append(
        f'<line x1="{label_width}" y1="8" x2="{label_width}" y2="{height - (22 if goal else 6)}" '
        f'stroke="{INK}"/>'
    )
    if goal:
        gx = label_width + bar_width * min(goal[0], scale) / scale
        body.append(
            f'<line x1="{gx:.1f}" y1="6" x2="{gx:.1f}" y2="{height - 20}" stroke="#a4330a" '
            f'stroke-width="2" stroke-dasharray="6 4"/>'
            f'<text x="{gx:.1f}" y="{height - 6}" text-anchor="middle" fill="#a4330a">'
            f"{escape(goal[1])}</text>"
        )
    return _svg(width, height, title, desc, body, slug)


@dataclass
class Series:
    name: str
    values: list[float | None]
    texts: list[str]


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "triangle":
        return (
            f'<polygon points="{x:.1f},{y - 5:.1f} {x - 5:.1f},{y + 4:.1f} '
            f'{x + 5:.1f},{y + 4:.1f}" '
            f'fill="{colour}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def lines(
    title: str,
    desc: str,
    x_labels: list[str],
    series: list[Series],
    *,
    slug: str,
    maximum: float | None = None,
    axis_text=None,
    goal: tuple[float, str] | None = None,
) -> SafeString:
    """A line per series over the months, with a marker and its value at each point, the
    series' name written at its last point and in a legend above. Gaps (``None``) break the
    line. ``axis_text(value)`` labels the y axis (0, half, top)."""
    left, top, bottom = 60, 34, 40
    right = 20 + 8 * max([len(s.name) for s in series] + [len(goal[1]) if goal else 0])
    plot_w = max(320, 64 * len(x_labels))
    plot_h = 200
    width, height = left + plot_w + right, top + plot_h + bottom
    values = [v for s in series for v in s.values if v is not None]
    peak = maximum or 1.15 * max(values + ([goal[0]] if goal else []) + [0]) or 1
    axis_text = axis_text or (lambda v: f"{v:g}")
    step = plot_w / max(1, len(x_labels))

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + step * (i + 0.5), top + plot_h - plot_h * min(v, peak) / peak

    body = []
    for fraction in (0, 0.5, 1):
        y = top + plot_h - plot_h * fraction
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}" '
            f'stroke-width="1"/><text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'fill="{INK}">{escape(axis_text(peak * fraction))}</text>'
        )
    every = max(1, len(x_labels) // 12)
    for i, label in enumerate(x_labels):
        if i % every == 0:
            x = left + step * (i + 0.5)
            body.append(
                f'<text x="{x:.1f}" y="{top + plot_h + 18}" text-anchor="middle" '
                f'font-size="11" fill="{INK}">{escape(label)}</text>'
            )
    if goal:
        _, gy = xy(0, goal[0])
        body.append(
            f'<line x1="{left}" y1="{gy:.1f}" x2="{left + plot_w}" y2="{gy:.1f}" stroke="#a4330a" '
            f'stroke-width="2" stroke-dasharray="2 6"/><text x="{left + plot_w + 6}" '
            f'y="{gy + 4:.1f}" fill="#a4330a">{escape(goal[1])}</text>'
        )
    legend_x = left
    end_labels: list[float] = []
    for s, (colour, dash, shape) in zip(series, itertools.cycle(SERIES_STYLES)):
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(
            f'<line x1="{legend_x}" y1="14" x2="{legend_x + 28}" y2="14" stroke="{colour}" '
            f'stroke-width="2.5"{dash_attr}/>'
            + _marker(shape, legend_x + 14, 14, colour)
            + f'<text x="{legend_x + 34}" y="18" fill="{INK}">{escape(s.name)}</text>'
        )
        legend_x += 40 + 8 * len(s.name)
        segment: list[str] = []
        last = None
        for i, v in enumerate(s.values):
            if v is None:
                if len(segment) > 1:
                    body.append(_polyline(segment, colour, dash_attr))
                segment = []
                continue
            x, y = xy(i, v)
            segment.append(f"{x:.1f},{y:.1f}")
            body.append(_marker(shape, x, y, colour))
            if len(x_labels) <= 12:
                body.append(
                    f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" font-size="11" '
                    f'fill="{INK}">{escape(s.texts[i])}</text>'
                )
            last = (x, y)
        if len(segment) > 1:
            body.append(_polyline(segment, colour, dash_attr))
        if last:
            y = last[1] + 4
            while any(abs(y - taken) < 14 for taken in end_labels):  # not over another's
                y += 14
            end_labels.append(y)
            body.append(
                f'<text x="{left + plot_w + 6}" y="{y:.1f}" fill="{colour}">{escape(s.name)}</text>'
            )
    body.append(
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{INK}"/>'
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="{INK}"/>'
    )
    return _svg(width, height, title, desc, body, slug)


def _polyline(points: list[str], colour: str, dash_attr: str) -> str:
    return (
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
        f'stroke-width="2.5"{dash_attr}/>'
    )
