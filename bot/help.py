"""What each user may do, derived from the permission table: the text of /help."""

from __future__ import annotations

from dataclasses import dataclass

from bot.people import Person
from bot.roles import Action, actions_of


@dataclass(frozen=True, kw_only=True)
class CommandHelp:
    action: Action
    """The permission the command needs."""
    usage: str
    """How to type it."""
    what: str
    """One short Russian line."""
    where: str = "any"
    """'dm', 'chat' or 'any': where the command makes sense."""


# Feature modules add their commands here as they land; the order is the order shown.
COMMANDS: list[CommandHelp] = [
    CommandHelp(action=Action.USE_HELP, usage="/помощь", what="что я умею"),
    CommandHelp(
        action=Action.BIND_CHAT,
        usage="/привязать учительская | руководство | 5А ученики | 5А родители | 7Б физика",
        what="указать, для чего этот чат (одна роль у чата)",
        where="chat",
    ),
]


def register(*entries: CommandHelp) -> None:
    """Add feature commands to /help (idempotent, so re-imports do not duplicate)."""
    for entry in entries:
        if entry not in COMMANDS:
            COMMANDS.append(entry)


# Everyone's commands first, then the staff's, in the order of the school's work (3.2 → 4.6).
_SHOWN_ORDER = [
    Action.USE_HELP, Action.READ_REGISTRY, Action.REPORT, Action.MANAGE_OWN_DATA,
    Action.BIND_CHAT, Action.INVITE_ANY, Action.INVITE_OWN_CLASS, Action.INVITE_OWN_SUBJECT,
    Action.DECIDE_REQUESTS, Action.MANAGE_PEOPLE, Action.APPOINT_ADMINS,
    Action.MODERATE, Action.HANDLE_REPORTS, Action.VIEW_STATS, Action.ANNOUNCE,
]


def available_commands(person: Person, *, in_dm: bool) -> list[CommandHelp]:
    allowed = actions_of(person.roles)
    place = "dm" if in_dm else "chat"
    shown = [c for c in COMMANDS if c.action in allowed and c.where in ("any", place)]
    return sorted(shown, key=lambda c: _SHOWN_ORDER.index(c.action))


def help_text(person: Person, *, school_name: str, in_dm: bool) -> str:
    greeting = f"Здравствуйте{', ' + person.display_name.split()[0] if person.display_name else ''}!"
    lines = [
        f"{greeting} Я бот {school_name}: помогаю соблюдать Положение о сервисах взаимодействия (Сферум, VK Мессенджер).",
        f"Ваша роль: {person.role_titles()}.",
        "",
        "Команды:",
    ]
    lines += [f"• {c.usage} — {c.what}" for c in available_commands(person, in_dm=in_dm)]
    if not person.roles:
        lines += ["", "Чтобы получить роль, присоединитесь по ссылке-приглашению от классного руководителя или администратора."]
    return "\n".join(lines)


def unknown_command_text(name: str) -> str:
    shown = name if len(name) <= 30 else name[:30] + "…"
    return f"Не знаю команду «/{shown}». Напишите /помощь — покажу, что я умею."
