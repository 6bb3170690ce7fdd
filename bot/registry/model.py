"""The registry of recommended digital services (the РЕЕСТР of the regulation) and its loader.

The data lives in `services.toml` next to this module so the school can edit it; everything
wrong with an edited file is reported at once, one Russian line per problem, so the person
who edited it can fix the file in one pass.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.errors import ConfigError

BUILTIN_FILE = "services.toml"

# A hostname: dot-separated labels of letters, digits and hyphens (IDN hosts are written in punycode).
_HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z][a-z0-9-]{1,62}$")


class RegistryFileError(ConfigError):
    """The registry file is unreadable or invalid; `lines` lists every problem, one per line."""


def _problem(message: str) -> PydanticCustomError:
    # A custom error type keeps our Russian message verbatim in `ValidationError.errors()`.
    return PydanticCustomError("registry", message)


class Service(BaseModel):
    """One recommended digital service (a row of the regulation's registry)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    number: Annotated[int, Field(strict=True, ge=1)]
    name: str
    short: str
    abbreviations: tuple[str, ...] = ()
    url: str
    description: str
    keywords: tuple[str, ...]
    fixed: str | None = None  # what was corrected against the regulation's text, and why

    @field_validator("name", "short", "description")
    @classmethod
    def _one_non_empty_line(cls, value: str) -> str:
        if not value:
            raise _problem("поле пустое")
        if "\n" in value:
            raise _problem("текст должен быть в одну строку")
        return value

    @field_validator("abbreviations", "keywords")
    @classmethod
    def _non_empty_items(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        items = tuple(item.strip() for item in value)
        if any(not item for item in items):
            raise _problem("в списке есть пустая строка")
        return items

    @field_validator("keywords")
    @classmethod
    def _has_keywords(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise _problem("нужно хотя бы одно ключевое слово")
        return value

    @field_validator("url")
    @classmethod
    def _valid_url(cls, value: str) -> str:
        check_url(value)
        return value


def check_url(url: str) -> None:
    """Raise a registry problem unless `url` is a plain https link with a real host."""
    if not url:
        raise _problem("ссылка пустая")
    if any(char.isspace() for char in url):
        raise _problem("ссылка содержит пробел")
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise _problem("ссылка должна начинаться с https://")
    host = parts.hostname or ""
    if not _HOST_RE.match(host):
        raise _problem(f"в ссылке неверный адрес сайта «{host or '—'}»")
    if url[-1] in ".,;:)»\"'":
        # The regulation's links had footnote markers and full stops glued to their ends.
        raise _problem("ссылка заканчивается знаком препинания (прилипла точка или сноска?)")


class Registry(BaseModel):
    """All services, ordered by their number in the regulation."""

    model_config = ConfigDict(frozen=True)

    services: tuple[Service, ...]

    @model_validator(mode="after")
    def _unique(self) -> Registry:
        problems = duplicate_problems(self.services)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def by_number(self, number: int) -> Service | None:
        return next((s for s in self.services if s.number == number), None)

    def __len__(self) -> int:
        return len(self.services)


def duplicate_problems(services: Sequence[Service]) -> list[str]:
    """One line per repeated number or name (names compare case- and ё-insensitively)."""
    problems: list[str] = []
    seen_numbers: dict[int, int] = {}
    seen_names: dict[str, int] = {}
    for position, service in enumerate(services, start=1):
        key = service.name.casefold().replace("ё", "е")
        if service.number in seen_numbers:
            first = seen_numbers[service.number]
            problems.append(f"записи {first} и {position}: одинаковый номер {service.number}")
        if key in seen_names:
            problems.append(f"записи {seen_names[key]} и {position}: одинаковое название «{service.name}»")
        seen_numbers.setdefault(service.number, position)
        seen_names.setdefault(key, position)
    return problems


# --- loading -------------------------------------------------------------------------------

_PYDANTIC_MESSAGES: dict[str, str] = {
    "missing": "поле не заполнено",
    "extra_forbidden": "неизвестное поле (проверьте написание)",
    "int_type": "нужно целое число без кавычек",
    "int_parsing": "нужно целое число без кавычек",
    "greater_than_equal": "номер должен быть 1 или больше",
    "string_type": "нужен текст в кавычках",
    "tuple_type": 'нужен список в квадратных скобках, например ["ОГЭ", "ЕГЭ"]',
    "list_type": 'нужен список в квадратных скобках, например ["ОГЭ", "ЕГЭ"]',
}
_TOML_POSITION_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def load_registry(path: Path | None = None) -> Registry:
    """Read and validate the registry; `None` means the built-in file shipped with the bot.

    Raises RegistryFileError listing every problem found.
    """
    label = path.name if path is not None else BUILTIN_FILE
    data = _parse_toml(label, _read_text(path))
    entries = _entries(label, data)
    services: list[Service] = []
    problems: list[str] = []
    for position, entry in enumerate(entries, start=1):
        try:
            services.append(Service.model_validate(entry))
        except ValidationError as error:
            problems.extend(_describe(label, position, error))
    if not problems:
        problems.extend(f"{label}, {line}" for line in duplicate_problems(services))
    if problems:
        raise RegistryFileError(problems)
    return Registry(services=tuple(sorted(services, key=lambda s: s.number)))


def _read_text(path: Path | None) -> str:
    if path is None:
        return resources.files(__package__).joinpath(BUILTIN_FILE).read_text(encoding="utf-8")
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RegistryFileError([f"{path}: файл не найден"]) from None
    except UnicodeDecodeError:
        raise RegistryFileError([f"{path.name}: файл должен быть в кодировке UTF-8"]) from None
    except OSError as error:
        raise RegistryFileError([f"{path}: не удалось прочитать файл ({error.strerror})"]) from None


def _parse_toml(label: str, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RegistryFileError([_toml_error_line(label, str(error))]) from None


def _toml_error_line(label: str, message: str) -> str:
    """Python 3.11's tomllib only puts the position into the message text, so parse it out."""
    found = _TOML_POSITION_RE.search(message)
    if found:
        detail = message[: found.start()]
        where = f", строка {found.group(1)}, столбец {found.group(2)}"
    else:
        detail = message.replace(" (at end of document)", "")
        where = ", конец файла"
    return f"{label}{where}: ошибка записи TOML ({detail}); проверьте кавычки, скобки и знак «=»"


def _entries(label: str, data: dict[str, Any]) -> list[Any]:
    unknown = sorted(set(data) - {"service"})
    problems = [f"{label}: неизвестный раздел «{key}» (ожидаются только записи [[service]])" for key in unknown]
    entries = data.get("service")
    if not isinstance(entries, list) or not entries:
        problems.append(f"{label}: нет ни одной записи [[service]]")
    if problems or not isinstance(entries, list):
        raise RegistryFileError(problems)
    not_tables = [i for i, entry in enumerate(entries, start=1) if not isinstance(entry, dict)]
    bad = [f"{label}, запись {i}: ожидается таблица [[service]]" for i in not_tables]
    if bad:
        raise RegistryFileError(bad)
    return entries


def _describe(label: str, position: int, error: ValidationError) -> Iterable[str]:
    for item in error.errors():
        loc = item["loc"]
        field = str(loc[0]) if loc else "—"
        # Lists are reported by element, counted from 1 as people count.
        element = f", элемент {loc[1] + 1}" if len(loc) > 1 and isinstance(loc[1], int) else ""
        if item["type"] == "registry":
            message = item["msg"]
        else:
            message = _PYDANTIC_MESSAGES.get(item["type"], f"недопустимое значение ({item['msg']})")
        yield f"{label}, запись {position}, поле {field}{element}: {message}"
