"""Class lists (clauses 3.2–3.3): `/список 5А` shows the list and who is connected; with a CSV file
attached it loads the list exported from the electronic journal, after a preview and «Применить».

Malformed rows are listed with their line numbers and nothing is staged; a good file is staged in the
database (not in memory), so the press works after a restart too.
"""

from __future__ import annotations

from bot.chats import ChatBinding, ChatPurpose
from bot.classlist.csvfile import MAX_FILE_BYTES, parse_class_list
from bot.classlist.fetch import FileTooBig, FileUnavailable
from bot.classlist.matching import find_pupils
from bot.classlist.model import Connection, NewPupil, Pupil, plan_import, preview_text, problems_text, roster_text
from bot.errors import BadCommand
from bot.flows import confirm
from bot.flows.context import Context
from bot.membership.groups import Group, SchoolClass, parse_class
from bot.membership.scope import check_own_class
from bot.port.events import MessageIn
from bot.port.gateway import GatewayError, Profile
from bot.port.ids import PersonId
from bot.roles import Role
from storage.staged import Staged

KIND = "classlist"
NOT_A_FILE = ("Прикрепите к команде CSV-файл документом (скрепка → «Файл»), а не фото. Без файла /список 5А "
              "показывает список класса.")


async def _check(ctx: Context, school_class: SchoolClass, doing: str) -> None:
    classes = await ctx.services.repos.memberships.classes_led_by(ctx.actor.id)
    check_own_class(ctx.actor.roles, classes, school_class, doing)


async def class_list(ctx: Context, school_class: SchoolClass) -> None:
    """`/список 5А`: with a document attached, load it; without, show the list."""
    event = ctx.event
    attachments = event.attachments if isinstance(event, MessageIn) else ()
    documents = [a for a in attachments if a.kind == "document"]
    if not documents:
        await _check(ctx, school_class, "смотреть список")
        if attachments:
            raise BadCommand("not a document", text=NOT_A_FILE)
        await show(ctx, school_class)
        return
    await _check(ctx, school_class, "загружать список")
    document = documents[0]
    if document.size > MAX_FILE_BYTES:
        raise FileTooBig("declared")
    if not document.url:
        raise FileUnavailable("no url")
    data = await ctx.services.features.files.fetch(document.url, MAX_FILE_BYTES)
    await stage(ctx, data, source=document.name or "файл", school_class=school_class)


async def stage(ctx: Context, data: bytes, *, source: str, school_class: SchoolClass) -> None:
    s = ctx.services
    parsed = parse_class_list(data, school_class=school_class)
    if parsed.problems:
        ctx.reply(problems_text(parsed.problems, source=source))
        return
    plan = plan_import(parsed, await s.repos.classlists.everyone(), classes=[school_class])
    text = preview_text(plan, source=source, total=len(parsed.pupils))
    if not plan.changes:
        ctx.reply(text)
        return
    rows = [NewPupil.of(row).to_json() for row in parsed.pupils]
    async with ctx.commit():
        await confirm.ask(ctx, kind=KIND, text=text, choices=[("Применить", None, "positive")],
                          payload={"classes": [str(c) for c in plan.classes], "rows": rows, "source": source})


async def apply(ctx: Context, staged: Staged, _: str | None) -> None:
    """«Применить»: the staged file against what is stored now (it may have changed since the preview)."""
    s = ctx.services
    classes = [parse_class(str(c)) for c in staged.payload.get("classes", [])]
    for school_class in classes:
        await _check(ctx, school_class, "загружать список")
    incoming = [NewPupil.from_json(row) for row in staged.payload.get("rows", [])]
    plan = plan_import(incoming, await s.repos.classlists.everyone(), classes=classes)
    async with ctx.commit():
        if not await confirm.close(ctx, staged, done=True):
            return
        await s.repos.classlists.apply(plan, s.now())
        await s.repos.audit.record(actor_id=ctx.actor.id, action="class_list_loaded", now=s.now(), chat_id=ctx.chat_id,
                                   details={"classes": [str(c) for c in plan.classes], "added": len(plan.added),
                                            "removed": len(plan.removed), "moved": len(plan.moved),
                                            "updated": len(plan.updated)})
        summary = (f"Список {', '.join(str(c) for c in plan.classes)} загружен: добавлено {len(plan.added)}, "
                   f"убрано {len(plan.removed)}, переведено {len(plan.moved)}, уточнено {len(plan.updated)}.")
        confirm.settle(ctx, staged, "✅ Применено.")
        ctx.answer("Список загружен.")
        ctx.reply(summary)


async def show(ctx: Context, school_class: SchoolClass) -> None:
    s = ctx.services
    pupils = await s.repos.classlists.of_class(school_class)
    ctx.reply(roster_text(school_class, pupils, await connections(ctx, school_class, pupils)))


async def connections(ctx: Context, school_class: SchoolClass, pupils: list[Pupil]) -> dict[int, Connection]:
    """Per pupil of the list: is their own account in the class, how many parents named them."""
    s = ctx.services
    if not pupils:
        return {}
    members = await s.repos.memberships.in_group(Group.of_class(school_class))
    students = [m.person_id for m in members if m.role is Role.STUDENT]
    people = await s.people(students)
    if any(not people[pid].display_name for pid in students):  # MAX names people only in lists and updates
        people = await s.people(students, known=await names_in_class_chat(ctx, school_class))
    present: set[int] = {p.id for p in pupils if p.person_id is not None and p.person_id in people}
    for student in students:
        for pupil in find_pupils(people[student].display_name, pupils):
            present.add(pupil.id)
    parents: dict[int, set[PersonId]] = {}
    for child in await s.repos.memberships.children_in(school_class):
        for pupil in find_pupils(child.name, pupils):
            parents.setdefault(pupil.id, set()).add(child.parent_id)
    return {p.id: Connection(pupil=p.id in present, parents=len(parents.get(p.id, ()))) for p in pupils}


async def names_in_class_chat(ctx: Context, school_class: SchoolClass) -> dict[PersonId, Profile]:
    """Names from the class's students' chat member lists (where a platform has no «who is this»)."""
    s = ctx.services
    binding = ChatBinding(purpose=ChatPurpose.CLASS_STUDENTS, class_label=str(school_class))
    found: dict[PersonId, Profile] = {}
    for chat in [c for c in await s.repos.chats.find(binding) if s.serves(c.id)]:
        cursor: str | None = None
        try:
            while True:
                page = await s.gateway(chat.id).members(chat.id, cursor)
                found.update(page.profiles)
                cursor = page.cursor
                if cursor is None:
                    break
        except GatewayError:
            continue
    return found
