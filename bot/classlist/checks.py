"""What a join request's card says about the applicant, checked against the class list and the
applicant's present roles (clauses 3.2, 3.6). Pure.

A pupil applying as their own parent, or as a teacher, is flagged for the person who decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.classlist.matching import find_pupils, names_overlap, shown_name
from bot.classlist.model import Pupil
from bot.membership.groups import Group, GroupKind
from bot.membership.roster import Membership
from bot.roles import ROLE_TITLES, Role

_ADULT_ROLES = frozenset({Role.PARENT, Role.TEACHER, Role.CLASS_TEACHER, Role.ADMINISTRATION})


@dataclass(frozen=True, kw_only=True)
class Applicant:
    """What the bot knows of the person applying."""

    name: str
    """From their profile: «Пётр Иванов»."""
    roles: frozenset[Role]
    memberships: tuple[Membership, ...] = ()


def _names(pupils: Sequence[Pupil]) -> str:
    return " или ".join(f"{shown_name(p)}" for p in pupils[:3])


def _now_line(applicant: Applicant, role: Role, group: Group | None) -> str | None:
    held = [f"{ROLE_TITLES[m.role]} {m.group}" for m in applicant.memberships if (m.role, m.group) != (role, group)]
    held += [ROLE_TITLES[r] for r in sorted(applicant.roles, key=list(Role).index)
             if r not in {m.role for m in applicant.memberships} and r is not role and r is not Role.ADMIN]
    if Role.ADMIN in applicant.roles:
        held.insert(0, ROLE_TITLES[Role.ADMIN])
    return f"Сейчас: {'; '.join(dict.fromkeys(held))}" if held else None


def card_checks(*, role: Role, group: Group | None, child_name: str | None, applicant: Applicant,
                class_pupils: Sequence[Pupil], school_pupils: Sequence[Pupil]) -> tuple[str, ...]:
    """Lines for the card: the child (or the pupil) in the class list, the applicant's roles, warnings."""
    lines: list[str] = []
    school_class = group.school_class if group is not None and group.kind is GroupKind.CLASS else None
    if school_class is not None and role in (Role.PARENT, Role.STUDENT):
        whom = "Ребёнок" if role is Role.PARENT else "Ученик"
        written = child_name if role is Role.PARENT else applicant.name
        if not class_pupils:
            lines.append(f"Список {school_class} не загружен — проверьте сами (/список {school_class} с файлом).")
        elif written:
            found = find_pupils(written, class_pupils)
            lines.append(f"{whom} в списке {school_class}: " + (f"найден — {_names(found)}" if found else "не найден"))
    now = _now_line(applicant, role, group)
    if now is not None:
        lines.append(now)
    if role in _ADULT_ROLES:
        lines += _pupil_flags(role, applicant, school_pupils)
    if role is Role.PARENT and child_name and applicant.name and names_overlap(child_name, applicant.name):
        lines.append("⚠️ Ребёнок назван так же, как заявитель: возможно, ученик подаёт заявку за родителя.")
    return tuple(lines)


def _pupil_flags(role: Role, applicant: Applicant, school_pupils: Sequence[Pupil]) -> list[str]:
    as_what = f"на роль «{ROLE_TITLES[role]}»"
    pupil_of = [str(m.group) for m in applicant.memberships if m.role is Role.STUDENT]
    if pupil_of or Role.STUDENT in applicant.roles:
        where = f" ({', '.join(pupil_of)})" if pupil_of else ""
        return [f"⚠️ Заявитель — ученик{where}, а заявка {as_what}. Проверьте, прежде чем принять."]
    listed = find_pupils(applicant.name, school_pupils) if applicant.name else []
    if listed:
        shown = ", ".join(f"{shown_name(p)} ({p.school_class})" for p in listed[:3])
        return [f"⚠️ Имя заявителя совпадает с учеником из списка: {shown}; заявка {as_what}. Проверьте."]
    return []
