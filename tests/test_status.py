"""`schoolbot status` / GET /health: what counts as a problem (exit 1), what is a warning, how it reads."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.operations import status_command
from bot.port.effects import Send
from bot.port.events import Incoming, Started
from bot.port.ids import PersonId, Platform
from bot.status import PlatformState, QueueState, Snapshot, assess, status_json, status_text
from storage.db import Database
from storage.inbox import Inbox
from storage.outbox import Outbox
from storage.status import collect

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def snapshot(**changes: object) -> Snapshot:
    base: dict[str, object] = {
        "platforms": (PlatformState(platform=Platform.VK, configured=True, last_update_at=NOW - timedelta(minutes=3),
                                    last_poll_at=NOW - timedelta(seconds=20)),
                      PlatformState(platform=Platform.MAX, configured=False)),
        "inbox": QueueState(), "outbox": QueueState(), "database_bytes": 3 * 1024 * 1024, "schema_version": 10,
        "code_schema_version": 10, "last_backup_at": NOW - timedelta(hours=9),
        "last_backup_path": "/data/backups/x.sqlite3", "backup_scheduled": True, "bot_running": True,
    }
    base.update(changes)
    return Snapshot(**base)  # type: ignore[arg-type]


def test_a_running_bot_with_fresh_copies_is_healthy() -> None:
    health = assess(snapshot(), NOW)
    assert health.healthy and health.warnings == ()


def test_stuck_queues_a_stopped_bot_and_a_newer_schema_are_problems() -> None:
    stuck = snapshot(outbox=QueueState(pending=40, oldest_pending_at=NOW - timedelta(minutes=20)),
                     inbox=QueueState(pending=3, oldest_pending_at=NOW - timedelta(minutes=11)))
    problems = assess(stuck, NOW).problems
    assert any("ответы не уходят" in p and "20 мин" in p for p in problems)
    assert any("входящие не обрабатываются" in p for p in problems)
    assert "бот не запущен" in assess(snapshot(bot_running=False), NOW).problems
    assert any("новее программы" in p for p in assess(snapshot(schema_version=11), NOW).problems)
    offline = snapshot(platforms=(PlatformState(platform=Platform.VK, configured=True, connected=False),))
    assert "ВКонтакте: нет связи" in assess(offline, NOW).problems
    nothing = snapshot(platforms=(PlatformState(platform=Platform.VK, configured=False),))
    assert any("ни один токен" in p for p in assess(nothing, NOW).problems)


def test_a_short_queue_old_copies_and_failures_are_warnings_only() -> None:
    fine = snapshot(outbox=QueueState(pending=5, oldest_pending_at=NOW - timedelta(minutes=2), failed=2),
                    last_backup_at=NOW - timedelta(days=2))
    health = assess(fine, NOW)
    assert health.healthy
    assert any("не доставлено за неделю: 2" in w for w in health.warnings)
    assert any("последняя копия базы сделана 2 дн. назад" in w for w in health.warnings)
    assert any("выключена" in w for w in assess(snapshot(backup_scheduled=False), NOW).warnings)
    assert any("ещё не делались" in w or "ещё не было" in w
               for w in assess(snapshot(last_backup_at=None), NOW).warnings)
    assert any("бот обновит базу" in w for w in assess(snapshot(schema_version=6), NOW).warnings)


def test_status_text_reads_in_russian_in_the_school_time_zone() -> None:
    from zoneinfo import ZoneInfo

    shown = snapshot(outbox=QueueState(pending=40, oldest_pending_at=NOW - timedelta(minutes=20)))
    text = status_text(shown, assess(shown, NOW), NOW, ZoneInfo("Europe/Moscow"))
    assert text.startswith("Состояние: ЕСТЬ ПРОБЛЕМЫ\n  ✗ ответы не уходят")
    for part in ("Бот: запущен", "ВКонтакте: настроен; последнее событие — 28.11.2026 14:57 (3 мин назад)",
                 "MAX: не настроен (нет токена)", "Ответы: в очереди 40, старейший — 28.11.2026 14:40",
                 "База: 3.0 МБ, версия схемы 10", "Последняя копия базы: 28.11.2026 06:00 (9 ч назад), /data/backups"):
        assert part in text, part


def test_status_json_is_data_for_health() -> None:
    data = status_json(snapshot(), assess(snapshot(), NOW))
    assert json.loads(json.dumps(data)) == data
    assert data["healthy"] is True and data["platforms"]["vk"]["configured"] is True
    assert data["platforms"]["vk"]["last_update_at"] == (NOW - timedelta(minutes=3)).isoformat()


async def test_collect_reads_the_queues_the_positions_and_the_copies(db: Database, tmp_path: Path) -> None:
    settings = Settings(vk={"token": "vk-token-123456"}, storage={"path": tmp_path / "test.sqlite3"})
    person = PersonId("vk:5")
    await Inbox(db).store(Platform.VK, [Incoming(key="1", event=Started(platform=Platform.VK, person=person,
                                                                         payload=""))], "42", NOW)
    await Outbox(db).add([Send(to=person, text="x")], NOW - timedelta(minutes=1))
    await Inbox(db).store(Platform.MAX, [], "77", NOW)  # MAX polled by the bot, no token in this process

    found = await collect(db, settings, connected={Platform.VK: True}, bot_running=None)

    vk, max_ = found.platforms
    assert (vk.configured, vk.connected, vk.last_update_at, vk.last_poll_at) == (True, True, NOW, NOW)
    assert (max_.configured, max_.connected, max_.last_update_at) == (None, None, None)
    assert found.inbox.pending == 1 and found.inbox.oldest_pending_at == NOW
    assert found.outbox.pending == 1 and found.outbox.oldest_pending_at == NOW - timedelta(minutes=1)
    assert found.schema_version == found.code_schema_version and found.database_bytes > 0
    assert found.last_backup_at is None and found.backup_scheduled


def test_status_command_exits_1_without_a_database(tmp_path: Path) -> None:
    out = io.StringIO()
    settings = Settings(storage={"path": tmp_path / "none.sqlite3"})
    assert status_command(settings, as_json=True, out=out) == 1
    assert json.loads(out.getvalue())["problems"] == [f"базы данных нет: {tmp_path / 'none.sqlite3'} "
                                                      "(бот ещё не запускался или указан не тот путь)"]
    assert not (tmp_path / "none.sqlite3").exists()  # looking never creates the database
