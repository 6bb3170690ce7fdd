"""Every command of the bot, declared once: names, who may run it and where, help, parser, refusal.

The order is the order of /помощь: everyone's commands first, then the staff's in the order of
the school's work (3.2 → 4.6). handlers/commands.py binds each key to its flow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.binding import parse_bind_args
from bot.chats import ChatBinding
from bot.commands.parse import clean_text, fold
from bot.commands.spec import CommandInput, CommandSpec, HelpLine
from bot.destruction import parse_days
from bot.director.audit_view import USAGE as AUDIT_USAGE
from bot.director.audit_view import AuditQuery, command_query, parse_page
from bot.errors import BadCommand
from bot.membership.commands import parse_code_arg, parse_invite_args, parse_reject_args, parse_request_id
from bot.membership.groups import CLASS_EXAMPLE, Group, SchoolClass, parse_class, parse_group, split_class
from bot.membership.users import take_user
from bot.places import EVERYWHERE, GROUP_PLACES, Place
from bot.port.ids import PersonId
from bot.reports import parse_report_number
from bot.roles import Action as A

DM = frozenset({Place.DM})
STAFF_DESK = frozenset({Place.DM, Place.STAFF, Place.ADMINISTRATION})
"""Commands that name people or show lists: a DM or a staff chat, never a chat of families."""
INVITE_DESK = frozenset({Place.DM, Place.STAFF})

ADMINS_ONLY = "Извините, эта команда доступна только администраторам школы (п. 3.2 Положения)."
MODERATORS_ONLY = "Извините, эта команда доступна только администраторам школы (п. 4.5–4.6, 3.2 Положения)."
WARNINGS_OWNERS = ("Извините, предупреждения смотрят и снимают администраторы школы, а классные руководители — "
                   "у учеников своего класса (п. 4.5–4.6, 3.3 Положения).")

VERIFY_USAGE = "Формат: /подтвердить <пользователь>"
CLASSTEACHER_USAGE = ("Формат: /классрук <пользователь> <класс>, например: /классрук id123 5А; снять: "
                      "/классрук убрать 5А")
ADMIN_USAGE = "Формат: /админ добавить|убрать <пользователь>"
MOVE_USAGE = ("Формат: /перевести <ученик> <класс>, например: /перевести id123 6Б; весь класс: "
              "/перевести класс 5А 6А")
TRANSFER_USAGE = "Формат: /перевести класс 5А 6А — весь класс с родителями и чатами, после подтверждения."
GRADUATE_USAGE = "Формат: /выпуск 11А — выпустить класс (после подтверждения)."
CLASSLIST_USAGE = ("Формат: /список 5А — список класса и кто подключён; чтобы загрузить список из журнала, "
                   "прикрепите к этой команде CSV-файл.")
REMOVE_USAGE = "Формат: /исключить <пользователь>"
WARNS_USAGE = "Формат: /предупреждения <пользователь>, например: /предупреждения id123 (или ответом на сообщение)."
PARDON_USAGE = "Формат: /простить <пользователь> — снимает последнее предупреждение."
FILTER_USAGE = ("Формат: /фильтр добавить СЛОВО, /фильтр удалить СЛОВО, /фильтр список; "
                "/разрешить СЛОВО — никогда не считать нарушением.")
REVOKE_USAGE = "Формат: /отозвать КОД или /отозвать неиспользованные"
MODLOG_USAGE = "Формат: /журнал [сколько записей, до 50], например: /журнал 20"
MAX_WORD = 40
_UNUSED_WORDS = frozenset({"unused", "неиспользованные", "невостребованные"})
_ADD = frozenset({"add", "добавить", "назначить"})
_DROP = frozenset({"remove", "убрать", "снять"})


# --- parsed arguments -----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Revoke:
    code: str | None
    """The code to annul; None with `unused`."""
    unused: bool = False
    """Annul every link nobody used (3.2)."""


@dataclass(frozen=True, kw_only=True)
class PersonAndClass:
    person: PersonId
    school_class: SchoolClass


@dataclass(frozen=True, kw_only=True)
class ClassTeacherChange:
    school_class: SchoolClass
    person: PersonId | None
    """None: the class is left without a class teacher (/классрук убрать 5А)."""


@dataclass(frozen=True, kw_only=True)
class ClassTransfer:
    """/перевести класс 5А 6А: a whole class moves up a year (or is renamed)."""

    old: SchoolClass
    new: SchoolClass


@dataclass(frozen=True, kw_only=True)
class AdminChange:
    person: PersonId
    add: bool


@dataclass(frozen=True, kw_only=True)
class FilterChange:
    word: str
    """Empty for the list."""
    add: bool = False
    show: bool = False
    """/фильтр список: the school's own words."""


def _user(given: CommandInput, usage: str) -> tuple[PersonId, str]:
    person, rest = take_user(given.raw_args, given.refs, usage)
    return person, clean_text(rest)


def _person(usage: str) -> Callable[[CommandInput], PersonId]:
    return lambda given: _user(given, usage)[0]


def _person_and_class(usage: str) -> Callable[[CommandInput], PersonAndClass]:
    def parse(given: CommandInput) -> PersonAndClass:
        person, rest = _user(given, usage)
        if not rest:
            raise BadCommand("no class", text=f"{usage}\n{CLASS_EXAMPLE}")
        return PersonAndClass(person=person, school_class=parse_class(rest))

    return parse


def _class_teacher_change(given: CommandInput) -> ClassTeacherChange:
    verb, _, rest = given.args.partition(" ")
    if fold(verb) in _DROP:
        if not rest.strip():
            raise BadCommand("no class", text=f"{CLASSTEACHER_USAGE}\n{CLASS_EXAMPLE}")
        return ClassTeacherChange(school_class=parse_class(rest), person=None)
    both = _person_and_class(CLASSTEACHER_USAGE)(given)
    return ClassTeacherChange(school_class=both.school_class, person=both.person)


def _two_classes(text: str, usage: str) -> tuple[SchoolClass, SchoolClass]:
    words = text.replace("→", " ").replace("->", " ").split()
    words = [w for w in words if fold(w) not in ("в", "во", "на")]
    joined = " ".join(words)
    if not joined:
        raise BadCommand("no classes", text=usage)
    old, rest = split_class(joined)
    if not rest:
        raise BadCommand("one class", text=usage)
    return old, parse_class(rest)


def _move(given: CommandInput) -> PersonAndClass | ClassTransfer:
    verb, _, rest = given.args.partition(" ")
    if fold(verb) in ("класс", "class"):
        old, new = _two_classes(rest, TRANSFER_USAGE)
        return ClassTransfer(old=old, new=new)
    return _person_and_class(MOVE_USAGE)(given)


def _class_arg(usage: str) -> Callable[[CommandInput], SchoolClass]:
    def parse(given: CommandInput) -> SchoolClass:
        if not given.args:
            raise BadCommand("no class", text=usage)
        return parse_class(given.args)

    return parse


def _admin_change(given: CommandInput) -> AdminChange:
    verb, _, _ = given.args.partition(" ")
    word = verb.lower()
    if word not in _ADD | _DROP:
        raise BadCommand("bad admin verb", text=ADMIN_USAGE)
    raw_rest = given.raw_args.lstrip()[len(verb):]
    shift = len(given.raw_args) - len(raw_rest)
    refs = given.refs
    mentions = [m for m in refs.mentions if m.start >= shift]
    shifted = type(refs)(platform=refs.platform, reply_author=refs.reply_author, profile_link=refs.profile_link,
                         mentions=[type(m)(person=m.person, start=m.start - shift, end=m.end - shift) for m in mentions])
    person, _ = take_user(raw_rest, shifted, ADMIN_USAGE)
    return AdminChange(person=person, add=word in _ADD)


def _revoke(given: CommandInput) -> Revoke:
    if not given.args:
        raise BadCommand("no code", text=REVOKE_USAGE)
    if given.args.lower() in _UNUSED_WORDS:
        return Revoke(code=None, unused=True)
    return Revoke(code=parse_code_arg(given.args))


def _optional_binding(given: CommandInput) -> ChatBinding | None:
    return parse_bind_args(given.args) if given.args else None


def _optional_group(given: CommandInput) -> Group | None:
    return parse_group(given.args) if given.args else None


def _word(text: str) -> str:
    word = fold(text)
    if not word or len(word) > MAX_WORD or len(word.split()) != 1:
        raise BadCommand("bad word", text=FILTER_USAGE)
    return word


def _filter_change(given: CommandInput) -> FilterChange:
    verb, _, rest = given.args.partition(" ")
    if fold(verb) in ("список", "list", "") and not rest.strip():
        return FilterChange(word="", show=True)
    word = _word(rest)
    if fold(verb) in ("add", "добавить"):
        return FilterChange(word=word, add=True)
    if fold(verb) in ("remove", "удалить"):
        return FilterChange(word=word, add=False)
    raise BadCommand("bad verb", text=FILTER_USAGE)


def _modlog_size(given: CommandInput) -> int:
    if given.args and not (given.args.isascii() and given.args.isdigit()):
        raise BadCommand("bad N", text=MODLOG_USAGE)
    return min(int(given.args or 10), 50) or 10


def _text(given: CommandInput) -> str:
    return given.args


ANNOUNCEMENT_NUMBER = "Укажите номер объявления, например: /отменить 3 (номера — в /объявления)."


def _announcement_number(given: CommandInput) -> int:
    number = given.args.lstrip("№#").strip()
    if not (number.isascii() and number.isdigit()) or not 0 < int(number) < 2**53:
        raise BadCommand("bad number", text=ANNOUNCEMENT_NUMBER)
    return int(number)


def _optional_announcement(given: CommandInput) -> int | None:
    return _announcement_number(given) if given.args else None


def _audit_query(given: CommandInput) -> AuditQuery:
    """/действия, /действия 2, /действия привязать [2], /действия id123 [2]."""
    words = given.args.split()
    if not words:
        return AuditQuery()
    if len(words) == 1 and words[0].isdigit():
        return AuditQuery(page=parse_page(words[0]))
    spec = command_named(words[0].lstrip("/!"))
    if spec is not None:
        page = parse_page(words[1]) if len(words) > 1 else 1
        return command_query(words[0], spec.key, page)
    person, rest = take_user(given.raw_args, given.refs, AUDIT_USAGE)
    rest = clean_text(rest)
    return AuditQuery(person=person, page=parse_page(rest) if rest else 1)


def _nothing(given: CommandInput) -> None:
    return None


# --- the table ------------------------------------------------------------------------------

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        key="help", names=("помощь", "меню", "начать", "help", "start"),
        help=(HelpLine(action=A.USE_HELP, usage="/помощь", text="что я умею"),),
        places=EVERYWHERE, refusal="", parse=_nothing, phrases=("помощь", "начать", "меню", "start", "help"),
    ),
    CommandSpec(
        key="join", names=("вступить", "join"),
        help=(HelpLine(action=A.USE_HELP, usage="/вступить КОД", text="присоединиться по коду приглашения"),),
        places=DM, refusal="", parse=_text,
        wrong_place="Код приглашения отправьте мне в личные сообщения.",
    ),
    CommandSpec(
        key="registry", names=("реестр", "сервисы", "registry", "services"),
        help=(HelpLine(action=A.READ_REGISTRY, usage="/реестр [что ищете]",
                       text="рекомендуемые школой сервисы и ссылки на них"),),
        places=EVERYWHERE, refusal="", parse=_text, phrases=("реестр сервисов", "реестр", "сервисы"),
    ),
    CommandSpec(
        key="rules", names=("правила", "rules"),
        help=(HelpLine(action=A.USE_HELP, usage="/правила", text="правила общения в чатах (п. 4.5, 4.6)"),),
        places=EVERYWHERE, refusal="", parse=_nothing, phrases=("правила",),
    ),
    CommandSpec(
        key="rights", names=("права", "rights"),
        help=(HelpLine(action=A.USE_HELP, usage="/права", text="ваши права (п. 4.1–4.4)"),),
        places=EVERYWHERE, refusal="", parse=_nothing, phrases=("права", "мои права"),
    ),
    CommandSpec(
        key="support", names=("поддержка", "support"),
        help=(HelpLine(action=A.USE_HELP, usage="/поддержка", text="куда обратиться за помощью"),),
        places=EVERYWHERE, refusal="", parse=_nothing, phrases=("поддержка", "техподдержка"),
    ),
    CommandSpec(
        key="hacked", names=("взлом", "взломали", "hacked"),
        help=(HelpLine(action=A.REPORT, usage="/взлом", text="в ваш аккаунт вошёл кто-то чужой (п. 4.5)"),),
        places=EVERYWHERE, refusal="", parse=_nothing,
    ),
    CommandSpec(
        key="report", names=("жалоба", "пожаловаться", "report"),
        help=(HelpLine(action=A.REPORT, usage="/жалоба [что не так]",
                       text="пожаловаться администрации на сообщение: ответом на него в чате или переслав его мне "
                            "(ваше имя увидят только администраторы)"),),
        places=GROUP_PLACES | DM, refusal="", parse=_text,
    ),
    CommandSpec(
        key="appeal", names=("обжаловать", "appeal"),
        help=(HelpLine(action=A.USE_HELP, usage="/обжаловать [почему]", text="оспорить последнее предупреждение"),),
        places=DM, refusal="", parse=_text,
        wrong_place="Обжаловать предупреждение можно в личных сообщениях мне: /обжаловать",
    ),
    CommandSpec(
        key="mydata", names=("моиданные", "мои_данные", "данные", "mydata"),
        help=(HelpLine(action=A.MANAGE_OWN_DATA, usage="/моиданные", text="что бот хранит о вас и сколько"),),
        places=EVERYWHERE, refusal="", parse=_nothing, phrases=("мои данные",),
    ),
    CommandSpec(
        key="forget", names=("удалить", "забудь", "forget"),
        help=(HelpLine(action=A.ERASE_OTHERS, usage="/удалить [id123]",
                       text="удалить свои данные или данные человека, ушедшего из школы"),
              HelpLine(action=A.MANAGE_OWN_DATA, usage="/удалить", text="удалить ваши данные из бота")),
        places=EVERYWHERE, refusal="", parse=lambda given: given,
    ),
    CommandSpec(
        key="withdraw_consent", names=("отозвать_согласие", "отозватьсогласие", "withdraw_consent", "withdrawconsent"),
        help=(HelpLine(action=A.MANAGE_OWN_DATA, usage="/отозвать_согласие",
                       text="отозвать согласие на обработку данных ребёнка (данные удаляются)"),),
        places=DM, refusal="", parse=_nothing,
        wrong_place="Отозвать согласие можно в личных сообщениях мне: /отозвать_согласие",
    ),
    CommandSpec(
        key="bind", names=("привязать", "bind"),
        help=(HelpLine(action=A.BIND_CHAT,
                       usage="/привязать учительская | руководство | 5А ученики | 5А родители | 7Б физика",
                       text="указать, для чего этот чат (одна роль у чата)"),),
        places=GROUP_PLACES, parse=lambda given: parse_bind_args(given.args),
        refusal="Извините, привязывать чаты могут только администраторы школы (п. 3.1–3.2 Положения).",
        wrong_place="Эту команду нужно написать в том групповом чате, который вы хотите привязать.",
    ),
    CommandSpec(
        key="chats", names=("чаты", "chats"),
        help=(HelpLine(action=A.BIND_CHAT, usage="/чаты", text="привязанные чаты и их роли"),),
        places=STAFF_DESK, parse=_nothing,
        refusal="Извините, список чатов школы видят только администраторы (п. 3.2 Положения).",
    ),
    CommandSpec(
        key="unbind", names=("отвязать", "unbind"),
        help=(HelpLine(action=A.BIND_CHAT, usage="/отвязать [5А родители]",
                       text="отвязать чат (в самом чате или по его роли), с подтверждением"),),
        places=GROUP_PLACES | STAFF_DESK, parse=_optional_binding,
        refusal="Извините, отвязывать чаты могут только администраторы школы (п. 3.1–3.2 Положения).",
    ),
    CommandSpec(
        key="classlist", names=("список", "classlist", "roster"),
        help=(HelpLine(action=A.MANAGE_PEOPLE, usage="/список 5А [+ CSV-файл]",
                       text="список класса и кто подключён; с файлом — загрузить из журнала"),
              HelpLine(action=A.INVITE_OWN_CLASS, usage="/список <свой класс> [+ CSV-файл]",
                       text="список вашего класса и кто подключён; с файлом — загрузить")),
        places=STAFF_DESK, parse=_class_arg(CLASSLIST_USAGE),
        refusal="Извините, списки классов ведут администраторы и классные руководители (п. 3.2–3.3 Положения).",
    ),
    CommandSpec(
        key="invite", names=("пригласить", "invite"),
        help=(HelpLine(action=A.INVITE_ANY,
                       usage="/пригласить <роль> [класс] [срок=7д] [использований=10] [одобрение=да|нет]",
                       text="ссылка-приглашение"),
              HelpLine(action=A.INVITE_OWN_CLASS, usage="/пригласить ученик|родитель <свой класс>",
                       text="ссылка-приглашение в свой класс"),
              HelpLine(action=A.INVITE_OWN_SUBJECT, usage="/пригласить ученик <класс предмет>",
                       text="ссылка-приглашение в свою группу")),
        places=INVITE_DESK, parse=lambda given: parse_invite_args(given.args),
        refusal="Извините, ссылки-приглашения выдают администраторы, классные руководители и учителя "
                "(п. 3.2–3.4 Положения).",
        wrong_place="Ссылки выдаю в «Учительской» или в личных сообщениях со мной.",
    ),
    CommandSpec(
        key="invites", names=("ссылки", "invites"),
        help=(HelpLine(action=A.INVITE_ANY, usage="/ссылки", text="действующие ссылки-приглашения"),
              HelpLine(action=A.INVITE_OWN_CLASS, usage="/ссылки", text="ваши ссылки-приглашения"),
              HelpLine(action=A.INVITE_OWN_SUBJECT, usage="/ссылки", text="ваши ссылки-приглашения")),
        places=INVITE_DESK, parse=_nothing,
        refusal="Извините, ссылки-приглашения выдают администраторы, классные руководители и учителя "
                "(п. 3.2–3.4 Положения).",
        wrong_place="Ссылки показываю в «Учительской» или в личных сообщениях со мной.",
    ),
    CommandSpec(
        key="revoke", names=("отозвать", "revoke"),
        help=(HelpLine(action=A.INVITE_ANY, usage="/отозвать КОД | неиспользованные", text="аннулировать ссылки"),
              HelpLine(action=A.INVITE_OWN_CLASS, usage="/отозвать КОД", text="аннулировать свою ссылку"),
              HelpLine(action=A.INVITE_OWN_SUBJECT, usage="/отозвать КОД", text="аннулировать свою ссылку")),
        places=INVITE_DESK, parse=_revoke,
        refusal="Извините, аннулировать ссылки могут администраторы, классные руководители и учителя "
                "(п. 3.2 Положения).",
        wrong_place="Ссылки аннулирую в «Учительской» или в личных сообщениях со мной.",
    ),
    CommandSpec(
        key="requests", names=("заявки", "requests"),
        help=(HelpLine(action=A.DECIDE_REQUESTS, usage="/заявки", text="заявки на вступление"),
              HelpLine(action=A.INVITE_OWN_CLASS, usage="/заявки", text="заявки в свой класс"),
              HelpLine(action=A.INVITE_OWN_SUBJECT, usage="/заявки", text="заявки в свои группы")),
        places=STAFF_DESK, parse=_nothing,
        refusal="Извините, заявки рассматривают администраторы, классные руководители и учителя.",
    ),
    CommandSpec(
        key="approve", names=("принять", "approve"),
        help=(HelpLine(action=A.DECIDE_REQUESTS, usage="/принять N", text="принять заявку"),
              HelpLine(action=A.INVITE_OWN_CLASS, usage="/принять N", text="принять заявку в свой класс"),
              HelpLine(action=A.INVITE_OWN_SUBJECT, usage="/принять N", text="принять заявку в свою группу")),
        places=STAFF_DESK, parse=lambda given: parse_request_id(given.args),
        refusal="Извините, заявки рассматривают администраторы, классные руководители и учителя.",
    ),
    CommandSpec(
        key="reject", names=("отклонить", "reject"),
        help=(HelpLine(action=A.DECIDE_REQUESTS, usage="/отклонить N [причина]", text="отклонить заявку"),
              HelpLine(action=A.INVITE_OWN_CLASS, usage="/отклонить N [причина]", text="отклонить заявку"),
              HelpLine(action=A.INVITE_OWN_SUBJECT, usage="/отклонить N [причина]", text="отклонить заявку")),
        places=STAFF_DESK, parse=lambda given: parse_reject_args(given.args),
        refusal="Извините, заявки рассматривают администраторы, классные руководители и учителя.",
    ),
    CommandSpec(
        key="resetlink", names=("сбросить_ссылку", "сброситьссылку", "resetlink"),
        help=(HelpLine(action=A.MANAGE_PEOPLE, usage="/сбросить_ссылку [5А родители]", text="новая ссылка чата"),
              HelpLine(action=A.INVITE_OWN_CLASS, usage="/сбросить_ссылку [5А родители]",
                       text="новая ссылка чата вашего класса")),
        places=STAFF_DESK | {Place.CLASS, Place.SUBJECT}, parse=_optional_binding, refusal=ADMINS_ONLY,
    ),
    CommandSpec(
        key="verify", names=("подтвердить", "verify"),
        help=(HelpLine(action=A.MANAGE_PEOPLE, usage="/подтвердить <учитель>", text="подтвердить статус «учитель»"),),
        places=STAFF_DESK, parse=_person(VERIFY_USAGE), refusal=ADMINS_ONLY,
    ),
    CommandSpec(
        key="classteacher", names=("классрук", "classteacher"),
        help=(HelpLine(action=A.MANAGE_PEOPLE, usage="/классрук <учитель> <класс> | убрать <класс>",
                       text="назначить или снять классного руководителя"),),
        places=STAFF_DESK, parse=_class_teacher_change, refusal=ADMINS_ONLY,
    ),
    CommandSpec(
        key="admin", names=("админ", "admin"),
        help=(HelpLine(action=A.APPOINT_ADMINS, usage="/админ добавить|убрать <учитель>",
                       text="дополнительные администраторы"),),
        places=STAFF_DESK, parse=_admin_change,
        refusal="Извините, назначать дополнительных администраторов может только администратор, назначенный "
                "приказом директора (п. 3.1–3.2 Положения).",
    ),
    CommandSpec(
        key="move", names=("перевести", "move"),
        help=(HelpLine(action=A.MANAGE_PEOPLE, usage="/перевести <ученик> <класс> | класс 5А 6А",
                       text="перевести ученика или весь класс (с предпросмотром)"),),
        places=STAFF_DESK, parse=_move, refusal=ADMINS_ONLY,
    ),
    CommandSpec(
        key="graduate", names=("выпуск", "выпустить", "graduate"),
        help=(HelpLine(action=A.MANAGE_PEOPLE, usage="/выпуск 11А", text="выпустить класс (с подтверждением)"),),
        places=STAFF_DESK, parse=_class_arg(GRADUATE_USAGE), refusal=ADMINS_ONLY,
    ),
    CommandSpec(
        key="remove", names=("исключить", "remove"),
        help=(HelpLine(action=A.MANAGE_PEOPLE, usage="/исключить <пользователь>",
                       text="исключить из всех групп и чатов"),),
        places=STAFF_DESK, parse=_person(REMOVE_USAGE), refusal=ADMINS_ONLY,
    ),
    CommandSpec(
        key="members", names=("участники", "members"),
        help=(HelpLine(action=A.MANAGE_PEOPLE, usage="/участники [группа]", text="кто где состоит"),
              HelpLine(action=A.INVITE_OWN_CLASS, usage="/участники <свой класс>", text="кто в вашем классе"),
              HelpLine(action=A.INVITE_OWN_SUBJECT, usage="/участники <своя группа>", text="кто в вашей группе")),
        places=STAFF_DESK, parse=_optional_group, refusal=ADMINS_ONLY,
    ),
    CommandSpec(
        key="warns", names=("предупреждения", "warns"),
        help=(HelpLine(action=A.MODERATE, usage="/предупреждения <кто>", text="действующие предупреждения участника"),
              HelpLine(action=A.INVITE_OWN_CLASS, usage="/предупреждения <ученик>",
                       text="предупреждения ученика вашего класса")),
        places=STAFF_DESK, parse=_person(WARNS_USAGE), refusal=WARNINGS_OWNERS,
    ),
    CommandSpec(
        key="pardon", names=("простить", "pardon"),
        help=(HelpLine(action=A.MODERATE, usage="/простить <кто>", text="снять последнее предупреждение"),
              HelpLine(action=A.INVITE_OWN_CLASS, usage="/простить <ученик>",
                       text="снять последнее предупреждение ученика вашего класса")),
        places=STAFF_DESK, parse=_person(PARDON_USAGE), refusal=WARNINGS_OWNERS,
    ),
    CommandSpec(
        key="modlog", names=("журнал", "modlog"),
        help=(HelpLine(action=A.MODERATE, usage="/журнал [N]", text="последние события модерации"),),
        places=STAFF_DESK, parse=_modlog_size, refusal=MODERATORS_ONLY,
    ),
    CommandSpec(
        key="filter", names=("фильтр", "filter"),
        help=(HelpLine(action=A.MODERATE, usage="/фильтр добавить|удалить СЛОВО, /фильтр список",
                       text="свои слова школы для проверки"),),
        places=STAFF_DESK, parse=_filter_change, refusal=MODERATORS_ONLY,
    ),
    CommandSpec(
        key="allow", names=("разрешить", "allow"),
        help=(HelpLine(action=A.MODERATE, usage="/разрешить СЛОВО", text="слово, которое никогда не отмечать"),),
        places=STAFF_DESK, parse=lambda given: _word(given.args), refusal=MODERATORS_ONLY,
    ),
    CommandSpec(
        key="reports", names=("обращения", "жалобы", "reports"),
        help=(HelpLine(action=A.HANDLE_REPORTS, usage="/обращения", text="открытые обращения о взломах и жалобы"),),
        places=STAFF_DESK, parse=_nothing,
        refusal="Обращения рассматривают администраторы и руководство школы.",
    ),
    CommandSpec(
        key="close", names=("закрыть", "close"),
        help=(HelpLine(action=A.HANDLE_REPORTS, usage="/закрыть N", text="закрыть обращение №N"),),
        places=STAFF_DESK, parse=lambda given: parse_report_number(given.args),
        refusal="Обращения рассматривают администраторы и руководство школы.",
    ),
    CommandSpec(
        key="destruction", names=("уничтожение", "уничтоженные", "destruction"),
        help=(HelpLine(action=A.READ_DESTRUCTION_LOG, usage="/уничтожение [дней]",
                       text="что из персональных данных уничтожено, сколько и когда (152-ФЗ)"),),
        places=STAFF_DESK, parse=lambda given: parse_days(given.args),
        refusal="Извините, записи об уничтожении персональных данных читают только администраторы, назначенные "
                "приказом директора (п. 3.1 Положения).",
    ),
    CommandSpec(
        key="stats", names=("статистика", "stats", "statistics"),
        help=(HelpLine(action=A.VIEW_STATS, usage="/статистика [5А] [неделя|месяц|год|2026-09-01..2026-12-31]",
                       text="охват классов, активность, заявки, модерация — текст и картинка; "
                            "/статистика файл — таблица CSV"),
              HelpLine(action=A.VIEW_OWN_CLASS_STATS, usage="/статистика [неделя|месяц|год]",
                       text="статистика вашего класса; /статистика файл — таблица")),
        places=STAFF_DESK, parse=_text,
        refusal="Статистику видят администраторы и руководство школы, классный руководитель — своего класса "
                "(п. 3.2 Положения).",
    ),
    CommandSpec(
        key="announce", names=("объявление", "announce"),
        help=(HelpLine(action=A.ANNOUNCE, usage="/объявление <кому> <текст> [в 2026-12-01 09:00]",
                       text="объявление: все, сотрудники, родители, ученики, 5А, 5А родители, канал общий"),
              HelpLine(action=A.ANNOUNCE_OWN_CLASS, usage="/объявление 5А [родители|ученики] <текст>",
                       text="объявление своему классу")),
        places=STAFF_DESK, parse=_text,
        refusal="Объявления рассылают администраторы, руководство школы и классные руководители — своему классу "
                "(п. 3.2 Положения).",
    ),
    CommandSpec(
        key="announcements", names=("объявления", "announcements"),
        help=(HelpLine(action=A.ANNOUNCE, usage="/объявления [N]",
                       text="недавние и запланированные объявления; N — кто не прочитал"),
              HelpLine(action=A.ANNOUNCE_OWN_CLASS, usage="/объявления [N]", text="ваши объявления; кто не прочитал")),
        places=STAFF_DESK, parse=_optional_announcement,
        refusal="Объявления рассылают администраторы, руководство школы и классные руководители (п. 3.2 Положения).",
    ),
    CommandSpec(
        key="cancel", names=("отменить", "cancel"),
        help=(HelpLine(action=A.ANNOUNCE, usage="/отменить N", text="отменить запланированное объявление"),
              HelpLine(action=A.ANNOUNCE_OWN_CLASS, usage="/отменить N", text="отменить своё объявление")),
        places=STAFF_DESK, parse=_announcement_number,
        refusal="Объявления рассылают администраторы, руководство школы и классные руководители (п. 3.2 Положения).",
    ),
    CommandSpec(
        key="audit", names=("действия", "audit"),
        help=(HelpLine(action=A.READ_AUDIT, usage="/действия [страница|кто|команда]",
                       text="журнал решений администраторов: кто, что, когда"),),
        places=STAFF_DESK, parse=_audit_query, refusal=ADMINS_ONLY,
    ),
)

_BY_NAME = {fold(name): spec for spec in COMMANDS for name in spec.names}
_BY_PHRASE = {fold(phrase): spec for spec in COMMANDS for phrase in spec.phrases}


def command_named(name: str) -> CommandSpec | None:
    return _BY_NAME.get(fold(name))


def command_of_phrase(text: str) -> CommandSpec | None:
    """The command a plain DM text runs («помощь», a keyboard button's label)."""
    return _BY_PHRASE.get(fold(text))
