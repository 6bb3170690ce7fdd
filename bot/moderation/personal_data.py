"""Personal data of other people: identifier numbers, private phones, home addresses.

Numbers are read as digit groups (spaces, dashes, brackets between digits are
allowed) and classified by length, check digits (СНИЛС, ИНН, Luhn) and the
words around them. Everything works on the normalised text (lower case).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from bot.moderation.checksums import inn_person_valid, luhn_valid, snils_valid
from bot.moderation.sentences import Sentence, sentence_at

_DIGIT_RE = re.compile(r"\d")
# A digit group: digits with at most two separators between neighbours.
_NUMBER_RE = re.compile(r"(?<![\w.,])\+?\d(?:[ \-().№]{0,2}\d){3,22}(?![\w]|[.,]\d)")
_NOT_DIGIT = re.compile(r"\D")

_BIRTH_RE = re.compile(r"(?<![\w])[ivxlcхіс]{1,5}\s?-\s?[а-я]{2}\s?№?\s?\d{6}(?!\d)")
_PASSPORT_CONTEXT = re.compile(r"паспорт|серия|серии|серию")
_SERIES_NUMBER_RE = re.compile(r"(?:серия|серию|серии)\s*\d{2}\s?\d{2}\s*,?\s*(?:номер|№)\s*\d{6}(?!\d)")
# «паспорт 4509 № 112233», «серия паспорта мамы — 4510, номер — 678123»: series and number apart.
_PASSPORT_SPLIT_RE = re.compile(
    r"(?:паспорт\w*|серия|серию|серии)[^\d\n]{0,25}?(?<!\d)(?:\d\s?){3}\d(?!\d)[^\d\n]{1,15}?(?<!\d)(?:\d\s?){5}\d(?!\d)"
)
# A foreign passport: «загранпаспорт 75 1234567» (series of 2 digits, number of 7).
_FOREIGN_PASSPORT_CONTEXT = re.compile(r"загран")
_FOREIGN_PASSPORT_RE = re.compile(r"загран\w*[^\d\n]{0,25}?(?<!\d)\d{2}[\s№.:-]{1,4}\d{7}(?!\d)")
_SNILS_CONTEXT = re.compile(r"снилс|страхов\w* свидетельств|страхов\w* номер")
_INN_CONTEXT = re.compile(r"(?<![а-я])инн(?![а-я])")
_OMS_CONTEXT = re.compile(r"(?<![а-я])(?:омс|полис)")
_CARD_CONTEXT = re.compile(r"карт[аеуыо]|перевод|переведите|переводите|скидыва|сбер|т-банк|тинькофф|держател")
_BIRTH_CONTEXT = re.compile(r"свидетельств\w* о рождении|св-в\w*")
# Numbers that are plainly not about a person.
_NUMBER_EXEMPT = re.compile(
    r"заказ|заявк|трек|isbn|артикул|штрихкод|накладн|квитанц|посылк|билет|код\w*|индекс|кпп|бик|огрн|окпо|р/с|расч[её]тн|лицев|идентификатор|конференц"
)
# Official or institutional phones are public; a personal marker overrides.
_OFFICIAL = re.compile(
    r"школ|гимнази|лице[йя]|приемн|секретар|канцеляр|вахт|горяч|лини[яи]|поддержк|довери|справочн|дежурн|регистратур|"
    r"поликлиник|больниц|медпункт|администрац|учрежден|отдел|полици|мчс|скорая|госуслуг|бухгалтер|диспетчер|музе|библиотек|"
    r"охран|пост(?![а-я])|бассейн|клуб|центр(?:а|е|у|ом)?(?![а-я])|студи[яию]|секци|такси|магазин|салон|служб|компани|организац|фирм|(?<![а-я])ооо|"
    r"мбоу|маоу|гбоу|(?<![а-я])сош|(?<![а-я])доу|запис[ьи]|справк|режим работы|часы работы|администратор|столов|"
    r"комбинат|лагер|кружк|медсестр|медкабинет|психолог|логопед|завуч|директор|стади|театр|кинотеатр|детск\w* сад|садик|приют|ветклиник|аптек"
)
# A name in quotes next to a phone is an organisation: «Бассейн «Дельфин», запись по телефону …».
_ORGANISATION_NAME = re.compile(r"[«\"][^»\"\n]{2,40}[»\"]")
_PERSONAL = re.compile(r"личн|мобильн\w* (?:мам|пап|бабушк|дедушк)|домашн")
_OWN = re.compile(r"(?<![а-я])(?:мой|моя|мне|меня|мною|я)(?![а-я])")
_LOGIN_BEFORE = re.compile(r"(?:логин|вход|войти|входа)\W{0,3}$")
_OTHER_PERSON_PHONE = re.compile(r"(?:номер|телефон|тел|мобильн\w*)\.?\s+(?!мой|моя)[а-я]{3,}")

_FLAT_RE = re.compile(r"(?<![а-я])(?:кв\.?|квартира)\s*№?\s*\d{1,4}(?![\d.,]?\d|\s*(?:м(?![а-я])|метр))")
_HOUSE_BEFORE_RE = re.compile(r"\d{1,3}\s*[а-я]?\s*(?:,|\s)\s*(?:корп\.?\s*\d+\s*,?\s*)?$")
_HOUSE_FLAT_RE = re.compile(r"(?<![\w])[а-я][а-я\-]{3,}\s*,?\s+(?:д\.?\s*)?\d{1,3}[а-я]?\s?[-/]\s?\d{1,4}(?![\d\-./])")
_LIVES_RE = re.compile(
    r"(?:жив[её]т|живут|проживает|адрес\w*)\s+(?:по адресу\s*:?\s*|на\s+)?(?:ул\.?\s*|улиц[аеы]\s+|пр\.?\s*|проспект\w*\s+|мкр\.?\s*)?"
    r"[а-я][а-я\-]{3,}\s*,?\s+(?:д\.?\s*|дом\s*)?\d{1,3}(?![\d.:])"
)
_ADDRESS_CONTEXT = re.compile(r"адрес|жив[её]т|живут|прожива|жив[её]м|живу(?![а-я])")
# A settlement or block instead of a street: «в микрорайоне Южный, дом 12», «СНТ «Ромашка», участок 88».
_LOCALITY = (
    r"(?:микрорайон\w*|мкр\.?|мкрн\.?|квартал\w*|пос[её]л\w*|пос\.|п\.|пгт\.?|сел[оауе]м?|с\.|деревн\w*|дер\.|д\.|"
    r"снт|днт|днп|тсн|станиц\w*|ст-ц[аы]|хутор\w*|х\.|слобод\w*|город\w*|г\.|"
    r"улиц\w*|ул\.?|проспект\w*|пр-т|пр\.|переул\w*|пер\.|бульвар\w*|б-р|шоссе|проезд\w*|набережн\w*|наб\.|площад\w*|пл\.|тупик\w*|аллея|аллее)"
)
_LOCALITY_ADDRESS_RE = re.compile(
    rf"(?<![а-я]){_LOCALITY}\s*[«\"]?[а-я0-9][а-я\-]*(?:\s[а-я][а-я\-]+)?[»\"]?\s*,?\s+(?:(?:{_LOCALITY}\s*[«\"]?[а-я][а-я\-]*[»\"]?\s*,?\s+)?)"
    r"(?:дом|д\.|участок|уч\.|№)?\s*\d{1,4}(?:\s?[а-я](?![а-я]))?(?:\s?[-/]\s?\d{1,4})?(?![\d.:])"
)
# Whose address: another person's («Катя живёт», «адрес Гриши») or one's own («наш адрес», «ждём у нас»).
_SOMEONE_ELSES_RE = re.compile(r"жив[её]т|живут|прожива|прописан|домашн\w* адрес|адрес (?!наш|мой|школ|нашей|моей)[а-я]+(?:ы|и|а|я|ова|евых|овых|ых|иных|ина)(?![а-я])")
_OWN_ADDRESS_RE = re.compile(
    r"(?<![а-я])(?:наш|мой|моя|наша)\s+адрес|адрес\s*(?:наш|мой)|(?<![а-я])мы\s+(?:живем|переехали)|я\s+живу|(?<![а-я])живем|"
    r"(?<![а-я])к\s+нам(?![а-я])|у\s+нас\s+дома|(?<![а-я])(?:ждем|жду|приглашаем|приглашаю)(?![а-я])"
)

# Asking for data: imperatives, infinitives after «надо/всем», «пишем сюда», «пусть скинет» — any
# form of the posting verbs except the past tense («мама прислала»).
_REQUEST_RE = re.compile(
    r"(?<![а-я])(?:скин|кин|кид|скид|присл|пришл|присыл|отправ|отправл|напиш|написа|напис|пиш|вылож|выклад|сброс|сбрас|"
    r"впиш|вписа|впис|укаж|указа|указ|дублир|продублир|опублик|публик|запиш|записа|запис|продикту|дикту|скопиру|"
    r"перешл|пересыл|запост|дай|предостав|предоставл)"
    r"(?:ыва|ива|ова|а|я|у|и|е)?(?:ите|ьте|йте|ть|ти|ем|им|ете|ет|ит|ут|ют|ат|ят|те|и|ь|й|у|ю)?(?![а-я])"
)
_DATA_NOUN_RE = re.compile(
    r"снилс|паспорт|полис|(?<![а-я])омс|(?<![а-я])инн(?![а-я])|номер\w* карт|данные карт|свидетельств\w* о рождении|"
    r"адрес\w* проживания|домашн\w* адрес|серию и номер|реквизиты карт|номер\w* телефон\w* (?:родител|мам|пап|дет)"
)
# The data should go to this chat, whatever else is said: «в личку и сюда».
_HERE = re.compile(r"(?<![а-я])(?:сюда|здесь|в чат|в этот чат|в общий|в группу|в беседу|в ответ|в комментари)")
# Warnings anywhere in the sentence: «если просят прислать СНИЛС в чат — не делайте этого».
_WARNING = re.compile(
    r"(?<![а-я])(?:нельзя|никогда|никому|запрещ\w*|мошенни\w*|не (?:надо|нужно|стоит|делайте|присылайте|скидывайте|пишите|"
    r"выкладывайте|отправляйте|публикуйте|кидайте|присылаем|пишем|выкладываем|ведитесь))(?![а-я])"
)
_PRIVATE_DESTINATION = re.compile(r"в личк|в лс|личн\w* сообщени|на почту|лично|секретар|в канцеляри|медсестр|в кабинет|классному руководителю")
_NEGATED = re.compile(r"(?<![а-я])(?:не|нельзя|никогда|никому)\s+$")


# A message with this many candidates of one kind is already flagged; looking
# at more would only make adversarial input slower (the masked excerpt
# additionally stars out every long digit run).
MAX_MATCHES = 24


@dataclass(frozen=True, slots=True)
class Finding:
    start: int  # normalised span
    end: int
    reason: str


def find_personal_data(text: str) -> list[Finding]:
    """Personal data findings in a normalised message."""
    found: list[Finding] = []
    if _DIGIT_RE.search(text):
        found += _birth_certificates(text)
        found += _numbers(text)
        found += _addresses(text)
    found += _requests(text)
    return found


_WINDOW = 160


def _around(text: str, sentence: Sentence, start: int, end: int) -> str:
    """The part of `sentence` within a fixed window around [start, end)."""
    return text[max(sentence.start, start - _WINDOW) : min(sentence.end, end + _WINDOW)]


def _birth_certificates(text: str) -> list[Finding]:
    out = [Finding(m.start(), m.end(), "birth certificate number") for m in _BIRTH_RE.finditer(text)]
    out += [Finding(m.start(), m.end(), "passport series and number") for m in _SERIES_NUMBER_RE.finditer(text)]
    if "загран" in text:
        out += [Finding(m.start(), m.end(), "foreign passport number") for m in islice(_FOREIGN_PASSPORT_RE.finditer(text), MAX_MATCHES)]
    if "паспорт" in text or "сери" in text:
        out += [Finding(m.start(), m.end(), "passport series and number") for m in islice(_PASSPORT_SPLIT_RE.finditer(text), MAX_MATCHES)]
    return out


def _numbers(text: str) -> list[Finding]:
    out: list[Finding] = []
    for m in islice(_NUMBER_RE.finditer(text), MAX_MATCHES):
        raw = m.group()
        digits = _NOT_DIGIT.sub("", raw)
        sentence = sentence_at(text, m.start())
        before = text[max(sentence.start, m.start() - 60) : m.start()]
        # Context rules read the sentence, but at most a window around the number,
        # so a 4,096-character message without full stops stays linear.
        near = _around(text, sentence, m.start(), m.end())
        reason = _classify(digits, raw, before, near, text[m.end() : m.end() + 30])
        if reason:
            out.append(Finding(m.start(), m.end(), reason))
    return out


def _classify(digits: str, raw: str, before: str, sentence: str, after: str) -> str | None:
    n = len(digits)
    context = before + " " + after
    if n == 6 and _BIRTH_CONTEXT.search(sentence):
        return "birth certificate number"
    if _NUMBER_EXEMPT.search(before[-40:]):
        return None
    if n == 10 and _INN_CONTEXT.search(before[-20:]):
        return None  # an organisation's ИНН in payment details
    if n == 10 and (_PASSPORT_CONTEXT.search(context) or re.fullmatch(r"\d{2} \d{2} №?\d{6}", raw)):
        return "passport series and number"
    if n == 9 and _FOREIGN_PASSPORT_CONTEXT.search(sentence):
        return "foreign passport number"
    if n == 16 and _OMS_CONTEXT.search(context):
        return "ОМС policy number"
    if n == 11 and _SNILS_CONTEXT.search(context):
        return "СНИЛС"
    if n == 12 and inn_person_valid(digits):
        return "personal ИНН with valid checksum"
    if 13 <= n <= 19 and digits[0] in "23456" and luhn_valid(digits):
        return "bank card number (Luhn-valid)"
    if 16 <= n <= 19 and _CARD_CONTEXT.search(before[-40:]):
        return "bank card number"
    if _is_phone(digits, raw):
        return _phone_reason(before, sentence)
    if n == 11 and snils_valid(digits) and (re.fullmatch(r"\d{3}[- ]\d{3}[- ]\d{3}[- ]\d{2}", raw) or _SNILS_CONTEXT.search(sentence)):
        return "СНИЛС with valid checksum"
    return None


def _is_phone(digits: str, raw: str) -> bool:
    if len(digits) == 11 and digits[0] in "78":
        return True
    return len(digits) == 10 and digits[0] == "9" and (raw.startswith("9") or "(" in raw)


def _phone_reason(before: str, sentence: str) -> str | None:
    if _LOGIN_BEFORE.search(before):
        return None  # a phone used as a login: the account-sharing check reports it
    if re.search(r"8\D{0,3}800", before[-3:] + sentence) and "800" in sentence:
        return None  # toll-free helpline
    personal = bool(_PERSONAL.search(sentence))
    if (_OFFICIAL.search(sentence) or _ORGANISATION_NAME.search(sentence)) and not personal:
        return None
    if _OWN.search(before) and not _OTHER_PERSON_PHONE.search(before) and not personal:
        return None  # one's own number
    return "phone number of a private person"


def _addresses(text: str) -> list[Finding]:
    out = _address_candidates(text)
    if out and _OWN_ADDRESS_RE.search(text) and not _SOMEONE_ELSES_RE.search(text):
        return []  # one's own address, given by its owner (an invitation)
    return out


def _address_candidates(text: str) -> list[Finding]:
    out: list[Finding] = []
    for m in islice(_FLAT_RE.finditer(text), MAX_MATCHES):
        head = text[max(0, m.start() - 40) : m.start()]
        house = _HOUSE_BEFORE_RE.search(head)
        if house:
            out.append(Finding(m.start() - len(head) + house.start(), m.end(), "home address with flat number"))
    if _ADDRESS_CONTEXT.search(text):
        for m in islice(_HOUSE_FLAT_RE.finditer(text), MAX_MATCHES):
            out.append(Finding(m.start(), m.end(), "home address (house-flat)"))
        for m in islice(_LIVES_RE.finditer(text), MAX_MATCHES):
            if not _OFFICIAL.search(_around(text, sentence_at(text, m.start()), m.start(), m.end())):
                out.append(Finding(m.start(), m.end(), "home address"))
        if _SOMEONE_ELSES_RE.search(text):
            for m in islice(_LOCALITY_ADDRESS_RE.finditer(text), MAX_MATCHES):
                if not _OFFICIAL.search(_around(text, sentence_at(text, m.start()), m.start(), m.end())):
                    out.append(Finding(m.start(), m.end(), "home address"))
    return out


# Substrings one of which every _DATA_NOUN_RE match contains (a cheap gate).
_DATA_NOUN_HINT_RE = re.compile("снилс|паспорт|полис|омс|инн|карт|свидетельств|адрес|телефон")


def _requests(text: str) -> list[Finding]:
    out: list[Finding] = []
    if not _DATA_NOUN_HINT_RE.search(text):
        return out  # most messages name no document at all
    for m in islice(_REQUEST_RE.finditer(text), MAX_MATCHES):
        sentence = sentence_at(text, m.start())
        tail = text[m.end() : min(sentence.end, m.end() + 60)]
        noun = _DATA_NOUN_RE.search(tail)
        if not noun or " нет " in tail[: noun.start()]:
            continue
        near = _around(text, sentence, m.start(), m.end())
        if _NEGATED.search(text[sentence.start : m.start()]) or _WARNING.search(near):
            continue
        if _PRIVATE_DESTINATION.search(near) and not _HERE.search(near):
            continue
        out.append(Finding(m.start(), m.end() + noun.end(), "request to post personal data in the chat"))
    return out
