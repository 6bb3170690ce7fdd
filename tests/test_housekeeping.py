from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from bot.housekeeping import tidy_once
from bot.membership.codes import new_code
from bot.membership.groups import Group, SchoolClass
from bot.membership.invites import InviteDefaults, make_invite
from bot.roles import Role
from storage.db import Database
from storage.invites import InvitesRepo
from storage.moderation import ModerationRepo
from storage.people import PeopleRepo

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


async def test_tidy_once_expires_links_and_erases_old_records(db: Database) -> None:
    await PeopleRepo(db).grant(1, Role.ADMINISTRATION, granted_by=0, now=NOW - timedelta(days=30))
    old = make_invite(code=new_code(), role=Role.PARENT, group=Group.of_class(SchoolClass(5, "А")), created_by=1,
                      now=NOW - timedelta(days=10), defaults=InviteDefaults())
    await InvitesRepo(db).add(old)
    moderation = ModerationRepo(db)
    await moderation.record_event(now=NOW - timedelta(days=400), peer_id=2_000_000_001, author_id=7, cmid=1,
                                  labels=["insult"], excerpt="д**а", edited=False)
    services = SimpleNamespace(db=db, now=lambda: NOW)
    done = await tidy_once(services)  # type: ignore[arg-type]
    assert done == {"invites_expired": 1, "reports_erased": 0, "moderation_erased": 1}
    assert await InvitesRepo(db).live(NOW) == []
    assert await tidy_once(services) == {"invites_expired": 0, "reports_erased": 0, "moderation_erased": 0}  # type: ignore[arg-type]
