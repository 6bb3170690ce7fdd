"""Questions with confirmation buttons: a decision is staged (stored) and shown; only a press of the
person who asked carries it out, once. Stored, so a restart between the question and the press
loses nothing; the buttons carry only the row's number, and every press is checked again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.buttons import callback
from bot.flows.context import Context
from bot.port.effects import Buttons, Edit
from bot.port.ids import Where
from storage.staged import Staged

YES, NO = "stg_yes", "stg_no"
GONE = "Это уже решено или устарело."
NOT_YOURS = "Эту кнопку может нажать только тот, кто начал действие."


def tag(staged_id: int) -> str:
    return f"staged:{staged_id}"


async def ask(ctx: Context, *, kind: str, payload: dict[str, Any], text: str,
              choices: Sequence[tuple[str, str | None, str]], cancel: str = "Отмена",
              to: Where | None = None) -> int:
    """Stage a decision and send the question (inside the flow's commit).

    `choices`: (label, word, style); the word tells the confirming flow which option was chosen.
    """
    s = ctx.services
    staged_id = await s.repos.staged.stage(kind, ctx.actor.id, {**payload, "text": text}, s.now(),
                                           chat_id=ctx.chat_id)
    rows = [[callback(label, YES, staged_id, style, word=word)] for label, word, style in choices]
    rows.append([callback(cancel, NO, staged_id)])
    ctx.send(to or ctx.where, text, Buttons(rows=rows), tag=tag(staged_id))
    return staged_id


def settle(ctx: Context, staged: Staged, outcome: str) -> None:
    """The question loses its buttons and says what became of it (after the press's commit)."""
    question = str(staged.payload.get("text") or "")
    text = f"{question}\n\n{outcome}".strip()
    ctx.owe(Edit(where=ctx.where, tag=tag(staged.id), text=text))


async def close(ctx: Context, staged: Staged, *, done: bool) -> bool:
    """Take the decision inside the commit; False (and the presser told) when someone was first."""
    if await ctx.services.repos.staged.close(staged.id, done=done, now=ctx.services.now()):
        return True
    ctx.answer(GONE)
    return False
