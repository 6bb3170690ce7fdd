"""The consent to the processing of a child's data (152-ФЗ; since 1 Sep 2025 a separate document).

A template in Russian ships with the bot (template.txt); a school points `consent.path` at its own
text. The version a parent agrees to is a digest of the text they were shown, so a changed text is
a new version and the record always says which words were agreed to. Pure apart from reading the file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from bot.errors import ConfigError

MAX_CHARS = 3500
"""The text goes in one message with its two buttons (MAX allows 4000 characters, VK 4096)."""
AGREE, DISAGREE = "Согласен", "Не согласен"


@dataclass(frozen=True, kw_only=True)
class ConsentText:
    text: str
    """What the parent is shown, the school's name filled in."""
    version: str
    """«v-1a2b3c4d5e6f»: the first 12 hex digits of the text's SHA-256."""


def version_of(text: str) -> str:
    return "v-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _normalised(text: str) -> str:
    """Line ends and trailing spaces do not make a new version."""
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))


def load_consent(path: Path | None, school_name: str) -> ConsentText:
    """The school's own text from `path`, else the bundled template; ConfigError if it cannot be used."""
    if path is None:
        raw = resources.files("bot.consent").joinpath("template.txt").read_text(encoding="utf-8")
    else:
        try:
            raw = path.read_text(encoding="utf-8-sig")
        except OSError as error:
            raise ConfigError([f"consent.path: не удалось прочитать файл {path} ({error.strerror})"]) from error
        except UnicodeDecodeError as error:
            raise ConfigError([f"consent.path: файл {path} должен быть в кодировке UTF-8"]) from error
    text = _normalised(raw.replace("{school}", school_name))
    if not text:
        raise ConfigError([f"consent.path: файл {path} пустой"])
    if len(text) > MAX_CHARS:
        raise ConfigError([f"consent.path: текст согласия длиннее {MAX_CHARS} знаков ({len(text)}): он должен "
                           "помещаться в одно сообщение мессенджера"])
    return ConsentText(text=text, version=version_of(text))


def declined_text(class_title: str, contact: str) -> str:
    """What a parent who did not agree is told: no request, and how to reach the class teacher."""
    return ("Хорошо. Без согласия я не сохраняю данные о ребёнке, поэтому заявку не создаю. "
            f"Связаться с классным руководителем {class_title}: {contact}. "
            "Если передумаете, откройте ссылку-приглашение ещё раз.")


def asked_text(consent: ConsentText) -> str:
    return f"{consent.text}\n\nРедакция {consent.version}. Нажмите «{AGREE}» или «{DISAGREE}»."
