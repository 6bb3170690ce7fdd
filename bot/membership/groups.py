"""The school's nomenclature: classes, groups and what a chat may be bound to (clauses 3.2–3.4)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.errors import BadCommand

# Letters a class may carry. Ъ, Ь, Ы, Й and Ё never name a class and are usually typos.
CLASS_LETTERS = frozenset("АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ")
MIN_GRADE, MAX_GRADE = 1, 11

# Only Latin letters that look exactly like a Cyrillic one; case matters, because a
# lowercase "b" looks like "ь", not like "в".
_LATIN_LOOKALIKES = str.maketrans(
    {
        "A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О",
        "P": "Р", "C": "С", "T": "Т", "X": "Х", "Y": "У",
        "a": "а", "e": "е", "k": "к", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у",
    }
)  # fmt: skip

CLASS_EXAMPLE = "Напишите класс цифрой и русской буквой, например: 5А или 11Б (классы с 1 по 11)."

# A class at the start of a text: digits, an optional space or dash, one letter standing alone.
_CLASS_PREFIX = re.compile(r"\s*(\d{1,3})\s*[-‐–—]?\s*([^\W\d_]+)(?=\s|$)")


class GroupKind(StrEnum):
    """A kind of group of the nomenclature; values are stored in the database."""

    STAFF = "staff"  # «Учительская», every teacher (3.2)
    CLASS = "class"
    SUBJECT = "subject"  # a subject group inside a class (3.4)
    ADMINISTRATION = "administration"  # director and deputies (3.2, second list)


class Audience(StrEnum):
    """Who a bound chat is for; values are stored in the database."""

    STAFF = "staff"
    ADMINISTRATION = "administration"
    STUDENTS = "students"
    PARENTS = "parents"
    SUBJECT = "subject"


@dataclass(frozen=True, order=True)
class SchoolClass:
    """A class such as 5А."""

    grade: int
    """1..11."""
    letter: str
    """One Cyrillic capital letter."""

    def __post_init__(self) -> None:
        if not MIN_GRADE <= self.grade <= MAX_GRADE or self.letter not in CLASS_LETTERS:
            raise ValueError(f"not a school class: {self.grade!r} {self.letter!r}")

    def __str__(self) -> str:
        return f"{self.grade}{self.letter}"


@dataclass(frozen=True, kw_only=True)
class Group:
    """A group of the nomenclature; build it with the class methods below."""

    kind: GroupKind
    """What sort of group this is."""
    school_class: SchoolClass | None = None
    """The class, for CLASS and SUBJECT groups."""
    subject: str | None = None
    """Normalised subject name (lowercase), for SUBJECT groups."""

    def __post_init__(self) -> None:
        needs_class = self.kind in (GroupKind.CLASS, GroupKind.SUBJECT)
        needs_subject = self.kind is GroupKind.SUBJECT
        if (self.school_class is not None) != needs_class or (self.subject is not None) != needs_subject:
            raise ValueError(f"inconsistent group: {self!r}")

    @classmethod
    def staff(cls) -> Group:
        return cls(kind=GroupKind.STAFF)

    @classmethod
    def administration(cls) -> Group:
        return cls(kind=GroupKind.ADMINISTRATION)

    @classmethod
    def of_class(cls, school_class: SchoolClass) -> Group:
        return cls(kind=GroupKind.CLASS, school_class=school_class)

    @classmethod
    def subject_group(cls, school_class: SchoolClass, subject: str) -> Group:
        return cls(kind=GroupKind.SUBJECT, school_class=school_class, subject=normalise_subject(subject))

    def __str__(self) -> str:
        if self.kind is GroupKind.STAFF:
            return "Учительская"
        if self.kind is GroupKind.ADMINISTRATION:
            return "руководство"
        if self.kind is GroupKind.CLASS:
            return str(self.school_class)
        return f"{self.school_class} {self.subject}"


@dataclass(frozen=True, kw_only=True)
class Binding:
    """What a chat is bound to: a group and who in it the chat is for."""

    audience: Audience
    """Students, parents, staff…"""
    group: Group
    """The group; a CLASS group for STUDENTS and PARENTS."""

    def __str__(self) -> str:
        if self.audience is Audience.STUDENTS:
            return f"{self.group}, ученики"
        if self.audience is Audience.PARENTS:
            return f"{self.group}, родители"
        return str(self.group)


def _quote(text: str) -> str:
    """Echo user input back briefly, so a long paste does not flood the reply."""
    text = " ".join(text.split())
    return text if len(text) <= 20 else text[:19] + "…"


def _class_error(text: str) -> BadCommand:
    return BadCommand(f"bad class {text!r}", text=f"Не понял класс «{_quote(text)}». {CLASS_EXAMPLE}")


def _make_class(grade_text: str, letter_text: str, whole: str) -> SchoolClass:
    grade = int(grade_text)
    if not MIN_GRADE <= grade <= MAX_GRADE:
        raise BadCommand(f"no grade {grade}", text=f"Класса «{_quote(whole)}» нет. {CLASS_EXAMPLE}")
    letter = letter_text.translate(_LATIN_LOOKALIKES).upper()
    if len(letter) == 1 and letter.isascii():
        text = f"Букву класса «{_quote(whole)}» напишите по-русски. {CLASS_EXAMPLE}"
        raise BadCommand(f"latin letter {whole!r}", text=text)
    if len(letter) != 1 or letter not in CLASS_LETTERS:
        raise _class_error(whole)
    return SchoolClass(grade, letter)


def split_class(text: str) -> tuple[SchoolClass, str]:
    """Take a class off the start of `text`; return it and the rest, stripped."""
    match = _CLASS_PREFIX.match(text)
    if match is None:
        raise _class_error(text)
    school_class = _make_class(match.group(1), match.group(2), text[: match.end()].strip())
    return school_class, text[match.end() :].strip()


def parse_class(text: str) -> SchoolClass:
    """A class from «5А», «5 а», «5-А», «11b»-style look-alikes; BadCommand otherwise."""
    school_class, rest = split_class(text)
    if rest:
        raise _class_error(text)
    return school_class


_SUBJECT_RE = re.compile(r"[^\W_][\w .\-]{0,39}")


def normalise_subject(name: str) -> str:
    """Lowercase, single spaces, ё as е: the same subject typed twice must match."""
    return " ".join(name.split()).lower().replace("ё", "е")


def _parse_subject(text: str) -> str:
    subject = normalise_subject(text)
    reserved = subject in _STUDENT_WORDS or subject in _PARENT_WORDS
    if reserved or not _SUBJECT_RE.fullmatch(subject) or subject[0].isdigit():
        raise BadCommand(
            f"bad subject {text!r}",
            text="Название предмета — слово или несколько слов до 40 символов, например: 7Б физика.",
        )
    return subject


_STAFF_WORDS = frozenset({"staff", "учительская"})
_ADMINISTRATION_WORDS = frozenset({"руководство", "администрация", "administration"})
_STUDENT_WORDS = frozenset({"ученики", "students", "учащиеся", "обучающиеся"})
_PARENT_WORDS = frozenset({"родители", "parents"})

GROUP_FORMS = "учительская; руководство; 5А; 7Б физика"
BINDING_FORMS = "учительская; руководство; 5А ученики; 5А родители; 7Б физика"
BINDING_USAGE = f"Формат: /привязать <чат>. Варианты: {BINDING_FORMS}. Пример: /привязать 5А родители"


def _named_group(text: str) -> Group | None:
    word = normalise_subject(text)
    if word in _STAFF_WORDS:
        return Group.staff()
    if word in _ADMINISTRATION_WORDS:
        return Group.administration()
    return None


def parse_group(text: str) -> Group:
    """A group from «учительская», «руководство», «5А» or «7Б физика»."""
    named = _named_group(text)
    if named is not None:
        return named
    if not text.strip():
        raise BadCommand("no group", text=f"Укажите группу: {GROUP_FORMS}.")
    school_class, rest = split_class(text)
    if not rest:
        return Group.of_class(school_class)
    return Group(kind=GroupKind.SUBJECT, school_class=school_class, subject=_parse_subject(rest))


def parse_binding(args: str) -> Binding:
    """`/bind` arguments: staff, administration, class students/parents, or a subject group."""
    named = _named_group(args)
    if named is not None:
        audience = Audience.STAFF if named.kind is GroupKind.STAFF else Audience.ADMINISTRATION
        return Binding(audience=audience, group=named)
    try:
        school_class, rest = split_class(args)
        word = normalise_subject(rest)
        if word in _STUDENT_WORDS:
            return Binding(audience=Audience.STUDENTS, group=Group.of_class(school_class))
        if word in _PARENT_WORDS:
            return Binding(audience=Audience.PARENTS, group=Group.of_class(school_class))
        if not word:
            raise BadCommand("class without audience")
        group = Group(kind=GroupKind.SUBJECT, school_class=school_class, subject=_parse_subject(rest))
        return Binding(audience=Audience.SUBJECT, group=group)
    except BadCommand as error:
        raise BadCommand(f"bad binding {args!r}", text=BINDING_USAGE) from error
