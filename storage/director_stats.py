"""The numbers behind /статистика and the weekly digest: aggregates over what the bot recorded.

Only counts leave this module. Class lists (`class_lists`, loaded with /список): `roster_sizes` is the
one place that reads them here, and a class without rows there means «список не загружен».
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.director.stats import ChatStats, ClassCoverage, Period, SchoolStats, count_labels, fill_days
from bot.roles import Role
from storage.db import Database
from storage.times import iso


@dataclass(frozen=True, kw_only=True)
class ChatRef:
    """A bound chat as statistics show it."""

    id: str
    title: str
    class_label: str | None = None


@dataclass(frozen=True, kw_only=True)
class Window:
    """The period as stored moments: [start, end) in UTC, and the local dates."""

    period: Period
    start: datetime
    end: datetime
    today: date

    @property
    def bounds(self) -> tuple[str, str]:
        return iso(self.start), iso(self.end)


def child_key(name: str) -> str:
    """A child's name as parents may write it: «Иванов Петя» and «петя  иванов» are one pupil."""
    return " ".join(sorted(name.lower().replace("ё", "е").split()))


class StatsRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def roster_sizes(self) -> dict[str, int]:
        """Pupils on each class list; empty when the school has loaded no lists."""
        rows = await self._db.fetch_all("SELECT class_label, COUNT(*) AS n FROM class_lists GROUP BY class_label")
        return {str(r["class_label"]): int(r["n"]) for r in rows if r["class_label"]}

    async def gather(self, window: Window, chats: Sequence[ChatRef], *, scope: str | None = None,
                     extra_admins: int = 0) -> SchoolStats:
        """Everything /статистика shows, for the school or (scope) one class and its chats."""
        chat_ids = [c.id for c in chats]
        coverage = await self._coverage(scope)
        per_chat, daily, active = await self._activity(window, chat_ids, scoped=scope is not None)
        return SchoolStats(
            period=window.period,
            scope=scope,
            roles=await self._roles(scope, extra_admins),
            classes=coverage,
            chats=[ChatStats(chat_id=c.id, title=c.title, class_label=c.class_label,
                             messages=per_chat.get(c.id, (0, 0, 0))[0], active_7=per_chat.get(c.id, (0, 0, 0))[1],
                             active_30=per_chat.get(c.id, (0, 0, 0))[2]) for c in chats],
            active_7=active[0],
            active_30=active[1],
            daily=fill_days(window.period, daily),
            **await self._invites(window, scope),
            **await self._requests(window, scope),
            **await self._moderation(window, chats, scope),
            reports=await self._reports(window, chat_ids, scope),
            **await self._announcements(window, chat_ids, scope),
        )

    # --- people ---------------------------------------------------------------------------------
    async def _roles(self, scope: str | None, extra_admins: int) -> dict[Role, int]:
        if scope is None:
            rows = await self._db.fetch_all("SELECT role, COUNT(*) AS n FROM person_roles GROUP BY role")
        else:
            rows = await self._db.fetch_all(
                "SELECT role, COUNT(DISTINCT person_id) AS n FROM memberships WHERE ended IS NULL "
                "AND class_label = ? GROUP BY role", (scope,))
        roles = {Role(r["role"]): int(r["n"]) for r in rows}
        if scope is None and extra_admins:
            roles[Role.ADMIN] = roles.get(Role.ADMIN, 0) + extra_admins
        return roles

    async def _coverage(self, scope: str | None) -> list[ClassCoverage]:
        where, params = ("AND class_label = ?", (scope,)) if scope else ("", ())
        members = await self._db.fetch_all(
            "SELECT class_label, role, COUNT(DISTINCT person_id) AS n FROM memberships WHERE ended IS NULL "
            f"AND group_kind = 'class' AND role IN ('student', 'parent') {where} GROUP BY class_label, role", params)
        children = await self._db.fetch_all(
            "SELECT c.class_label, c.child_name FROM children c WHERE c.ended IS NULL "
            f"{where.replace('class_label', 'c.class_label')} AND EXISTS (SELECT 1 FROM memberships m "
            "WHERE m.person_id = c.parent_id AND m.role = 'parent' AND m.group_kind = 'class' "
            "AND m.class_label = c.class_label AND m.ended IS NULL)", params)
        teachers = await self._db.fetch_all(f"SELECT class_label FROM class_teachers WHERE 1 {where}", params)
        lists = await self.roster_sizes()
        counts: dict[str, dict[str, int]] = {}
        for r in members:
            counts.setdefault(r["class_label"], {})[r["role"]] = int(r["n"])
        named: dict[str, set[str]] = {}
        for r in children:
            named.setdefault(r["class_label"], set()).add(child_key(r["child_name"]))
        labels = set(counts) | set(named) | {r["class_label"] for r in teachers}
        labels |= {label for label in lists if scope is None or label == scope}
        return [ClassCoverage(label=label, on_list=lists.get(label), pupils=counts.get(label, {}).get("student", 0),
                              with_parent=len(named.get(label, ())), parents=counts.get(label, {}).get("parent", 0))
                for label in sorted(labels, key=_class_order)]

    # --- activity -------------------------------------------------------------------------------
    async def _activity(self, window: Window, chat_ids: list[str], scoped: bool
                        ) -> tuple[dict[str, tuple[int, int, int]], dict[str, int], tuple[int, int]]:
        """(chat → (messages in the period, wrote in 7 days, in 30 days), day → messages, (people 7, 30)).

        Few rows leave SQLite (a year is ~50k counters): sums per chat and per day, and who wrote in the
        last 30 days once per chat. The whole school's daily line counts every chat that was bound
        (activity is recorded in bound chats only); a class's counts its own chats.
        """
        if not chat_ids:
            return {}, {}, (0, 0)
        first, last = window.period.start.isoformat(), window.period.end.isoformat()
        only, params = _only(chat_ids, "chat_id") if scoped else ("", [])
        messages: dict[str, int] = {}
        daily: dict[str, int] = {}
        for table, column in (("activity", "count"), ("chat_activity", "messages")):
            for r in await self._db.fetch_all(
                    f"SELECT chat_id, SUM({column}) AS n FROM {table} WHERE day BETWEEN ? AND ? GROUP BY chat_id",
                    (first, last)):
                messages[r["chat_id"]] = messages.get(r["chat_id"], 0) + int(r["n"])
            for r in await self._db.fetch_all(
                    f"SELECT day, SUM({column}) AS n FROM {table} WHERE day BETWEEN ? AND ? {only} GROUP BY day",
                    (first, last, *params)):
                daily[r["day"]] = daily.get(r["day"], 0) + int(r["n"])
        since_7 = (window.today - timedelta(days=6)).isoformat()
        since_30 = (window.today - timedelta(days=29)).isoformat()
        wanted = set(chat_ids)
        active: dict[str, list[int]] = {}
        people_7: set[str] = set()
        people_30: set[str] = set()
        for r in await self._db.fetch_all(
                f"SELECT chat_id, person_id, MAX(day) AS last FROM activity WHERE day >= ? {only} "
                "GROUP BY chat_id, person_id", (since_30, *params)):
            if r["chat_id"] not in wanted:
                continue
            counts = active.setdefault(r["chat_id"], [0, 0])
            counts[1] += 1
            people_30.add(r["person_id"])
            if r["last"] >= since_7:
                counts[0] += 1
                people_7.add(r["person_id"])
        per_chat = {c: (messages.get(c, 0), active.get(c, [0, 0])[0], active.get(c, [0, 0])[1]) for c in chat_ids}
        return per_chat, daily, (len(people_7), len(people_30))

    # --- membership -----------------------------------------------------------------------------
    async def _invites(self, window: Window, scope: str | None) -> dict[str, Any]:
        start, end = window.bounds
        where, params = ("AND class_label = ?", [scope]) if scope else ("", [])
        row = await self._db.fetch_one(
            "SELECT COUNT(*) AS issued, COALESCE(SUM(uses > 0), 0) AS used FROM invites "
            f"WHERE created_at >= ? AND created_at < ? {where}", (start, end, *params))
        closed = await self._db.fetch_one(
            "SELECT COUNT(*) AS n FROM invites WHERE state IN ('revoked', 'expired') "
            f"AND closed_at >= ? AND closed_at < ? {where}", (start, end, *params))
        return {"invites_issued": int(row["issued"]) if row else 0, "invites_used": int(row["used"]) if row else 0,
                "invites_annulled": int(closed["n"]) if closed else 0}

    async def _requests(self, window: Window, scope: str | None) -> dict[str, Any]:
        start, end = window.bounds
        where, params = ("AND class_label = ?", [scope]) if scope else ("", [])
        received = await self._db.fetch_one(
            f"SELECT COUNT(*) AS n FROM join_requests WHERE created_at >= ? AND created_at < ? {where}",
            (start, end, *params))
        decided = await self._db.fetch_all(
            "SELECT state, created_at, decided_at FROM join_requests WHERE state IN ('approved', 'rejected') "
            f"AND decided_at >= ? AND decided_at < ? {where}", (start, end, *params))
        minutes = [max(0.0, (datetime.fromisoformat(r["decided_at"]) - datetime.fromisoformat(r["created_at"]))
                       .total_seconds() / 60) for r in decided]
        return {"requests_received": int(received["n"]) if received else 0,
                "requests_approved": sum(r["state"] == "approved" for r in decided),
                "requests_rejected": sum(r["state"] == "rejected" for r in decided),
                "decision_minutes": minutes}

    # --- order ----------------------------------------------------------------------------------
    async def _moderation(self, window: Window, chats: Sequence[ChatRef], scope: str | None) -> dict[str, Any]:
        start, end = window.bounds
        titles = {c.id: c.title for c in chats}
        chat_filter, params = _only(list(titles), "chat_id") if scope else ("", [])
        rows = await self._db.fetch_all(
            "SELECT labels, chat_id, COUNT(*) AS n FROM moderation_events WHERE at >= ? AND at < ? "
            f"{chat_filter} GROUP BY labels, chat_id", (start, end, *params))
        by_chat: dict[str, int] = {}
        for r in rows:
            title = titles.get(r["chat_id"], "непривязанные чаты")
            by_chat[title] = by_chat.get(title, 0) + int(r["n"])
        event_filter = f"AND event_id IN (SELECT id FROM moderation_events WHERE 1 {chat_filter})" if scope else ""
        warned = await self._db.fetch_one(
            f"SELECT COUNT(*) AS n FROM warnings WHERE issued_at >= ? AND issued_at < ? {event_filter}",
            (start, end, *params))
        return {"moderation_by_label": count_labels([(r["labels"], int(r["n"])) for r in rows]),
                "moderation_by_chat": dict(sorted(by_chat.items(), key=lambda item: -item[1])),
                "warnings": int(warned["n"]) if warned else 0}

    async def _reports(self, window: Window, chat_ids: list[str], scope: str | None) -> dict[tuple[str, str], int]:
        start, end = window.bounds
        where, params = "", list[str]()
        if scope:
            chats, chat_params = _only(chat_ids, "chat_id", prefix="")
            where = (f"AND ((kind = 'abuse' AND {chats}) OR (kind = 'hacked' AND reporter_id IN (SELECT person_id "
                     "FROM memberships WHERE class_label = ? AND ended IS NULL)))")
            params = [*chat_params, scope]
        rows = await self._db.fetch_all(
            f"SELECT kind, status, COUNT(*) AS n FROM reports WHERE created_at >= ? AND created_at < ? {where} "
            "GROUP BY kind, status", (start, end, *params))
        return {(r["kind"], r["status"]): int(r["n"]) for r in rows}

    async def _announcements(self, window: Window, chat_ids: list[str], scope: str | None) -> dict[str, Any]:
        start, end = window.bounds
        where, params = "", list[str]()
        if scope:
            chats, params = _only(chat_ids, "chat_id", prefix="")
            where = f"AND id IN (SELECT announcement_id FROM announcement_chats WHERE {chats})"
        sent = await self._db.fetch_one(
            "SELECT COUNT(*) AS n FROM announcements WHERE state IN ('sending', 'sent') AND sent_at >= ? "
            f"AND sent_at < ? {where}", (start, end, *params))
        reads = await self._db.fetch_one(
            "SELECT COUNT(*) AS n FROM announcement_reads WHERE announcement_id IN (SELECT id FROM announcements "
            f"WHERE state IN ('sending', 'sent') AND sent_at >= ? AND sent_at < ? {where})", (start, end, *params))
        return {"announcements_sent": int(sent["n"]) if sent else 0,
                "acknowledgements": int(reads["n"]) if reads else 0}


def _only(ids: list[str], column: str, prefix: str = "AND ") -> tuple[str, list[str]]:
    """«AND column IN (?, ?)» for `ids` (never empty SQL: no ids matches nothing)."""
    if not ids:
        return f"{prefix}0", []
    return f"{prefix}{column} IN ({','.join('?' * len(ids))})", list(ids)


def _class_order(label: str) -> tuple[int, str]:
    digits = "".join(ch for ch in label if ch.isdigit())
    return (int(digits) if digits else 99, label)
