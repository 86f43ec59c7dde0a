"""Chart geometry from numbers: where each bar, column, point, tick and label goes, for server-drawn SVG.

Pure on purpose (no Flask, no database): the templates only place what this returns, and the engine tests
check the arithmetic. Every mark carries its value as text, so a chart never relies on colour or length alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil, floor, log10

FONT = 16  # px; labels are GOV.UK body size
ROW, ROW_GAP = 28, 14
TOP, BOTTOM = 12, 36  # room above the plot, and below it for the axis labels


def nice_max(value: float) -> int:
    """Return the smallest whole 1, 2, 2.5 or 5 times a power of ten at or above value (at least 1), for the axis."""
    if value <= 1:
        return 1
    power = 10 ** floor(log10(value))
    return next(int(step * power) for step in (1, 2, 2.5, 5, 10)
                if float(step * power).is_integer() and value <= step * power)


def ticks(top: int) -> list[int]:
    """Return whole axis values from 0 to a nice top: one per unit up to 5, else five equal steps."""
    count = top if top <= 5 else 5
    return [top * i // count for i in range(count + 1)]


def label_every(count: int, most: int = 12) -> int:
    """Return n so that labelling every nth of count marks shows at most `most` labels."""
    return max(1, ceil(count / most))


def _scale(value: float, top: float, length: float) -> float:
    return round(length * min(value, top) / top, 1) if top else 0.0


def hbar_chart(rows: Sequence[tuple[str, int, int | None]], *, width: int = 640, label_width: int = 200,
               top: int | None = None, of: str = "%(value)s of %(outline)s") -> dict:
    """Return the geometry of horizontal bars: (label, value, outline) rows, the outline drawn as a dashed frame.

    The outline is a second figure of the same row, such as a team's capacity behind its caseload; `of` words
    the two figures in the reader's language.
    """
    text_room = 110  # right of the longest bar, for "12 of 30"
    # Room for the longest label (about 9 units a character at this size), up to half the chart: a longer one is
    # shortened with an ellipsis, and the table beside the chart has it whole.
    longest = max([len(label) for label, _, _ in rows] + [0])
    label_width = max(label_width, min(width // 2, 16 + 9 * longest))
    fits = (label_width - 16) // 9
    plot = width - label_width - text_room
    biggest = max([v for _, v, _ in rows] + [o or 0 for _, _, o in rows] + [0])
    top = top or nice_max(biggest)
    bars = []
    for i, (label, value, outline) in enumerate(rows):
        y = TOP + i * (ROW + ROW_GAP)
        length = _scale(value, top, plot)
        frame = _scale(outline, top, plot) if outline is not None else None
        end = max(length, frame or 0)
        shown = label if len(label) <= fits else label[:max(1, fits - 1)].rstrip() + "…"
        bars.append({"label": shown, "value": value, "outline": outline, "x": label_width, "y": y,
                     "width": length, "height": ROW, "outline_width": frame,
                     "text": of % {"value": value, "outline": outline} if outline is not None else str(value),
                     "text_x": label_width + end + 6, "text_y": y + ROW / 2 + FONT / 3})
    plot_bottom = TOP + len(rows) * (ROW + ROW_GAP)
    return {"width": width, "height": plot_bottom + BOTTOM, "label_width": label_width, "plot_width": plot,
            "plot_top": TOP, "plot_bottom": plot_bottom, "bars": bars,
            "ticks": [{"value": t, "x": label_width + _scale(t, top, plot)} for t in ticks(top)]}


def column_chart(points: Sequence[tuple[str, float | None]], *, width: int = 640, height: int = 260,
                 top: int = 100, suffix: str = "%", left: int = 48, none: str = "none") -> dict:
    """Return the geometry of vertical columns, one per (label, value); a None value is a gap marked `none`."""
    plot_w, plot_h = width - left - 8, height - TOP - BOTTOM - 20
    slot = plot_w / max(1, len(points))
    every = label_every(len(points))
    columns = []
    for i, (label, value) in enumerate(points):
        tall = _scale(value, top, plot_h) if value is not None else 0.0
        x = round(left + i * slot + slot * 0.15, 1)
        columns.append({"label": label, "value": value, "x": x, "width": round(slot * 0.7, 1),
                        "y": round(TOP + 20 + plot_h - tall, 1), "height": tall, "centre": round(x + slot * 0.35, 1),
                        # Each value written over its column while there is room (about 40 units for "100%");
                        # on a narrower one only every labelled column's: the table beside has them all.
                        "text": (none if value is None else f"{value}{suffix}") if slot >= 40 or i % every == 0
                        else "", "labelled": i % every == 0,
                        "text_y": round(TOP + 20 + plot_h - tall - 6, 1)})
    base = TOP + 20 + plot_h
    return {"width": width, "height": height, "left": left, "plot_top": TOP + 20, "plot_bottom": base,
            "columns": columns, "label_y": base + 20,
            "ticks": [{"value": t, "text": f"{t}{suffix}", "y": round(base - _scale(t, top, plot_h), 1)}
                      for t in ticks(top)]}


def line_chart(points: Sequence[tuple[str, int]], *, width: int = 640, height: int = 260, left: int = 48) -> dict:
    """Return the geometry of a line through (label, value) points, each point marked and labelled."""
    # Room on the right for the last point's two-line label, centred on it.
    plot_w, plot_h = width - left - 52, height - TOP - BOTTOM - 20
    top = nice_max(max([v for _, v in points] + [0]))
    step = plot_w / max(1, len(points) - 1)
    base = TOP + 20 + plot_h
    every = label_every(len(points))
    marks = []
    for i, (label, value) in enumerate(points):
        x = round(left + 12 + i * step, 1) if len(points) > 1 else round(left + plot_w / 2, 1)
        y = round(base - _scale(value, top, plot_h), 1)
        marks.append({"label": label, "value": value, "x": x, "y": y, "text_y": round(y - 10, 1),
                      "labelled": i % every == 0, "text": str(value) if step >= 28 or i % every == 0 else ""})
    return {"width": width, "height": height, "left": left, "plot_top": TOP + 20, "plot_bottom": base,
            "points": marks, "path": " ".join(f"{m['x']},{m['y']}" for m in marks), "label_y": base + 20,
            "ticks": [{"value": t, "text": str(t), "y": round(base - _scale(t, top, plot_h), 1)} for t in ticks(top)]}
