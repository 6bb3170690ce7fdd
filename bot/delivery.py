"""Texts of delivery: a DM with chat links, what the staff is told when something cannot be done.

Pure; the outbox worker fills in what only the platform knows at sending time (links, reasons).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.port.gateway import PROBLEM_TEXTS, Problem


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def links_message(intro: str, lines: Sequence[tuple[str, str | None]]) -> str:
    """«Ваша заявка принята…» then one line per chat: its link, or why there is none yet."""
    out = [intro]
    for title, link in lines:
        if link:
            out.append(f"{_capital(title)}: {link}")
        else:
            out.append(f"{_capital(title)}: пока не подключён к боту, ссылку пришлёт классный руководитель.")
    return "\n".join(out)


def failure_note(template: str, problem: Problem) -> str:
    """A flow's «could not deliver» text with the reason in it."""
    return template.replace("{problem}", PROBLEM_TEXTS[problem])


def not_admin_text(chat_title: str, admin_steps: str) -> str:
    return (
        f"Я не могу удалять сообщения в чате «{chat_title}»: у бота нет прав администратора. {admin_steps} "
        "Пока это не сделано, я только сообщаю о нарушениях сюда."
    )


def no_link_text(chat_title: str, problem: Problem, admin_steps: str) -> str:
    text = f"Не смог получить ссылку чата «{chat_title}»: {PROBLEM_TEXTS[problem]}."
    if problem is Problem.NOT_ADMIN:
        text += f" {admin_steps}"
    return text


RIGHT_TITLES = {
    "reads_all": "читать все сообщения",
    "can_delete": "удалять сообщения",
    "can_remove": "удалять участников",
    "can_write": "писать в чат",
}


def rights_missing_text(chat_title: str, missing: list[str], admin_steps: str) -> str:
    """The bot lacks rights it needs in a bound chat: what, and how a chat owner grants them."""
    what = ", ".join(RIGHT_TITLES[right] for right in missing)
    return (f"В чате «{chat_title}» у бота нет прав: {what}. Без них я не вижу нарушений или не могу их убрать. "
            f"{admin_steps}")
