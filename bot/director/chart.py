"""The statistics picture: one PNG readable on a phone — coverage per class as bars, activity over
the period as a line. matplotlib off-screen (Agg), the object API (no global state, safe in a
thread). Drawing takes a while, so the text reply never waits for it: the picture travels as a
SendRendered effect (numbers only) and is drawn by the outbox worker in a thread when it is sent.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from bot.director.stats import ClassCoverage, Period, SchoolStats

STATS_CHART = "stats_chart"
"""The renderer's name in SendRendered effects."""
WIDTH_INCHES = 6.0
DPI = 130  # 780 px wide: sharp on a phone, a few dozen kilobytes
WEEKLY_AFTER_DAYS = 92
"""Longer periods are drawn by week: a year of days is a hairy line on a phone."""
_ROW = 0.42  # inches per class
_TOP, _GAP, _LINE, _BOTTOM = 1.0, 0.9, 2.6, 0.7  # inches: title+legend, between the panels, the line, x labels
_LEFT, _RIGHT = 0.7, 0.25
_warm = False


def warm_up() -> None:
    """Import matplotlib and build its font cache now (seconds on a cold start), not on the first request."""
    global _warm
    if _warm:
        return
    day = date(2026, 1, 1)
    render(SchoolStats(period=Period(start=day, end=day, name=""), daily=[(day, 0)]))
    _warm = True


def chart_data(stats: SchoolStats) -> dict[str, Any]:
    """What the picture needs, as JSON (stored in the outbox): counts only, no names."""
    return {
        "period": [stats.period.start.isoformat(), stats.period.end.isoformat(), stats.period.name],
        "scope": stats.scope,
        "classes": [[c.label, c.on_list, c.pupils, c.with_parent, c.parents] for c in stats.classes],
        "daily": [[day.isoformat(), count] for day, count in stats.daily],
    }


def render_chart_data(data: dict[str, Any]) -> bytes:
    start, end, name = data["period"]
    return render(SchoolStats(
        period=Period(start=date.fromisoformat(start), end=date.fromisoformat(end), name=name),
        scope=data.get("scope"),
        classes=[ClassCoverage(label=label, on_list=on_list, pupils=pupils, with_parent=with_parent, parents=parents)
                 for label, on_list, pupils, with_parent, parents in data["classes"]],
        daily=[(date.fromisoformat(day), count) for day, count in data["daily"]],
    ))


def _by_week(daily: Sequence[tuple[date, int]]) -> list[tuple[date, int]]:
    weeks: dict[date, int] = {}
    for day, count in daily:
        monday = day - timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0) + count
    return sorted(weeks.items())


def render(stats: SchoolStats) -> bytes:
    """The PNG of `stats`. Margins are fixed in inches (no layout engine: it would draw everything twice)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.dates import AutoDateLocator, DateFormatter
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    classes = list(stats.classes)
    bars = max(1.2, _ROW * len(classes) + 0.3)
    height = _TOP + bars + _GAP + _LINE + _BOTTOM
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    left, width = _LEFT / WIDTH_INCHES, 1 - (_LEFT + _RIGHT) / WIDTH_INCHES
    top = figure.add_axes((left, (_BOTTOM + _LINE + _GAP) / height, width, bars / height))
    bottom = figure.add_axes((left, _BOTTOM / height, width, _LINE / height))
    whose = f"Класс {stats.scope}" if stats.scope else "Школа"
    figure.text(0.5, 1 - 0.3 / height, f"{whose}: {stats.period.title()}", ha="center", va="center", fontsize=13)
    _coverage(top, classes)
    _activity(bottom, list(stats.daily), AutoDateLocator(minticks=3, maxticks=7), DateFormatter("%d.%m"))
    top.xaxis.set_major_locator(MaxNLocator(integer=True))  # people and messages come whole
    bottom.yaxis.set_major_locator(MaxNLocator(integer=True))
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _coverage(axes: Any, classes: list[ClassCoverage]) -> None:
    axes.set_title("Охват по классам", fontsize=12, loc="left", pad=20 if classes else 6)
    axes.tick_params(axis="x", labelsize=9)
    if not classes:
        axes.text(0.5, 0.5, "Классов пока нет", ha="center", va="center", fontsize=12, transform=axes.transAxes)
        axes.set_yticks([])
        return
    positions = list(range(len(classes)))
    listed = [c.on_list or 0 for c in classes]
    if any(listed):
        axes.barh(positions, listed, height=0.8, color="#dddddd", label="в списке класса")
    axes.barh([p + 0.2 for p in positions], [c.pupils for c in classes], height=0.38, color="#2a7ab9",
              label="учеников в боте")
    axes.barh([p - 0.2 for p in positions], [c.with_parent for c in classes], height=0.38, color="#f39c34",
              label="с родителем в боте")
    axes.set_yticks(positions, [c.label for c in classes], fontsize=11)
    axes.set_ylim(len(classes) - 0.5, -0.5)
    widest = max([*listed, *(c.pupils for c in classes), *(c.with_parent for c in classes), 1])
    axes.set_xlim(0, widest * 1.35)
    for position, c in zip(positions, classes, strict=True):
        note = f"{c.pupils} из {c.on_list}" if c.on_list else f"{c.pupils}, списка нет"
        axes.text(max(c.pupils, c.on_list or 0, c.with_parent) + widest * 0.02, position, note, va="center",
                  fontsize=9)
    axes.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=3, fontsize=9, frameon=False, handlelength=1.2,
                columnspacing=1.0, borderaxespad=0.1)


def _activity(axes: Any, points: list[tuple[date, int]], locator: Any, formatter: Any) -> None:
    weekly = len(points) > WEEKLY_AFTER_DAYS
    if weekly:
        points = _by_week(points)
    if points:
        days, counts = [d for d, _ in points], [n for _, n in points]
        axes.plot(days, counts, color="#2a7ab9", linewidth=2, marker="o" if len(points) <= 31 else None, markersize=4)
        axes.fill_between(days, counts, color="#2a7ab9", alpha=0.12)
    axes.set_ylim(bottom=0)
    axes.set_title("Сообщений в чатах " + ("по неделям" if weekly else "по дням"), fontsize=12, loc="left")
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(formatter)
    axes.tick_params(axis="both", labelsize=9)
    axes.grid(alpha=0.3)
