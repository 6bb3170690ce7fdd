"""Configuration errors as a school's administrator reads them: in Russian, one line per problem.

pydantic describes a problem in English («Input should be less than or equal to 20»); this module
says the same in Russian from the error's type and context, and TOML syntax errors likewise.
An error type not listed here keeps pydantic's words after a Russian lead, so nothing is lost.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_LOOSE_TYPES = {
    "int": "целое число", "float": "число", "str": "строка в кавычках", "bool": "true или false",
    "none": "ничего", "list": "список", "dict": "раздел",
}


def _values(expected: object) -> str:
    """pydantic's «'a', 'b' or 'c'» as «'a', 'b' или 'c'»."""
    return str(expected).replace(" or ", " или ")


def ru_message(item: Mapping[str, Any]) -> str:
    """One validation error (pydantic's `errors()` item) in Russian."""
    kind = str(item.get("type", ""))
    ctx: Mapping[str, Any] = item.get("ctx") or {}
    simple = {
        "missing": "обязательный ключ не указан",
        "extra_forbidden": "неизвестный ключ — проверьте написание (все ключи описаны в config.example.toml)",
        "int_parsing": "нужно целое число", "int_type": "нужно целое число",
        "int_from_float": "нужно целое число, без дробной части",
        "float_parsing": "нужно число", "float_type": "нужно число",
        "bool_parsing": "нужно true или false", "bool_type": "нужно true или false",
        "string_type": "нужна строка в кавычках", "string_sub_type": "нужна строка в кавычках",
        "list_type": "нужен список в квадратных скобках, например [\"vk:123\"]",
        "tuple_type": "нужен список в квадратных скобках", "set_type": "нужен список в квадратных скобках",
        "dict_type": "нужен раздел (таблица TOML), например [moderation.actions.profanity]",
        "model_type": "нужен раздел (таблица TOML)", "model_attributes_type": "нужен раздел (таблица TOML)",
        "path_type": "нужен путь к файлу в кавычках",
    }
    if kind in simple:
        return simple[kind]
    bounds = {"greater_than_equal": ("ge", "должно быть не меньше"), "greater_than": ("gt", "должно быть больше"),
              "less_than_equal": ("le", "должно быть не больше"), "less_than": ("lt", "должно быть меньше")}
    if kind in bounds:
        key, words = bounds[kind]
        bound = ctx.get(key)
        shown = int(bound) if isinstance(bound, float) and bound.is_integer() else bound
        return f"{words} {shown}"
    if kind in ("literal_error", "enum"):
        return f"допустимые значения: {_values(ctx.get('expected', ''))}"
    if kind in ("too_short", "string_too_short"):
        return f"слишком коротко: нужно не меньше {ctx.get('min_length')}"
    if kind in ("too_long", "string_too_long"):
        return f"слишком длинно: можно не больше {ctx.get('max_length')}"
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", item.get("msg", "")))  # our validators speak Russian
    return f"неверное значение ({item.get('msg', kind)})"


def merge_union_branches(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`admins = [1.5]` fails as an int *and* as a str: one line «нужно целое число или строка»."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for item in errors:
        loc = tuple(item["loc"])
        tag = loc[-1] if loc else None
        if isinstance(tag, str) and (tag in _LOOSE_TYPES or "[" in tag) and len(loc) > 1:
            key = loc[:-1]
            allowed = _LOOSE_TYPES.get(tag, tag)
            if key in merged and merged[key].get("type") == "union":
                merged[key]["allowed"].append(allowed)
            else:
                merged[key] = {"loc": key, "type": "union", "allowed": [allowed], "input": item.get("input")}
            continue
        merged[(*loc, len(merged))] = item
    out = []
    for item in merged.values():
        if item.get("type") == "union":
            item = {**item, "msg": "", "ctx": {"error": "нужно: " + " или ".join(dict.fromkeys(item["allowed"]))},
                    "type": "value_error"}
        out.append(item)
    return out


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_MESSAGES = {
    "Invalid value": "неверное значение (строки пишутся в кавычках, числа — без)",
    "Expected '=' after a key in a key/value pair": "после ключа нужен знак «=»",
    "Invalid statement": "непонятная строка (ожидается «ключ = значение» или [раздел])",
    "Unclosed array": "не закрыта квадратная скобка списка",
    "Unterminated string": "не закрыта кавычка",
    "Illegal character": "недопустимый символ",
    "Cannot declare": "раздел объявлен дважды",
    "Cannot overwrite a value": "ключ задан дважды",
    "Expected newline or end of document after a statement": "после значения в строке лишний текст",
    "Invalid initial character for a key part": "неверное начало ключа",
}


def toml_error(message: str) -> str:
    """tomllib's «Invalid value (at line 2, column 9)» as «строка 2, столбец 9: неверное значение …»."""
    position = _TOML_POSITION.search(message)
    detail = _TOML_POSITION.sub("", message)
    said = next((ru for en, ru in _TOML_MESSAGES.items() if detail.startswith(en)), f"ошибка синтаксиса ({detail})")
    if position is None:
        return f"ошибка синтаксиса TOML: {said}"
    return f"строка {position[1]}, столбец {position[2]}: ошибка синтаксиса TOML — {said}"
