"""/статистика (clause 3.2: the administrator brings usage statistics to the director): the text
summary with a picture, or a CSV; a class teacher sees their own class. Also the numbers of the
weekly digest (bot/runtime/scheduler.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.director.chart import STATS_CHART, chart_data
from bot.director.stats import (
    Period,
    SchoolStats,
    file_name,
    parse_stats_args,
    split_text,
    stats_csv,
    stats_text,
)
from bot.errors import PermissionDenied
from bot.flows.context import Context
from bot.membership.groups import parse_class
from bot.port.effects import SendFile, SendRendered
from bot.port.ids import PLATFORM_TITLES, platform_of
from bot.roles import Action, Role, may
from bot.services import Services
from storage.director_stats import ChatRef, Window

OWN_CLASS_ONLY = "Классный руководитель видит статистику только своего класса."
NO_CLASS = "За вами пока не закреплён класс: статистику класса видит его классный руководитель."


def window_of(period: Period, services: Services) -> Window:
    tz = services.timezone()
    start = datetime.combine(period.start, time(0), tzinfo=tz)
    end = datetime.combine(period.end + timedelta(days=1), time(0), tzinfo=tz)
    return Window(period=period, start=start, end=end, today=services.now().astimezone(tz).date())


async def chat_refs(services: Services, scope: str | None) -> list[ChatRef]:
    """The bound chats counted: all of them, or a class's own (its students', parents', subject groups)."""
    chats = [c for c in await services.repos.chats.all() if scope is None or c.binding.class_label == scope]
    platforms = {platform_of(c.id) for c in chats}
    return [ChatRef(id=c.id, class_label=c.binding.class_label,
                    title=c.title + (f" ({PLATFORM_TITLES[platform_of(c.id)]})" if len(platforms) > 1 else ""))
            for c in chats]


async def school_stats(services: Services, period: Period, scope: str | None = None) -> SchoolStats:
    extra = 0
    if scope is None:  # the order's administrators come from the config, not always from the database
        for admin in services.order_admins:
            if Role.ADMIN not in await services.repos.people.roles_of(admin):
                extra += 1
    return await services.repos.stats.gather(window_of(period, services), await chat_refs(services, scope),
                                             scope=scope, extra_admins=extra)


async def _scope(ctx: Context, wanted: str | None) -> str | None:
    """The whole school (or the class asked for) for those who see statistics; a class teacher's own class."""
    if may(ctx.actor.roles, Action.VIEW_STATS):
        return wanted
    led = sorted(await ctx.services.repos.memberships.classes_led_by(ctx.actor.id))
    if not led:
        raise PermissionDenied("no class", text=NO_CLASS)
    if wanted is not None and parse_class(wanted) not in led:
        raise PermissionDenied("other class", text=OWN_CLASS_ONLY)
    return wanted or str(led[0])


async def statistics(ctx: Context, args: str) -> None:
    s = ctx.services
    today: date = s.now().astimezone(s.timezone()).date()
    request = parse_stats_args(args, today)
    scope = await _scope(ctx, request.school_class)
    stats = await school_stats(s, request.period, scope)
    if request.as_file:
        caption = (f"Статистика {'класса ' + scope if scope else 'школы'} {stats.period.title()}: таблица, одна строка "
                   "на класс и на чат (открывается в Excel).")
        async with ctx.commit():
            file_id = await s.repos.files.store(stats_csv(stats), s.now())
            ctx.owe(SendFile(to=ctx.where, file=file_id, file_kind="document", filename=file_name(stats, "csv"),
                             caption=caption))
        return
    for part in split_text(stats_text(stats), ctx.gateway.capabilities.message_limit):
        ctx.reply(part)
    # The picture is drawn by the outbox when it is sent: the text does not wait for it.
    ctx.owe(picture(ctx.where, stats))


def picture(to: str, stats: SchoolStats) -> SendRendered:
    return SendRendered(to=to, renderer=STATS_CHART, data=chart_data(stats), filename=file_name(stats, "png"),
                        caption="Охват по классам и сообщения в чатах " + stats.period.title() + ".")
