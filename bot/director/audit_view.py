"""/действия: the log of administrative decisions as people read it — who did what, to whom, when
(the school's time zone), names instead of ids, a page at a time. Pure."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from bot.chats import ChatBinding, ChatPurpose
from bot.director.announce import Audience
from bot.errors import BadCommand
from bot.port.ids import PersonId
from bot.roles import ROLE_TITLES, Role
from bot.timefmt import local_minute

PAGE = 10
USAGE = ("Формат: /действия [страница], /действия <кто> (например id123), /действия <команда> "
         "(например привязать). Показываю последние решения, новые сверху.")

ACTION_TITLES: Mapping[str, str] = {
    "bind_chat": "привязка чата",
    "invite_created": "выдана ссылка-приглашение",
    "invite_revoked": "аннулирована ссылка-приглашение",
    "chat_link_reset": "сброшена ссылка чата",
    "join_request_opened": "подана заявка на вступление",
    "join_request_approved": "принята заявка",
    "join_request_rejected": "отклонена заявка",
    "join_request_auto_approved": "вступление по ссылке без одобрения",
    "welcome_resent": "ссылки на чаты отправлены повторно",
    "teacher_verified": "подтверждён статус учителя",
    "class_teacher_assigned": "назначен классный руководитель",
    "extra_admin_added": "назначен дополнительный администратор",
    "extra_admin_removed": "снят дополнительный администратор",
    "student_moved": "ученик переведён",
    "person_removed": "исключение из школы",
    "pardon": "снято предупреждение",
    "appeal_lifted": "обжалование: предупреждение снято",
    "appeal_kept": "обжалование: предупреждение оставлено",
    "filter_add": "слово добавлено в фильтр",
    "filter_remove": "слово убрано из фильтра",
    "filter_allow": "слово разрешено",
    "report_closed": "закрыто обращение",
    "forget_person": "удалены данные человека",
    "stranger_entered": "в чат вошёл посторонний",
    "bot_removed_from_chat": "бота удалили из чата",
    "command_denied": "отказано в команде",
    "announcement_sent": "отправлено объявление",
    "announcement_scheduled": "запланировано объявление",
    "announcement_cancelled": "отменено объявление",
    "unbind_chat": "чат отвязан",
    "class_list_loaded": "загружен список класса",
    "class_teacher_removed": "снят классный руководитель",
    "class_transferred": "класс переведён",
    "class_graduated": "класс выпущен",
    "leaver_parents_removed": "исключены родители выбывшего ученика",
    "staged_cancelled": "отменено действие",
    "consent_given": "дано согласие на обработку данных ребёнка",
    "consent_declined": "отказ от согласия на обработку данных ребёнка",
    "consent_withdrawn": "отозвано согласие на обработку данных ребёнка",
}
COMMAND_ACTIONS: Mapping[str, tuple[str, ...]] = {
    "bind": ("bind_chat",),
    "unbind": ("unbind_chat",),
    "classlist": ("class_list_loaded",),
    "graduate": ("class_graduated",),
    "withdraw_consent": ("consent_withdrawn",),
    "invite": ("invite_created",),
    "revoke": ("invite_revoked",),
    "resetlink": ("chat_link_reset",),
    "join": ("join_request_opened", "join_request_auto_approved"),
    "approve": ("join_request_approved", "welcome_resent"),
    "reject": ("join_request_rejected",),
    "requests": ("join_request_approved", "join_request_rejected", "welcome_resent"),
    "verify": ("teacher_verified",),
    "classteacher": ("class_teacher_assigned", "class_teacher_removed"),
    "admin": ("extra_admin_added", "extra_admin_removed"),
    "move": ("student_moved", "class_transferred"),
    "remove": ("person_removed", "leaver_parents_removed"),
    "pardon": ("pardon",),
    "appeal": ("appeal_lifted", "appeal_kept"),
    "filter": ("filter_add", "filter_remove"),
    "allow": ("filter_allow",),
    "close": ("report_closed",),
    "forget": ("forget_person",),
    "announce": ("announcement_sent", "announcement_scheduled", "announcement_cancelled"),
    "announcements": ("announcement_sent", "announcement_scheduled", "announcement_cancelled"),
    "cancel": ("announcement_cancelled",),
}
_GROUP_WORDS = {"staff": "Учительская", "administration": "руководство"}


@dataclass(frozen=True, kw_only=True)
class AuditQuery:
    page: int = 1
    person: PersonId | None = None
    """Decisions this person made or that were about them."""
    actions: tuple[str, ...] = ()
    """Only these kinds (a command's)."""
    command: str = ""
    """The command as asked for, for the heading."""


def parse_page(word: str) -> int:
    if not (word.isascii() and word.isdigit()) or not 1 <= int(word) <= 10_000:
        raise BadCommand("bad page", text=USAGE)
    return int(word)


def command_query(word: str, command_key: str | None, page: int) -> AuditQuery:
    """«привязать» → the kinds of decisions that command records; BadCommand when it records none."""
    actions = COMMAND_ACTIONS.get(command_key or "")
    if actions is None:
        raise BadCommand("no such command in the log", text=f"Команда «{word[:30]}» не оставляет записей в журнале "
                                                            f"решений.\n{USAGE}")
    return AuditQuery(page=page, actions=actions, command=word.lstrip("/!"))


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One decision, with the names already looked up."""

    at: str
    actor: str
    action: str
    target: str | None
    chat: str | None
    details: Mapping[str, Any]


def _details(action: str, details: Mapping[str, Any], command_title: Callable[[str], str]) -> str:
    parts: list[str] = []
    if "role" in details and details["role"] in {r.value for r in Role}:
        parts.append(ROLE_TITLES[Role(details["role"])])
    group = details.get("group")
    if group and group != "None":
        parts.append(_GROUP_WORDS.get(str(group), str(group)))
    if details.get("purpose") in {p.value for p in ChatPurpose}:
        binding = ChatBinding(purpose=ChatPurpose(details["purpose"]), class_label=details.get("class"),
                              subject=details.get("subject"))
        parts.append(binding.title())
    for key, shown in (("request", "заявка №{}"), ("report", "обращение №{}"), ("announcement", "объявление №{}"),
                       ("appeal", "обжалование №{}"), ("code", "код {}"), ("word", "«{}»"), ("chats", "чатов: {}"),
                       ("memberships", "групп: {}")):
        if details.get(key) not in (None, ""):
            parts.append(shown.format(details[key]))
    if details.get("audience"):
        try:
            parts.append(Audience.from_key(str(details["audience"])).title())
        except ValueError:
            pass
    if action == "command_denied" and details.get("command"):
        parts.append(command_title(str(details["command"])))
    if details.get("removed") is True:
        parts.append("удалён из чата")
    if details.get("unused") is True:
        parts.append("все неиспользованные")
    return ", ".join(p.strip() for p in parts if p and p.strip())


def entry_line(entry: Entry, tz: tzinfo, command_title: Callable[[str], str]) -> str:
    title = ACTION_TITLES.get(entry.action, entry.action.replace("_", " "))
    line = f"• {local_minute(entry.at, tz)} — {entry.actor}: {title}"
    extra = _details(entry.action, entry.details, command_title)
    if entry.target:
        line += f" — {entry.target}"
    if extra:
        line += f" ({extra})"
    if entry.chat:
        line += f", чат «{entry.chat}»"
    return line


def audit_text(entries: Sequence[Entry], *, query: AuditQuery, total: int, tz: tzinfo, whom: str = "",
               command_title: Callable[[str], str] = lambda key: f"/{key}") -> str:
    pages = max(1, -(-total // PAGE))
    if query.person is not None:
        heading = f"Журнал решений: {whom}"
    elif query.command:
        heading = f"Журнал решений: команда /{query.command}"
    else:
        heading = "Журнал решений администраторов"
    if not entries:
        return f"{heading}: записей нет." if query.page == 1 else f"{heading}: страницы {query.page} нет, всего {pages}."
    lines = [f"{heading} (страница {query.page} из {pages}, всего записей {total}; время — школьное):"]
    lines += [entry_line(e, tz, command_title) for e in entries]
    if query.page < pages:
        more = [str(query.page + 1)]
        if query.command:
            more.insert(0, query.command)
        lines.append(f"\nДальше: /действия {' '.join(more)}" if not query.person else
                     f"\nДальше — добавьте номер страницы: {query.page + 1}.")
    return "\n".join(lines)

