from datetime import UTC, datetime, timedelta

from bot.port.ids import ChatId, PersonId
from storage.db import Database
from storage.moderation import ModerationRepo
from storage.retention import RetentionPurge

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
CHAT = ChatId("vk:2000000001")
AUTHOR, ADMIN = PersonId("vk:7"), PersonId("vk:1")


async def test_warnings_expire_and_can_be_pardoned(db: Database) -> None:
    repo = ModerationRepo(db)
    event = await repo.record_event(now=NOW, chat_id=CHAT, author_id=AUTHOR, message_ref="3", labels=["profanity"],
                                    excerpt="п****ц", edited=False, acts=["warn"])
    await repo.add_warning(person_id=AUTHOR, event_id=event, labels=["profanity"], now=NOW - timedelta(days=40),
                           expires_at=NOW - timedelta(days=10))
    second = await repo.add_warning(person_id=AUTHOR, event_id=event, labels=["insult"], now=NOW,
                                    expires_at=NOW + timedelta(days=30))
    assert await repo.active_warnings(PersonId("max:7"), NOW) == []  # the same number elsewhere is someone else
    active = await repo.active_warnings(AUTHOR, NOW)
    assert [(w.id, w.person_id, w.labels) for w in active] == [(second, AUTHOR, ("insult",))]
    lifted = await repo.pardon_last(AUTHOR, by=ADMIN, now=NOW)
    assert lifted is not None and lifted.id == second
    assert await repo.active_warnings(AUTHOR, NOW) == []
    assert await repo.pardon_last(AUTHOR, by=ADMIN, now=NOW) is None
    row = await db.fetch_one("SELECT pardoned_by FROM warnings WHERE id = ?", (second,))
    assert row is not None and row["pardoned_by"] == ADMIN


async def test_events_keep_only_the_masked_excerpt(db: Database) -> None:
    repo = ModerationRepo(db)
    event = await repo.record_event(now=NOW, chat_id=CHAT, author_id=AUTHOR, message_ref="3",
                                    labels=["personal_data"], excerpt="45** ******", edited=True,
                                    acts=["удалено", "предупреждение 1/3"])  # the acts are known when recorded
    (stored,) = await repo.recent_events(5)
    assert (stored.id, stored.chat_id, stored.author_id, stored.labels) == (event, CHAT, AUTHOR, ("personal_data",))
    assert stored.excerpt == "45** ******" and stored.acts == ("удалено", "предупреждение 1/3")
    row = await db.fetch_one("SELECT message_ref, edited FROM moderation_events WHERE id = ?", (event,))
    assert row is not None and (row["message_ref"], row["edited"]) == ("3", 1)
    columns = {row[1] for row in await db.fetch_all("PRAGMA table_info(moderation_events)")}
    assert "text" not in columns


async def test_school_words(db: Database) -> None:
    repo = ModerationRepo(db)
    await repo.set_word("жопа", "block", ADMIN, NOW)
    await repo.set_word("блин", "allow", ADMIN, NOW)
    assert await repo.words() == (["жопа"], ["блин"])
    await repo.set_word("жопа", "allow", ADMIN, NOW)  # a word is either blocked or allowed
    assert await repo.words() == ([], ["блин", "жопа"])
    assert await repo.remove_word("блин")
    assert not await repo.remove_word("блин")


async def test_an_appeal_is_decided_once(db: Database) -> None:
    repo = ModerationRepo(db)
    warning = await repo.add_warning(person_id=AUTHOR, event_id=None, labels=["insult"], now=NOW,
                                     expires_at=NOW + timedelta(days=30))
    appeal = await repo.open_appeal(warning_id=warning, person_id=AUTHOR, now=NOW)
    assert appeal is not None
    assert await repo.open_appeal(warning_id=warning, person_id=AUTHOR, now=NOW) is None
    decided = await repo.decide_appeal(appeal, lift=True, by=ADMIN, now=NOW)
    assert decided is not None and (decided.state, decided.person_id, decided.warning_id) == ("lifted", AUTHOR, warning)
    assert await repo.decide_appeal(appeal, lift=False, by=ADMIN, now=NOW) is None
    assert await repo.active_warnings(AUTHOR, NOW) == []


async def test_a_kept_appeal_cannot_be_filed_again_and_keeps_the_explanation(db: Database) -> None:
    repo = ModerationRepo(db)
    warning = await repo.add_warning(person_id=AUTHOR, event_id=None, labels=["insult"], now=NOW,
                                     expires_at=NOW + timedelta(days=30))
    appeal = await repo.open_appeal(warning_id=warning, person_id=AUTHOR, now=NOW, explanation="это цитата")
    assert appeal is not None and await repo.appeal_states([warning]) == {warning: "open"}
    kept = await repo.decide_appeal(appeal, lift=False, by=ADMIN, now=NOW)
    assert kept is not None and kept.explanation == "это цитата"
    assert await repo.appeal_states([warning]) == {warning: "kept"}
    assert await repo.open_appeal(warning_id=warning, person_id=AUTHOR, now=NOW) is None
    stored = await repo.get_appeal(appeal)
    assert stored is not None and (stored.state, stored.explanation) == ("kept", "это цитата")
    assert await repo.appeal_states([]) == {}
    assert await repo.excerpt_of(None) is None


async def test_old_records_are_purged(db: Database) -> None:
    repo = ModerationRepo(db)
    old = NOW - timedelta(days=200)
    event = await repo.record_event(now=old, chat_id=CHAT, author_id=AUTHOR, message_ref="1", labels=["insult"],
                                    excerpt="д**а", edited=False, acts=["warn"])
    kept = await repo.add_warning(person_id=AUTHOR, event_id=event, labels=["insult"], now=old,
                                  expires_at=old + timedelta(days=30))  # stopped counting 170 days ago
    ancient = NOW - timedelta(days=400)
    await repo.add_warning(person_id=AUTHOR, event_id=None, labels=["insult"], now=ancient,
                           expires_at=ancient + timedelta(days=30))
    fresh = await repo.record_event(now=NOW, chat_id=CHAT, author_id=AUTHOR, message_ref=None, labels=["insult"],
                                    excerpt="д**а", edited=False, acts=[])
    erased = await RetentionPurge(db).purge(NOW)
    assert {kind: n for kind, n in erased.items() if n} == {"warnings": 1, "moderation_events": 1}
    assert [e.id for e in await repo.recent_events(10)] == [fresh]
    remaining = await db.fetch_all("SELECT id, event_id FROM warnings")
    assert [(r["id"], r["event_id"]) for r in remaining] == [(kept, None)]
