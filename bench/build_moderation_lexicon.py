"""Rebuild bot/moderation/data/pejorative_forms.txt from data/insults.txt.

Run after editing insults.txt: .venv/bin/python bench/build_moderation_lexicon.py
The check would still work without it (it expands the word list at start-up),
but start-up would take most of a second instead of a few milliseconds.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.moderation import lexicon  # noqa: E402


def main() -> None:
    out = ROOT / "bot" / "moderation" / "data" / lexicon.FORMS_FILE
    out.write_text(lexicon.forms_table_text(), encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
