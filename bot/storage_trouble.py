"""What the bot says and does while its database cannot be written (pure: texts and decisions).

While storage fails the bot still reads what comes in: people who asked for something are told
«Временная ошибка» (and what they asked is not carried out later: they were told to try again, and
a command such as an announcement must never run twice); offending messages in chats are deleted
at once and recorded, with their notices, once storage works again; everything else (joins,
leaves) simply waits. The administrators named in the order learn the cause once.
"""

from __future__ import annotations

from enum import Enum

from bot.commands.parse import parse_command
from bot.port.events import ButtonPress, Event, MessageIn, Started
from storage.trouble import StorageCause

STORAGE_APOLOGY = "Временная ошибка, попробуйте через несколько минут."
APOLOGIES_PER_PERSON = 3
"""Within APOLOGY_WINDOW: a person who keeps writing is not answered with the same line forever."""
APOLOGY_WINDOW_SECONDS = 600.0

_CAUSE_TEXT = {
    StorageCause.FULL: "на сервере закончилось место (или файл базы достиг предела размера)",
    StorageCause.READ_ONLY: "файл базы данных стал доступен только для чтения",
    StorageCause.LOCKED: "файл базы данных занят другой программой",
    StorageCause.IO: "диск сервера выдаёт ошибки чтения или записи",
    StorageCause.CANNOT_OPEN: "не удаётся открыть файл базы данных",
}


class Reaction(Enum):
    APOLOGISE = "apologise"
    """Someone asked the bot something: say «Временная ошибка»; do not carry it out later."""
    MODERATE = "moderate"
    """A chat message: delete it now if it breaks the rules; record and report it later."""
    WAIT = "wait"
    """Joins, leaves, edits in a DM: handled as usual once storage works."""


def reaction_to(event: Event) -> Reaction:
    match event:
        case ButtonPress() | Started():
            return Reaction.APOLOGISE
        case MessageIn(edited=True, chat=None):
            return Reaction.WAIT
        case MessageIn(edited=True):
            return Reaction.MODERATE
        case MessageIn(chat=None):
            return Reaction.APOLOGISE
        case MessageIn():
            return Reaction.APOLOGISE if parse_command(event.text) is not None else Reaction.MODERATE
    return Reaction.WAIT


def cause_text(cause: StorageCause) -> str:
    return _CAUSE_TEXT[cause]


def admin_notice(cause: StorageCause) -> str:
    """Once per episode, to each administrator named in the order."""
    return (
        f"Бот не может записывать данные: {cause_text(cause)}.\n"
        "Пока это так, людям отвечаю «Временная ошибка», нарушения в чатах удаляю сразу, а всё, "
        "что приходит, держу в памяти и запишу, когда запись снова заработает.\n"
        "Пожалуйста, передайте это тому, кто обслуживает сервер."
    )


def recovered_notice() -> str:
    return ("Запись в базу данных снова работает. То, что пришло за это время, бот сейчас обработает; "
            "о нарушениях в чатах сообщу как обычно.")


def start_refusal(cause: StorageCause, path: str) -> str:
    """`schoolbot run` on a database it cannot write: said at once instead of looking healthy."""
    return f"Не могу записывать в базу данных {path}: {cause_text(cause)}. Бот не запущен."
