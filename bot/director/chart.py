"""The statistics picture: one PNG readable on a phone — coverage per class as bars, activity over
the period as a line. matplotlib off-screen (Agg); rendering takes a few hundred milliseconds, so
callers run it in a thread (`render_in_thread`), and the app imports matplotlib once at start.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from datetime import date, timedelta

from bot.director.stats import Period, SchoolStats

WIDTH_INCHES = 6.0
DPI = 150  # 900 px wide: sharp on a phone, a few dozen kilobytes
WEEKLY_AFTER_DAYS = 92
"""Longer periods are drawn by week: a year of days is a hairy line on a phone."""


_warm = False


def warm_up() -> None:
    """Import matplotlib and build its font cache now (seconds on a cold start), not on the first request."""
    global _warm
    if _warm:
        return
    day = date(2026, 1, 1)
    render(SchoolStats(period=Period(start=day, end=day, name=""), daily=[(day, 0)]))
    _warm = True


def _by_week(daily: Sequence[tuple[date, int]]) -> list[tuple[date, int]]:
    weeks: dict[date, int] = {}
    for day, count in daily:
        monday = day - timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0) + count
    return sorted(weeks.items())


def render(stats: SchoolStats) -> bytes:
    """The PNG of `stats`."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure  # the object API: no global state, safe in a thread

    classes = list(stats.classes)
    bar_height = max(2.2, 0.42 * len(classes) + 1.2)
    figure = Figure(figsize=(WIDTH_INCHES, bar_height + 3.4), dpi=DPI, layout="constrained")
    top, bottom = figure.subplots(2, 1, height_ratios=[bar_height, 3.0])
    whose = f"класс {stats.scope}" if stats.scope else "школа"
    figure.suptitle(f"{whose.capitalize()}: {stats.period.title()}", fontsize=13)

    if classes:
        labels = [c.label for c in classes]
        positions = list(range(len(classes)))
        listed = [c.on_list if c.on_list is not None else 0 for c in classes]
        if any(listed):
            top.barh(positions, listed, height=0.8, color="#dddddd", label="в списке класса")
        top.barh([p + 0.2 for p in positions], [c.pupils for c in classes], height=0.38, color="#2a7ab9",
                 label="учеников в боте")
        top.barh([p - 0.2 for p in positions], [c.with_parent for c in classes], height=0.38, color="#f39c34",
                 label="с родителем в боте")
        top.set_yticks(positions, labels, fontsize=11)
        top.invert_yaxis()
        for position, c in zip(positions, classes, strict=True):
            note = f"{c.pupils} из {c.on_list}" if c.on_list else f"{c.pupils}, списка нет"
            top.text(max(c.pupils, c.on_list or 0, c.with_parent) + 0.3, position, note, va="center", fontsize=9)
        top.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=3, fontsize=9, frameon=False,
                   handlelength=1.2, columnspacing=1.0)
        top.margins(x=0.25)
    else:
        top.text(0.5, 0.5, "Классов пока нет", ha="center", va="center", fontsize=12, transform=top.transAxes)
        top.set_yticks([])
    top.set_title("Охват по классам", fontsize=12, loc="left", pad=22 if classes else 6)
    top.tick_params(axis="x", labelsize=9)

    points = list(stats.daily)
    weekly = len(points) > WEEKLY_AFTER_DAYS
    if weekly:
        points = _by_week(points)
    if points:
        bottom.plot([d for d, _ in points], [n for _, n in points], color="#2a7ab9", linewidth=2,
                    marker="o" if len(points) <= 31 else None, markersize=4)
        bottom.fill_between([d for d, _ in points], [n for _, n in points], color="#2a7ab9", alpha=0.12)
    bottom.set_ylim(bottom=0)
    bottom.set_title("Сообщений в чатах " + ("по неделям" if weekly else "по дням"), fontsize=12, loc="left")
    bottom.tick_params(axis="both", labelsize=9)
    bottom.grid(alpha=0.3)
    bottom.tick_params(axis="x", labelrotation=30)

    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


async def render_in_thread(stats: SchoolStats) -> bytes:
    return await asyncio.to_thread(render, stats)

