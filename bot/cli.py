"""The `schoolbot` command: run, sandbox, migrate, check-config, check, status, backup, restore,
roster import."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.classlist.cli import add_roster_commands
from bot.config import Settings, load_settings
from bot.consent import load_consent
from bot.errors import ConfigError

NO_TOKEN_MESSAGE = """\
Не задан ни токен сообщества ВКонтакте (vk.token), ни токен бота MAX (max.token).
Укажите хотя бы один в файле конфигурации ([vk] token = "..." или [max] token = "...") или в переменных
окружения SCHOOLBOT_VK__TOKEN / SCHOOLBOT_MAX__TOKEN, либо положите токен в файл вне репозитория
и укажите путь в vk.token_file / max.token_file. С двумя токенами бот работает в обоих мессенджерах сразу.
Попробовать бота без токенов можно локально: schoolbot sandbox

Neither a VK token (vk.token) nor a MAX token (max.token) is set. To try the bot locally: schoolbot sandbox"""

EXIT_CONFIG = 2
EXIT_BAD_TOKEN = 3
EXIT_ACCESS = 4
EXIT_STORAGE = 5
EXIT_IN_USE = 6
EXIT_UNHEALTHY = 1
CONFIG_ENV = "SCHOOLBOT_CONFIG"
"""The config file when --config is not given (the container and the systemd unit set it)."""


def _load(path: str | None) -> Settings:
    path = path or os.environ.get(CONFIG_ENV) or None
    return load_settings(Path(path) if path else None)


def cmd_check_config(args: argparse.Namespace) -> int:
    try:
        settings = _load(args.path)
    except ConfigError as error:
        print("Ошибки в конфигурации (configuration errors):", file=sys.stderr)
        for line in error.lines:
            print(f"  {line}", file=sys.stderr)
        return EXIT_CONFIG
    registry_problems = _registry_problems(settings)
    if registry_problems:
        print("Ошибки в файле реестра сервисов (registry file errors):", file=sys.stderr)
        for line in registry_problems:
            print(f"  {line}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        load_consent(settings.consent.path, settings.school.name)
    except ConfigError as error:
        print("Ошибка в тексте согласия (consent file error):", file=sys.stderr)
        for line in error.lines:
            print(f"  {line}", file=sys.stderr)
        return EXIT_CONFIG
    warnings = []
    if not settings.vk.resolved_token().get_secret_value() and not settings.max.resolved_token().get_secret_value():
        warnings.append("vk.token и max.token: не заданы — `schoolbot run` не запустится "
                        "(можно задать SCHOOLBOT_VK__TOKEN или SCHOOLBOT_MAX__TOKEN)")
    if not settings.school.admins:
        warnings.append("school.admins: список пуст — никто не сможет привязать чаты (п. 3.1)")
    for line in warnings:
        print(f"  предупреждение: {line}")
    print("Конфигурация в порядке (configuration OK).")
    return 0


def _registry_problems(settings: Settings) -> list[str]:
    """Every problem of the registry file named by `registry.path` (none for the built-in one)."""
    from bot.registry import RegistryFileError, load_registry

    try:
        load_registry(settings.registry.path)
    except RegistryFileError as error:
        return error.lines
    return []


def cmd_migrate(args: argparse.Namespace) -> int:
    from storage.db import Database, SchemaTooNew

    try:
        settings = _load(args.config)
    except ConfigError as error:
        print("\n".join(error.lines), file=sys.stderr)
        return EXIT_CONFIG

    async def migrate() -> list[int]:
        db = await Database.open(settings.storage.path)
        try:
            return await db.migrate()
        finally:
            await db.close()

    try:
        applied = asyncio.run(migrate())
    except SchemaTooNew as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    print(f"Применено миграций: {len(applied)} {applied if applied else ''}".strip())
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app import BotApp, NoPlatform, StorageUnwritable
    from bot.logs import setup_logging
    from bot.port.adapter import BadToken, NoUpdatesAccess
    from bot.registry import RegistryFileError
    from bot.storage_trouble import start_refusal
    from storage.db import SchemaTooNew
    from storage.lock import DatabaseInUse

    try:
        settings = _load(args.config)
        tokens = [t for t in (settings.vk.resolved_token().get_secret_value(),
                              settings.max.resolved_token().get_secret_value()) if t]
    except ConfigError as error:
        print("\n".join(error.lines), file=sys.stderr)
        return EXIT_CONFIG
    if not tokens:
        print(NO_TOKEN_MESSAGE, file=sys.stderr)
        return EXIT_CONFIG
    setup_logging(settings.logging.level, tokens, settings.logging.format)

    async def run() -> None:
        app = BotApp(settings)
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signal_number, app.request_stop)
        try:
            await app.start()
            await app.run()
        finally:
            await app.stop()

    try:
        asyncio.run(run())
    except NoPlatform:
        print(NO_TOKEN_MESSAGE, file=sys.stderr)
        return EXIT_CONFIG
    except BadToken:
        print("Мессенджер отклонил токен: проверьте vk.token / max.token (ВКонтакте: ошибка 5, MAX: 401). "
              "The platform rejected the token.", file=sys.stderr)
        return EXIT_BAD_TOKEN
    except NoUpdatesAccess as error:
        print(f"Бот не может получать события: {error}. Проверьте group_id, права токена («сообщения сообщества», "
              "«управление сообществом») и что Long Poll API включён в настройках сообщества. "
              "(No access to updates.)", file=sys.stderr)
        return EXIT_ACCESS
    except SchemaTooNew as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    except StorageUnwritable as error:
        print(f"{start_refusal(error.cause, str(error.path))} (The database cannot be written: {error.cause.value}.)",
              file=sys.stderr)
        return EXIT_STORAGE
    except DatabaseInUse as error:
        print(error, file=sys.stderr)
        return EXIT_IN_USE
    except RegistryFileError as error:
        print("Бот не запущен: ошибки в файле реестра сервисов (registry.path):", file=sys.stderr)
        for line in error.lines:
            print(f"  {line}", file=sys.stderr)
        return EXIT_CONFIG
    except ConfigError as error:  # e.g. the school's consent text (consent.path) cannot be used
        print("\n".join(error.lines), file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 0
    return 0


def cmd_sandbox(args: argparse.Namespace) -> int:
    from bot.sandbox.runner import run_sandbox

    return run_sandbox(script=Path(args.script) if args.script else None, platform=args.platform)


def cmd_check(args: argparse.Namespace) -> int:
    from bot.moderation.jsonl_cli import check_jsonl_command, check_text_command

    if args.jsonl:
        return check_jsonl_command(sys.stdin, sys.stdout)
    if not args.text:
        print("Укажите текст: schoolbot check \"текст сообщения\" (или --jsonl для потока JSON-строк)", file=sys.stderr)
        return EXIT_CONFIG
    return check_text_command(" ".join(args.text), sys.stdout)


def cmd_status(args: argparse.Namespace) -> int:
    from bot.operations import status_command

    try:
        settings = _load(args.config)
    except ConfigError as error:  # 1, not 2: Docker reserves exit code 2 of a healthcheck
        print("Состояние: ЕСТЬ ПРОБЛЕМЫ\n  ✗ ошибка в конфигурации:", file=sys.stdout)
        print("\n".join(f"    {line}" for line in error.lines), file=sys.stdout)
        return EXIT_UNHEALTHY
    return status_command(settings, as_json=args.json, out=sys.stdout)


def cmd_backup(args: argparse.Namespace) -> int:
    from bot.operations import backup_command

    try:
        settings = _load(args.config)
    except ConfigError as error:
        print("\n".join(error.lines), file=sys.stderr)
        return EXIT_CONFIG
    return backup_command(settings, args.path, out=sys.stdout, err=sys.stderr)


def cmd_restore(args: argparse.Namespace) -> int:
    from bot.operations import restore_command

    try:
        settings = _load(args.config)
    except ConfigError as error:
        print("\n".join(error.lines), file=sys.stderr)
        return EXIT_CONFIG
    return restore_command(settings, Path(args.path), out=sys.stdout, err=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="schoolbot", description="Бот школы для VK Мессенджера (Сферум)")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="запустить бота (ВКонтакте и/или MAX)")
    run.add_argument("--config", help=f"путь к config.toml (по умолчанию — из {CONFIG_ENV})")
    run.set_defaults(func=cmd_run)

    sandbox = sub.add_parser("sandbox", help="попробовать бота локально, без ВКонтакте и MAX")
    sandbox.add_argument("--script", help="проиграть сценарий из файла и напечатать переписку")
    sandbox.add_argument("--platform", choices=["vk", "max"], default="vk",
                         help="с эмулятором какого мессенджера (по умолчанию vk)")
    sandbox.set_defaults(func=cmd_sandbox)

    migrate = sub.add_parser("migrate", help="применить миграции базы данных")
    migrate.add_argument("--config", help="путь к config.toml")
    migrate.set_defaults(func=cmd_migrate)

    check_config = sub.add_parser("check-config", help="проверить файл конфигурации")
    check_config.add_argument("path", nargs="?", help="путь к config.toml")
    check_config.set_defaults(func=cmd_check_config)

    add_roster_commands(sub)

    check = sub.add_parser("check", help="проверить текст по правилам модерации (п. 4.5, 4.6)")
    check.add_argument("text", nargs="*")
    check.add_argument("--jsonl", action="store_true", help="читать JSON-строки {\"text\": ...} из stdin")
    check.set_defaults(func=cmd_check)

    status = sub.add_parser("status", help="состояние бота; код выхода 1, если есть проблемы (для healthcheck)")
    status.add_argument("--config", help="путь к config.toml")
    status.add_argument("--json", action="store_true", help="то же в JSON")
    status.set_defaults(func=cmd_status)

    backup = sub.add_parser("backup", help="копия базы данных (можно при работающем боте)")
    backup.add_argument("path", help="файл копии или папка для неё")
    backup.add_argument("--config", help="путь к config.toml")
    backup.set_defaults(func=cmd_backup)

    restore = sub.add_parser("restore", help="восстановить базу из копии (бот должен быть остановлен)")
    restore.add_argument("path", help="файл копии")
    restore.add_argument("--config", help="путь к config.toml")
    restore.set_defaults(func=cmd_restore)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
