"""Russian texts of membership: request cards, lists for /ссылки, /заявки, /участники (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from bot.chats import ChatBinding
from bot.membership.durations import format_expiry
from bot.membership.groups import Group
from bot.membership.invites import Invite, describe
from bot.membership.requests import JoinRequest, JoinRequestState
from bot.membership.roster import Membership
from bot.moderation.actions import plural
from bot.port.ids import PersonId
from bot.roles import ROLE_TITLES, Role

MAX_LIST = 40  # lines of a list shown at once; a phone screen scrolls, VK cuts at 4096 characters


def group_title(group: Group | None) -> str:
    return str(group) if group is not None else "без группы"


def invite_created(invite: Invite, links: Sequence[tuple[str, str]], now: datetime, tz: tzinfo = UTC) -> str:
    """`links`: (messenger, deep link) for every messenger the bot serves; the code works in all."""
    limit = "без ограничения" if invite.max_uses is None else str(invite.max_uses)
    approval = "нужно одобрение" if invite.needs_approval else "без одобрения"
    shown = [link for _, link in links] if len(links) == 1 else [f"{title}: {link}" for title, link in links]
    return "\n".join([
        f"Ссылка-приглашение: {ROLE_TITLES[invite.role]}, {group_title(invite.group)}.",
        *shown,
        f"Или код: /вступить {invite.code}",
        f"Использований: {limit}; действует {format_expiry(invite.expires_at, now, tz)}; {approval}.",
    ])


@dataclass(frozen=True, kw_only=True)
class CardFacts:
    """How the card shows people: profile links the platform formats, looked up by the flow."""

    applicant: str
    """The applicant, «Имя Фамилия (vk.com/id123)»."""
    issuer: str
    """Who made the link, the same way."""
    checks: tuple[str, ...] = ()
    """The applicant against the class list and their present roles (bot.classlist.checks)."""


def request_card(request: JoinRequest, facts: CardFacts) -> str:
    lines = [
        f"Заявка №{request.id} на вступление",
        f"Кто: {facts.applicant}",
        f"Роль: {ROLE_TITLES[request.role]}; группа: {group_title(request.group)}",
    ]
    if request.child_name:
        lines.append(f"Ребёнок (со слов родителя): {request.child_name}")
    lines += facts.checks
    lines.append(f"Ссылка {request.invite_code}, выдана: {facts.issuer}")
    return "\n".join(lines)


_VERDICTS = {JoinRequestState.APPROVED: "принята", JoinRequestState.REJECTED: "отклонена"}


def decided_card(request: JoinRequest, facts: CardFacts, decider: str) -> str:
    """The card after the decision: the same facts, the verdict, and no buttons."""
    verdict = _VERDICTS.get(request.state, "закрыта")
    text = f"{request_card(request, facts)}\n\nЗаявка {verdict}: {decider}."
    if request.reason:
        text += f" Причина: {request.reason}"
    return text


def already_decided(request_id: int) -> str:
    return f"Заявка №{request_id} уже рассмотрена."


def invites_list(invites: Sequence[Invite], now: datetime, tz: tzinfo = UTC) -> str:
    if not invites:
        return "Действующих ссылок-приглашений нет."
    lines = ["Действующие ссылки-приглашения:"] + [f"• {describe(i, now, tz)}" for i in invites[:MAX_LIST]]
    if len(invites) > MAX_LIST:
        lines.append(f"…и ещё {len(invites) - MAX_LIST}.")
    lines.append("Аннулировать: /отозвать КОД или /отозвать неиспользованные")
    return "\n".join(lines)


def requests_list(requests: Sequence[JoinRequest], names: Mapping[PersonId, str],
                  undelivered: Sequence[int] = ()) -> str:
    """Open requests, and approved ones whose welcome could not be delivered (`undelivered` ids).

    `names`: how to show each applicant (a profile link the platform formats).
    """
    if not requests:
        return "Новых заявок нет."
    lines = ["Заявки на вступление:"]
    for r in requests[:MAX_LIST]:
        if r.id in undelivered:
            state = " — одобрена, ссылка не доставлена"
        elif r.state is JoinRequestState.AWAITING_CHILD:
            state = " — ждём имя ребёнка"
        else:
            state = ""
        child = f", ребёнок: {r.child_name}" if r.child_name else ""
        lines.append(
            f"• №{r.id}: {names.get(r.person_id, 'без имени')}, {ROLE_TITLES[r.role]}, "
            f"{group_title(r.group)}{child}{state}"
        )
    if any(r.id not in undelivered for r in requests):
        lines.append("Решение: /принять N или /отклонить N причина")
    return "\n".join(lines)


@dataclass(frozen=True, kw_only=True)
class ChatSection:
    """One bound chat in /участники: its title and who is in it without a membership."""

    binding: ChatBinding
    """Which chat."""
    strangers: Sequence[PersonId]
    """Members of the chat without a membership leading there."""
    unreadable: bool = False
    """The bot could not list the chat's members (not an admin there)."""


def members_list(
    memberships: Sequence[Membership], sections: Sequence[ChatSection], names: Mapping[PersonId, str], title: str
) -> str:
    """`names`: how to show each person (a profile link the platform formats)."""
    lines = [f"Участники: {title}"]
    by_group: dict[str, list[str]] = {}
    for m in memberships:
        by_group.setdefault(group_title(m.group), []).append(
            f"  – {names.get(m.person_id, 'без имени')}, {ROLE_TITLES[m.role]}"
        )
    for group, people in sorted(by_group.items()):
        lines.append(f"{group}:")
        lines += people[:MAX_LIST]
    if not by_group:
        lines.append("Пока никто не числится.")
    for section in sections:
        if section.unreadable:
            lines.append(f"{section.binding.title()}: не могу прочитать состав (сделайте бота администратором чата).")
        elif section.strangers:
            shown = ", ".join(names.get(i, "без имени") for i in section.strangers[:MAX_LIST])
            lines.append(f"В чате «{section.binding.title()}» без членства: {shown}")
    return "\n".join(lines)



_ROLE_PLURALS = {Role.STUDENT: "ученики", Role.PARENT: "родители", Role.TEACHER: "учителя",
                 Role.CLASS_TEACHER: "классный руководитель", Role.ADMINISTRATION: "администрация"}
_SUMMARY_ORDER = [Role.STUDENT, Role.PARENT, Role.TEACHER, Role.CLASS_TEACHER, Role.ADMINISTRATION, Role.EXTRA_ADMIN,
                  Role.ADMIN]
SUMMARY_LIMIT = 3900  # one message on either messenger (VK 4096, MAX 4000)


def school_summary(memberships: Sequence[Membership], sections: Sequence[ChatSection], names: Mapping[PersonId, str],
                   teachers: Mapping[str, str]) -> str:
    """The whole school in /участники: per group how many of each role and its class teacher (2,000 names
    would not fit a message), then who sits in a chat without a membership, by name.

    `teachers`: class label → the class teacher's name."""
    counts: dict[str, dict[Role, int]] = {}
    for m in memberships:
        per_role = counts.setdefault(group_title(m.group), {})
        per_role[m.role] = per_role.get(m.role, 0) + 1
    people = len({m.person_id for m in memberships})
    lines = [f"Участники: вся школа — {people} чел. в {plural(len(counts), 'группе', 'группах', 'группах')}. "
             "Поимённо: /участники 5А"]
    for group, per_role in sorted(counts.items(), key=lambda item: _group_order(item[0])):
        shown = ", ".join(f"{_ROLE_PLURALS.get(role, ROLE_TITLES[role])} — {n}"
                          for role, n in sorted(per_role.items(), key=lambda item: _SUMMARY_ORDER.index(item[0]))
                          if role is not Role.CLASS_TEACHER)
        teacher = f"; кл. руководитель {teachers[group]}" if group in teachers else ""
        lines.append(f"• {group}: {shown or 'только классный руководитель'}{teacher}")
    if not counts:
        lines.append("Пока никто не числится.")
    for section in sections:
        if section.unreadable:
            lines.append(f"{section.binding.title()}: не могу прочитать состав (сделайте бота администратором чата).")
        elif section.strangers:
            shown = ", ".join(names.get(i, "без имени") for i in section.strangers[:MAX_LIST])
            more = f" и ещё {len(section.strangers) - MAX_LIST}" if len(section.strangers) > MAX_LIST else ""
            lines.append(f"В чате «{section.binding.title()}» без членства: {shown}{more}")
    return _fit_lines(lines)


def _fit_lines(lines: list[str]) -> str:
    """Whole lines up to one message; what does not fit is pointed to by group."""
    kept: list[str] = []
    size = 0
    for number, line in enumerate(lines):
        if size + len(line) + 1 > SUMMARY_LIMIT - 80:
            kept.append(f"…и ещё {len(lines) - number} строк: уточните группу, например /участники 5А")
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)


def _group_order(title: str) -> tuple[int, str]:
    """Staff groups first, then classes by grade (5А before 10А)."""
    digits = "".join(ch for ch in title.split(" ")[0] if "0" <= ch <= "9")
    return (int(digits) if digits else 0, title)
