"""The registry data file and its loader."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.registry import Registry, RegistryFileError, Service, load_registry

GOOD_ENTRY = """
[[service]]
number = {number}
name = "{name}"
short = "Сервис"
abbreviations = []
url = "{url}"
description = "Для проверки."
keywords = ["проверка"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "services.toml"
    path.write_text(text, encoding="utf-8")
    return path


def entry(number: int = 1, name: str = "Сервис один", url: str = "https://example.ru/") -> str:
    return GOOD_ENTRY.format(number=number, name=name, url=url)


def problems(path: Path) -> list[str]:
    with pytest.raises(RegistryFileError) as caught:
        load_registry(path)
    return caught.value.lines


def test_builtin_file_has_the_13_services_in_order() -> None:
    registry = load_registry()
    assert [s.number for s in registry.services] == list(range(1, 14))
    assert len(registry) == 13
    assert all(s.url.startswith("https://") and " " not in s.url for s in registry.services)
    assert all(s.description and s.keywords for s in registry.services)


def test_builtin_links_mangled_in_the_regulation_are_fixed() -> None:
    registry = load_registry()
    urls = {s.number: s.url for s in registry.services}
    assert urls[6] == "https://resh.edu.ru/"
    assert urls[8] == "https://urok.apkpro.ru/"
    assert urls[10] == "https://fipi.ru/"
    assert urls[11] == "https://education.apkpro.ru/simulators/"
    for number in (6, 8, 10, 11):
        assert registry.by_number(number).fixed  # type: ignore[union-attr]


def test_builtin_names_and_abbreviations() -> None:
    registry = load_registry()
    assert "«Моя школа»" in registry.services[0].name
    assert "ИКОП «Сферум»" in registry.services[1].abbreviations
    assert registry.by_number(6).short == "РЭШ"  # type: ignore[union-attr]
    assert registry.by_number(99) is None


def test_a_valid_custom_file_loads(tmp_path: Path) -> None:
    registry = load_registry(write(tmp_path, entry(2, "Второй") + entry(1, "Первый")))
    assert [s.number for s in registry.services] == [1, 2]


def test_missing_field_is_named(tmp_path: Path) -> None:
    text = entry().replace('description = "Для проверки."\n', "")
    assert problems(write(tmp_path, text)) == ["services.toml, запись 1, поле description: поле не заполнено"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://urok. apkpro.ru/", "ссылка содержит пробел"),
        ("http://fipi.ru/", "ссылка должна начинаться с https://"),
        ("https:///path", "в ссылке неверный адрес сайта"),
        ("https://education.apkpro.ru/simulators12.", "знаком препинания"),
        ("fipi.ru", "https://"),
    ],
)
def test_bad_url_is_explained(tmp_path: Path, url: str, message: str) -> None:
    lines = problems(write(tmp_path, entry(url=url)))
    assert len(lines) == 1
    assert lines[0].startswith("services.toml, запись 1, поле url: ")
    assert message in lines[0]


def test_duplicate_number_and_name(tmp_path: Path) -> None:
    lines = problems(write(tmp_path, entry(3, "Один") + entry(3, "Два") + entry(4, "один")))
    assert "services.toml, записи 1 и 2: одинаковый номер 3" in lines
    assert any("записи 1 и 3: одинаковое название" in line for line in lines)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = entry(1, url="https://a b.ru/") + entry(2, "Второй").replace('keywords = ["проверка"]', "keywords = []")
    text += entry(3, "Третий").replace("number = 3", 'number = "3"')
    lines = problems(write(tmp_path, text))
    assert lines == [
        "services.toml, запись 1, поле url: ссылка содержит пробел",
        "services.toml, запись 2, поле keywords: нужно хотя бы одно ключевое слово",
        "services.toml, запись 3, поле number: нужно целое число без кавычек",
    ]


def test_unknown_field_and_empty_list_item(tmp_path: Path) -> None:
    text = entry().replace("keywords = [", 'kewords = ["x"]\nkeywords = ["ок", "", ')
    lines = problems(write(tmp_path, text))
    assert "services.toml, запись 1, поле keywords: в списке есть пустая строка" in lines
    assert "services.toml, запись 1, поле kewords: неизвестное поле (проверьте написание)" in lines


def test_toml_syntax_error_has_the_line_number(tmp_path: Path) -> None:
    text = entry() + "\n[[service]]\nnumber = \n"
    lines = problems(write(tmp_path, text))
    assert len(lines) == 1
    assert lines[0].startswith("services.toml, строка 12, столбец 10: ошибка записи TOML")


def test_unterminated_string_at_end_of_file(tmp_path: Path) -> None:
    lines = problems(write(tmp_path, '[[service]]\nname = "Сферум'))
    assert lines[0].startswith("services.toml")
    assert "ошибка записи TOML" in lines[0]


def test_empty_file_and_wrong_section(tmp_path: Path) -> None:
    assert problems(write(tmp_path, "")) == ["services.toml: нет ни одной записи [[service]]"]
    lines = problems(write(tmp_path, entry().replace("[[service]]", "[[servise]]")))
    assert "services.toml: неизвестный раздел «servise» (ожидаются только записи [[service]])" in lines


def test_missing_and_non_utf8_files(tmp_path: Path) -> None:
    assert problems(tmp_path / "nope.toml")[0].endswith("nope.toml: файл не найден")
    path = tmp_path / "services.toml"
    path.write_bytes("name = 'сферум'".encode("cp1251"))
    assert problems(path) == ["services.toml: файл должен быть в кодировке UTF-8"]


def test_registry_model_rejects_duplicates_when_built_directly() -> None:
    service = load_registry().services[0]
    with pytest.raises(ValueError, match="одинаковый номер"):
        Registry(services=(service, service))


def test_service_is_immutable() -> None:
    service: Service = load_registry().services[0]
    with pytest.raises(ValidationError):
        service.url = "https://evil.example/"  # type: ignore[misc]
