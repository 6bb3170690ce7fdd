"""/пригласить in natural Russian: «родителя 5А на 3 дня», «родители 5А до пятницы», «ученика 7Б физика
на одно использование без одобрения». Pure.

Every word must be understood: a word the parser does not know is refused with a hint, so extra
words never become part of a group's name (a phantom group «5А на 3 дня» that a stranger joined).
Deadlines («до пятницы», «до 15.12») are resolved against the clock in the school's time zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from bot.errors import BadCommand
from bot.membership.durations import MAX_DURATION, MIN_DURATION

_NUMBER_WORDS = {
    "один": 1, "одна": 1, "одно": 1, "одну": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6,
    "семь": 7, "восемь": 8, "девять": 9, "десять": 10, "четырнадцать": 14, "двадцать": 20, "тридцать": 30,
}
_UNITS: dict[str, timedelta] = {
    **dict.fromkeys(("минуту", "минуты", "минут", "мин"), timedelta(minutes=1)),
    **dict.fromkeys(("час", "часа", "часов", "ч"), timedelta(hours=1)),
    **dict.fromkeys(("день", "дня", "дней", "сутки", "суток", "д", "дн"), timedelta(days=1)),
    **dict.fromkeys(("неделю", "недели", "недель", "нед"), timedelta(weeks=1)),
    **dict.fromkeys(("месяц", "месяца", "месяцев"), timedelta(days=30)),
}
_USE_WORDS = frozenset({"использование", "использования", "использований", "раз", "человек", "человека",
                        "семью", "семьи", "семей", "вход", "входа", "входов"})
_SINGLE_USE = frozenset({"одноразовая", "одноразовую", "одноразово", "одноразовой", "однократная", "однократно"})
_WEEKDAYS = {"понедельника": 0, "вторника": 1, "среды": 2, "четверга": 3, "пятницы": 4, "субботы": 5,
             "воскресенья": 6}
_MONTHS = {"января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7, "августа": 8,
           "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12}
_RELATIVE_DAYS = {"завтра": 1, "послезавтра": 2}
_APPROVAL = {"одобрения": False, "подтверждения": False, "проверки": False, "заявки": False}
_WITH_APPROVAL = frozenset({"одобрением", "подтверждением", "проверкой"})
_FILLER = frozenset({"в", "во", "для", "класс", "класса", "ссылку", "ссылка", "приглашение", "группу", "группа",
                     "чат", "из", "по", "ссылкой"})
_STOP = frozenset({"на", "до", "с", "со", "без", "за", "и", "или", "через", "от", "к", "не"})
_DATE = re.compile(r"(\d{1,2})[./](\d{1,2})(?:[./](\d{2,4}))?")

NATURAL_HINT = ("Срок: «на 3 дня», «на неделю», «до пятницы», «до 15.12»; сколько людей: «на одно использование», "
                "«на 30 человек»; без проверки заявок: «без одобрения».")


@dataclass(frozen=True, kw_only=True)
class Deadline:
    """A deadline said as a day («до пятницы», «до завтра», «до 15.12»): the link works to its end."""

    weekday: int | None = None
    """0 Monday … 6 Sunday: the next such day (a week on, when said on that day)."""
    days_ahead: int | None = None
    """«завтра» 1, «послезавтра» 2."""
    day: int | None = None
    month: int | None = None
    year: int | None = None
    """For a date; the year is the next time that date comes when not given."""
    said: str = ""
    """As written, for messages."""

    def last_day(self, today: date) -> date:
        """The day the deadline names; ValueError for a date that does not exist."""
        if self.weekday is not None:
            ahead = (self.weekday - today.weekday()) % 7 or 7
            return today + timedelta(days=ahead)
        if self.days_ahead is not None:
            return today + timedelta(days=self.days_ahead)
        assert self.day is not None and self.month is not None
        if self.year is not None:
            return date(self.year, self.month, self.day)
        this_year = date(today.year, self.month, self.day) if _exists(today.year, self.month, self.day) else None
        if this_year is not None and this_year >= today:
            return this_year
        return date(today.year + 1, self.month, self.day)

    def resolve(self, now: datetime, tz: tzinfo) -> datetime:
        """The end of the named day (23:59) in the school's time zone."""
        local = now.astimezone(tz)
        last = self.last_day(local.date())
        return datetime.combine(last, time(23, 59), tzinfo=tz)


def _exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def deadline_ttl(deadline: Deadline, now: datetime, tz: tzinfo) -> timedelta:
    """How long the link works; BadCommand for a date that does not exist, is past, or is too far."""
    try:
        until = deadline.resolve(now, tz)
    except ValueError as error:
        raise BadCommand("no such date", text=f"Даты «{deadline.said}» нет. {NATURAL_HINT}") from error
    ttl = until - now
    if ttl < MIN_DURATION:
        raise BadCommand("past deadline", text=f"Срок «до {deadline.said}» уже прошёл. {NATURAL_HINT}")
    if ttl > MAX_DURATION:
        raise BadCommand("far deadline", text="Ссылка может действовать не больше 90 дней. " + NATURAL_HINT)
    return ttl


@dataclass
class Phrases:
    """What the natural phrases of a /пригласить said; the words left over are the role and group."""

    ttl: timedelta | None = None
    until: Deadline | None = None
    uses: int | None = None
    approve: bool | None = None
    rest: list[str] | None = None


def fold(word: str) -> str:
    return word.lower().replace("ё", "е").strip(",;!?")


def _number(word: str) -> int | None:
    if word.isdecimal() and len(word) <= 4:
        return int(word)
    return _NUMBER_WORDS.get(word)


def _usage(problem: str) -> BadCommand:
    return BadCommand(problem, text=problem)


def take_phrases(words: list[str]) -> Phrases:
    """Consume «на 3 дня», «на неделю», «до пятницы», «до 15.12», «на одно использование», «без одобрения»;
    keep the rest (fillers such as «в», «для», «класса» dropped) in order."""
    found = Phrases(rest=[])
    assert found.rest is not None
    folded = [fold(w) for w in words]
    i = 0
    while i < len(words):
        w = folded[i]
        nxt = folded[i + 1] if i + 1 < len(words) else ""
        after = folded[i + 2] if i + 2 < len(words) else ""
        count = _number(nxt)
        if w == "на" and count is not None and after in _UNITS:
            _set(found, "ttl", count * _UNITS[after], words[i:i + 3])
            i += 3
        elif w == "на" and nxt in _UNITS:
            _set(found, "ttl", _UNITS[nxt], words[i:i + 2])
            i += 2
        elif w == "на" and count is not None and after in _USE_WORDS:
            _set(found, "uses", count, words[i:i + 3])
            i += 3
        elif w == "на" and nxt in _USE_WORDS:  # «на использование» is once
            _set(found, "uses", 1, words[i:i + 2])
            i += 2
        elif w in _SINGLE_USE:
            _set(found, "uses", 1, words[i:i + 1])
            i += 1
        elif w == "до" and nxt in _WEEKDAYS:
            _set(found, "until", Deadline(weekday=_WEEKDAYS[nxt], said=words[i + 1]), words[i:i + 2])
            i += 2
        elif w == "до" and nxt in _RELATIVE_DAYS:
            _set(found, "until", Deadline(days_ahead=_RELATIVE_DAYS[nxt], said=words[i + 1]), words[i:i + 2])
            i += 2
        elif w == "до" and nxt == "конца" and after == "недели":
            _set(found, "until", Deadline(weekday=6, said="конца недели"), words[i:i + 3])
            i += 3
        elif w == "до" and _DATE.fullmatch(nxt):
            match = _DATE.fullmatch(nxt)
            assert match is not None
            year = int(match[3]) if match[3] else None
            if year is not None and year < 100:
                year += 2000
            _set(found, "until", Deadline(day=int(match[1]), month=int(match[2]), year=year, said=words[i + 1]),
                 words[i:i + 2])
            i += 2
        elif w == "до" and count is not None and after in _MONTHS:
            _set(found, "until", Deadline(day=count, month=_MONTHS[after], said=f"{nxt} {after}"),
                 words[i:i + 3])
            i += 3
        elif w == "без" and nxt in _APPROVAL:
            _set(found, "approve", False, words[i:i + 2])
            i += 2
        elif w in ("с", "со") and nxt in _WITH_APPROVAL:
            _set(found, "approve", True, words[i:i + 2])
            i += 2
        else:
            if w not in _FILLER:
                found.rest.append(words[i])
            i += 1
    if found.ttl is not None and found.until is not None:
        raise _usage("Срок указан дважды: оставьте что-то одно — «на 3 дня» или «до пятницы».")
    return found


def _set(found: Phrases, name: str, value: object, said: list[str]) -> None:
    if getattr(found, name) is not None:
        raise _usage(f"«{' '.join(said)}»: это уже сказано раньше в команде. Оставьте что-то одно.")
    setattr(found, name, value)


def leftover_problem(words: list[str]) -> str:
    """The hint for words that fit nothing."""
    shown = " ".join(words)
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    return f"Не понял: «{shown}». {NATURAL_HINT}"


def looks_like_subject(words: list[str]) -> bool:
    """A subject's name is letters only, one to three words, none of them a preposition or a number."""
    return 1 <= len(words) <= 3 and all(w.isalpha() and fold(w) not in _STOP and fold(w) not in _UNITS
                                        and fold(w) not in _NUMBER_WORDS for w in words)


# Russian forms of the roles as people write them after «пригласить»: «родителя», «родителей», «учеников».
ROLE_FORMS: dict[str, str] = {
    **dict.fromkeys(("родителя", "родители", "родителей", "родителям", "родительницу", "маму", "папу"), "родитель"),
    **dict.fromkeys(("ученика", "ученики", "учеников", "ученицу", "учащихся", "учащегося", "обучающегося",
                     "обучающихся", "детей", "ребенка"), "ученик"),
    **dict.fromkeys(("учителя", "учителей", "учительницу", "педагога", "педагогов"), "учитель"),
    **dict.fromkeys(("классрука", "классного"), "классный"),
    **dict.fromkeys(("администрацию", "руководства"), "администрация"),
}
ROLE_TAILS = frozenset({"руководитель", "руководителя", "школы"})
