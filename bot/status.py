"""How the bot is doing, judged from a snapshot: `schoolbot status` prints it, `GET /health` serves it.

Pure: storage/status.py reads the snapshot (from another process, or from inside the bot where the
adapters also say whether each platform is connected); this module decides what is a problem
(unhealthy: the status command exits 1, so it works as a container healthcheck), what deserves a
warning, and how both read in Russian.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from bot.port.ids import Platform

PLATFORM_TITLES: dict[Platform, str] = {Platform.VK: "ВКонтакте", Platform.MAX: "MAX"}


@dataclass(frozen=True, kw_only=True)
class Limits:
    stuck_inbox: timedelta = timedelta(minutes=10)
    """An update waiting this long to be handled means the handlers are stuck."""
    stuck_outbox: timedelta = timedelta(minutes=15)
    """An answer owed this long means the platform refuses or cannot be reached."""
    backup_age: timedelta = timedelta(hours=26)
    """With a daily copy scheduled, the newest copy should be younger than this."""
    quiet_platform: timedelta = timedelta(days=3)
    """No update from a platform for this long is worth a look (a school is never that quiet)."""


@dataclass(frozen=True, kw_only=True)
class PlatformState:
    platform: Platform
    configured: bool | None
    """Its token is set; None when this process sees no token but the database shows the bot served
    the platform (`schoolbot status` run without the bot's environment file)."""
    connected: bool | None = None
    """Known only inside the running bot (the adapter's state); None from another process."""
    last_update_at: datetime | None = None
    """The newest update stored in the inbox (kept a week after handling)."""
    last_poll_at: datetime | None = None
    """When the poll position last moved (VK moves it on every long-poll answer, MAX only on updates)."""


@dataclass(frozen=True, kw_only=True)
class QueueState:
    pending: int = 0
    oldest_pending_at: datetime | None = None
    failed: int = 0
    """Given up for good (kept a week): a blocked bot, a deleted chat."""


@dataclass(frozen=True, kw_only=True)
class Snapshot:
    platforms: tuple[PlatformState, ...]
    inbox: QueueState
    outbox: QueueState
    database_bytes: int
    """The database file with its -wal."""
    schema_version: int
    code_schema_version: int
    last_backup_at: datetime | None = None
    last_backup_path: str = ""
    backup_scheduled: bool = False
    bot_running: bool | None = None
    """Whether a bot holds the database (None: not asked, e.g. inside the bot itself)."""


@dataclass(frozen=True, kw_only=True)
class Health:
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def healthy(self) -> bool:
        return not self.problems


def assess(snapshot: Snapshot, now: datetime, limits: Limits = Limits()) -> Health:
    problems: list[str] = []
    warnings: list[str] = []
    if snapshot.schema_version > snapshot.code_schema_version:
        problems.append(f"база новее программы (схема {snapshot.schema_version}, программа знает до "
                        f"{snapshot.code_schema_version}): обновите schoolbot")
    elif snapshot.schema_version < snapshot.code_schema_version:
        warnings.append(f"схема базы {snapshot.schema_version}, программа — {snapshot.code_schema_version}: "
                        "бот обновит базу при запуске")
    if snapshot.bot_running is False:
        problems.append("бот не запущен")
    configured = [p for p in snapshot.platforms if p.configured is not False]
    if not configured:
        problems.append("не задан ни один токен (vk.token, max.token)")
    for state in configured:
        title = PLATFORM_TITLES.get(state.platform, state.platform.value)
        if state.connected is False:
            problems.append(f"{title}: нет связи")
        if state.last_update_at is None:
            warnings.append(f"{title}: событий ещё не было")
        elif now - state.last_update_at > limits.quiet_platform:
            warnings.append(f"{title}: последнее событие {_ago(state.last_update_at, now)} назад")
    if _older(snapshot.inbox.oldest_pending_at, now, limits.stuck_inbox):
        problems.append(f"входящие не обрабатываются: старейшее ждёт {_ago(snapshot.inbox.oldest_pending_at, now)}")
    if _older(snapshot.outbox.oldest_pending_at, now, limits.stuck_outbox):
        problems.append(f"ответы не уходят: старейший ждёт {_ago(snapshot.outbox.oldest_pending_at, now)}")
    if snapshot.outbox.failed:
        warnings.append(f"не доставлено за неделю: {snapshot.outbox.failed} (человек запретил писать, чат удалён…)")
    if snapshot.inbox.failed:
        warnings.append(f"входящих, которые не удалось обработать за неделю: {snapshot.inbox.failed}")
    if not snapshot.backup_scheduled:
        warnings.append("ежедневная копия базы выключена (backup.daily_at)")
    elif snapshot.last_backup_at is None:
        warnings.append("копий базы ещё не было")
    elif _older(snapshot.last_backup_at, now, limits.backup_age):
        warnings.append(f"последняя копия базы сделана {_ago(snapshot.last_backup_at, now)} назад: "
                        "проверьте место на диске и лог")
    return Health(problems=tuple(problems), warnings=tuple(warnings))


def status_text(snapshot: Snapshot, health: Health, now: datetime, tz: tzinfo) -> str:
    """What `schoolbot status` prints: a verdict, then one line per fact."""
    lines = ["Состояние: в порядке" if health.healthy else "Состояние: ЕСТЬ ПРОБЛЕМЫ"]
    lines += [f"  ✗ {problem}" for problem in health.problems]
    lines += [f"  ! {warning}" for warning in health.warnings]
    lines.append("")
    if snapshot.bot_running is not None:
        lines.append(f"Бот: {'запущен' if snapshot.bot_running else 'не запущен'}")
    for state in snapshot.platforms:
        title = PLATFORM_TITLES.get(state.platform, state.platform.value)
        if state.configured is False:
            lines.append(f"{title}: не настроен (нет токена)")
            continue
        link = {True: "связь есть", False: "нет связи", None: "настроен"}[state.connected]
        if state.configured is None:
            link = "токен этой команде не виден, бот с ним работал"
        lines.append(f"{title}: {link}; последнее событие — {_when(state.last_update_at, now, tz)}; "
                     f"позиция опроса сохранена — {_when(state.last_poll_at, now, tz)}")
    lines.append(f"Входящие: в очереди {snapshot.inbox.pending}"
                 + (f", старейшее — {_when(snapshot.inbox.oldest_pending_at, now, tz)}" if snapshot.inbox.pending else "")
                 + f"; не обработано за неделю — {snapshot.inbox.failed}")
    lines.append(f"Ответы: в очереди {snapshot.outbox.pending}"
                 + (f", старейший — {_when(snapshot.outbox.oldest_pending_at, now, tz)}" if snapshot.outbox.pending else "")
                 + f"; не доставлено за неделю — {snapshot.outbox.failed}")
    lines.append(f"База: {_size(snapshot.database_bytes)}, версия схемы {snapshot.schema_version}"
                 f" (программа — {snapshot.code_schema_version})")
    backup = _when(snapshot.last_backup_at, now, tz) + (f", {snapshot.last_backup_path}"
                                                        if snapshot.last_backup_path else "")
    lines.append(f"Последняя копия базы: {backup}; ежедневная — {'включена' if snapshot.backup_scheduled else 'выключена'}")
    return "\n".join(lines)


def status_json(snapshot: Snapshot, health: Health) -> dict[str, Any]:
    """The same as data, for `schoolbot status --json` and `GET /health`."""
    def moment(value: datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "healthy": health.healthy,
        "problems": list(health.problems),
        "warnings": list(health.warnings),
        "bot_running": snapshot.bot_running,
        "platforms": {
            s.platform.value: {"configured": s.configured, "connected": s.connected,
                               "last_update_at": moment(s.last_update_at), "last_poll_at": moment(s.last_poll_at)}
            for s in snapshot.platforms
        },
        "inbox": {"pending": snapshot.inbox.pending, "oldest_pending_at": moment(snapshot.inbox.oldest_pending_at),
                  "failed": snapshot.inbox.failed},
        "outbox": {"pending": snapshot.outbox.pending, "oldest_pending_at": moment(snapshot.outbox.oldest_pending_at),
                   "failed": snapshot.outbox.failed},
        "database_bytes": snapshot.database_bytes,
        "schema_version": snapshot.schema_version,
        "code_schema_version": snapshot.code_schema_version,
        "last_backup_at": moment(snapshot.last_backup_at),
        "backup_scheduled": snapshot.backup_scheduled,
    }


def _older(moment: datetime | None, now: datetime, limit: timedelta) -> bool:
    return moment is not None and now - moment > limit


def _ago(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "ни разу"
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 120:
        return f"{seconds} с"
    if seconds < 2 * 3600:
        return f"{seconds // 60} мин"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} ч"
    return f"{seconds // 86400} дн."


def _when(moment: datetime | None, now: datetime, tz: tzinfo) -> str:
    if moment is None:
        return "ни разу"
    return f"{moment.astimezone(tz):%d.%m.%Y %H:%M} ({_ago(moment, now)} назад)"


def _size(count: int) -> str:
    if count < 1024 * 1024:
        return f"{count / 1024:.0f} КБ"
    if count < 1024**3:
        return f"{count / 1024 / 1024:.1f} МБ"
    return f"{count / 1024**3:.2f} ГБ"
