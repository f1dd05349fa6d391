"""Inline SVG bar charts: no scripts, no network, readable printed in black and white too."""
from __future__ import annotations

from html import escape

GOOD, BAD, NEUTRAL = "#2e7d32", "#c62828", "#1565c0"
ROW, LABEL_WIDTH, VALUE_WIDTH = 26, 210, 90


def bar_chart(items: list[tuple[str, float | None, str]], *, max_value: float, target: float | None = None,
              target_label: str = "", higher_is_better: bool = True, width: int = 640) -> str:
    """Horizontal bars: (label, value, shown text) each; a dashed line marks the target.

    With a target, bars meeting it are green and the others red (and vice versa when lower is better).
    """
    plot = width - LABEL_WIDTH - VALUE_WIDTH
    height = ROW * len(items) + 24
    scale = plot / max_value if max_value else 0
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'class="chart" font-size="13">']
    for index, (label, value, text) in enumerate(items):
        y = index * ROW + 4
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        if value is not None:
            length = max(0.0, min(value, max_value)) * scale
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{ROW - 8}" '
                         f'fill="{_colour(value, target, higher_is_better)}"/>')
        parts.append(f'<text x="{LABEL_WIDTH + plot + 12}" y="{y + 15}">{escape(text)}</text>')
    if target is not None:
        x = LABEL_WIDTH + min(target, max_value) * scale
        bottom = ROW * len(items) + 4
        parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{bottom}" stroke="#333" stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" fill="#333">'
                     f'{escape(target_label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _colour(value: float, target: float | None, higher_is_better: bool) -> str:
    if target is None:
        return NEUTRAL
    return GOOD if (value >= target) == higher_is_better else BAD
