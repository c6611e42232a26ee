"""Geometry for the server-drawn bar charts in templates/core/_bar_chart.html.

Charts are plain SVG computed here, so a report needs no script and reads the same in
every browser. Right-to-left pages mirror the chart: time runs from the right edge and
bars grow from it, the way a Persian or Arabic reader scans the table beside it. Labels
keep their logical anchor ("start"), which the SVG `direction` turns to the right side;
values are numbers and always set left to right.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

PAD = 8
VALUE_SPACE = 48  # room for the value printed past the end of a horizontal bar
COLUMN_TOP = 20  # room above the tallest column for its value
COLUMN_LABELS = 24  # room under the columns for their labels
COLUMN_MAX = 48  # a few months still read as columns, not as a wall
LABEL_WIDTH = 60  # a column label needs about this much room; narrower columns label every other one
ROW = 40  # one horizontal bar: its label line, then the bar


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float
    negative: bool = False
    show_label: bool = True


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    bars: tuple[Bar, ...]
    baseline: tuple[float, float, float, float]
    direction: str
    label_anchor: str
    value_anchor: str


def _text(value: float | None, value_format: Callable) -> str:
    return "—" if value is None else value_format(value)


def column_chart(
    points: Sequence[tuple[str, float | None]],
    *,
    title: str,
    rtl: bool = False,
    value_format: Callable = str,
    width: int = 640,
    height: int = 220,
) -> Chart:
    """Vertical bars, one per point, in order (time series); negative values hang below the zero line."""
    values = [value or 0 for _label, value in points]
    high, low = max([0, *values]), min([0, *values])
    # Values print above columns, and below those hanging under the zero line, clear of the labels.
    plot = height - COLUMN_TOP - COLUMN_LABELS - (COLUMN_TOP if low < 0 else 0)
    scale = plot / ((high - low) or 1)
    zero = round(COLUMN_TOP + high * scale, 1)
    slot = (width - 2 * PAD) / max(len(points), 1)
    every = math.ceil(LABEL_WIDTH / slot)
    bars = []
    for index, (label, value) in enumerate(points):
        place = len(points) - 1 - index if rtl else index
        middle, half = PAD + slot * (place + 0.5), min(slot * 0.3, COLUMN_MAX / 2)
        size = abs(value or 0) * scale
        negative = (value or 0) < 0
        top = zero if negative else zero - size
        bars.append(
            Bar(
                label=label,
                value_text=_text(value, value_format),
                x=round(middle - half, 1),
                y=round(top, 1),
                width=round(2 * half, 1),
                height=round(size, 1),
                label_x=round(middle, 1),
                label_y=height - 6,
                value_x=round(middle, 1),
                value_y=round(top + size + 14 if negative else top - 5, 1),
                negative=negative,
                show_label=index % every == 0,
            )
        )
    return Chart(title, width, height, tuple(bars), (PAD, zero, width - PAD, zero), _dir(rtl), "middle", "middle")


def bar_chart(
    points: Sequence[tuple[str, float | None]],
    *,
    title: str,
    rtl: bool = False,
    value_format: Callable = str,
    maximum: float | None = None,
    width: int = 640,
) -> Chart:
    """Horizontal bars growing from the start edge, each under its label (categories, percentages)."""
    values = [max(value or 0, 0) for _label, value in points]
    top = maximum or max([0, *values]) or 1
    room = width - 2 * PAD - VALUE_SPACE
    start = width - PAD if rtl else PAD
    bars = []
    for index, ((label, value), shown) in enumerate(zip(points, values, strict=True)):
        length = room * min(shown, top) / top
        y = PAD + index * ROW + 18
        end = start - length if rtl else start + length
        bars.append(
            Bar(
                label=label,
                value_text=_text(value, value_format),
                x=round(min(start, end), 1),
                y=y,
                width=round(length, 1),
                height=14,
                label_x=start,
                label_y=y - 5,
                value_x=round(end - 6 if rtl else end + 6, 1),
                value_y=y + 12,
            )
        )
    height = 2 * PAD + len(points) * ROW
    # Values are numbers, set left to right (so "-5" never reads "5-"); from the bar's end they run outwards.
    value_anchor = "end" if rtl else "start"
    return Chart(title, width, height, tuple(bars), (start, PAD, start, height - PAD), _dir(rtl), "start", value_anchor)


def _dir(rtl: bool) -> str:
    return "rtl" if rtl else "ltr"
