"""What a plain DM means when it is not a command: a greeting, thanks, a question about rights,
rules, support or how to reach the administrator, an appeal or a complaint in words. Pure.

The conversation asks in this order (handlers/messages.py): the menu's words, a stolen account,
a child's name while a request waits for it, these intents, the registry, then «не понял». So
the patterns here are narrow: a message only counts as a greeting or thanks when it is nothing
else («Здравствуйте, где демоверсии ОГЭ?» is a registry question), and a question about rules
must be about the school's rules of communication, not «правила оформления проекта».
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.complaints import described_complaint, is_complaint_word


class Intent(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    RIGHTS = "rights"
    RULES = "rules"
    SUPPORT = "support"
    CONTACT_ADMIN = "contact_admin"
    APPEAL = "appeal"
    COMPLAINT = "complaint"
    NONE = "none"


@dataclass(frozen=True, kw_only=True)
class Understood:
    intent: Intent
    rest: str = ""
    """An appeal's explanation, a complaint's description: the words after the verb, as written."""


_GREETING_WORDS = frozenset({
    "привет", "приветик", "приветствую", "здравствуйте", "здравствуй", "здрасте", "здрасьте", "добрый", "доброе",
    "доброго", "день", "дня", "вечер", "утро", "утра", "вечера", "времени", "суток", "хай", "салют", "хелло",
    "hello", "hi", "бот", "ботик", "всем", "вам", "уважаемый", "как", "дела", "у", "тебя", "вас", "поживаешь",
})
_GREETING_CORE = frozenset({"привет", "приветик", "приветствую", "здравствуйте", "здравствуй", "здрасте",
                            "здрасьте", "добрый", "доброе", "доброго", "хай", "салют", "хелло", "hello", "hi", "дела",
                            "поживаешь"})
_THANKS_WORDS = frozenset({
    "спасибо", "спасибочки", "спс", "благодарю", "благодарим", "большое", "огромное", "вам", "тебе", "ок", "окей",
    "ok", "хорошо", "понятно", "ясно", "понял", "поняла", "отлично", "супер", "thanks", "thx", "класс", "здорово",
    "всё", "все", "ага", "угу", "бот", "за", "помощь",
})
_THANKS_CORE = frozenset({"спасибо", "спасибочки", "спс", "благодарю", "благодарим", "thanks", "thx", "ок", "окей",
                          "ok", "хорошо", "понятно", "ясно", "понял", "поняла", "отлично", "супер", "класс", "ага"})
_THANKS_SIGNS = frozenset("👍🙏❤👌😊🙂☺💐🤝✅♥😀😃🥰")
_WORD = re.compile(r"[a-zа-я]+")

_APPEAL = re.compile(
    r"^(?:хочу\s+|можно\s+|как\s+)?(?:обжаловать|обжалую|обжалование|оспорить|оспариваю)\b"
    r"(?:\s+(?:предупреждение|последнее\s+предупреждение))?[\s:,.!—–-]*(?P<rest>.*)$",
    re.DOTALL,
)
_RIGHTS = re.compile(
    r"\b(?:мои\s+права|какие\s+(?:у\s+(?:меня|нас)\s+)?(?:есть\s+)?права|права\s+участник\w*|"
    r"(?:на\s+что|что)\s+я\s+имею\s+право|имею\s+ли\s+я\s+право|мои\s+возможности)\b"
)
_RULES = re.compile(
    r"(?:^правила\b|\bправила\s+(?:общения|чата|чатов|поведения|школы|переписки)\b|"
    r"\bкакие\s+(?:тут\s+|здесь\s+|в\s+чат\w*\s+)?правила\b|\bчто\s+нельзя\s+(?:писать|публиковать|отправлять)|"
    r"\bза\s+что\s+(?:удаляют|банят|дают\s+предупреждени\w*)|\bкак\s+(?:надо|нужно)\s+общаться)"
)
_CONTACT_ADMIN = re.compile(
    r"\b(?:(?:связаться|написать|обратиться|позвонить|найти|дозвониться|контакт\w*|телефон|почт\w*)\b.{0,40}"
    r"\bадминистрат\w*|\bадминистрат\w*.{0,30}\b(?:контакт\w*|телефон|почт\w*|кабинет)|"
    r"\bкто\s+(?:у\s+вас\s+|в\s+школе\s+)?администратор)"
)
_SUPPORT = re.compile(
    r"\b(?:не\s+(?:работает|работают|открывается|грузится|загружается|приходит|приходят)|"
    r"не\s+(?:могу|получается|удается)\s+(?:войти|зайти|залогиниться|авторизоваться)|"
    r"техподдерж\w*|тех\.\s*поддерж\w*|поддержк\w*|"
    r"куда\s+(?:писать|написать|обращаться|обратиться|жаловаться)|к\s+кому\s+(?:обращаться|обратиться))"
)


def _fold(text: str) -> str:
    return text.lower().replace("ё", "е").strip()


def _only(words: list[str], allowed: frozenset[str], core: frozenset[str]) -> bool:
    return bool(words) and len(words) <= 6 and all(w in allowed for w in words) and any(w in core for w in words)


def classify(text: str) -> Understood:
    """The intent of a plain DM (the first 300 characters are read)."""
    raw = text.strip()[:300]
    folded = _fold(raw)
    if not folded:
        return Understood(intent=Intent.NONE)
    if is_complaint_word(raw):
        return Understood(intent=Intent.COMPLAINT)
    described = described_complaint(raw)
    if described is not None:
        return Understood(intent=Intent.COMPLAINT, rest=described)
    appeal = _APPEAL.match(folded)
    if appeal is not None:
        start = len(raw) - len(appeal["rest"]) if appeal["rest"] else len(raw)
        return Understood(intent=Intent.APPEAL, rest=raw[start:].strip())
    if _RIGHTS.search(folded):
        return Understood(intent=Intent.RIGHTS)
    if _RULES.search(folded):
        return Understood(intent=Intent.RULES)
    if _CONTACT_ADMIN.search(folded):
        return Understood(intent=Intent.CONTACT_ADMIN)
    if _SUPPORT.search(folded):
        return Understood(intent=Intent.SUPPORT)
    words = _WORD.findall(folded)
    signs = {ch for ch in raw if not ch.isalnum() and not ch.isspace() and ch not in ".,!?…)(-:;"}
    if not words and signs and signs <= _THANKS_SIGNS | {"\ufe0f", "\u200d"}:
        return Understood(intent=Intent.THANKS)
    if _only(words, _GREETING_WORDS, _GREETING_CORE):
        return Understood(intent=Intent.GREETING)
    if _only(words, _THANKS_WORDS, _THANKS_CORE):
        return Understood(intent=Intent.THANKS)
    return Understood(intent=Intent.NONE)


# --- services the registry does not list -------------------------------------------------------

# Services schools and families often name that are not in the regulation's registry.
_OUTSIDE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Учи.ру", ("учи.ру", "учи ру", "учиру", "uchi.ru", "uchi ru", "uchiru")),
    ("ЯКласс", ("якласс", "я класс", "yaklass")),
    ("Яндекс Учебник", ("яндекс учебник", "яндекс.учебник", "яндекс учебника", "education.yandex")),
    ("Фоксфорд", ("фоксфорд", "foxford")),
    ("Skysmart", ("skysmart", "скайсмарт", "скай смарт")),
    ("Skyeng", ("skyeng", "скайенг", "скаенг")),
    ("Инфоурок", ("инфоурок", "infourok")),
    ("Zoom", ("zoom", "зум")),
    ("WhatsApp", ("whatsapp", "ватсап", "вотсап", "вацап", "ватсапп")),
    ("Telegram", ("telegram", "телеграм", "телеграмм")),
    ("Discord", ("discord", "дискорд")),
    ("Google Classroom", ("google classroom", "гугл класс", "гугл классрум", "classroom")),
    ("Skype", ("skype", "скайп")),
)
_DOMAIN = re.compile(r"(?<![\w.@/-])((?:[a-zа-я0-9-]+\.)+(?:ru|рф|ру|com|org|net|online|io|info|su|me))\b")


def outside_service(text: str, registry_hosts: frozenset[str] = frozenset()) -> str | None:
    """The name of a service the message asks about that the registry does not list («учи.ру» →
    «Учи.ру»); a site address not among `registry_hosts` counts too. None otherwise."""
    folded = " " + _fold(text[:300]) + " "
    for title, spellings in _OUTSIDE:
        for spelling in spellings:
            if re.search(rf"(?<![\w.]){re.escape(spelling)}(?![\w])", folded):
                return title
    for match in _DOMAIN.finditer(folded):
        host = match[1].removeprefix("www.")
        if not any(host == known or host.endswith("." + known) or known.endswith("." + host)
                   for known in registry_hosts):
            return host
    return None
