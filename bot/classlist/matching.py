"""Is the child a parent named a pupil of the class list? Pure.

Parents write «Иванов Петя», «петя иванов», «Иванова Алёна» with a typo, «Саша» for Александр or
Александра; the journal has «Иванов Пётр Сергеевич». A name matches when the surname is the same
up to one slip of the keyboard (ё and е are one letter) and the first name is the same, one slip
away, or a usual short form of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, TypeVar

from rapidfuzz.distance import OSA

# Full name → its everyday forms. Both directions are read: «Петя» finds Пётр, «Пётр» finds «Петя».
DIMINUTIVES: dict[str, tuple[str, ...]] = {
    "александр": ("саша", "шура", "саня", "санек", "сашка"),
    "александра": ("саша", "шура", "сашка", "саня"),
    "алексей": ("алеша", "леша", "лешка"),
    "алена": ("аленка",),
    "алина": ("алинка",),
    "алиса": ("лиса", "алиска"),
    "анастасия": ("настя", "ася", "стася"),
    "анатолий": ("толя", "толик"),
    "андрей": ("андрюша", "андрюха"),
    "ангелина": ("геля", "лина"),
    "анна": ("аня", "анюта", "нюра"),
    "антон": ("антоша", "тоша"),
    "арина": ("ариша",),
    "арсений": ("арсюша", "сеня"),
    "артем": ("тема", "артемка"),
    "артемий": ("тема",),
    "богдан": ("богдаша",),
    "борис": ("боря",),
    "вадим": ("вадик", "дима"),
    "валентин": ("валя",),
    "валентина": ("валя",),
    "валерий": ("валера",),
    "валерия": ("лера",),
    "варвара": ("варя",),
    "василий": ("вася",),
    "василиса": ("вася", "василиска"),
    "вениамин": ("веня",),
    "вера": ("верочка",),
    "вероника": ("ника",),
    "виктор": ("витя",),
    "виктория": ("вика",),
    "виталий": ("виталик", "витя"),
    "владимир": ("вова", "володя", "вовка"),
    "владислав": ("влад", "владик", "слава"),
    "владислава": ("влада", "слава"),
    "всеволод": ("сева",),
    "вячеслав": ("слава",),
    "галина": ("галя",),
    "геннадий": ("гена",),
    "георгий": ("гоша", "жора", "гера"),
    "глеб": ("глебушка",),
    "григорий": ("гриша",),
    "даниил": ("даня", "данил"),
    "данила": ("даня",),
    "дарья": ("даша",),
    "денис": ("дениска",),
    "диана": ("диана",),
    "дмитрий": ("дима", "митя", "димка"),
    "евгений": ("женя",),
    "евгения": ("женя",),
    "егор": ("егорка",),
    "екатерина": ("катя", "катюша"),
    "елена": ("лена",),
    "елизавета": ("лиза",),
    "захар": ("захарка",),
    "злата": ("златка",),
    "иван": ("ваня", "ванюша"),
    "игорь": ("игорек",),
    "илья": ("илюша",),
    "ирина": ("ира",),
    "кирилл": ("киря", "кирюша"),
    "константин": ("костя",),
    "ксения": ("ксюша",),
    "лев": ("лева",),
    "леонид": ("леня",),
    "любовь": ("люба",),
    "людмила": ("люда", "мила"),
    "максим": ("макс",),
    "маргарита": ("рита",),
    "мария": ("маша", "маруся"),
    "марк": ("марик",),
    "матвей": ("мотя", "матвейка"),
    "милана": ("мила",),
    "михаил": ("миша",),
    "надежда": ("надя",),
    "наталья": ("наташа",),
    "наталия": ("наташа",),
    "никита": ("никитка",),
    "николай": ("коля",),
    "ольга": ("оля",),
    "павел": ("паша",),
    "петр": ("петя",),
    "платон": ("тоша",),
    "полина": ("поля",),
    "роман": ("рома",),
    "светлана": ("света",),
    "святослав": ("слава",),
    "семен": ("сеня",),
    "сергей": ("сережа",),
    "софия": ("соня",),
    "софья": ("соня",),
    "станислав": ("стас", "слава"),
    "степан": ("степа",),
    "таисия": ("тая",),
    "тамара": ("тома",),
    "татьяна": ("таня",),
    "тимофей": ("тима",),
    "тимур": ("тима",),
    "ульяна": ("уля",),
    "федор": ("федя",),
    "эдуард": ("эдик",),
    "юлия": ("юля",),
    "юрий": ("юра",),
    "ярослав": ("ярик", "слава"),
    "ярослава": ("яся", "слава"),
}
# Spellings of one full name in documents and in speech.
_SAME_NAME = {"софья": "софия", "наталья": "наталия", "данила": "даниил", "данил": "даниил"}


def fold(word: str) -> str:
    """Lowercase, ё as е, no stray punctuation: how names are compared."""
    return "".join(ch for ch in word.lower().replace("ё", "е") if ch.isalpha() or ch == "-")


@lru_cache(maxsize=1)
def _families() -> dict[str, frozenset[str]]:
    """Every form → all forms of the names it may stand for."""
    groups: dict[str, set[str]] = {}
    for full, short in DIMINUTIVES.items():
        family = {full, *short}
        for form in family:
            groups.setdefault(form, set()).update(family)
    for variant, canonical in _SAME_NAME.items():
        joined = groups.setdefault(variant, {variant}) | groups.setdefault(canonical, {canonical})
        groups[variant] = groups[canonical] = joined
    return {form: frozenset(family) for form, family in groups.items()}


def _slip(first: str, second: str) -> bool:
    """Equal, or one typing slip apart (a letter missed, added, changed, two swapped) in a long
    enough word; short words must be exact, or «Иван» would be «Иона». A difference that is a
    gender ending is no slip: «Александр» is not «Александра», «Иванов» is not «Иванова»."""
    if first == second:
        return True
    if _gender_pair(first, second):
        return False
    return min(len(first), len(second)) >= 4 and OSA.distance(first, second) <= 1


_GENDER_ENDINGS = ({"", "а"}, {"ий", "ия"}, {"ой", "ая"}, {"ий", "ая"}, {"ый", "ая"}, {"ин", "ина"}, {"ев", "ева"})


def _gender_pair(a: str, b: str) -> bool:
    for ends in _GENDER_ENDINGS:
        for end_a in ends:
            for end_b in ends - {end_a}:
                if a.endswith(end_a) and b.endswith(end_b) and a[:len(a) - len(end_a)] == b[:len(b) - len(end_b)]:
                    return True
    return False


def same_first_name(written: str, listed: str) -> bool:
    """«Петя» is Пётр, «Сашa» is Александр, «Алена» is «Алёна», «Ксения» is «Ксени»."""
    a, b = fold(written), fold(listed)
    if _slip(a, b):
        return True
    families = _families()
    # one must be a form of the other: «Саша» is Александр and Александра, but Александр is not Александра
    return b in families.get(a, frozenset()) or a in families.get(b, frozenset())


def same_surname(written: str, listed: str) -> bool:
    """«Иванов» is «Иванов», «Ивонов», «Иванова» is not «Иванов» (a girl's surname says who)."""
    return _slip(fold(written), fold(listed))


class ListedName(Protocol):
    @property
    def surname(self) -> str: ...
    @property
    def name(self) -> str: ...


@dataclass(frozen=True, kw_only=True)
class NameWords:
    """What a person wrote as a name, split: the words, folded."""

    words: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> NameWords:
        return cls(words=tuple(w for w in (fold(part) for part in text.replace(",", " ").split()) if w))


def is_full_name(text: str) -> bool:
    """A child's name must give a name and a surname: two words at least."""
    return len(NameWords.of(text).words) >= 2


def matches(written: str, pupil: ListedName) -> bool:
    """The written name («Иванов Петя», «Петя Иванов», «Иванов Пётр Сергеевич») names this pupil:
    one word is the surname, another the first name."""
    words = NameWords.of(written).words
    if len(words) < 2:
        return False
    for i, surname in enumerate(words):
        if not same_surname(surname, pupil.surname):
            continue
        if any(same_first_name(first, pupil.name) for j, first in enumerate(words) if j != i):
            return True
    return False


def _exact(written: str, pupil: ListedName) -> bool:
    words = set(NameWords.of(written).words)
    return fold(pupil.surname) in words and fold(pupil.name) in words


P = TypeVar("P", bound=ListedName)


def find_pupils(written: str, pupils: Iterable[P]) -> list[P]:
    """The pupils the written name may mean; exact spellings win over typos and short forms."""
    found = [p for p in pupils if matches(written, p)]
    exact = [p for p in found if _exact(written, p)]
    return exact or found


def shown_name(pupil: ListedName) -> str:
    """«Иванов Пётр»: how the list names a pupil in a card."""
    return f"{pupil.surname} {pupil.name}"


def names_overlap(first: str, second: str) -> bool:
    """Two free-written names («Иванов Петя», a profile's «Пётр Иванов») mean the same person."""

    @dataclass(frozen=True)
    class _Listed:
        surname: str
        name: str

    words = NameWords.of(second).words
    return any(matches(first, _Listed(surname=s, name=n)) for s in words for n in words if s != n)
