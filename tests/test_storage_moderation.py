from datetime import UTC, datetime, timedelta

from storage.db import Database
from storage.moderation import ModerationRepo

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


async def test_warnings_expire_and_can_be_pardoned(db: Database) -> None:
    repo = ModerationRepo(db)
    event = await repo.record_event(now=NOW, peer_id=2_000_000_001, author_id=7, cmid=3, labels=["profanity"],
                                    excerpt="п****ц", edited=False)
    await repo.add_warning(person_id=7, event_id=event, labels=["profanity"], now=NOW - timedelta(days=40),
                           expires_at=NOW - timedelta(days=10))
    second = await repo.add_warning(person_id=7, event_id=event, labels=["insult"], now=NOW,
                                    expires_at=NOW + timedelta(days=30))
    active = await repo.active_warnings(7, NOW)
    assert [w.id for w in active] == [second]
    lifted = await repo.pardon_last(7, by=1, now=NOW)
    assert lifted is not None and lifted.id == second
    assert await repo.active_warnings(7, NOW) == []
    assert await repo.pardon_last(7, by=1, now=NOW) is None


async def test_events_keep_only_the_masked_excerpt(db: Database) -> None:
    repo = ModerationRepo(db)
    event = await repo.record_event(now=NOW, peer_id=2_000_000_001, author_id=7, cmid=3,
                                    labels=["personal_data"], excerpt="45** ******", edited=True)
    await repo.set_acts(event, ["удалено", "предупреждение 1/3"])
    (stored,) = await repo.recent_events(5)
    assert stored.excerpt == "45** ******" and stored.acts == ("удалено", "предупреждение 1/3")
    columns = {row[1] for row in await db.fetch_all("PRAGMA table_info(moderation_events)")}
    assert "text" not in columns


async def test_school_words(db: Database) -> None:
    repo = ModerationRepo(db)
    await repo.set_word("жопа", "block", 1, NOW)
    await repo.set_word("блин", "allow", 1, NOW)
    assert await repo.words() == (["жопа"], ["блин"])
    await repo.set_word("жопа", "allow", 1, NOW)  # a word is either blocked or allowed
    assert await repo.words() == ([], ["блин", "жопа"])
    assert await repo.remove_word("блин")
    assert not await repo.remove_word("блин")


async def test_an_appeal_is_decided_once(db: Database) -> None:
    repo = ModerationRepo(db)
    warning = await repo.add_warning(person_id=7, event_id=None, labels=["insult"], now=NOW,
                                     expires_at=NOW + timedelta(days=30))
    appeal = await repo.open_appeal(warning_id=warning, person_id=7, now=NOW)
    assert appeal is not None
    assert await repo.open_appeal(warning_id=warning, person_id=7, now=NOW) is None
    decided = await repo.decide_appeal(appeal, lift=True, by=1, now=NOW)
    assert decided is not None and decided.state == "lifted"
    assert await repo.decide_appeal(appeal, lift=False, by=1, now=NOW) is None
    assert await repo.active_warnings(7, NOW) == []


async def test_notice_is_given_once_until_cleared(db: Database) -> None:
    repo = ModerationRepo(db)
    assert await repo.first_notice(2_000_000_001, "not_admin", NOW)
    assert not await repo.first_notice(2_000_000_001, "not_admin", NOW)
    await repo.clear_notice(2_000_000_001, "not_admin")
    assert await repo.first_notice(2_000_000_001, "not_admin", NOW)


async def test_old_records_are_purged(db: Database) -> None:
    repo = ModerationRepo(db)
    old = NOW - timedelta(days=200)
    event = await repo.record_event(now=old, peer_id=2_000_000_001, author_id=7, cmid=1, labels=["insult"],
                                    excerpt="д**а", edited=False)
    kept = await repo.add_warning(person_id=7, event_id=event, labels=["insult"], now=old,
                                  expires_at=old + timedelta(days=30))  # stopped counting 170 days ago
    ancient = NOW - timedelta(days=400)
    await repo.add_warning(person_id=7, event_id=None, labels=["insult"], now=ancient,
                           expires_at=ancient + timedelta(days=30))
    fresh = await repo.record_event(now=NOW, peer_id=2_000_000_001, author_id=7, cmid=2, labels=["insult"],
                                    excerpt="д**а", edited=False)
    assert await repo.purge_before(NOW - timedelta(days=180)) == 2
    assert [e.id for e in await repo.recent_events(10)] == [fresh]
    remaining = await db.fetch_all("SELECT id, event_id FROM warnings")
    assert [(r["id"], r["event_id"]) for r in remaining] == [(kept, None)]
