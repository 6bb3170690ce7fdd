"""The process's one pymorphy3 Russian dictionary.

Moderation, the registry search, names and grammar all read it. Each `MorphAnalyzer` loads its own
copy of the dictionary (about 20 MB of RSS), so no module creates one of its own.
"""

from __future__ import annotations

from functools import cache

import pymorphy3


@cache
def analyzer() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang="ru")
