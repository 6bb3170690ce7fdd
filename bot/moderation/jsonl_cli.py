"""Command-line front ends: `schoolbot check TEXT` and the JSON-lines filter."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TextIO

from bot.moderation.check import ModerationChecker, default_checker
from bot.moderation.masking import masked_excerpt
from bot.moderation.verdict import Hit, Label, Verdict

LABEL_NAMES_RU: dict[Label, str] = {
    Label.PROFANITY: "ненормативная лексика (п. 4.5)",
    Label.INSULT: "оскорбление участника (п. 4.5)",
    Label.PERSONAL_DATA: "персональные данные других лиц (п. 4.6)",
    Label.ACCOUNT_SHARING: "передача доступа к аккаунту (п. 4.6)",
}


def format_verdict_ru(text: str, verdict: Verdict) -> str:
    if not verdict.hits:
        return "Нарушений не найдено."
    lines = ["Найдено: " + "; ".join(LABEL_NAMES_RU[label] for label in verdict.labels)]
    for hit in verdict.hits:
        fragment = masked_excerpt(text[hit.start : hit.end], Verdict(hits=(_shift(hit),)), limit=60)
        lines.append(f"  • {LABEL_NAMES_RU[hit.label]}: «{fragment}» [{hit.start}–{hit.end}] — {hit.reason}")
    lines.append(f"Фрагмент для журнала: {masked_excerpt(text, verdict)}")
    return "\n".join(lines)


def _shift(hit: Hit) -> Hit:
    """The hit moved to the start of its own fragment."""
    return replace(hit, start=0, end=hit.end - hit.start)


def check_text_command(text: str, out: TextIO) -> int:
    verdict = default_checker().check(text)
    out.write(format_verdict_ru(text, verdict) + "\n")
    out.flush()
    return 0


def check_jsonl_command(inp: TextIO, out: TextIO) -> int:
    checker = default_checker()
    for line in inp:
        out.write(json.dumps(_answer(checker, line), ensure_ascii=False) + "\n")
        out.flush()
    return 0


def _answer(checker: ModerationChecker, line: str) -> dict[str, object]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"error": f"invalid JSON: {exc.msg}"}
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return {"error": "expected an object with a string field \"text\""}
    try:
        return checker.check(record["text"]).to_json()
    except Exception as exc:  # never drop a line, whatever the input
        return {"error": f"check failed: {type(exc).__name__}"}
