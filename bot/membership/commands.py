"""Arguments of the membership commands: /пригласить, /принять, /отклонить, /отозвать."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from bot.errors import BadCommand
from bot.membership.codes import normalise_code
from bot.membership.durations import DURATION_USAGE, MAX_DURATION, MIN_DURATION, parse_duration
from bot.membership.groups import Group, GroupKind, parse_group, split_class
from bot.membership.invite_words import (
    NATURAL_HINT,
    ROLE_FORMS,
    ROLE_TAILS,
    Deadline,
    leftover_problem,
    looks_like_subject,
    take_phrases,
)
from bot.membership.invites import INVITE_GROUP_KINDS, default_group
from bot.roles import ROLE_TITLES, Role, parse_role

MAX_USES = 1000
MAX_REASON = 500

INVITE_USAGE = (
    "Формат: /пригласить <роль> [класс] [на 3 дня | до пятницы] [на одно использование] [без одобрения] "
    "(или параметрами: срок=7д использований=10 одобрение=да|нет; по-английски ttl=7d uses=10 approve=no). "
    "Роли: учитель, классный руководитель, администрация, ученик, родитель. "
    "Пример: /пригласить родитель 5А на неделю"
)
REJECT_USAGE = "Формат: /отклонить <номер заявки> [причина]. Пример: /отклонить 12 не нашли ученика в списке класса"
REQUEST_ID_USAGE = "Укажите номер заявки, например: /принять 12"
CODE_USAGE = "Укажите код приглашения, например: /отозвать ABCD-EFGH"


@dataclass(frozen=True, kw_only=True)
class InviteArgs:
    """A parsed /пригласить command; None means "use the configured default"."""

    role: Role
    """Role the invited person gets."""
    group: Group | None
    """Group they join; the parser fills the default for staff roles, so it is never None."""
    uses: int | None
    """How many people may join."""
    ttl: timedelta | None
    """How long the link works."""
    approve: bool | None
    """Whether joining needs a decision."""
    until: Deadline | None = None
    """A deadline said as a day («до пятницы»); the flow turns it into `ttl` with the clock."""


_KEYS: dict[str, str] = {
    **dict.fromkeys(("uses", "использований", "использования", "раз"), "uses"),
    **dict.fromkeys(("ttl", "срок", "действует"), "ttl"),
    **dict.fromkeys(("approve", "одобрение", "одобрять", "заявка"), "approve"),
}
_YES = frozenset({"yes", "y", "да", "on", "true", "1"})
_NO = frozenset({"no", "n", "нет", "off", "false", "0"})
_KIND_EXAMPLES: dict[GroupKind, str] = {
    GroupKind.STAFF: "учительская",
    GroupKind.ADMINISTRATION: "руководство",
    GroupKind.CLASS: "5А",
    GroupKind.SUBJECT: "7Б физика",
}
# Role names of two words; the second word is dropped after the role is recognised.
_ROLE_TAILS: dict[Role, frozenset[str]] = {
    Role.CLASS_TEACHER: frozenset({"руководитель"}),
    Role.ADMINISTRATION: frozenset({"школы"}),
}


def _usage(detail: str, problem: str = "") -> BadCommand:
    return BadCommand(detail, text=f"{problem}\n{INVITE_USAGE}".strip())


def _parse_uses(value: str) -> int:
    if not value.isdecimal() or not 1 <= int(value) <= MAX_USES:
        raise _usage("bad uses", f"Число использований — целое от 1 до {MAX_USES}.")
    return int(value)


def _parse_approve(value: str) -> bool:
    word = value.lower()
    if word in _YES or word in _NO:
        return word in _YES
    raise _usage("bad approve", "Одобрение: одобрение=да или одобрение=нет (approve=yes|no).")


def _split_options(tokens: list[str]) -> tuple[list[str], dict[str, str]]:
    """Separate key=value options from positional words."""
    words: list[str] = []
    options: dict[str, str] = {}
    for token in tokens:
        key, sep, value = token.partition("=")
        if not sep:
            words.append(token)
            continue
        name = _KEYS.get(key.lower())
        if name is None or not value:
            raise _usage(f"bad option {token!r}", f"Не понял параметр «{token[:30]}».")
        if name in options:
            raise _usage(f"repeated option {name}", "Каждый параметр можно указать один раз.")
        options[name] = value
    return words, options


def _parse_role_words(words: list[str]) -> tuple[Role, list[str]]:
    if not words:
        raise _usage("no role")
    first = words[0].lower().replace("ё", "е")
    role = parse_role(ROLE_FORMS.get(first, first))
    if role is None:
        raise _usage(f"bad role {words[0]!r}", f"Не знаю роль «{words[0][:30]}».")
    rest = words[1:]
    if rest and rest[0].lower() in _ROLE_TAILS.get(role, frozenset()) | ROLE_TAILS:
        rest = rest[1:]
    return role, rest


def _invite_group(role: Role, group_words: list[str]) -> Group:
    kinds = INVITE_GROUP_KINDS.get(role)
    if kinds is None:
        raise _usage(
            f"role {role.value} not invitable",
            "Администраторов не приглашают по ссылке: их назначают из присоединившихся учителей.",
        )
    title = ROLE_TITLES[role]
    forms = " или ".join(_KIND_EXAMPLES[kind] for kind in kinds)
    if not group_words:
        group = default_group(role)
        if group is None:
            raise _usage(f"{role.value} needs a group", f"Для роли «{title}» укажите группу, например: {forms}.")
        return group
    named = _named(group_words)
    if named is not None:
        group = named
    else:
        try:
            school_class, rest = split_class(" ".join(group_words))
        except BadCommand as error:
            said_a_class = group_words[0][:1].isdigit()  # «12А», «5Z»: the class's own problem is clearer
            raise _usage("bad group", error.text if said_a_class else leftover_problem(group_words)) from error
        tail = rest.split()
        if not tail:
            group = Group.of_class(school_class)
        elif GroupKind.SUBJECT in kinds and looks_like_subject(tail):
            group = parse_group(f"{school_class} {rest}")
        else:
            raise _usage("leftover words", leftover_problem(tail))
    if group.kind not in kinds:
        raise _usage(f"{role.value} to {group.kind.value}", f"Для роли «{title}» подходит группа вида: {forms}.")
    return group


def _named(words: list[str]) -> Group | None:
    try:
        group = parse_group(" ".join(words))
    except BadCommand:
        return None
    return group if group.kind in (GroupKind.STAFF, GroupKind.ADMINISTRATION) else None


def parse_invite_args(args: str) -> InviteArgs:
    """`<роль> [группа] [uses=N] [ttl=DURATION] [approve=yes|no]`, keys also in Russian, and natural
    Russian: «родителя 5А на 3 дня», «ученики 5А до пятницы на одно использование без одобрения»."""
    words, options = _split_options(args.split())
    try:
        said = take_phrases(words)
    except BadCommand as error:
        raise _usage("bad phrase", error.text) from error
    role, group_words = _parse_role_words(said.rest or [])
    group = _invite_group(role, group_words)
    ttl = said.ttl
    if "ttl" in options:
        if ttl is not None or said.until is not None:
            raise _usage("ttl twice", "Срок указан дважды: оставьте что-то одно.")
        try:
            ttl = parse_duration(options["ttl"])
        except BadCommand as error:
            raise _usage("bad ttl", DURATION_USAGE) from error
    if ttl is not None and not MIN_DURATION <= ttl <= MAX_DURATION:
        raise _usage("ttl out of range", "Ссылка действует от 1 минуты до 90 дней. " + NATURAL_HINT)
    uses = said.uses
    if "uses" in options:
        if uses is not None:
            raise _usage("uses twice", "Число использований указано дважды: оставьте что-то одно.")
        uses = _parse_uses(options["uses"])
    elif uses is not None and not 1 <= uses <= MAX_USES:
        raise _usage("bad uses", f"Число использований — целое от 1 до {MAX_USES}.")
    approve = said.approve
    if "approve" in options:
        if approve is not None:
            raise _usage("approve twice", "Одобрение указано дважды: оставьте что-то одно.")
        approve = _parse_approve(options["approve"])
    return InviteArgs(role=role, group=group, uses=uses, ttl=ttl, approve=approve, until=said.until)


_REQUEST_ID = re.compile(r"(?:№|#|n|no\.?)?\s*(\d{1,9})", re.IGNORECASE)


def parse_request_id(text: str) -> int:
    """«12», «№12», «№ 12» or «#12»."""
    match = _REQUEST_ID.fullmatch(text.strip())
    if match is None or int(match.group(1)) == 0:
        raise BadCommand(f"bad request id {text!r}", text=REQUEST_ID_USAGE)
    return int(match.group(1))


def parse_reject_args(args: str) -> tuple[int, str]:
    """«12 причина текст» → (12, "причина текст"); the reason may be empty."""
    parts = args.split(maxsplit=1)
    if not parts:
        raise BadCommand("no request id", text=REJECT_USAGE)
    head, rest = parts[0], parts[1] if len(parts) > 1 else ""
    if head in ("№", "#") and rest:  # «№ 12 причина»
        head, rest = [*rest.split(maxsplit=1), ""][:2]
    try:
        request_id = parse_request_id(head)
    except BadCommand as error:
        raise BadCommand("bad request id", text=REJECT_USAGE) from error
    reason = " ".join(rest.split())
    if len(reason) > MAX_REASON:
        raise BadCommand("reason too long", text=f"Причина слишком длинная: не больше {MAX_REASON} символов.")
    return request_id, reason


def parse_code_arg(text: str) -> str:
    """An invitation code argument in canonical form, e.g. for /отозвать."""
    code = normalise_code(text.strip())
    if code is None:
        raise BadCommand(f"bad code {text!r}", text=CODE_USAGE)
    return code
