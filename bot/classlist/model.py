"""What loading a class list changes, and how a class list is shown. Pure.

An import covers the classes its file names: pupils of those classes missing from the file leave
the list, pupils new to the school join it, and a pupil the school already lists in another class
moves (a transfer between classes keeps their account link).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.classlist.csvfile import ParsedList, PupilRow, RowProblem
from bot.classlist.matching import fold
from bot.membership.groups import SchoolClass, parse_class
from bot.port.ids import PersonId

SHOWN = 40  # names per section of a preview or a list: a phone screen, not a database dump


@dataclass(frozen=True, kw_only=True)
class Pupil:
    """A pupil as the bot keeps them (a row of class_lists)."""

    id: int
    school_class: SchoolClass
    surname: str
    name: str
    patronymic: str | None = None
    birth_date: date | None = None
    person_id: PersonId | None = None
    """Their own account, once a request of theirs matched this line."""

    @property
    def full(self) -> str:
        return " ".join(part for part in (self.surname, self.name, self.patronymic) if part)


@dataclass(frozen=True, kw_only=True)
class NewPupil:
    """A pupil an import adds (no row yet)."""

    school_class: SchoolClass
    surname: str
    name: str
    patronymic: str | None = None
    birth_date: date | None = None

    @property
    def full(self) -> str:
        return " ".join(part for part in (self.surname, self.name, self.patronymic) if part)

    @classmethod
    def of(cls, row: PupilRow) -> NewPupil:
        return cls(school_class=row.school_class, surname=row.surname, name=row.name, patronymic=row.patronymic,
                   birth_date=row.birth_date)

    def to_json(self) -> dict[str, str | None]:
        return {"class": str(self.school_class), "surname": self.surname, "name": self.name,
                "patronymic": self.patronymic, "birth": self.birth_date.isoformat() if self.birth_date else None}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> NewPupil:
        birth = data.get("birth")
        patronymic = data.get("patronymic")
        return cls(school_class=parse_class(str(data["class"])), surname=str(data["surname"]), name=str(data["name"]),
                   patronymic=str(patronymic) if patronymic else None,
                   birth_date=date.fromisoformat(str(birth)) if birth else None)


@dataclass(frozen=True, kw_only=True)
class ImportPlan:
    """What an import changes; applied as one transaction after «Применить»."""

    classes: tuple[SchoolClass, ...]
    """The classes the file covers."""
    added: tuple[NewPupil, ...] = ()
    removed: tuple[Pupil, ...] = ()
    moved: tuple[tuple[Pupil, NewPupil], ...] = ()
    """(as stored, as the file lists them now): another class."""
    updated: tuple[tuple[Pupil, NewPupil], ...] = ()
    """Same class, the patronymic or date of birth filled in or corrected."""
    unchanged: int = 0

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.removed) + len(self.moved) + len(self.updated)


def _key(surname: str, name: str) -> tuple[str, str]:
    return fold(surname), fold(name)


def _compatible(stored: Pupil, row: NewPupil) -> bool:
    """Same surname and name; the patronymic and date of birth, where both have them, agree."""
    if stored.birth_date and row.birth_date and stored.birth_date != row.birth_date:
        return False
    return not (stored.patronymic and row.patronymic and fold(stored.patronymic) != fold(row.patronymic))


@dataclass
class _Pool:
    """Stored pupils by (surname, name), each matched at most once."""

    by_name: dict[tuple[str, str], list[Pupil]] = field(default_factory=dict)
    taken: set[int] = field(default_factory=set)

    def take(self, row: NewPupil, prefer: SchoolClass) -> Pupil | None:
        candidates = [p for p in self.by_name.get(_key(row.surname, row.name), [])
                      if p.id not in self.taken and _compatible(p, row)]
        if not candidates:
            return None
        # the same class first; among others, exact details first
        candidates.sort(key=lambda p: (p.school_class != prefer, p.birth_date != row.birth_date))
        chosen = candidates[0]
        self.taken.add(chosen.id)
        return chosen


def plan_import(parsed: ParsedList | Sequence[NewPupil], stored: Iterable[Pupil],
                classes: Iterable[SchoolClass] = ()) -> ImportPlan:
    """Compare the file's pupils with everything stored (the whole school, to see moves).

    `classes`: classes the import covers even when the file lists nobody in them (/список 5А).
    """
    incoming = [NewPupil.of(row) for row in parsed.pupils] if isinstance(parsed, ParsedList) else list(parsed)
    covered = tuple(sorted({*classes, *(p.school_class for p in incoming)}))
    pool = _Pool()
    everyone = list(stored)
    for pupil in everyone:
        pool.by_name.setdefault(_key(pupil.surname, pupil.name), []).append(pupil)
    added: list[NewPupil] = []
    moved: list[tuple[Pupil, NewPupil]] = []
    updated: list[tuple[Pupil, NewPupil]] = []
    unchanged = 0
    for row in incoming:
        found = pool.take(row, row.school_class)
        if found is None:
            added.append(row)
        elif found.school_class != row.school_class:
            moved.append((found, row))
        elif (found.patronymic, found.birth_date) != (row.patronymic or found.patronymic,
                                                      row.birth_date or found.birth_date):
            updated.append((found, row))
        else:
            unchanged += 1
    removed = [p for p in everyone if p.school_class in covered and p.id not in pool.taken]
    return ImportPlan(classes=covered, added=tuple(added), removed=tuple(removed), moved=tuple(moved),
                      updated=tuple(updated), unchanged=unchanged)


# --- texts -------------------------------------------------------------------------------------


def _section(title: str, names: Sequence[str]) -> list[str]:
    if not names:
        return []
    lines = [f"{title} ({len(names)}):"] + [f"• {n}" for n in names[:SHOWN]]
    if len(names) > SHOWN:
        lines.append(f"…и ещё {len(names) - SHOWN}")
    return lines


def classes_title(classes: Sequence[SchoolClass]) -> str:
    return ", ".join(str(c) for c in classes)


def preview_text(plan: ImportPlan, *, source: str, total: int) -> str:
    """The preview shown with «Применить» / «Отмена»."""
    lines = [f"Список {classes_title(plan.classes)} из файла «{source}»: учеников в файле — {total}."]
    if not plan.changes:
        lines.append("Ничего не меняется: список уже такой.")
        return "\n".join(lines)
    lines += _section("Добавятся", [f"{p.full} ({p.school_class})" for p in plan.added])
    lines += _section("Уйдут из списка", [f"{p.full} ({p.school_class})" for p in plan.removed])
    lines += _section("Переходят из другого класса",
                      [f"{old.full}: {old.school_class} → {new.school_class}" for old, new in plan.moved])
    lines += _section("Уточнятся отчество или дата рождения", [old.full for old, _ in plan.updated])
    if plan.unchanged:
        lines.append(f"Без изменений: {plan.unchanged}.")
    lines.append("Пока вы не нажали «Применить», ничего не меняется.")
    return "\n".join(lines)


def problems_text(problems: Sequence[RowProblem], *, source: str) -> str:
    """Why nothing was loaded, row by row."""
    lines = [f"Список из файла «{source}» не загружен: в строках есть ошибки. Исправьте их и пришлите файл ещё раз "
             "(ничего не изменено)."]
    lines += [f"Строка {p.line}: {p.text}." for p in problems[:SHOWN]]
    if len(problems) > SHOWN:
        lines.append(f"…и ещё ошибок: {len(problems) - SHOWN}")
    return "\n".join(lines)


@dataclass(frozen=True, kw_only=True)
class Connection:
    """Who of a pupil's family the bot knows."""

    pupil: bool
    """The pupil's own account is in the class."""
    parents: int
    """Parents who named this pupil as their child."""


def roster_text(school_class: SchoolClass, pupils: Sequence[Pupil], connected: Mapping[int, Connection]) -> str:
    """`/список 5А`: the class list with who is connected."""
    if not pupils:
        return (f"Список {school_class} ещё не загружен. Пришлите CSV-файл из электронного журнала с подписью "
                f"/список {school_class} (столбцы: Фамилия; Имя; Отчество; Дата рождения).")
    with_pupil = sum(1 for p in pupils if connected.get(p.id, Connection(pupil=False, parents=0)).pupil)
    with_parents = sum(1 for p in pupils if connected.get(p.id, Connection(pupil=False, parents=0)).parents)
    lines = [f"Список {school_class}: учеников {len(pupils)}; подключились сами — {with_pupil}, "
             f"с родителями в боте — {with_parents}."]
    for number, pupil in enumerate(pupils[:SHOWN], start=1):
        state = connected.get(pupil.id, Connection(pupil=False, parents=0))
        marks = ["ученик ✓" if state.pupil else "ученик —",
                 f"родители: {state.parents}" if state.parents else "родители: нет"]
        lines.append(f"{number}. {pupil.surname} {pupil.name} — {', '.join(marks)}")
    if len(pupils) > SHOWN:
        lines.append(f"…и ещё {len(pupils) - SHOWN}")
    lines.append(f"Обновить список: пришлите CSV-файл с подписью /список {school_class}")
    return "\n".join(lines)
