"""Check digits of Russian identifiers and bank cards."""

from __future__ import annotations


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, ch in enumerate(reversed(digits)):
        value = int(ch)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def snils_valid(digits: str) -> bool:
    """СНИЛС: 9 digits weighted 9..1, control = sum mod 101 (100 → 00)."""
    if len(digits) != 11 or not (digits.isascii() and digits.isdigit()):
        return False
    body, control = digits[:9], int(digits[9:])
    if int(body) <= 1001998:  # numbers up to 001-001-998 carry no check digits
        return False
    total = sum(int(d) * (9 - i) for i, d in enumerate(body))
    if total > 101:
        total %= 101
    if total in (100, 101):
        total = 0
    return total == control


_INN_W11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN_W12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN_W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)


def _inn_digit(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_person_valid(digits: str) -> bool:
    """12-digit ИНН of a person: two check digits."""
    if len(digits) != 12 or not (digits.isascii() and digits.isdigit()):
        return False
    return _inn_digit(digits, _INN_W11) == int(digits[10]) and _inn_digit(digits, _INN_W12) == int(digits[11])


def inn_org_valid(digits: str) -> bool:
    if len(digits) != 10 or not (digits.isascii() and digits.isdigit()):
        return False
    return _inn_digit(digits, _INN_W10) == int(digits[9])
