"""Horizontal bar charts as standalone SVG, written without a plotting library."""

from dataclasses import dataclass
from html import escape

WIDTH = 760
LABEL_WIDTH = 190
VALUE_WIDTH = 110
BAR_HEIGHT = 22
BAR_GAP = 6
GROUP_GAP = 18
TOP = 46
FONT = "font-family='system-ui, -apple-system, Segoe UI, Roboto, sans-serif'"


@dataclass(frozen=True)
class Bar:
    """One bar: the median, with the min-max range drawn as a whisker when given."""

    label: str
    median: float
    low: float | None = None
    high: float | None = None
    color: str = "#00897b"


def bar_chart(
    title: str, groups: list[tuple[str, list[Bar]]], unit: str, *, scale_each_group: bool = False
) -> str:
    """A chart with one block of bars per group, scaled to the largest value (of each group)."""
    overall = max((bar.high or bar.median) for _, bars in groups for bar in bars) or 1.0
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    rows = sum(len(bars) for _, bars in groups)
    height = TOP + rows * (BAR_HEIGHT + BAR_GAP) + len(groups) * (GROUP_GAP + 18) + 10
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='{height}' "
        f"viewBox='0 0 {WIDTH} {height}' role='img' aria-label='{escape(title)}'>",
        # An opaque background: the site's dark scheme would swallow dark text.
        f"<rect width='{WIDTH}' height='{height}' fill='#ffffff'/>",
        f"<text x='12' y='26' {FONT} font-size='16' font-weight='600' fill='#212121'>"
        f"{escape(title)}</text>",
    ]
    y = TOP
    for group, bars in groups:
        # Groups of very different sizes (a health check, a page of rows) each get the width.
        largest = (max((b.high or b.median) for b in bars) or 1.0) if scale_each_group else overall
        out.append(
            f"<text x='12' y='{y + 12}' {FONT} font-size='13' font-weight='600' "
            f"fill='#424242'>{escape(group)}</text>"
        )
        y += 18
        for bar in bars:
            length = plot * bar.median / largest
            middle = y + BAR_HEIGHT / 2
            out += [
                f"<text x='{LABEL_WIDTH - 8}' y='{middle + 4:.1f}' text-anchor='end' {FONT} "
                f"font-size='12' fill='#212121'>{escape(bar.label)}</text>",
                f"<rect x='{LABEL_WIDTH}' y='{y}' width='{length:.1f}' height='{BAR_HEIGHT}' "
                f"fill='{bar.color}' rx='2'/>",
            ]
            if bar.low is not None and bar.high is not None:
                low = LABEL_WIDTH + plot * bar.low / largest
                high = LABEL_WIDTH + plot * bar.high / largest
                out += [
                    f"<line x1='{low:.1f}' x2='{high:.1f}' y1='{middle:.1f}' y2='{middle:.1f}' "
                    "stroke='#212121' stroke-width='1.5'/>",
                    *(
                        f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{y + 5}' y2='{y + BAR_HEIGHT - 5}' "
                        "stroke='#212121' stroke-width='1.5'/>"
                        for x in (low, high)
                    ),
                ]
            end = LABEL_WIDTH + plot * (bar.high or bar.median) / largest
            out.append(
                f"<text x='{end + 6:.1f}' y='{middle + 4:.1f}' {FONT} font-size='12' "
                f"fill='#212121'>{bar.median:,.1f} {escape(unit)}</text>"
            )
            y += BAR_HEIGHT + BAR_GAP
        y += GROUP_GAP
    out.append("</svg>")
    return "\n".join(out) + "\n"
