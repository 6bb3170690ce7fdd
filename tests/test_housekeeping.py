from datetime import UTC, datetime, timedelta

from bot.config import Settings
from bot.features import Features
from bot.housekeeping import tidy_once
from bot.membership.codes import new_code
from bot.membership.groups import Group, SchoolClass
from bot.membership.invites import InviteDefaults, make_invite
from bot.port.effects import Send
from bot.port.events import Incoming, Started
from bot.port.ids import SYSTEM, ChatId, PersonId, Platform
from bot.roles import Role
from bot.services import Repos, Services
from storage.db import Database

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
ADMIN, AUTHOR = PersonId("vk:1"), PersonId("vk:7")
CHAT = ChatId("vk:2000000001")
DIRECTOR_NOTHING = {"activity_rolled_up": 0, "announcements_erased": 0, "drafts_forgotten": 0, "files_erased": 0}
NOTHING_DONE = {"invites_expired": 0, "reports_erased": 0, "moderation_erased": 0,
                "updates_forgotten": 0, "effects_forgotten": 0, "questions_forgotten": 0, **DIRECTOR_NOTHING}


def services_over(db: Database) -> Services:
    settings = Settings()
    repos = Repos.over(db)
    return Services(config=settings, repos=repos, gateways={}, features=Features.build(settings, repos.moderation),
                    clock=lambda: NOW)


def started(key: str, who: PersonId) -> Incoming:
    return Incoming(key=key, event=Started(platform=Platform.VK, person=who, payload=""))


async def test_tidy_once_expires_links_and_erases_old_records(db: Database) -> None:
    services = services_over(db)
    repos = services.repos
    ten_days_ago = NOW - timedelta(days=10)
    await repos.people.grant(ADMIN, Role.ADMINISTRATION, granted_by=SYSTEM, now=NOW - timedelta(days=30))
    old = make_invite(code=new_code(), role=Role.PARENT, group=Group.of_class(SchoolClass(5, "А")), created_by=ADMIN,
                      now=ten_days_ago, defaults=InviteDefaults())
    await repos.invites.add(old)
    await repos.moderation.record_event(now=NOW - timedelta(days=400), chat_id=CHAT, author_id=AUTHOR,
                                        message_ref="1", labels=["insult"], excerpt="д**а", edited=False, acts=[])
    closed = await repos.reports.add_hacked(AUTHOR, NOW - timedelta(days=120))
    await repos.reports.close(closed.id, ADMIN, NOW - timedelta(days=100))
    still_open = await repos.reports.add_hacked(ADMIN, NOW - timedelta(days=120))
    # handled updates and sent effects older than a week are forgotten; pending ones never are
    await repos.inbox.store(Platform.VK, [started("u1", AUTHOR), started("u2", ADMIN)], "ts-1", ten_days_ago)
    handled, still_pending = await repos.inbox.pending()
    await repos.inbox.mark_done(handled.id, ten_days_ago)
    sent, queued = await repos.outbox.add([Send(to=AUTHOR, text="привет"), Send(to=CHAT, text="ещё в очереди")],
                                          ten_days_ago)
    await repos.outbox.mark_sent(sent, ten_days_ago)
    # a class list staged and never confirmed holds pupils' names: gone after a week
    forgotten = await repos.staged.stage("classlist", ADMIN, {"rows": [{"surname": "Иванов"}]}, ten_days_ago)
    fresh = await repos.staged.stage("classlist", ADMIN, {"rows": []}, NOW - timedelta(days=1))

    done = await tidy_once(services)

    assert done == {"invites_expired": 1, "reports_erased": 1, "moderation_erased": 1,
                    "updates_forgotten": 1, "effects_forgotten": 1, "questions_forgotten": 1, **DIRECTOR_NOTHING}
    assert await repos.staged.get(forgotten) is None and await repos.staged.get(fresh) is not None
    assert await repos.invites.live(NOW) == []
    assert await repos.reports.get(closed.id) is None and await repos.reports.get(still_open.id) is not None
    assert [item.id for item in await repos.inbox.pending()] == [still_pending.id]
    assert await repos.outbox.backlog() == 1
    assert [r["id"] for r in await db.fetch_all("SELECT id FROM outbox")] == [queued]
    assert await tidy_once(services) == NOTHING_DONE
