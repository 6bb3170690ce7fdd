"""/помощь: what this person may do, here and elsewhere, read from the command table."""

from __future__ import annotations

from functools import lru_cache

from bot.commands.spec import CommandSpec, HelpLine
from bot.commands.table import COMMANDS
from bot.people import Person
from bot.places import Place
from bot.port.effects import Button, Buttons
from bot.port.ids import SYSTEM
from bot.roles import Role

HELP_BUTTON = "Помощь"
REGISTRY_BUTTON = "Реестр сервисов"
RULES_BUTTON = "Правила"
HACKED_BUTTON = "Сообщить о взломе"

_ELSEWHERE_TITLE = {
    Place.DM: "В групповых чатах:",
    Place.STAFF: "В личных сообщениях со мной и в других чатах:",
}


def commands_here(person: Person, place: Place) -> list[tuple[CommandSpec, HelpLine]]:
    """The commands this person may run in this place, with the help line shown for them."""
    shown = []
    for spec in COMMANDS:
        line = spec.line_for(person.roles)
        if line is not None and place in spec.places:
            shown.append((spec, line))
    return shown


def commands_elsewhere(person: Person, place: Place) -> list[tuple[CommandSpec, HelpLine]]:
    """Commands this person may run, but not here (e.g. /привязать seen from a DM)."""
    shown = []
    for spec in COMMANDS:
        line = spec.line_for(person.roles)
        if line is not None and place not in spec.places:
            shown.append((spec, line))
    return shown


@lru_cache(maxsize=256)
def _command_lines(roles: frozenset[Role], place: Place) -> tuple[str, ...]:
    """The command part of /помощь: the same for everyone with these roles in this kind of place, so it
    is built once (the table is fixed for the process's life)."""
    person = Person(id=SYSTEM, roles=roles)
    lines = [f"• {line.usage} — {line.text}" for _, line in commands_here(person, place)]
    elsewhere = commands_elsewhere(person, place)
    if elsewhere:
        lines += ["", _ELSEWHERE_TITLE.get(place, "В других местах:")]
        lines += [f"• {line.usage} — {line.text}" for _, line in elsewhere]
    return tuple(lines)


def help_text(person: Person, *, school_name: str, place: Place) -> str:
    name = person.first_name
    greeting = f"Здравствуйте{', ' + name if name else ''}!"
    lines = [
        f"{greeting} Я бот {school_name}: помогаю соблюдать Положение о сервисах взаимодействия "
        "(Сферум: VK Мессенджер и MAX).",
        f"Ваша роль: {person.role_titles()}.",
        "",
        "Команды:",
    ]
    lines += _command_lines(person.roles, place)
    if not person.roles:
        lines += ["", "Чтобы получить роль, присоединитесь по ссылке-приглашению от классного руководителя "
                      "или администратора."]
    return "\n".join(lines)


def dm_menu() -> Buttons:
    """The standing menu of a DM with the bot: the things people ask most."""
    return Buttons(menu=True, rows=[
        [Button(label=REGISTRY_BUTTON, style="primary"), Button(label=RULES_BUTTON)],
        [Button(label=HACKED_BUTTON, style="negative"), Button(label=HELP_BUTTON)],
    ])


THANKS_REPLY = "Пожалуйста! Если что-то понадобится — пишите, я здесь. Что я умею — /помощь."


def greeting_text(first_name: str) -> str:
    """A short friendly answer to «привет»: the menu goes with it."""
    hello = f"Здравствуйте, {first_name}!" if first_name else "Здравствуйте!"
    return (f"{hello} Чем помочь? Спросите про сервисы из реестра, правила и права, сообщите о взломе — "
            "кнопки ниже, а всё, что я умею, покажет /помощь.")


def not_in_registry_text(service: str) -> str:
    """«учи.ру»: a service the regulation's registry does not list — say so instead of «не понял»."""
    return (f"«{service}» не входит в реестр школы — список цифровых сервисов, которые рекомендует Положение. "
            "Если работу там задал учитель, уточните у него. Рекомендуемые сервисы — /реестр.")


def unknown_command_text(name: str) -> str:
    shown = name if len(name) <= 30 else name[:30] + "…"
    return f"Не знаю команду «/{shown}». Напишите /помощь — покажу, что я умею."
