"""`schoolbot roster import FILE.csv`: the school's class lists loaded from the journal's export on the
server, with the same preview as in the chat; nothing changes without --apply."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.classlist.csvfile import MAX_FILE_BYTES, ParsedList, parse_class_list
from bot.classlist.model import plan_import, preview_text, problems_text
from bot.errors import BadCommand, ConfigError
from bot.membership.groups import SchoolClass, parse_class
from bot.port.ids import SYSTEM

EXIT_BAD_FILE = 2


def add_roster_commands(sub: argparse._SubParsersAction) -> None:
    roster = sub.add_parser("roster", help="списки классов из электронного журнала",
                            description="Списки классов из электронного журнала (CSV).")
    # The same parser class as the main one: Russian usage, help and errors all the way down.
    actions = roster.add_subparsers(title="команды", dest="roster_command", required=True, metavar="КОМАНДА",
                                    parser_class=type(roster))
    load = actions.add_parser("import", help="загрузить CSV-файл со списками классов (сначала — предпросмотр)",
                              description="Загрузить CSV-файл со списками классов: сначала предпросмотр, "
                                          "с --apply — изменения.")
    load.add_argument("file", metavar="ФАЙЛ", help="CSV-файл: Класс; Фамилия; Имя; Отчество; Дата рождения")
    load.add_argument("--class", dest="school_class", metavar="КЛАСС", help="класс файла без столбца «Класс», например 5А")
    load.add_argument("--config", metavar="ФАЙЛ", help="путь к config.toml")
    load.add_argument("--apply", action="store_true", help="применить изменения (без этого — только предпросмотр)")
    load.set_defaults(func=cmd_roster_import)


def cmd_roster_import(args: argparse.Namespace) -> int:
    from bot.config import load_settings

    try:
        settings = load_settings(Path(args.config) if args.config else None)
    except ConfigError as error:
        print("\n".join(error.lines), file=sys.stderr)
        return EXIT_BAD_FILE
    path = Path(args.file)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            print(f"Файл больше {MAX_FILE_BYTES // 1000} КБ: это не список классов.", file=sys.stderr)
            return EXIT_BAD_FILE
        data = path.read_bytes()
        school_class = parse_class(args.school_class) if args.school_class else None
        parsed = parse_class_list(data, school_class=school_class)
    except OSError as error:
        print(f"Не удалось прочитать {path}: {error.strerror}", file=sys.stderr)
        return EXIT_BAD_FILE
    except BadCommand as error:
        print(error.text, file=sys.stderr)
        return EXIT_BAD_FILE
    if parsed.problems:
        print(problems_text(parsed.problems, source=path.name), file=sys.stderr)
        return EXIT_BAD_FILE
    return asyncio.run(_load(settings.storage.path, parsed, path.name, apply=args.apply,
                             classes=[school_class] if school_class else []))


async def _load(db_path: Path, parsed: ParsedList, source: str, *, apply: bool,
                classes: list[SchoolClass]) -> int:
    from storage.audit import AuditLog
    from storage.classlist import ClassListRepo
    from storage.db import Database

    db = await Database.open(db_path)
    try:
        await db.migrate()
        repo = ClassListRepo(db)
        plan = plan_import(parsed, await repo.everyone(), classes=classes)
        print(preview_text(plan, source=source, total=len(parsed.pupils)).replace(
            "Пока вы не нажали «Применить», ничего не меняется.", ""
        ).rstrip())
        if not plan.changes:
            return 0
        if not apply:
            print("Ничего не изменено. Чтобы применить, повторите команду с --apply.")
            return 0
        now = datetime.now(UTC)
        async with db.transaction():
            await repo.apply(plan, now)
            await AuditLog(db).record(actor_id=SYSTEM, action="class_list_loaded", now=now,
                                      details={"classes": [str(c) for c in plan.classes], "added": len(plan.added),
                                               "removed": len(plan.removed), "moved": len(plan.moved),
                                               "updated": len(plan.updated), "source": "cli"})
        print("Применено.")
        return 0
    finally:
        await db.close()
