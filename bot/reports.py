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
from bot.grammar import gendered
from bot.port.gateway import Gender
from bot.port.ids import ChatId, PersonId
from bot.texts import SFERUM_SUPPORT_EMAIL
from bot.timefmt import day_month_time

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
    reason: str | None = None
    """Abuse: what the complainant wrote (after /жалоба, or the description of a DM complaint), masked."""


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


@dataclass(frozen=True, kw_only=True)
class Who:
    """A person as a card names them."""

    link: str
    """«Ольга Иванова (vk.com/id1003)»: the platform formats it; never a ping."""
    gender: Gender = Gender.UNKNOWN
    """For «сообщил» / «сообщила» (a neutral construction when unknown)."""


def when(moment: datetime, tz: tzinfo, now: datetime | None = None) -> str:
    """«12.03, 11:05» in the school's zone (with the year when it is not this year's)."""
    return day_month_time(moment, tz, now or moment)


def hacked_staff_card(report: Report, *, reporter: Who, roles: str, tz: tzinfo) -> str:
    said = gendered(reporter.gender, f"Сообщил: {reporter.link}", f"Сообщила: {reporter.link}",
                    f"Кто сообщает: {reporter.link}")
    return (
        f"🚨 Взлом аккаунта — обращение №{report.id} (п. 4.5 Положения)\n"
        f"{said}, {roles}\n"
        f"Когда: {when(report.created_at, tz)}\n"
        "Свяжитесь с человеком не через этот аккаунт (по телефону или лично) и проверьте, "
        "не пишут ли от его имени в чатах.\n"
        f"Когда всё решено: /закрыть {report.id}"
    )


def hacked_class_teacher_text(report_id: int, *, reporter: Who, roles: str) -> str:
    """The class teacher hears of a stolen account in their class: they know the family."""
    who = f"{reporter.link}, {roles},"
    said = gendered(reporter.gender, f"{who} сообщил о взломе аккаунта", f"{who} сообщила о взломе аккаунта",
                    f"Сообщение о взломе аккаунта от: {reporter.link}, {roles}")
    return (
        f"Здравствуйте! {said[:1].upper() + said[1:]} (обращение №{report_id}, п. 4.5 Положения). "
        "Администрация школы уже знает. Пожалуйста, свяжитесь с семьёй не через этот аккаунт — по телефону "
        "или лично — и предупредите класс, если от этого имени приходят странные сообщения."
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
    """The chat's title as the platform shows it, or a fallback."""
    purpose: str | None
    """What the chat is bound for («чат родителей 5А»), if it is bound."""


def abuse_staff_card(report: Report, *, chat: ChatContext | None, reporter: Who, author: str | None,
                     tz: tzinfo) -> str:
    """The card only administrators read. `chat` None: made in a DM (forwarded or described);
    `author` None: the complainant described what happened without a message."""
    lines = [f"⚠️ Жалоба на сообщение — обращение №{report.id} (п. 4.5 Положения)"]
    if chat is not None:
        purpose = f" ({chat.purpose})" if chat.purpose else ""
        lines.append(f"Чат: «{chat.title}»{purpose}")
        if report.message_ref:
            lines.append(f"Сообщение №{report.message_ref} в этом чате")
    elif report.excerpt is not None:
        lines.append("Сообщение переслано мне в личные сообщения (чат не известен)")
    else:
        lines.append("Жалоба описана словами в личных сообщениях")
    if author is not None:
        lines.append(f"Автор сообщения: {author}")
    lines.append(gendered(reporter.gender, f"Пожаловался: {reporter.link}", f"Пожаловалась: {reporter.link}",
                          f"Жалоба от: {reporter.link}"))
    lines.append(f"Когда: {when(report.created_at, tz)}")
    if report.excerpt is not None:
        lines.append(f"Фрагмент: «{report.excerpt}»")
    if report.reason:
        lines.append(f"Со слов жалующегося: «{report.reason}»")
    lines.append("Карточка только для администраторов: автор сообщения её не видит. "
                 f"Когда решите: /закрыть {report.id}")
    return "\n".join(lines)


def abuse_class_teacher_text(report_id: int, *, chat_title: str, author_gent: str) -> str:
    """The class teacher hears of a complaint in their class's chat — never who complained.
    `author_gent`: the author in the genitive («Марии Петровой (vk.com/id1002)»)."""
    return (
        f"Здравствуйте! В чате «{chat_title}» пожаловались администрации на сообщение {author_gent} "
        f"(обращение №{report_id}, п. 4.5 Положения). Администрация разбирается; кто пожаловался, "
        "знают только администраторы."
    )


ABUSE_USAGE = (
    "Чтобы пожаловаться на сообщение, ответьте на него в чате (нажмите на сообщение → «Ответить») и напишите "
    "/жалоба или просто «жалоба» — можно добавить, что не так: /жалоба оскорбляет учителя. "
    "Ещё можно переслать сообщение мне сюда с подписью «жалоба». Ваше имя увидят только администраторы."
)
DM_USAGE = (
    "Чтобы пожаловаться, перешлите мне сообщение с подписью «жалоба» или опишите, что случилось: "
    "/жалоба в чате 5А родителей меня оскорбляют. Ваше имя увидят только администраторы школы."
)
ABUSE_THANKS = (
    "Спасибо! Жалоба №{id} передана администрации школы. Ваше имя видят только администраторы; "
    "ваше сообщение с жалобой я убрал из чата."
)
DM_THANKS = "Спасибо! Жалоба №{id} передана администрации школы. Ваше имя видят только администраторы."
NOT_A_PERSON = "Это сообщение бота или сообщества — на него пожаловаться нельзя."
OWN_MESSAGE = "Это ваше собственное сообщение. Если оно лишнее — его можно удалить."
ALREADY_REPORTED = "Вы уже пожаловались на это сообщение — администрация его видит. Спасибо!"
NOBODY_TO_TELL = ("Не смог передать жалобу: в настройках бота не указан ни один администратор. "
                  "Напишите, пожалуйста, классному руководителю.")


def reports_list_text(reports: Sequence[Report], *, tz: tzinfo, names: Mapping[PersonId, str],
                      now: datetime | None = None, private: bool = True) -> str:
    """`names`: each reporter in the genitive («от Ольги Ивановой (vk.com/id1003)»), as the platform
    formats them. `private`: the list is read in a DM; in a staff chat, where the accused may sit,
    complaints name nobody."""
    if not reports:
        return "Открытых обращений нет."
    lines = ["Открытые обращения:"]
    for r in reports:
        moment = when(r.created_at, tz, now)
        if r.kind is ReportKind.HACKED:
            lines.append(f"№{r.id} — взлом аккаунта, {moment}, от {names.get(r.reporter_id, 'участника')}")
        elif private:
            lines.append(f"№{r.id} — жалоба на сообщение, {moment}, от {names.get(r.reporter_id, 'участника')}")
        else:
            lines.append(f"№{r.id} — жалоба на сообщение, {moment}")
    if not private and any(r.kind is ReportKind.ABUSE for r in reports):
        lines.append("Кто пожаловался, здесь не показываю: напишите /обращения мне в личные сообщения.")
    lines.append("Закрыть: /закрыть N")
    return "\n".join(lines)
