"""Charts drawn on the server as SVG: readable without JavaScript, each with its data table.

A chart is a title, the columns and rows of its table (also its CSV download)
and the geometry its template draws. Nothing here queries the database.
"""

from dataclasses import dataclass, field

WIDTH = 640


class Percent(float):
    """A share in percent: shown as "83 %" in French, "83%" in English; a plain number in CSV."""


@dataclass
class Chart:
    key: str
    title: str
    columns: list
    rows: list
    kind: str = "bar"  # "bar", "line" or "table" (a table alone)
    description: str = ""
    geometry: dict = field(default_factory=dict)

    @property
    def is_empty(self):
        return not self.rows


def _nice_max(value):
    """A round axis maximum at or above value: 1, 2, 5, 10, 20, 50..."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def bar_chart(key, title, columns, rows, *, label_col=0, value_col=1, maximum=None, **kw):
    """Horizontal bars, the label above each bar so it stays readable at 390 px."""
    values = [row[value_col] or 0 for row in rows]
    top = maximum if maximum is not None else _nice_max(max(values, default=0))
    row_height, bar_height, left = 46, 18, 4
    usable = WIDTH - left - 90
    bars = []
    for index, row in enumerate(rows):
        value = row[value_col] or 0
        y = index * row_height + 4
        width = round(usable * value / top, 1) if top else 0
        bars.append(
            {
                "label": row[label_col],
                "value": row[value_col],
                "label_y": y + 16,
                "bar_y": y + 22,
                "width": max(width, 1 if value else 0),
                "value_x": left + width + 6,
                "value_y": y + 36,
            }
        )
    geometry = {
        "width": WIDTH,
        "height": max(len(rows) * row_height + 8, 30),
        "left": left,
        "bar_height": bar_height,
        "bars": bars,
    }
    return Chart(key, title, columns, rows, kind="bar", geometry=geometry, **kw)


def line_chart(key, title, columns, rows, *, x_col, series, x_labels=None, **kw):
    """Lines over a shared x axis. ``series``: (name, column index, style) with style
    "solid" or "dashed", so the two lines differ by more than their colour."""
    height, left, right, top, bottom = 300, 52, 16, 16, 44
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    n = max(len(rows) - 1, 1)
    values = [
        row[col] or 0 for _name, col, _style in series for row in rows if row[col] is not None
    ]
    y_max = _nice_max(max(values, default=0))

    def x(i):
        return round(left + plot_w * i / n, 1)

    def y(v):
        return round(top + plot_h * (1 - v / y_max), 1)

    lines = []
    for name, col, style in series:
        points = [(x(i), y(row[col])) for i, row in enumerate(rows) if row[col] is not None]
        lines.append(
            {
                "name": name,
                "style": style,
                "points": " ".join(f"{px},{py}" for px, py in points),
                "last": points[-1] if points else None,
            }
        )
    step = max(1, round(len(rows) / 6))
    labels = x_labels or [r[x_col] for r in rows]
    # From the last point backwards, so the deadline always has its label.
    x_ticks = [{"x": x(i), "label": labels[i]} for i in range(len(rows) - 1, -1, -step)][::-1]
    y_ticks = [{"y": y(v), "value": v} for v in (0, y_max / 2, y_max)]
    for tick in y_ticks:
        if float(tick["value"]).is_integer():
            tick["value"] = int(tick["value"])
    geometry = {
        "width": WIDTH,
        "height": height,
        "left": left,
        "right": WIDTH - right,
        "top": top,
        "bottom": height - bottom,
        "lines": lines,
        "x_ticks": x_ticks,
        "y_ticks": y_ticks,
        "legend_y": height - 6,
    }
    return Chart(key, title, columns, rows, kind="line", geometry=geometry, **kw)


def table(key, title, columns, rows, **kw):
    return Chart(key, title, columns, rows, kind="table", **kw)


def csv_rows(chart):
    """Header and rows of a chart's CSV: raw numbers, no formatting."""
    return [str(c) for c in chart.columns], [
        [float(v) if isinstance(v, Percent) else v for v in row] for row in chart.rows
    ]
