"""Reading a class list exported from an electronic journal or saved by Excel as CSV. Pure.

Schools get these files from different journals and spreadsheets: UTF-8 with or without a BOM,
Windows-1251 (what Russian Excel writes for «CSV (разделители — точки с запятой)»), UTF-16 from
«Текст Юникод»; «;», «,» or a tab between columns; Russian headers in any case, in any order, with
the name in separate columns or in one «ФИО» column. Every row that cannot be read is reported with
its line number, so the school can fix the file and send it again.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.errors import BadCommand
from bot.membership.groups import SchoolClass, parse_class

MAX_FILE_BYTES = 1_000_000
MAX_ROWS = 3000
MAX_PART = 60

FORMAT_HINT = ("Нужен CSV-файл: первая строка — заголовок со столбцами «Фамилия», «Имя», «Отчество», "
               "«Дата рождения» (или один столбец «ФИО»), для всей школы — ещё «Класс». В Excel: «Файл → "
               "Сохранить как → CSV (разделители — точки с запятой)».")

_COLUMN_NAMES: dict[str, frozenset[str]] = {
    "class": frozenset({"класс", "класс/группа", "группа", "классгруппа", "class", "grade"}),
    "surname": frozenset({"фамилия", "фамилияученика", "surname", "lastname", "familyname"}),
    "name": frozenset({"имя", "имяученика", "name", "firstname", "givenname"}),
    "patronymic": frozenset({"отчество", "отчествоученика", "patronymic", "middlename"}),
    "birth_date": frozenset({"датарождения", "датарожд", "др", "деньрождения", "birthdate", "dateofbirth",
                             "birthday", "dob"}),
    "full_name": frozenset({"фио", "фиоученика", "ученик", "обучающийся", "учащийся", "фамилияимяотчество",
                            "фамилияимя", "fullname"}),
}
_HEADER_CLEAN = re.compile(r"[^a-zа-я/]")
_NAME_PART = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_DATE_FORMS = (
    re.compile(r"(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4})"),
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{2})"),
)
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_ODD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\u0080-\u009f\ufffdЂЃЉЊЌЋЏђѓљњќћџ]")


class ListFileError(BadCommand):
    """The file as a whole cannot be read (encoding, no header, missing columns)."""


@dataclass(frozen=True, kw_only=True)
class PupilRow:
    """One pupil as the file lists them."""

    line: int
    """The line of the file (1 is the header), for error messages."""
    school_class: SchoolClass
    """The pupil's class."""
    surname: str
    name: str
    patronymic: str | None = None
    birth_date: date | None = None


@dataclass(frozen=True, kw_only=True)
class RowProblem:
    line: int
    """The file's line."""
    text: str
    """What is wrong, in Russian."""


@dataclass(frozen=True, kw_only=True)
class ParsedList:
    pupils: tuple[PupilRow, ...]
    problems: tuple[RowProblem, ...]
    encoding: str
    """How the file was decoded: «UTF-8», «Windows-1251», «UTF-16»."""
    delimiter: str


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the name of its encoding; ListFileError for what is not a text table."""
    if not data.strip():
        raise ListFileError("empty file", text="Файл пустой. " + FORMAT_HINT)
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ListFileError("spreadsheet", text="Это файл Excel, а не CSV. " + FORMAT_HINT)
    if data.startswith(b"%PDF"):
        raise ListFileError("pdf", text="Это PDF, а не CSV. " + FORMAT_HINT)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    elif data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "UTF-8"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            text = data.decode("cp1251", errors="replace")
            if _plausible_russian(text):
                return text, "Windows-1251"
    raise ListFileError("encoding", text="Не могу прочитать текст файла: сохраните его в кодировке UTF-8 или "
                                         "Windows-1251. " + FORMAT_HINT)


def _plausible_russian(text: str) -> bool:
    """Windows-1251 decodes any bytes; real Russian text has Cyrillic letters and almost no odd symbols."""
    letters = sum(1 for ch in text if ch.isalpha())
    return letters > 0 and len(_CYRILLIC.findall(text)) >= letters / 3 and len(_ODD.findall(text)) <= len(text) / 50


def sniff_delimiter(header: str) -> str:
    """«;», «,» or a tab: whichever splits the header most (ties go to «;», Excel's choice in Russia)."""
    counts = {sep: header.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def _header_key(cell: str) -> str | None:
    cleaned = _HEADER_CLEAN.sub("", cell.strip().lower().replace("ё", "е"))
    return next((key for key, names in _COLUMN_NAMES.items() if cleaned in names), None)


def normalise_part(text: str) -> str:
    """«иВАНОВ-петров» → «Иванов-Петров»: the journal's capitals are not always right."""
    return "-".join(piece[:1].upper() + piece[1:].lower() for piece in text.strip().split("-"))


def _name_part(value: str, what: str) -> tuple[str | None, str | None]:
    """(normalised value, problem): a name of letters, hyphens and apostrophes."""
    value = " ".join(value.split())
    if not value:
        return None, None
    if len(value) > MAX_PART or not all(_NAME_PART.fullmatch(word) for word in value.split()):
        return None, f"{what} «{_quote(value)}» — не похоже на имя (только буквы, пробел, дефис)"
    return " ".join(normalise_part(word) for word in value.split()), None


def parse_birth_date(value: str) -> date | None:
    """«05.03.2014», «2014-03-05», «5.3.14»; ValueError for a date that does not exist."""
    value = value.strip()
    for form in _DATE_FORMS:
        match = form.fullmatch(value)
        if match is not None:
            year = int(match["y"])
            if year < 100:
                year += 2000 if year < 50 else 1900
            return date(year, int(match["m"]), int(match["d"]))
    raise ValueError(value)


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 30 else text[:29] + "…"


@dataclass(frozen=True)
class _Columns:
    index: dict[str, int]

    def get(self, row: Sequence[str], key: str) -> str:
        at = self.index.get(key)
        return row[at].strip() if at is not None and at < len(row) else ""


def _columns(header: Sequence[str], *, needs_class: bool, encoding: str) -> _Columns:
    index: dict[str, int] = {}
    for at, cell in enumerate(header):
        key = _header_key(cell)
        if key is not None and key not in index:
            index[key] = at
    has_names = ("surname" in index and "name" in index) or "full_name" in index
    missing = []
    if not has_names:
        missing.append("«Фамилия» и «Имя» (или «ФИО»)")
    if needs_class and "class" not in index:
        missing.append("«Класс»")
    if missing:
        shown = _quote(" | ".join(cell.strip() for cell in header))
        raise ListFileError("columns", text=f"В первой строке файла («{shown}», прочитан как {encoding}) не нашёл "
                                            f"столбцов {' и '.join(missing)}. Если буквы выглядят странно, сохраните "
                                            "файл в UTF-8. " + FORMAT_HINT)
    return _Columns(index)


def parse_class_list(data: bytes, *, school_class: SchoolClass | None = None) -> ParsedList:
    """Pupils of the file; `school_class` is the class of `/список 5А` (then a «Класс» column is
    optional and must agree), None for the whole school's file (then it is required)."""
    if len(data) > MAX_FILE_BYTES:
        raise ListFileError("too big", text=f"Файл слишком большой (больше {MAX_FILE_BYTES // 1000} КБ) для списка "
                                             "класса. " + FORMAT_HINT)
    text, encoding = decode(data)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = sniff_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    columns = _Columns({})
    pupils: list[PupilRow] = []
    problems: list[RowProblem] = []
    seen: dict[tuple[object, ...], int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = row
                columns = _columns(header, needs_class=school_class is None, encoding=encoding)
                continue
            if len(pupils) + len(problems) >= MAX_ROWS:
                raise ListFileError("too many rows", text=f"В файле больше {MAX_ROWS} строк: это не список класса.")
            pupil, problem = _read_row(row, line, columns, school_class)
            if problem is not None:
                problems.append(RowProblem(line=line, text=problem))
                continue
            assert pupil is not None
            key = (pupil.school_class, pupil.surname.lower(), pupil.name.lower(), (pupil.patronymic or "").lower(),
                   pupil.birth_date)
            if key in seen:
                problems.append(RowProblem(line=line, text=f"повторяет строку {seen[key]}"))
                continue
            seen[key] = line
            pupils.append(pupil)
    except csv.Error as error:
        raise ListFileError("csv", text=f"Не могу разобрать файл около строки {reader.line_num}: проверьте кавычки. "
                                        + FORMAT_HINT) from error
    if header is None:
        raise ListFileError("no header", text="В файле нет строк. " + FORMAT_HINT)
    if not pupils and not problems:
        raise ListFileError("no pupils", text="В файле есть заголовок, но нет ни одного ученика.")
    return ParsedList(pupils=tuple(pupils), problems=tuple(problems), encoding=encoding, delimiter=delimiter)


def _read_row(row: Sequence[str], line: int, columns: _Columns,
              expected: SchoolClass | None) -> tuple[PupilRow | None, str | None]:
    surname_text, name_text, patronymic_text = (columns.get(row, "surname"), columns.get(row, "name"),
                                                columns.get(row, "patronymic"))
    if not surname_text and not name_text and "full_name" in columns.index:
        words = columns.get(row, "full_name").split()
        if len(words) < 2:
            return None, "в «ФИО» нужны хотя бы фамилия и имя"
        surname_text, name_text, patronymic_text = words[0], words[1], " ".join(words[2:])
    surname, problem = _name_part(surname_text, "фамилия")
    if problem:
        return None, problem
    name, problem = _name_part(name_text, "имя")
    if problem:
        return None, problem
    if surname is None or name is None:
        return None, "нет фамилии" if surname is None else "нет имени"
    patronymic, problem = _name_part(patronymic_text, "отчество")
    if problem:
        return None, problem
    birth_text = columns.get(row, "birth_date")
    birth: date | None = None
    if birth_text:
        try:
            birth = parse_birth_date(birth_text)
        except ValueError:
            return None, f"дата рождения «{_quote(birth_text)}» — такой даты нет (пишите ДД.ММ.ГГГГ)"
    class_text = columns.get(row, "class")
    school_class = expected
    if class_text:
        try:
            school_class = parse_class(class_text)
        except BadCommand:
            return None, f"класс «{_quote(class_text)}» — не понял (пример: 5А)"
        if expected is not None and school_class != expected:
            return None, f"класс {school_class}, а загружается список {expected}"
    if school_class is None:
        return None, "не указан класс"
    return PupilRow(line=line, school_class=school_class, surname=surname, name=name, patronymic=patronymic,
                    birth_date=birth), None
