"""Insults: a pejorative characterising someone else, read from sentence structure.

A pejorative noun (дебил, чмо, мудак) counts unless the sentence shows it is
not aimed at another person: self-reference («я дура»), talking about the
word («слово «дебил»», quotes), titles and names («Иван-дурак», «Козлов»),
negation («ты не дурак»), a character of a book in homework («Хлестаков —
враль и хвастун, найдите цитаты»). Words that also have a literal sense
(козёл, тормоз, пень) and pejorative adjectives (тупой) count only when
addressed to or predicated of a person: «ты …», «эй, овца, …», «X — овца»,
«она овца», «тупые восьмиклассники». Мат aimed at someone («иди на …»,
«отъе…сь», «ты ох…л») is an insult as well as profanity.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from bot.moderation import morphology

SECOND_PERSON = frozenset("ты тебя тебе тобой тобою вы вас вам вами твой твоя твое твои".split())
# The addressee as a subject: «ты баран», «вы все клоуны», «скряга ты».
_YOU = frozenset({"ты", "вы", "ty", "vy"})
THIRD_PERSON = frozenset(
    "он она они его ее их него нее них этот эта эти этого этой этих такой такая такие этот тот та те".split()
)
_THIRD_SINGLE = frozenset("он она этот эта этого этой тот та".split())
_CALLS = frozenset("эй слышь ну ах ой ты".split())
SELF_WORDS = frozenset("я мы сам сама сами себя себе".split())
# Words that may stand between «ты» and the pejorative: «ты ж реально такой баран».
_FILLERS = frozenset(
    "и же ж ну просто реально реальный реальная такой такая такое такие как настоящий настоящая "
    "полный полная полное полные натуральный натуральная самый самая вообще прям прямо конкретный "
    "конкретная какой какая какие типичный типичная еще уже ведь все тоже совсем точно иногда "
    "у меня нас старый старая мелкий мелкая редкий редкая законченный законченная очередной то там тут здесь "
    # collective nouns: «вы стадо баранов», «родители — сборище идиотов»
    "стадо сборище толпа кучка шайка свора банда куча что че чо чего "
    # «ты ведёшь себя как свинья», «вы выглядите как клоуны»
    "ведешь ведете выглядишь выглядите себя".split()
)
# Words showing that a word is discussed rather than used.
META_RE = re.compile(
    r"слов(?:о|а|е|у|ом)\s*[«\"“„]|(?:это|такое|этим|этого) слов|слово [а-я]+ [—–-]|значит|означа|называ|обзыва|обозвал|выражени|ругательств|оскорблени|фразеологизм|синдром|диагноз|термин|синоним|пишется"
)
# Homework about a book or a historical figure: characterising its people is the task.
LITERATURE_RE = re.compile(
    r"сочинени|цитат|персонаж|геро[йяиеюь]|образ[аеуы]?(?![а-я])|произведени|роман[аеуы]?(?![а-я])|повест[ьию]|"
    r"(?<![а-я])рассказ[аеу]?(?![а-я])|пьес[аеуы]|комеди|басн|поэм|сказк|текст[аеу]?(?![а-я])|(?<![а-я])автор|"
    r"писател|глав[аеуы](?![а-я])|докажите|докажи(?![а-я])|аргументир|опишите|характеристик|приведите|помещик"
)
# Literal animals: a picture, a farm, a fairy tale, the gym apparatus.
LITERAL_RE = re.compile(
    r"картин|рисун|рисуем|фото|ферм|зоопарк|животн|питом|сказк|басн|мульт|уголк|спортзал|физр|снаряд|прыж|"
    r"аквариум|клетк|корм|пастб|птиц|звер|ветеринар|цирк|выставк|символ|порода|(?<![а-я])лес[уае]?(?![а-я])"
)
_PERSON_NOUN_RE = re.compile(
    r"(?:классни|клашк|классн(?:ая|ой|ую)$|учител|училк|родител|мамаш|папаш|девоч|девчон|девк|мальчи|пацан|парн|"
    r"ребен|ребят|дет(?:и|ей|ям|ьми|ях)$|люд(?:и|ей|ям|ьми|ях)$|человек|тетк|теть|дядьк|дяд[яеию]|баб(?:а|ы|е|у|ой|ок|ам|ами|ах|ка|ки|ку|кой|ищ)$|"
    r"мужик|старух|старик|дед|бабк|сосед|одноклассн|завуч|директор|физрук|математичк|русичк|историчк|англичанк|химичк|"
    r"малолетк|малыш|подрост|школьни|студент|староста|тренер|вожат|соседк|продавщиц|охранник|водител|"
    r"гост[ьия]|семиклассн|пятиклассн|первоклашк|второклашк|ученик|ученица|ученики|учениц|граждан|жител|"
    r"мамочк|родительниц|сотрудни|чиновни|депутат|игрок|фанат|блогер)"
)
# «заткнись», «закрой рот», «отвали», «иди лесом», «пошёл вон».
_MOUTH = r"(?:рот|пасть|варежку|хлебало|ебало|ебальник|еблет|хайло|хавальник|пачку|рыло)"
PHRASE_RE = re.compile(
    r"(?<![а-я])(?:заткни(?:сь|тесь)|завали(?:сь|тесь)|захлопни(?:сь|тесь)|умолкни(?:те)?|"
    rf"(?:заткни|закрой|завали|захлопни)(?:те)? (?:свой |свою |свое |уже )?{_MOUTH}(?! (?:при|когда|рукой|платком|салфеткой|локтем)(?![а-я]))|"
    rf"{_MOUTH} (?:свой |свою )?(?:закрой|завали|захлопни|заткни)|"
    r"отвали(?:те)?|отвянь(?:те)?|отцепи(?:сь|тесь)|отъебись|отъебитесь|съебись|съебитесь|съеби|съебите|съебывай(?:те)?|уебывай(?:те)?|"
    r"проваливай(?:те)?|сгинь(?:те)?|"
    r"(?:вали|валите|катись|катитесь|убирайся|убирайтесь) (?:отсюда|вон|колбаской|к черту|к чертям)|"
    r"(?:пошел|пошла|пошли|пшел|иди|идите|шел|катись|катитесь|вали|валите)(?: ты| вы|-ка)? "
    r"(?:вон(?! (?:туда|там|тот|та|те|к|в|на|за|через|до|у|по)(?![а-я]))|лесом(?! (?:до|к|через|мимо|по|вдоль)(?![а-я]))|полем|в баню|в жопу|в задницу|к черту|к чертям|куда подальше|нахер|на хер|нафиг|на фиг|нахрен|на хрен|"
    r"на хуй|нахуй|в пизду|на три буквы)|"
    r"маменьки(?:н|на|ного|ному|ным)? (?:сынок|сынка|сынку|сынком|сынки|дочка|дочки|дочку)|"
    r"(?<=ты )(?:просто |полное |пустое |же |ж |реально |настоящий |настоящее )*(?:пустое место|ноль без палочки|позор|позорище)|"
    # «у тебя мозгов как у курицы», «мозги с горошину»
    r"(?<=у тебя )мозг(?:ов|и|а)? (?:как у|меньше,? чем у|с горошин)|(?<=у вас )мозг(?:ов|и|а)? (?:как у|меньше,? чем у|с горошин))(?![а-я])"
)
# Cheap gate: a message without any of these words cannot match PHRASE_RE.
PHRASE_TRIGGERS = frozenset(
    "заткнись заткнитесь заткни заткните завали завалите завались завалитесь захлопни захлопните захлопнись "
    "захлопнитесь умолкни умолкните закрой закройте рот пасть варежку хлебало ебало ебальник еблет хайло хавальник "
    "пачку рыло отвали отвалите отвянь отвяньте отцепись отцепитесь отъебись отъебитесь съебись съебитесь съеби "
    "съебите съебывай съебывайте уебывай уебывайте проваливай проваливайте сгинь сгиньте вали валите катись "
    "катитесь убирайся убирайтесь пошел пошла пошли пшел иди идите шел маменькин маменькина маменькиного "
    "маменькиному маменькиным пустое ноль позор позорище мозгов мозги мозга".split()
)
# Going-away verbs before a destination made of мат: «иди на …», «пошла ты в …».
_GO_VERBS = frozenset("иди идите пошел пошла пошли пшел шел катись катитесь вали валите".split())
_OBSCENE_DESTINATION_RE = re.compile(r"^(?:на)?ху[йяи]$|^пизд[уеы]$")
# An obscene reading that is a verb telling someone to go away: «съе…сь», «отъе…тесь».
_OBSCENE_LEAVE_RE = re.compile(r"^(?:(?:отъ|оть|съ|сь|у|от|с)еб(?:ись|итесь|ывай(?:ся|тесь|те)?|и|ите)|(?:с|по|от)?пиздуй(?:те)?)$")
# Obscene characterisations of the addressee when the dictionary cannot tell (masked spellings).
_CHARACTERISING_END_RE = re.compile(r"(?:[ыио]й|ая|ое|ые|ел|ела|ели|ал|ала|али|ил|ила|или|ул|ула|ули|утый|утая|утые)$")
_CHARACTERISING_POS = frozenset({"ADJF", "ADJS", "PRTF", "PRTS", "VERB"})
# Words near an obscene word that may make it aimed at someone (checked before any parsing).
AIM_CUES = _YOU | _GO_VERBS


def aims_by_itself(text: str) -> bool:
    """«съе…сь», «отъе…тесь»: the obscene word itself tells someone to go away."""
    return bool(_OBSCENE_LEAVE_RE.match(text))


class Word(NamedTuple):
    """A token as the insult rules see it."""

    text: str  # normalised token
    start: int  # normalised span
    end: int
    capitalised: bool  # original starts with an upper-case letter, rest not all caps
    quoted: bool  # inside quotation marks in the original
    hyphen_joined: bool  # part of a hyphenated compound («Иван-дурак»)
    followed_by: str  # first non-space character after the word ('' at the end)
    dash_after: bool  # a spaced dash follows («Тимофей — болван»), not a hyphen


def is_insult(words: list[Word], index: int, kind: str, message: str, *, obscene: bool = False) -> bool:
    """Whether the pejorative at `words[index]` insults someone in its sentence.

    `kind` is a lexicon kind, or "expletive" for сука/блядь, which are also
    interjections («сука, ручка потекла») and so need an explicit target.
    `message` is the whole normalised message (for homework cues). `obscene`: an obscene noun for a
    person («долбоёбы»), which no capital letter turns into a name.
    """
    word = words[index]
    if word.quoted or word.hyphen_joined or _card_game(words, index):
        return False
    opens_address = index == 0 and len(words) > 1 and words[1].text in _YOU  # «Баран ты, Петька»
    if word.capitalised and not obscene and not opens_address and (index > 0 or morphology.is_proper_name(word.text)):
        return False  # a name, surname or title: «Козлов», «синдром Дауна»
    before = [w.text for w in words[max(0, index - 4) : index]]
    if before and before[-1] == "не":
        return False
    if META_RE.search(" ".join(w.text for w in words)):
        return False
    if word.dash_after and index + 1 < len(words) and words[index + 1].text == "это":
        return False  # «нуб — это новичок в игре»: a definition of the word
    addressed = any(w.text in SECOND_PERSON for w in words)
    after = words[index + 1].text if index + 1 < len(words) else ""
    if not addressed and SELF_WORDS.intersection([*before, after]):
        return False
    you = _addressed_directly(words, index)
    if not you and _mentions(LITERATURE_RE, message):
        return False  # «Хлестаков — враль, найдите цитаты»: the task is to characterise
    if _dash_subject_not_a_person(words, index):
        return False  # «мой кот — страшный лентяй», «собака у соседей — монстр»
    if kind == "strong":
        return True
    if kind == "expletive":
        # «сука, ты опять…» is an interjection; «ты сука» / «эта сука» / «X — сука» is not.
        near = [*before[-2:], after]
        return (bool(SECOND_PERSON.intersection(near) or THIRD_PERSON.intersection(before[-1:])) or _after_dash(words, index)
                or (index > 0 and words[index - 1].followed_by != "," and _predicated_of_name(words, index, kind)))
    if kind in ("adjective", "mild") and _qualifies_a_thing(words, index):
        return False  # «ты толстую тетрадь купил?»: the adjective belongs to the noun after it
    if you or _after_dash(words, index) or _said_of_someone_at_us(words, index) or _predicated_of_name(words, index, kind):
        return True  # «ты баран», «Ваня — полено», «Воронцов у нас имбецил», «Лёва просто бревно»
    subject = _subject_before(words, index)
    if kind in ("adjective", "mild"):
        if subject in THIRD_PERSON or (kind == "adjective" and _describes_person(words, index)):
            return True
    elif subject in _THIRD_SINGLE or (subject in THIRD_PERSON and morphology.is_animate_noun(word.text)):
        # «эта овца опять…»; but «эти овощи» (plural, inanimate) is food and
        # «эта корова на картинке» is a drawing.
        return not _mentions(LITERAL_RE, message)
    # «у тебя с головой не в порядке, полоумный», «не лезь, убогий»: said to someone, then the word.
    return _is_vocative(words, index) or ((addressed or _speaks_to_someone(words)) and _trailing_vocative(words, index))


_CARD_GAME_WORDS = frozenset({"дурака", "дурачка"})
_CARD_GAME_KINDS = frozenset({"подкидного", "переводного"})


def _card_game(words: list[Word], index: int) -> bool:
    """«играли в дурака», «в подкидного дурака»: the card game, nobody is called a fool."""
    if words[index].text not in _CARD_GAME_WORDS:
        return False
    before = [w.text for w in words[max(0, index - 2) : index]]
    return before[-1:] == ["в"] or (len(before) == 2 and before[0] == "в" and before[1] in _CARD_GAME_KINDS)


def obscene_aimed_at_person(words: list[Word], index: int) -> bool:
    """Whether an obscene word that names no person is still aimed at one.

    «иди на …», «пошла ты в …», «съе…сь», «ты ох…л», «вы за…ли»: the
    addressee is told off, so the message insults as well as swears.
    """
    word = words[index]
    if word.quoted:
        return False
    text = word.text
    before = [w.text for w in words[max(0, index - 3) : index]]
    if _OBSCENE_DESTINATION_RE.match(text) and _GO_VERBS.intersection(before):
        return True
    if _OBSCENE_LEAVE_RE.match(text):
        return True
    if not _addressed_directly(words, index, fillers_only=True):
        return False
    if text.endswith(("ся", "сь")):
        return False  # «ты заеб…ся?» is about being tired, not a verdict on you
    tags = morphology.pos_tags(text) if morphology.is_known(text) else frozenset()
    return bool(tags & _CHARACTERISING_POS) if tags else bool(_CHARACTERISING_END_RE.search(text))


def _addressed_directly(words: list[Word], index: int, *, fillers_only: bool = False) -> bool:
    """«ты (же реально) X», «вы все X», «X ты», «X же ты»: the addressee is the subject."""
    for prev in range(index - 1, max(-1, index - 5), -1):
        text = words[prev].text
        if text in _YOU:
            return True
        if text in _FILLERS or (not fillers_only and _is_modifier(text)):
            continue
        break
    following = [w.text for w in words[index + 1 : index + 3]]
    if following[:1] and following[0] in _YOU:
        return True
    return len(following) == 2 and following[0] in {"же", "ж", "и"} and following[1] in _YOU


def _is_adjective(text: str) -> bool:
    return "ADJF" in morphology.pos_tags(text) if text.isalpha() else False


def _is_modifier(text: str) -> bool:
    """An adjective or adverb between «ты» and the word: «ты умственно отсталый», «ты старый хрыч»."""
    return bool(morphology.pos_tags(text) & {"ADJF", "ADVB"}) if text.isalpha() else False


def _describes_person(words: list[Word], index: int) -> bool:
    """«тупорылые восьмиклассники», «толстожопая училка»: the adjective qualifies people."""
    for nxt in words[index + 1 : index + 3]:
        if _PERSON_NOUN_RE.search(nxt.text):
            return True
        if not _is_adjective(nxt.text):
            return False
    return False


@lru_cache(maxsize=256)
def _mentions(pattern: re.Pattern[str], message: str) -> bool:
    """Message-level cues, searched once per message however many words ask."""
    return bool(pattern.search(message))


def _qualifies_a_thing(words: list[Word], index: int) -> bool:
    nxt = words[index + 1].text if index + 1 < len(words) else ""
    if not nxt.isalpha() or words[index].followed_by in {",", "!", "?", "—", "–", "-"}:
        return False
    tags = morphology.pos_tags(nxt)
    return "NOUN" in tags and "ADJF" not in tags and not morphology.is_animate_noun(nxt)


def _subject_before(words: list[Word], index: int) -> str:
    """The first word before `index` that is not a filler («она какая-то ненормальная» → «она»)."""
    for prev in range(index - 1, max(-1, index - 5), -1):
        if words[prev].text not in _FILLERS:
            return words[prev].text
    return ""


def _said_of_someone_at_us(words: list[Word], index: int) -> bool:
    """«Воронцов у нас (совсем) имбецил» — but not «в живом уголке у нас хорёк»."""
    at = index
    while at > 0 and words[at - 1].text in _FILLERS - {"у", "нас"}:
        at -= 1
    if at < 3 or [w.text for w in words[at - 2 : at]] != ["у", "нас"]:
        return False
    return any(w.capitalised or _PERSON_NOUN_RE.search(w.text) for w in words[max(0, at - 6) : at - 2])


def _predicated_of_name(words: list[Word], index: int, kind: str) -> bool:
    """«Лёва просто бревно», «Петя баран»: a first name opens the sentence and only fillers follow it.

    A word with an ordinary literal sense («Вера больная») needs a filler between («Вера просто больная»).
    """
    at = index
    while at > 0 and words[at - 1].text in _FILLERS:
        at -= 1
    if at == 1 and at == index and kind != "mild":
        return words[0].capitalised and morphology.is_person_name(words[0].text, 0.1)
    # A surname counts too («Иванова тупая»), but not an ordinary word that opens the sentence.
    return at == 1 and at < index and words[0].capitalised and morphology.is_person_name(words[0].text, 0.1)


def _is_vocative(words: list[Word], index: int) -> bool:
    """«овца, отдай телефон», «эй, индюк надутый, отойди»: the sentence opens with the word.

    Someone must be spoken to as well (a call, «ты», an imperative, «!»): «ворона,
    сорока и синица — птицы» is a list.
    """
    if not (index == 0 or (index == 1 and words[0].text in _CALLS)):
        return False
    if morphology.is_plural_thing(words[index].text):
        return False  # «Пробки жуткие, задержимся»: the subject of the sentence, nobody called
    if not (index == 1 or words[index].followed_by in {"!", ""} or _speaks_to_someone(words)):
        return False
    if words[index].followed_by in {",", "!", "?", ""}:
        return True
    nxt = words[index + 1] if index + 1 < len(words) else None
    return (
        nxt is not None
        and nxt.followed_by in {",", "!", "?"}
        and _is_adjective(nxt.text)
        and not _is_adjective(words[index].text)  # «индюк надутый,» but not «противная контрольная,»
    )


_ANIMAL_RE = re.compile(
    r"^(?:кот|кош|кис|пес|пса|псу|собак|щен|попуга|хомя|рыб|кон[ья]|лошад|коров|кролик|черепах|свинк|птиц|попуг|"
    r"корм|утк|гус|куриц|петух|козел|коз[аыу]|баран|овц|мыш|крыс|ежик|белк|лис[аыу]|волк|медвед|зоопарк)"
)


def _dash_subject_not_a_person(words: list[Word], index: int) -> bool:
    """A dash predicate whose subject is an animal or a thing, not a person."""
    dash = next((prev for prev in range(index - 1, max(-1, index - 4), -1) if words[prev].dash_after), None)
    if dash is None:
        return False
    subject = words[max(0, dash - 3) : dash + 1]
    if any(w.capitalised and not _ANIMAL_RE.match(w.text) for w in subject[1:]) or any(
        w.text in SECOND_PERSON or w.text in _PERSONAL_PRONOUNS or _PERSON_NOUN_RE.search(w.text) for w in subject
    ):
        return False
    if _is_a_thing(words[dash]):
        return True  # «этот фильм — позорище», «задача — бред» (but «наш класс — стадо» is people)
    if any(w.text in THIRD_PERSON for w in subject):
        return False  # «эта … — овца»
    return any(_ANIMAL_RE.match(w.text) for w in subject)


_PERSONAL_PRONOUNS = frozenset("он она они его ее их него нее них".split())


def _is_a_thing(word: Word) -> bool:
    """An inanimate common noun written in lower case («фильм», «задача»), not a group of people («класс»)."""
    return (
        not word.capitalised
        and word.text.isalpha()
        and not _COLLECTIVE_RE.match(word.text)
        and not _PERSON_NOUN_RE.search(word.text)
        and "NOUN" in morphology.pos_tags(word.text)
        and not morphology.is_animate_noun(word.text)
        and not morphology.is_person_name(word.text, 0.1)
    )


# Nouns for groups of people: what is said of them is said of people.
_COLLECTIVE_RE = re.compile(r"^(?:класс|параллел|команд|групп|школ|семь|семей|коллектив|бригад|народ|толп|компани|отряд|чат|родительск|учительск)")


def _speaks_to_someone(words: list[Word]) -> bool:
    return any(w.text in SECOND_PERSON or morphology.is_imperative_or_second(w.text) for w in words)


def _trailing_vocative(words: list[Word], index: int) -> bool:
    """«у тебя с головой не в порядке, полоумный»: a comma, then the word ends the sentence."""
    return (index > 0 and index == len(words) - 1 and words[index - 1].followed_by == ","
            and not morphology.is_plural_thing(words[index].text))  # «…, пробки» is the reason, not a name


def _after_dash(words: list[Word], index: int) -> bool:
    """«Тимофей — болван», «родители 6Г — стадо баранов»: a dash just before."""
    return any(words[prev].dash_after for prev in range(max(0, index - 3), index))
