"""The school year (clause 3.2: «движение обучающихся»): a whole class moves up in September, a class
graduates in June. Pure: what is in a class, whether a move may happen, what the previews say.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.chats import BoundChat, ChatPurpose
from bot.membership.groups import GroupKind, SchoolClass
from bot.membership.roster import Membership
from bot.port.ids import PersonId
from bot.roles import Role

KEEP, UNBIND = "keep", "unbind"
"""The administrator's choice for the class's chats on a transfer: keep them (bound as the new class)
or unbind them (the class starts new chats)."""


@dataclass(frozen=True, kw_only=True)
class ClassContents:
    """Everything the bot keeps about one class."""

    school_class: SchoolClass
    memberships: tuple[Membership, ...] = ()
    """Live memberships in the class and its subject groups (students, parents, teachers)."""
    children: int = 0
    """Parents' records of children in the class."""
    pupils: int = 0
    """Lines of the class list."""
    class_teacher: PersonId | None = None
    chats: tuple[BoundChat, ...] = ()
    """Chats bound to the class: students', parents', subject groups."""
    invites: int = 0
    """Invitations still working that lead into the class."""

    def of_role(self, role: Role) -> list[PersonId]:
        return sorted({m.person_id for m in self.memberships if m.role is role and m.group.kind is GroupKind.CLASS})

    @property
    def students(self) -> list[PersonId]:
        return self.of_role(Role.STUDENT)

    @property
    def parents(self) -> list[PersonId]:
        return self.of_role(Role.PARENT)

    @property
    def subjects(self) -> list[str]:
        return sorted({str(m.group) for m in self.memberships if m.group.kind is GroupKind.SUBJECT})

    @property
    def empty(self) -> bool:
        return not (self.memberships or self.children or self.pupils or self.class_teacher or self.chats)


def transfer_refusal(old: ClassContents, new: ClassContents) -> str | None:
    """Why `/перевести класс` may not run; None when it may."""
    if old.school_class == new.school_class:
        return "Старый и новый класс совпадают."
    if old.empty:
        return f"В {old.school_class} никого нет: ни учеников, ни списка класса, ни привязанных чатов."
    if not new.empty:
        return (f"В {new.school_class} уже есть ученики, список или чаты. Сначала выпустите или переведите его: "
                f"/выпуск {new.school_class} или /перевести класс {new.school_class} …, — начиная со старших.")
    return None


def _chats_line(contents: ClassContents) -> str:
    if not contents.chats:
        return "Привязанных чатов нет."
    return "Чаты: " + ", ".join(chat.title for chat in contents.chats) + "."


def transfer_preview(old: ClassContents, new_class: SchoolClass, teacher: str | None) -> str:
    lines = [
        f"Перевод класса {old.school_class} → {new_class}:",
        f"• учеников: {len(old.students)}, родителей: {len(old.parents)}, в списке класса: {old.pupils};",
        f"• классный руководитель: {teacher or 'не назначен'} — остаётся руководителем {new_class};",
    ]
    if old.subjects:
        lines.append(f"• предметные группы: {', '.join(old.subjects)} — станут группами {new_class};")
    if old.invites:
        lines.append(f"• действующих ссылок-приглашений в {old.school_class}: {old.invites} — будут аннулированы;")
    lines.append(_chats_line(old))
    if old.chats:
        lines.append(f"Что сделать с чатами? «Чаты станут {new_class}» — те же чаты (переименуйте их в мессенджере "
                     "сами); «Отвязать чаты» — класс начнёт новые, старые бот перестанет вести.")
    lines.append("Пока вы не нажали кнопку, ничего не меняется.")
    return "\n".join(lines)


def graduation_preview(contents: ClassContents, teacher: str | None) -> str:
    c = contents.school_class
    lines = [
        f"Выпуск {c}:",
        f"• учеников: {len(contents.students)}, родителей: {len(contents.parents)} — перестанут числиться в {c} и "
        "будут удалены из чатов класса (родители, у которых есть дети в других классах, там останутся);",
        f"• список класса ({contents.pupils}) будет удалён;",
        f"• классное руководство ({teacher or 'не назначено'}) снимается;",
        f"• {_chats_line(contents)} Они будут отвязаны.",
    ]
    if contents.invites:
        lines.append(f"• действующих ссылок-приглашений: {contents.invites} — будут аннулированы.")
    lines.append("Журнал решений сохранится. Пока вы не нажали «Выпустить», ничего не меняется.")
    return "\n".join(lines)


def _leads_to(m: Membership, chat: BoundChat) -> bool:
    """Whether a student's or parent's membership is what put them in this class chat."""
    purpose = chat.binding.purpose
    if m.group.kind is GroupKind.SUBJECT:
        return purpose is ChatPurpose.SUBJECT and m.group.subject == chat.binding.subject
    if m.role is Role.STUDENT:
        return purpose is ChatPurpose.CLASS_STUDENTS
    return m.role is Role.PARENT and purpose is ChatPurpose.CLASS_PARENTS


def chat_leavers(contents: ClassContents) -> list[tuple[PersonId, BoundChat]]:
    """Who leaves which chat when the class graduates: students their chat, parents theirs, each the
    subject chats of their groups; teachers stay (they may teach elsewhere)."""
    leaving = [(m.person_id, chat) for chat in contents.chats for m in contents.memberships
               if m.role in (Role.STUDENT, Role.PARENT) and _leads_to(m, chat)]
    return list(dict.fromkeys(leaving))
