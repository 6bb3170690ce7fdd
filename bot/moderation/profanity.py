"""Obscene vocabulary (мат): root structure first, the dictionary second.

A reading of a token is obscene when

1. it contains an obscene root at a plausible morpheme position (word start,
   after verbal prefixes, in a compound), allowing «*» for a masked letter
   and common misspellings (пездец, заибал, блэт); and
2. it is NOT a dictionary word whose every lemma is ordinary: if pymorphy3
   knows the word, it is obscene only when one of its lemmas itself has an
   obscene root at the lemma's start/prefix position. So «оскорблять»,
   «рубля», «команда», «застрахуйте», «небеса» are recognised as the real words
   they are, while «хуёвый» or «пиздец», which the dictionary also knows, stay
   obscene. Words with a masked letter cannot be looked up and count when the
   root matches.

Сука is special: its literal senses (a female dog) are real, so it counts
unless the message talks about dogs or trees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.moderation import morphology

# Verbal prefixes that can precede the еб-/бляд-/муд-/хуй- roots. In lemmas the
# prefix «с-» always comes with the hard sign («съебаться»), so bare «с», «вс»
# are left out: they would turn «себастьян», «всеблагой» into matches.
_PREFIX = r"(?:за|на|вы|у|по|до|от|ото|об|обо|под|подо|про|пере|раз|рас|из|при|недо|о|осто|ни|не|въ|съ|сь|взъ|объ|отъ|подъ|разъ|изъ)"
_PREFIXES = rf"(?:{_PREFIX}{{0,2}})"

@dataclass(frozen=True, slots=True)
class Root:
    name: str  # shown in the reason, e.g. «пизд»
    candidate: re.Pattern[str]  # searched in a token reading
    lemma: re.Pattern[str]  # searched in a dictionary lemma


def _root(name: str, candidate: str, lemma: str) -> Root:
    return Root(name, re.compile(candidate), re.compile(lemma))


ROOTS: tuple[Root, ...] = (
    _root("хуй", rf"^(?:{_PREFIXES}|а)х(?:[у*][йяюеи]|\*\*|у\*)", rf"^(?:{_PREFIXES}|а)ху[йяеюи]"),
    _root("пизд", r"п[иеыё*][зс*]д|п\*\*д|пи\*\*[а-я*]|^пзд", r"п[иеы]зд"),
    _root(
        "еб",
        rf"^{_PREFIXES}[е*]б(?:[аеиоуылнкьщшц*]|$)|^(?:за|вы|от|до|у)иб[аеиоуылнк]|^[а-я]{{2,}}[оеи]еб(?:[аеиоуылнкь]|$)",
        rf"^{_PREFIXES}еб(?:а|у[чнтл]|л|н|и|ы|ок|ет|ен|ищ|ть|сти|ись|ец)|^(?:долбо|мозго|мудо|хуе|пизд[оа])еб",
    ),
    _root(
        "бляд",
        r"^(?:вы|на|по|рас|раз|за|недо)?(?:бл[я*](?:[дт]|$)|бл[еэ]а?[тд]ь?$|бл\*+$|бл\*\*?[дт]ь?|б\*\*?[дт]ь$|б\*я[дт])",
        r"^(?:вы|на|по|рас|раз|за|недо)?бл(?:я[дт]|я$)",
    ),
    _root("муд", rf"^{_PREFIXES}м[у*]д(?:[аоеи]|\*)", r"^(?:за)?муд(?:ак|ач|ац|ил|оз|о|е|ень|ищ|охать|охаться|от)"),
    _root(
        "манд",
        r"^(?:манд(?:а|ы|е|у|ой|ою|ец|еж|ень|юк|юля|ища|ище|ищ[еау])$|мандав|мандох|м\*нда$)",
        r"^манд(?:а|ав\w*|ец|еж|ень|ища|юк|оха\w*)$",
    ),
    _root("залуп", r"залуп", r"залуп"),
    _root("пидор", rf"^{_PREFIXES}п[иеё*]д[оа*]р|^п[ие]д[еэ]раст", r"^(?:от)?п[иеё]д[оа]р|^п[ие]д[ие]раст"),
)
_SUKA_RE = re.compile(
    r"^(?:с[у*]к(?:а|и|е|у|ой|ою|ам|ами|ах)|с\*ка|суч(?:ар(?:а|ы|е|у|ой|ами?)?|ен(?:ыш|ок)\w*|онок\w*|ий|ья|ье|ьи|ьего|ьей|ка|ки|ке|ку|кой)|сцук[аи])$"
)
# Literal senses of «сука/сучка»: a female dog, or a branch of a tree.
_SUKA_LITERAL_RE = re.compile(
    r"собак|щен|пород|ощен|кобел|питомник|вязк|псин|овчар|лабрадор|терьер|такс[аы]|ветеринар|ветклиник|кинолог|"
    r"выставк\w* собак|поводок|поводк|ошейник|намордник|"
    r"дерев|ветк|сосн|тополь|дуб|берез|ствол|дупл"
)


@dataclass(frozen=True, slots=True)
class ObsceneMatch:
    root: str
    reading: str


def find_root(reading: str) -> str | None:
    """Name of the first obscene root at a plausible position in `reading`."""
    for root in ROOTS:
        if root.candidate.search(reading):
            return root.name
    return None


@lru_cache(maxsize=8192)
def obscene_reading(reading: str) -> str | None:
    """Root name if this plain-Cyrillic reading of a word is obscene."""
    root = find_root(reading)
    if root is None:
        return None
    if "*" in reading or not reading.isalpha():
        return root  # cannot be looked up: a masked word with an obscene root counts
    if morphology.is_known(reading):
        return _obscene_lemma(morphology.lemmas(reading))
    return root


def _obscene_lemma(lemmas: frozenset[str]) -> str | None:
    for lemma in lemmas:
        for root in ROOTS:
            if root.lemma.search(lemma):
                return root.name
    return None


def is_suka(reading: str) -> bool:
    return bool(_SUKA_RE.match(reading))


def suka_is_literal(normalised_message: str) -> bool:
    return bool(_SUKA_LITERAL_RE.search(normalised_message))
