"""Reports of stolen accounts and of abuse in chats (clause 4.5): the pure core.

No I/O here: the phrase matcher, the report lifecycle table, the rate-limit decision (the
clock comes in as an argument) and every text the staff and the reporter are shown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum

from bot.errors import BadCommand, InvalidTransition
from bot.port.ids import ChatId, PersonId
from bot.texts import SFERUM_SUPPORT_EMAIL

EXCERPT_LIMIT = 100  # the most of a reported message the bot ever keeps or shows (no full texts)
RATE_WINDOW = timedelta(hours=1)
_ANALYSED_CHARS = 500  # a stolen-account message is short; do not scan a 4,000-character essay


class ReportKind(StrEnum):
    """Values are stored in the database."""

    HACKED = "hacked"  # someone else got into the reporter's account (4.5, second item)
    ABUSE = "abuse"  # a chat message that breaks 4.5/4.6, reported by replying with /жалоба


class ReportStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ReportAction(StrEnum):
    CLOSE = "close"


# The whole lifecycle: a report is handled once; CLOSED is final.
REPORT_TRANSITIONS: dict[tuple[ReportStatus, ReportAction], ReportStatus] = {
    (ReportStatus.OPEN, ReportAction.CLOSE): ReportStatus.CLOSED,
}


def transition(status: ReportStatus, action: ReportAction) -> ReportStatus:
    try:
        return REPORT_TRANSITIONS[(status, action)]
    except KeyError:
        raise InvalidTransition(
            f"report: {status.value} --{action.value}-->", text="Это обращение уже закрыто."
        ) from None


@dataclass(frozen=True, kw_only=True)
class Report:
    id: int
    """Number shown to staff: «обращение №7»."""
    kind: ReportKind
    status: ReportStatus
    reporter_id: PersonId
    """Who reported."""
    created_at: datetime
    """When it was reported (UTC)."""
    chat_id: ChatId | None = None
    """Abuse: the chat of the reported message."""
    message_ref: str | None = None
    """Abuse: the platform's handle of the reported message."""
    author_id: PersonId | None = None
    """Abuse: who wrote the reported message."""
    excerpt: str | None = None
    """Abuse: at most EXCERPT_LIMIT masked characters of the reported message."""
    closed_by: PersonId | None = None
    closed_at: datetime | None = None


# --- the stolen-account phrase matcher ---------------------------------------------------------


class HackedIntent(StrEnum):
    REPORT = "report"  # «мой аккаунт взломали»: notify staff now
    ADVICE = "advice"  # «как защитить аккаунт от взлома?»: explain, do not alarm the staff
    NONE = "none"


# Past-tense or passive forms: something has happened to the account. Prefixes of words.
_TAKEN = ("взломал", "взломан", "хакнул", "украл", "угнал", "увел", "похитил", "своровал")
_ENTERED = ("зашел", "зашла", "зашли", "заходил", "заходят", "вошел", "вошла", "вошли", "залез",
            "пишет", "пишут", "написал", "рассыла", "отправля", "сидит")
_INTRUDERS = ("ктото", "кто-то", "посторонн", "чуж", "незнаком", "неизвестн", "левый", "левые")
_ACCOUNT = ("аккаунт", "акк", "страниц", "профил", "учетк", "учетн", "логин", "пароль", "сферум", "вконтакт")
_MINE = {"меня", "мой", "моя", "мою", "мое", "моей", "моего", "моем", "мне", "сына", "дочери", "ребенка"}
# Hypothetical or preventive wording: the person asks how to protect an account, nothing happened.
_HYPOTHETICAL = {"если", "чтобы", "вдруг", "могут", "может"}
_PREVENTIVE = ("защит", "обезопас", "предотвра", "уберечь", "допуст")
_HACK_TOPIC = ("взлом", "хакер", "мошенни")
_WORD = re.compile(r"[a-zа-я0-9]+(?:-[a-zа-я0-9]+)*")
_NOT_ME = re.compile(r"(?:^| )не я(?: |$)")  # «это не я писал»


def _words(text: str) -> list[str]:
    folded = text[:_ANALYSED_CHARS].lower().replace("ё", "е").replace("кто то", "ктото")
    return _WORD.findall(folded)


def _starts(word: str, prefixes: Sequence[str]) -> bool:
    return word.startswith(tuple(prefixes))


def _has_affirmed(words: list[str], prefixes: Sequence[str]) -> bool:
    """A word with one of `prefixes` not negated by «не» right before it («не взломали»)."""
    return any(_starts(w, prefixes) and (i == 0 or words[i - 1] != "не") for i, w in enumerate(words))


def classify_hacked(text: str) -> HackedIntent:
    """Does a plain message report a stolen account, ask how to protect one, or neither?

    Decision (documented in the tests): a statement that something happened to *my* account
    («взломали страницу», «кто-то зашёл в мой профиль») is a REPORT; the same words in a
    hypothetical or preventive question («что делать, если взломают», «как защитить аккаунт
    от взлома?») get ADVICE, which also says how to report if it did happen. Anything else: NONE.
    """
    words = _words(text)
    if not words:
        return HackedIntent.NONE
    about_account = any(_starts(w, _ACCOUNT) or w == "вк" for w in words) or bool(_MINE & set(words))
    taken = _has_affirmed(words, _TAKEN) and (about_account or len(words) <= 2)
    intruder = any(_starts(w, _INTRUDERS) for w in words) or _NOT_ME.search(" ".join(words)) is not None
    entered = intruder and _has_affirmed(words, _ENTERED) and about_account
    preventive = any(_starts(w, _PREVENTIVE) for w in words)
    hypothetical = bool(_HYPOTHETICAL & set(words)) or preventive
    if (taken or entered) and not hypothetical:
        return HackedIntent.REPORT
    on_topic = any(_starts(w, _HACK_TOPIC) for w in words) or preventive
    if taken or entered or (on_topic and about_account):
        return HackedIntent.ADVICE
    return HackedIntent.NONE


# --- rate limit --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RateDecision:
    allowed: bool
    retry_after: timedelta = timedelta(0)
    """When refused: how long until the oldest report in the window leaves it."""


def rate_decision(recent: Sequence[datetime], now: datetime, max_per_hour: int) -> RateDecision:
    """May someone who reported at `recent` moments report again `now`?"""
    window = sorted(t for t in recent if now - t < RATE_WINDOW)
    if len(window) < max_per_hour:
        return RateDecision(allowed=True)
    oldest_counted = window[len(window) - max_per_hour]
    return RateDecision(allowed=False, retry_after=oldest_counted + RATE_WINDOW - now)


def rate_limited_text(decision: RateDecision, max_per_hour: int) -> str:
    minutes = max(1, -(-int(decision.retry_after.total_seconds()) // 60))
    return (
        f"Спасибо за бдительность! За час можно отправить не больше {max_per_hour} обращений — "
        f"следующее получится через {minutes} мин. Если случилось что-то срочное, напишите классному руководителю."
    )


# --- parsing -----------------------------------------------------------------------------------

# «№» becomes «No» after the NFKC clean-up every command goes through, so accept both.
_REPORT_NUMBER = re.compile(r"^(?:[№#]|no\.?)?\s*(\d{1,9})$", re.IGNORECASE)
CLOSE_USAGE = "Напишите номер обращения, например: /закрыть 7. Список открытых — /обращения."


def parse_report_number(args: str) -> int:
    """«7», «№7», «#7» → 7; anything else is a BadCommand with the correct form."""
    match = _REPORT_NUMBER.match(args.strip())
    if match is None or int(match[1]) == 0:
        raise BadCommand(f"bad report number {args[:20]!r}", text=CLOSE_USAGE)
    return int(match[1])


# --- excerpts ----------------------------------------------------------------------------------

_MENTION = re.compile(r"\[(?:id|club|public)\d+\|([^\]]{0,100})\]", re.IGNORECASE)
_PING = re.compile(r"(?<!\w)[@*](?=\w)")  # «@all», «*id1»: would notify people from the staff chat
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"\+?\d[\d\s()\-]{8,}\d")


def mask_excerpt(text: str, limit: int = EXCERPT_LIMIT) -> str:
    """A short, defanged piece of a reported message for the staff card.

    Phone numbers and e-mails are hidden (someone else's personal data, 4.6), mentions are
    turned into plain names so the card pings nobody, and the result is cut to `limit`.
    """
    flat = " ".join(text[: limit * 20].split())
    flat = _MENTION.sub(r"\1", flat)
    flat = _EMAIL.sub("[почта скрыта]", flat)
    flat = _PHONE.sub("[телефон скрыт]", flat)
    flat = _PING.sub("", flat)
    if not flat:
        return "(без текста: вложение или стикер)"
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


# --- texts -------------------------------------------------------------------------------------




def format_moment(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%d.%m.%Y, %H:%M")


def hacked_staff_card(report: Report, *, reporter: str, roles: str, tz: tzinfo) -> str:
    return (
        f"🚨 Взлом аккаунта — обращение №{report.id} (п. 4.5 Положения)\n"
        f"Сообщил(а): {reporter}, {roles}\n"
        f"Когда: {format_moment(report.created_at, tz)}\n"
        "Свяжитесь с человеком не через этот аккаунт (по телефону или лично) и проверьте, "
        "не пишут ли от его имени в чатах.\n"
        f"Когда всё решено: /закрыть {report.id}"
    )


@dataclass(frozen=True, kw_only=True)
class AccountPlatform:
    """Where the person's account lives, for the steps they must take («ВКонтакте», «MAX»)."""

    title: str
    """«ВКонтакте», «MAX»."""
    sessions_hint: str
    """Where to end other sessions: «в настройках VK ID откройте «Безопасность» → «Устройства»»."""


def hacked_steps_text(report_id: int | None, platform: AccountPlatform) -> str:
    """What the person should do right now; `report_id` is None when staff was told before."""
    head = (
        f"Я сразу сообщил администратору школы (обращение №{report_id})."
        if report_id is not None
        else "Администратор школы уже знает о взломе."
    )
    return f"{head} Что сделать прямо сейчас:\n{_steps(platform)}"


def _steps(platform: AccountPlatform) -> str:
    return (
        f"1. {platform.sessions_hint[:1].upper() + platform.sessions_hint[1:]} и завершите все сеансы, "
        "кроме текущего.\n"
        "2. Смените пароль на новый, которого нет на других сайтах, и включите подтверждение входа.\n"
        "3. Сообщите классному руководителю — лучше по телефону или лично: в чатах от вашего имени "
        "может писать посторонний.\n"
        "4. Никому не называйте коды из СМС и уведомлений: ни «поддержке», ни «учителю», ни «другу». "
        f"Школа и {platform.title} их никогда не спрашивают.\n"
        f"Не получается войти — напишите в поддержку: {SFERUM_SUPPORT_EMAIL} (п. 4.2)."
    )


def hacked_advice_text(platform: AccountPlatform) -> str:
    return (
        "Как защитить аккаунт:\n"
        f"• пароль — длинный и только для {platform.title}; включите подтверждение входа;\n"
        "• никому не называйте коды из СМС — ни «поддержке», ни «учителю»;\n"
        "• не входите в аккаунт на чужих устройствах, а если пришлось — выйдите.\n"
        "Если в ваш аккаунт уже кто-то вошёл — напишите /взлом, и я сразу сообщу администратору (п. 4.5)."
    )


def already_open_text(report_id: int, platform: AccountPlatform) -> str:
    return (
        f"Администратор уже знает о взломе (обращение №{report_id}, ещё не закрыто). "
        f"Повторите, пожалуйста, шаги:\n{_steps(platform)}"
    )


@dataclass(frozen=True, kw_only=True)
class ChatContext:
    title: str
    """The chat's title as VK shows it, or a fallback."""
    purpose: str | None
    """What the chat is bound for («чат родителей 5А»), if it is bound."""


def abuse_staff_card(report: Report, *, chat: ChatContext, reporter: str, author: str, tz: tzinfo) -> str:
    purpose = f" ({chat.purpose})" if chat.purpose else ""
    return (
        f"⚠️ Жалоба на сообщение — обращение №{report.id}\n"
        f"Чат: «{chat.title}»{purpose}\n"
        f"Сообщение №{report.message_ref} в этом чате\n"
        f"Автор: {author}\n"
        f"Пожаловался(-ась): {reporter}\n"
        f"Когда: {format_moment(report.created_at, tz)}\n"
        f"Фрагмент: «{report.excerpt}»\n"
        f"Проверьте сообщение в чате; когда решите: /закрыть {report.id}"
    )


ABUSE_USAGE = (
    "Чтобы пожаловаться на сообщение, ответьте на него (нажмите на сообщение → «Ответить») "
    "и напишите /жалоба. Администратор увидит, в каком чате и какое это сообщение."
)
ABUSE_THANKS = "Спасибо! Жалоба передана администратору школы. Ваше имя видят только администраторы."


def reports_list_text(reports: Sequence[Report], *, tz: tzinfo, names: Mapping[PersonId, str]) -> str:
    """`names`: how to show each reporter (a profile link the platform formats)."""
    if not reports:
        return "Открытых обращений нет."
    lines = ["Открытые обращения:"]
    for r in reports:
        when = format_moment(r.created_at, tz)
        what = "взлом аккаунта" if r.kind is ReportKind.HACKED else "жалоба на сообщение"
        lines.append(f"№{r.id} — {what}, {when}, от {names.get(r.reporter_id, 'участника')}")
    lines.append("Закрыть: /закрыть N")
    return "\n".join(lines)
