"""`schoolbot check` explains in Russian why a text was flagged (the JSON keeps the stable English
reason and adds `reason_ru`)."""

import io
import json
import re
from pathlib import Path

from bot.moderation import default_checker
from bot.moderation.jsonl_cli import check_jsonl_command, check_text_command, reason_ru

DATA = Path(__file__).parent / "data"


def test_every_reason_the_check_gives_has_russian_words() -> None:
    checker = default_checker()
    seen = set()
    for path in sorted(DATA.glob("moderation*.jsonl")):  # every labelled set: every kind of reason
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                for hit in checker.check(json.loads(line)["text"]).hits:
                    seen.add(hit.reason)
    assert len(seen) > 10
    for reason in seen:
        russian = reason_ru(reason)
        assert not any("a" <= ch.lower() <= "z" for ch in russian.replace("ОМС", "")), (reason, russian)


def test_every_reason_written_in_the_rules_has_russian_words() -> None:
    """Also the reasons no labelled set happens to set off: every literal reason of a finding."""
    sources = Path(__file__).parent.parent / "bot" / "moderation"
    literal = re.compile(r'"([a-z][^"]*)"\)')  # a finding's reason is its last argument
    lines = [line for path in sources.glob("*.py") for line in path.read_text(encoding="utf-8").splitlines()
             if "Finding(" in line]
    reasons = {m.group(1) for line in lines for m in literal.finditer(line)}
    assert len(reasons) > 10
    for reason in reasons:
        russian = reason_ru(reason)
        assert not any("a" <= ch.lower() <= "z" for ch in russian.replace("ОМС", "")), (reason, russian)


def test_the_text_command_and_the_jsonl_filter() -> None:
    out = io.StringIO()
    check_text_command("ты дебил, паспорт 4510 123456", out)
    text = out.getvalue()
    assert "оскорбительное слово «дебил» о человеке" in text and "серия и номер паспорта" in text
    assert "pejorative" not in text and "passport" not in text
    out = io.StringIO()
    check_jsonl_command(io.StringIO('{"text": "ты дебил"}\nне json\n{"x": 1}\n'), out)
    first, bad, wrong = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["hits"][0]["reason"].startswith("pejorative") and "дебил" in first["hits"][0]["reason_ru"]
    assert bad["error"].startswith("строка не JSON") and "text" in wrong["error"]
