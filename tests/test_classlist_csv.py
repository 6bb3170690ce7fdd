"""Reading class lists exported from journals and spreadsheets: encodings, delimiters, headers, bad rows."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.classlist.csvfile import ListFileError, decode, parse_birth_date, parse_class_list, sniff_delimiter
from bot.errors import BadCommand
from bot.membership.groups import SchoolClass

C5A = SchoolClass(5, "А")
SCHOOL = "Класс;Фамилия;Имя;Отчество;Дата рождения\n5А;Иванов;Пётр;Сергеевич;05.03.2015\n6Б;Сидорова;Анна;;\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "utf-16"])
def test_every_encoding_schools_get_is_read(encoding: str) -> None:
    parsed = parse_class_list(SCHOOL.encode(encoding))
    assert [(p.school_class, p.surname, p.name) for p in parsed.pupils] == [
        (C5A, "Иванов", "Пётр"), (SchoolClass(6, "Б"), "Сидорова", "Анна")]
    assert parsed.pupils[0].patronymic == "Сергеевич" and parsed.pupils[0].birth_date == date(2015, 3, 5)
    assert parsed.encoding == {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1251": "Windows-1251",
                               "utf-16": "UTF-16"}[encoding]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiters_and_quoted_cells(delimiter: str) -> None:
    text = delimiter.join(["Фамилия", "Имя", "Класс"]) + "\n" + delimiter.join(['"Иванов"', "Пётр", "5 а"]) + "\n"
    parsed = parse_class_list(text.encode())
    assert parsed.delimiter == delimiter and parsed.pupils[0].school_class == C5A


def test_headers_in_any_case_and_order_and_a_full_name_column() -> None:
    text = "ФИО ученика;Дата рожд.;КЛАСС\nиванов пётр сергеевич;2015-03-05;5А\nСидорова Анна;;5А\n"
    parsed = parse_class_list(text.encode())
    assert [(p.surname, p.name, p.patronymic) for p in parsed.pupils] == [
        ("Иванов", "Пётр", "Сергеевич"), ("Сидорова", "Анна", None)]
    assert sniff_delimiter("a;b,c;d") == ";" and sniff_delimiter("one") == ";"


def test_bad_rows_are_listed_with_their_line_numbers() -> None:
    text = ("Фамилия;Имя;Дата рождения;Класс\n"
            "Иванов;Пётр;31.02.2015;5А\n"
            "\n"
            ";Анна;;5А\n"
            "Петров;Иван;01.01.2015;12Я\n"
            "Петров2;Иван;;5А\n"
            "Котов;Илья;;6Б\n"
            "Орлов;Миша;;5А\n"
            "Орлов;Миша;;5А\n")
    parsed = parse_class_list(text.encode(), school_class=C5A)
    problems = {p.line: p.text for p in parsed.problems}
    assert problems[2].startswith("дата рождения «31.02.2015»")
    assert problems[4] == "нет фамилии"
    assert "класс «12Я»" in problems[5]
    assert "не похоже на имя" in problems[6]
    assert problems[7] == "класс 6Б, а загружается список 5А"
    assert problems[9] == "повторяет строку 8"
    assert [p.surname for p in parsed.pupils] == ["Орлов"]


@pytest.mark.parametrize(("data", "says"), [
    (b"", "пустой"),
    (b"PK\x03\x04rest of a zip", "файл Excel"),
    (b"%PDF-1.4", "PDF"),
    ("Имя;Телефон\nПётр;1\n".encode(), "«Фамилия» и «Имя»"),
    ("Фамилия;Имя\n".encode(), "нет ни одного ученика"),
    (b"\xff\xfe\x00\xd8", "UTF-8"),  # a broken UTF-16 file
    (bytes(range(128, 256)) * 4, "UTF-8"),  # not text at all
])
def test_files_that_are_not_class_lists_are_refused_politely(data: bytes, says: str) -> None:
    with pytest.raises(ListFileError) as caught:
        parse_class_list(data, school_class=C5A)
    assert says in caught.value.text


def test_a_school_file_needs_the_class_column() -> None:
    with pytest.raises(ListFileError) as caught:
        parse_class_list("Фамилия;Имя\nИванов;Пётр\n".encode())
    assert "«Класс»" in caught.value.text


def test_koi8_is_not_mistaken_for_a_good_header() -> None:
    with pytest.raises(ListFileError) as caught:
        parse_class_list("Фамилия;Имя\nИванов;Пётр\n".encode("koi8_r"), school_class=C5A)
    assert "прочитан как Windows-1251" in caught.value.text


def test_birth_dates_in_the_forms_journals_use() -> None:
    assert parse_birth_date("5.3.15") == date(2015, 3, 5)
    assert parse_birth_date("05/03/2015") == date(2015, 3, 5)
    assert parse_birth_date("2015-03-05") == date(2015, 3, 5)
    with pytest.raises(ValueError):
        parse_birth_date("вчера")
    assert decode("текст".encode("cp1251")) == ("текст", "Windows-1251")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_list_or_a_polite_refusal(data: bytes) -> None:
    try:
        parsed = parse_class_list(data, school_class=C5A)
    except BadCommand as error:
        assert error.text
        return
    assert all(p.line >= 2 for p in parsed.pupils)


_NAME = st.text(alphabet="абвгдежзиклмнопрстуфхцчшщэюя", min_size=2, max_size=12).map(str.capitalize)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(_NAME, _NAME, st.one_of(st.none(), _NAME),
                               st.one_of(st.none(), st.dates(date(2008, 1, 1), date(2020, 12, 31)))),
                     min_size=1, max_size=30, unique_by=lambda r: (r[0], r[1], r[2], r[3])),
       delimiter=st.sampled_from([";", ",", "\t"]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1251"]))
def test_what_excel_writes_is_read_back_exactly(rows: list[tuple[str, str, str | None, date | None]],
                                                delimiter: str, encoding: str) -> None:
    lines = [delimiter.join(["Фамилия", "Имя", "Отчество", "Дата рождения"])]
    lines += [delimiter.join([s, n, p or "", d.strftime("%d.%m.%Y") if d else ""]) for s, n, p, d in rows]
    parsed = parse_class_list(("\r\n".join(lines) + "\r\n").encode(encoding), school_class=C5A)
    assert not parsed.problems
    assert [(p.surname, p.name, p.patronymic, p.birth_date) for p in parsed.pupils] == rows
