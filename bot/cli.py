"""The `schoolbot` command: run, sandbox, migrate, check-config, check, status, backup, restore,
roster import."""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import signal
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

from bot.classlist.cli import add_roster_commands
from bot.config import Settings, load_settings
from bot.consent import load_consent
from bot.errors import ConfigError

NO_TOKEN_MESSAGE = """\
Не задан ни токен сообщества ВКонтакте (vk.token), ни токен бота MAX (max.token).
Укажите хотя бы один в файле конфигурации ([vk] token = "..." или [max] token = "...") или в переменных
окружения SCHOOLBOT_VK__TOKEN / SCHOOLBOT_MAX__TOKEN, либо положите токен в файл вне репозитория
и укажите путь в vk.token_file / max.token_file. С двумя токенами бот работает в обоих мессенджерах сразу.
Попробовать бота без токенов можно локально: schoolbot sandbox"""

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
        print("Ошибки в конфигурации:", file=sys.stderr)
        for line in error.lines:
            print(f"  {line}", file=sys.stderr)
        return EXIT_CONFIG
    registry_problems = _registry_problems(settings)
    if registry_problems:
        print("Ошибки в файле реестра сервисов:", file=sys.stderr)
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
    print("Конфигурация в порядке.")
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
            # What start-up loaded (vkbottle's thousands of models, the dictionary, the registry) lives as
            # long as the process: the collector need not walk it on every full collection (~50 ms each).
            gc.freeze()
            await app.run()
        finally:
            await app.stop()

    try:
        asyncio.run(run())
    except NoPlatform:
        print(NO_TOKEN_MESSAGE, file=sys.stderr)
        return EXIT_CONFIG
    except BadToken:
        print("Мессенджер отклонил токен: проверьте vk.token / max.token (ВКонтакте: ошибка 5, MAX: 401).",
              file=sys.stderr)
        return EXIT_BAD_TOKEN
    except NoUpdatesAccess as error:
        print(f"Бот не может получать события: {error}. Проверьте group_id, права токена («сообщения сообщества», "
              "«управление сообществом») и что Long Poll API включён в настройках сообщества.", file=sys.stderr)
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


class _RussianHelp(argparse.HelpFormatter):
    """argparse's own words («usage:») in Russian."""

    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "Использование: " if prefix is None else prefix)


_ARGPARSE_ERRORS = (
    (re.compile(r"^the following arguments are required: (.+)$"), "не хватает аргументов: {0}"),
    (re.compile(r"^argument (\S+): invalid choice: (.+?) \(choose from (.+)\)$"),
     "{0}: неизвестное значение {1} (можно: {2})"),
    (re.compile(r"^unrecognized arguments: (.+)$"), "лишние аргументы: {0}"),
    (re.compile(r"^argument (\S+): expected one argument$"), "после {0} нужно значение"),
)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Russian: its help, sections and errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _RussianHelp)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        # argparse's own sections, retitled: every argument added anywhere lands under a Russian heading.
        self._positionals.title = "аргументы"
        self._optionals.title = "параметры"
        self.options = self._optionals
        self.options.add_argument("-h", "--help", action="help", help="показать эту справку и выйти")

    def error(self, message: str) -> NoReturn:
        for pattern, russian in _ARGPARSE_ERRORS:
            if match := pattern.match(message):
                message = russian.format(*match.groups())
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: ошибка: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="schoolbot", description="Бот школы для Сферума: VK Мессенджер и MAX. "
                                                   "Подробности — в README.md.")
    sub = parser.add_subparsers(title="команды", dest="command", required=True, metavar="КОМАНДА",
                                parser_class=_Parser)

    run = sub.add_parser("run", help="запустить бота (ВКонтакте и/или MAX — по токенам в конфигурации)",
                         description="Запустить бота: он работает в тех мессенджерах, чьи токены заданы.")
    run.options.add_argument("--config", metavar="ФАЙЛ", help="путь к config.toml")
    run.set_defaults(func=cmd_run)

    sandbox = sub.add_parser("sandbox", help="попробовать бота локально, без ВКонтакте и MAX",
                             description="Настоящий бот и локальный эмулятор мессенджера; база временная.")
    sandbox.options.add_argument("--script", metavar="ФАЙЛ", help="проиграть сценарий из файла и напечатать переписку")
    sandbox.options.add_argument("--platform", choices=["vk", "max"], default="vk",
                                 help="с эмулятором какого мессенджера (по умолчанию vk)")
    sandbox.set_defaults(func=cmd_sandbox)

    migrate = sub.add_parser("migrate", help="применить миграции базы данных",
                             description="Применить к базе данных все миграции, которых в ней ещё нет.")
    migrate.options.add_argument("--config", metavar="ФАЙЛ", help="путь к config.toml")
    migrate.set_defaults(func=cmd_migrate)

    check_config = sub.add_parser("check-config", help="проверить файл конфигурации",
                                  description="Проверить config.toml: каждая ошибка — отдельной строкой с номером "
                                              "строки файла.")
    check_config.add_argument_group("аргументы").add_argument("path", nargs="?", metavar="ФАЙЛ",
                                                              help="путь к config.toml")
    check_config.set_defaults(func=cmd_check_config)

    add_roster_commands(sub)

    check = sub.add_parser("check", help="проверить текст по правилам модерации (п. 4.5, 4.6)",
                           description="Проверить текст так же, как бот проверяет сообщения в чатах.")
    check.add_argument_group("аргументы").add_argument("text", nargs="*", metavar="ТЕКСТ", help="текст сообщения")
    check.options.add_argument("--jsonl", action="store_true",
                               help="читать из stdin строки JSON {\"text\": ...} и отвечать строкой JSON на каждую")
    check.set_defaults(func=cmd_check)

    status = sub.add_parser("status", help="состояние бота; код выхода 1, если есть проблемы (для healthcheck)",
                            description="Состояние бота по его базе: очереди, ошибки, место на диске.")
    status.options.add_argument("--config", metavar="ФАЙЛ", help="путь к config.toml")
    status.options.add_argument("--json", action="store_true", help="то же в JSON")
    status.set_defaults(func=cmd_status)

    backup = sub.add_parser("backup", help="копия базы данных (можно при работающем боте)",
                            description="Сделать копию базы данных; бот может работать.")
    backup.add_argument_group("аргументы").add_argument("path", metavar="ПУТЬ", help="файл копии или папка для неё")
    backup.options.add_argument("--config", metavar="ФАЙЛ", help="путь к config.toml")
    backup.set_defaults(func=cmd_backup)

    restore = sub.add_parser("restore", help="восстановить базу из копии (бот должен быть остановлен)",
                             description="Восстановить базу данных из копии; бот должен быть остановлен.")
    restore.add_argument_group("аргументы").add_argument("path", metavar="ФАЙЛ", help="файл копии")
    restore.options.add_argument("--config", metavar="ФАЙЛ", help="путь к config.toml")
    restore.set_defaults(func=cmd_restore)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
