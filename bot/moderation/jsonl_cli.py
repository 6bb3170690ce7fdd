"""Command-line front ends: `schoolbot check TEXT` and the JSON-lines filter."""

from __future__ import annotations

import json
import re
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


# The check names its reasons in English (they are stable identifiers the JSON output keeps);
# an administrator reading `schoolbot check` gets them in Russian.
_REASONS_RU: dict[str, str] = {
    "word blocked by the school": "слово из списка школы (/фильтр)",
    "сука used as a swear word": "«сука» как ругательство",
    "мат aimed at a person": "мат в адрес человека",
    "telling someone to shut up": "грубое требование замолчать",
    "birth certificate number": "номер свидетельства о рождении",
    "passport series and number": "серия и номер паспорта",
    "foreign passport number": "номер загранпаспорта",
    "ОМС policy number": "номер полиса ОМС",
    "СНИЛС": "СНИЛС",
    "СНИЛС with valid checksum": "СНИЛС (контрольная сумма сходится)",
    "personal ИНН with valid checksum": "ИНН человека (контрольная сумма сходится)",
    "bank card number (Luhn-valid)": "номер банковской карты (проходит проверку по алгоритму Луна)",
    "bank card number": "номер банковской карты",
    "phone number of a private person": "телефон частного лица",
    "home address": "домашний адрес",
    "home address (house-flat)": "домашний адрес (дом-квартира)",
    "home address with flat number": "домашний адрес с номером квартиры",
    "request to post personal data in the chat": "просьба выложить чужие персональные данные в чат",
    "posted one-time/login code": "код для входа или из СМС",
    "posted password": "пароль",
    "offering or asking for access to an account": "предлагают или просят доступ к аккаунту",
    "asking for someone's code or password": "просят чужой код или пароль",
    "asking for someone's password": "просят чужой пароль",
    "asking for someone's code": "просят чужой код",
    "asking for access to an account": "просят доступ к аккаунту",
    "asking someone to log in as oneself": "просят войти в аккаунт вместо себя",
    "asking the chat for someone's contact data": "просят в чате чужие контакты",
    "passport number": "номер паспорта",
    "personal ИНН": "ИНН человека",
    "driving licence number": "номер водительского удостоверения",
    "posted login and password": "логин и пароль",
}
_PEJORATIVE = re.compile(r"^pejorative «(?P<word>[^»]*)» about a person$")


def reason_ru(reason: str) -> str:
    """The check's reason as an administrator reads it; an unknown one is shown as it is."""
    if reason in _REASONS_RU:
        return _REASONS_RU[reason]
    if match := _PEJORATIVE.match(reason):
        return f"оскорбительное слово «{match['word']}» о человеке"
    if reason.startswith("obscene root "):
        return f"матерный корень «{reason.removeprefix('obscene root ')}»"
    return reason


def format_verdict_ru(text: str, verdict: Verdict) -> str:
    if not verdict.hits:
        return "Нарушений не найдено."
    lines = ["Найдено: " + "; ".join(LABEL_NAMES_RU[label] for label in verdict.labels)]
    for hit in verdict.hits:
        fragment = masked_excerpt(text[hit.start : hit.end], Verdict(hits=(_shift(hit),)), limit=60)
        lines.append(f"  • {LABEL_NAMES_RU[hit.label]}: «{fragment}» [{hit.start}–{hit.end}] — {reason_ru(hit.reason)}")
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
        return {"error": f"строка не JSON: {exc.msg}"}
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return {"error": "нужен объект со строковым полем \"text\""}
    try:
        answer = checker.check(record["text"]).to_json()
    except Exception as exc:  # never drop a line, whatever the input
        return {"error": f"проверка не удалась: {type(exc).__name__}"}
    for hit in answer.get("hits", []):
        hit["reason_ru"] = reason_ru(str(hit["reason"]))
    return answer
