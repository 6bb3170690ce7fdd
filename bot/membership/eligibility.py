"""Who may be given a staff status (clauses 3.2–3.4): only people who joined as teachers."""

from __future__ import annotations

from collections.abc import Set

from bot.errors import BadCommand
from bot.roles import Role

_TEACHING = frozenset({Role.TEACHER, Role.CLASS_TEACHER})


def check_can_be_verified(roles: Set[Role]) -> None:
    """3.3–3.4: the «учитель» status is verified for someone who joined as a teacher."""
    if not _TEACHING & roles:
        raise BadCommand("not a teacher", text="Подтвердить статус можно только у присоединившегося учителя.")


def check_can_lead_a_class(roles: Set[Role]) -> None:
    """3.2: class leadership goes to a teacher, per the director's distribution."""
    if Role.TEACHER not in roles:
        raise BadCommand("not a teacher", text="Классным руководителем назначают присоединившегося учителя (п. 3.3).")


def check_can_be_extra_admin(roles: Set[Role], *, verified: bool) -> None:
    """3.2: additional administrators come from joined teachers (verified ones, by this school's rule)."""
    if Role.TEACHER not in roles or not verified:
        raise BadCommand("not a verified teacher", text="Дополнительным администратором можно назначить только "
                         "присоединившегося учителя с подтверждённым статусом (/подтвердить).")
