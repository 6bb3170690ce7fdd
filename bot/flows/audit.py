"""/действия (clause 3.2: administrative decisions are accountable): the audit log, readable."""

from __future__ import annotations

from bot.commands.table import COMMANDS
from bot.director.audit_view import PAGE, AuditQuery, Entry, audit_text
from bot.flows.context import Context
from bot.people import Person
from bot.port.ids import SYSTEM, ChatId, PersonId

_COMMAND_NAMES = {spec.key: spec.names[0] for spec in COMMANDS}


def command_title(key: str) -> str:
    return f"/{_COMMAND_NAMES.get(key, key)}"


async def audit_log(ctx: Context, query: AuditQuery) -> None:
    s = ctx.services
    entries, total = await s.repos.audit.page(limit=PAGE, offset=(query.page - 1) * PAGE, person=query.person,
                                              actions=query.actions)
    people = {e.actor_id for e in entries} | {e.target_id for e in entries if e.target_id} | (
        {query.person} if query.person else set())
    people.discard(SYSTEM)
    names = await s.people(people)

    def name(person: PersonId | None) -> str | None:
        if person is None:
            return None
        if person == SYSTEM:
            return "бот"
        found = names.get(person) or Person(id=person)
        return found.display_name or s.link(found)  # without a name, the profile link still says who

    titles = {chat.id: chat.title for chat in await s.repos.chats.all()}
    shown: list[Entry] = []
    for e in entries:
        chat = None
        if e.chat_id:
            chat = titles.get(ChatId(e.chat_id)) or await s.repos.chats.title_of(ChatId(e.chat_id)) or "чат"
        shown.append(Entry(at=e.at, actor=name(e.actor_id) or "", action=e.action, target=name(e.target_id),
                           chat=chat, details=e.details))
    ctx.reply(audit_text(shown, query=query, total=total, tz=s.timezone(), whom=name(query.person) or "",
                         command_title=command_title))

