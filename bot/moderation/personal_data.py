"""Personal data of other people: identifier numbers, private phones, home addresses.

Numbers are read as digit groups (spaces, dashes, brackets between digits are
allowed) and classified by length, check digits (СНИЛС, ИНН, Luhn) and the
words around them. Addresses are read as a small grammar: a flat («кв. 12»,
«квартира номер 14», «в 45-й квартире») next to a house («дом 5», «д. 5»,
«Лесной 15», a street word), or a place with a house number after a verb of
living («живёт на Лесной 15», «переехала на Октябрьскую 6»), or a street and
house said to be someone's («адрес Игоря: …», «у Кости дом на Садовой 24»).
Whose data it is comes from the words around it (see `owners.py`): «мой номер»,
«наш адрес», «приходите к нам» are the owner's own; «номер её мамы», «Катин
адрес», «живёт» are someone else's. Everything works on the normalised text.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from functools import lru_cache
from itertools import islice
from typing import NamedTuple

from bot.moderation import morphology
from bot.moderation.checksums import inn_person_valid, luhn_valid, snils_valid
from bot.moderation.owners import OWN_WORDS, capitalised_words, is_person_word, is_possessive_of_person
from bot.moderation.sentences import Sentence, sentence_at

_DIGIT_RE = re.compile(r"\d")
# A digit group: digits with at most three separators between neighbours («4509 № 123456»).
_NUMBER_RE = re.compile(r"[+\d](?<![\w.,][+\d])(?:(?<=\+)\d|(?<=\d))(?:[ \-().№_/]{0,3}\d){3,22}(?![\w]|[.,]\d)")
_NOT_DIGIT = re.compile(r"\D")
_WORD_RE = re.compile(r"[а-яa-z]+")

# Birth certificate: a Roman-numeral series, two Cyrillic letters, six digits
# («IV-ИК 518437», «серия II-ЛО номер 654321», «I-ОБ, 334455»).
_BIRTH_RE = re.compile(r"[ivxlcхіс](?<![\w][ivxlcхіс])[ivxlcхіс]{0,4}\s?-\s?[а-я]{2}[\s,.:№]{0,4}(?:номер|ном\.|н\.)?[\s,.:№]{0,4}\d{6}(?!\d)")
_SERIES_NUMBER_RE = re.compile(r"(?:серия|серию|серии)\s*\d{2}\s?\d{2}\s*,?\s*(?:номер|№)\s*\d{6}(?!\d)")
# «паспорт 4509 № 112233», «серия паспорта мамы — 4510, номер — 678123»: series and number apart.
_PASSPORT_SPLIT_RE = re.compile(
    r"(?:паспорт\w*|пасп\.|серия|серию|серии)[^\d\n]{0,25}?(?<!\d)(?:\d\s?){3}\d(?!\d)[^\d\n]{1,15}?(?<!\d)(?:\d\s?){5}\d(?!\d)"
)
# A foreign citizen's passport: two Latin letters and seven digits («AB 1234567»).
_LETTER_PASSPORT_RE = re.compile(r"(?:паспорт\w*|пасп\.)[^\d\n]{0,40}?(?<![a-z])[a-z]{2}\s?№?\s?\d{7}(?!\d)")
# A foreign passport: «загранпаспорт 75 1234567» (series of 2 digits, number of 7).
_FOREIGN_PASSPORT_CONTEXT = re.compile(r"загран")
_FOREIGN_PASSPORT_RE = re.compile(r"загран\w*[^\d\n]{0,25}?(?<!\d)\d{2}[\s№.:-]{1,4}\d{7}(?!\d)")
_PASSPORT_CONTEXT = re.compile(r"паспорт|пасп\.|(?<![а-я])пасп(?![а-я])|серия|серии|серию|выдан|мвд|уфмс|(?<![а-я])овд|подразделени")
_LICENCE_CONTEXT = re.compile(r"водительск|удостоверени|(?<![а-я])ву(?![а-я])|(?<![а-я])прав(?:а|ах)?(?![а-я])")
_SNILS_CONTEXT = re.compile(r"снилс|страхов\w* свидетельств|страхов\w* номер")
_INN_CONTEXT = re.compile(r"(?<![а-я])инн(?![а-я])")
_OMS_CONTEXT = re.compile(r"(?<![а-я])омс|полис")
_CARD_CONTEXT = re.compile(r"карт[аеуыо]|перевод|переведите|переводите|скидыва|(?<![а-я])кида|сбер|т-банк|тинькофф|держател|втб|альфа")
# «45 09 123456», «4509 № 123456»: written as a passport is.
_PASSPORT_SHAPE_RE = re.compile(r"\d{2} \d{2} №?\s?\d{6}|\d{4}\s?№\s?\d{6}")
_CARD_GROUPS_RE = re.compile(r"\d{4}([ \-])\d{4}\1\d{4}\1\d{4}")
_BIRTH_CONTEXT = re.compile(r"свидетельств\w* о рождении|св-в\w*")
# Numbers that are plainly not about a person.
_NUMBER_EXEMPT = re.compile(
    r"(?:заказ|заявк|трек|isbn|артикул|штрихкод|накладн|квитанц|посылк|билет|код|индекс|кпп|бик|огрн|окпо|октмо|р/с|расч[её]тн|"
    r"лицев|идентификатор|конференц|сертификат|договор|сч[её]т|(?<![а-я])id(?![a-z])|пфдо)[а-яa-z]*"
    # the label names the number itself: a few more words at most between it and the digits
    r"((?:[\s:№#.,\-]+[а-яa-z][а-яa-z\-]{0,14}){0,3})[\s:№#.,\-]*$"
)
# Official or institutional phones are public; a personal marker overrides.
_OFFICIAL = re.compile(
    r"школ(?!ьн(?:ая|ой|ую|ый|ого|ом|ому))|гимнази|лице[йя]|приемн|секретар|канцеляр|вахт|горяч|лини[яи]|поддержк|довери|справочн|дежурн|регистратур|"
    r"поликлиник|больниц|медпункт|учительск|администрац|еддс|мфц|гибдд|жкх|(?<![а-я])рэс(?![а-я])|водоканал|управляющ|соцзащит|роно(?![а-я])|экстренн|аварийн|учрежден|отдел|полици|мчс|скорая|госуслуг|бухгалтер|диспетчер|музе|библиотек|"
    r"охран|пост(?![а-я])|бассейн|клуб|центр(?:а|е|у|ом)?(?![а-я])|студи[яию]|секци|такси|магазин|салон|служб|компани|организац|фирм|(?<![а-я])ооо|"
    r"мбоу|маоу|гбоу|(?<![а-я])сош|(?<![а-я])доу|запис[ьи]|справк|режим работы|часы работы|администратор|столов|"
    r"комбинат|лагер|кружк|медсестр|медкабинет|психолог|логопед|завуч|директор|стади|театр|кинотеатр|детск\w* сад|садик|приют|ветклиник|аптек|"
    r"опек|(?<![а-я])дк(?![а-я])|дом\w* (?:культуры|творчества|детского)|двор[ец]ц|(?<![а-я])тц(?![а-я])|торгов|кафе|ресторан|пиццери|"
    r"спортшкол|дюсш|(?<![а-я])сдюшор|тренерск|завод|проходн|вокзал|станци|ростелеком|(?<![а-я])мфц|(?<![а-я])загс|суд(?![а-я])|прокурат|"
    r"(?<![а-я])фгбу|(?<![а-я])гбу|(?<![а-я])мбу|(?<![а-я])мау|филиал|офис|(?<![а-я])каб\.|кабинет|корпус\w* школ|вход со двора"
)
# A name in quotes next to a phone is an organisation: «Бассейн «Дельфин», запись по телефону …».
_ORGANISATION_NAME = re.compile(r"[«\"][^»\"\n]{2,40}[»\"]")
_PERSONAL = re.compile(r"личн|мобильн\w* (?:мам|пап|бабушк|дедушк)|домашн")
_LOGIN_BEFORE = re.compile(r"(?:логин|вход|войти|входа)\W{0,3}$")
# The words people call a phone number by.
_PHONE_NOUN_RE = re.compile(
    r"(?<![а-яa-z])(?:номер\w*|телефон\w*|тел|мобильн\w*|мобил\w*|сотов\w*|контакт\w*|ватсап\w*|вотсап\w*|вацап\w*|whatsapp|"
    r"вайбер\w*|viber|телег\w*|телеграм\w*|тг|смс)(?![а-яa-z])"
)
# The owner speaking: «пишите мне», «звоните мне», «мне в ватсап», «я на связи», «это я».
_OWN_PHONE_RE = re.compile(
    r"(?<![а-я])(?:(?:пиш|звон|набир|набер|обращ|стучит|стучи)\w*\s+(?:\w+\s+)?(?:мне|ко мне)|мне\s+(?:пиш|звон|в\s+(?:ватсап|вотсап|вайбер|телег|тг|лс|личк))\w*|"
    r"(?:пиш|звон)\w*\s+сюда|(?:я|мы)\s+(?:смени|помени|поменя)\w*\s+(?:номер|телефон)|я\s+на\s+связи|это\s+я(?![а-я])|со\s+мной|меня\s+(?:можно|легко)|мой\s*[:—–-])"
)
# Words that show a number belongs to someone else: «позвоните ей», «он на машине».
_THIRD_PERSON_RE = re.compile(r"(?<![а-я])(?:ему|ей|им|он|она|они|него|нее|неё|нему|ней|ним)(?![а-я])")
_PHONE_SKIP_WORDS = frozenset("вот это ну а и мобильный личный домашний новый старый рабочий сотовый городской прямой его".split())
_MAX_OWNER_WORDS = 4

# ---- addresses -------------------------------------------------------------
_STREET = (
    r"(?:ул\.?|улиц\w*|проспект\w*|просп\.?|пр-т\w*|пр\.|переул\w*|пер\.|бульвар\w*|б-р|шоссе|ш\.|проезд\w*|набережн\w*|наб\.|"
    r"площад\w*|пл\.|тупик\w*|аллея|аллее|аллеи|линия|линии|микрорайон\w*|мкр\.?|мкрн\.?|квартал\w*)"
)
# «кв. 12», «квартира номер 14», «кв-ра 3»; not an area («54 кв. м») or a count («в квартире 3 комнаты»).
_UNIT_AFTER = (
    r"(?!\s*(?:м(?![а-я])|м2|м²|метр|кв\.?\s*м|км|километр|литр|комнат|этаж|час|мин|дн|раз|человек|чел\.|рубл|руб|р\.|тыс|млн|"
    r"лет|год|%|шт|остановк|шаг|мест|кг|класс|балл|номер|задач|упражнени|параграф|страниц|стр\.))"
)
_FLAT_RE = re.compile(
    rf"(?<![а-я])(?:кв\.?|кв-р[аеуы]|кварт\.|квартир(?:а|ы|е|у|ой))\s*(?:№|номер|ном\.)?\s*\d{{1,4}}(?![\d.,]?\d){_UNIT_AFTER}"
    r"|(?<![\d.,])\d{1,4}(?:-?(?:я|й|ю|ей))?\s+квартир(?:а|е|у|ой)(?![а-я])"
)
# The house next to a flat: «дом 5», «д. 5», «д5», a street word, «Лесной 15», «Садовая, 8», «подъезд 2».
_HOUSE_RE = re.compile(
    rf"(?<![а-я])(?:дом\w*|д\.?)\s*№?\s*\d{{1,4}}(?![\d.,]?\d){_UNIT_AFTER}|(?<![а-я]){_STREET}|"
    rf"(?<![а-я])[а-я][а-я\-]{{2,}}\s*,?\s+\d{{1,4}}[а-я]?(?![\d.,:]?\d){_UNIT_AFTER}"
    r"|(?<![а-я])подъезд\w*|(?<![а-я])этаж\w*"
)
_STREET_BEFORE_RE = re.compile(rf"(?<![а-я]){_STREET}\s*$|(?<![а-я]){_STREET}\s")
_HOUSE_FLAT_RE = re.compile(r"(?<![\w])(?P<name>[а-я][а-я\-]{3,})\s*,?\s+(?:д\.?\s*)?\d{1,3}[а-я]?\s?[-/]\s?\d{1,4}(?![\d\-./])")
_STREET_RE = re.compile(_STREET)
# Living somewhere: a verb of living or moving, then a place with a house number.
_RESIDENCE_RE = re.compile(
    r"(?<![а-я])(?:жив[её]т|живут|проживает|проживают|прожива(?:ющ|ни)\w*|прописан\w*|зарегистрирован\w*|переехал\w*|"
    r"снима(?:ет|ют)|поселил\w*|переселил\w*)(?![а-я])"
)
# «у Кости дом на Садовой 24», «дом Вики — Лесная 5»: a house said to be someone's.
_HOUSE_OF_RE = re.compile(r"(?<![а-я])(?:у\s+([а-я]+)\s+(?:[а-я]+\s+)?дом|дом(?:а|е)?\s+([а-я]+))(?![а-я])")
_PLACE_RE = re.compile(
    rf"(?<![а-я])(?:{_STREET}\s*[«\"]?[а-я0-9][а-я\-]*(?:\s[а-я][а-я\-]+)?[»\"]?\s*,?\s*(?:д\.?|дом)?\s*№?\s*\d{{1,4}}|"
    rf"(?:дом(?:е|а|у)?|д\.|квартир(?:а|е|у|ой)|кв\.?)\s*№?\s*\d{{1,4}}(?![\d.,]?\d){_UNIT_AFTER}|"
    rf"(?P<street>[а-я][а-я\-]{{3,}})\s*,?\s+(?:д\.?\s*|дом\s*)?\d{{1,4}}[а-я]?(?![\d.,:]?\d){_UNIT_AFTER})"
)
# Endings of street names used without «улица»: «на Лесной 15», «Садовая, 8», «Октябрьскую 6».
_STREET_ADJECTIVE_RE = re.compile(r"(?:ая|ой|ую|ий|ый|ого|ей|ое|ская|ской|скую)$")
_ADDRESS_CONTEXT = re.compile(
    r"адрес|(?<![а-я])(?:жив[её]т|живут|прожива|жив[её]м|живу(?![а-я])|прописан|прописк|переехал|дом(?![а-я])|жительств|регистраци)"
)
# A settlement or block instead of a street: «в микрорайоне Южный, дом 12», «СНТ «Ромашка», участок 88».
_LOCALITY = (
    r"(?:микрорайон\w*|мкр\.?|мкрн\.?|квартал\w*|пос[её]л\w*|пос\.|п\.|пгт\.?|сел[оауе]м?|с\.|деревн\w*|дер\.|д\.|"
    r"снт|днт|днп|тсн|станиц\w*|ст-ц[аы]|хутор\w*|х\.|слобод\w*|город\w*|г\.|"
    r"улиц\w*|ул\.?|проспект\w*|пр-т|пр\.|переул\w*|пер\.|бульвар\w*|б-р|шоссе|проезд\w*|набережн\w*|наб\.|площад\w*|пл\.|тупик\w*|аллея|аллее)"
)
_LOCALITY_ADDRESS_RE = re.compile(
    rf"(?<![а-я]){_LOCALITY}(?![а-я])\s*[«\"]?[а-я0-9][а-я\-]*(?:\s[а-я][а-я\-]+)?[»\"]?\s*,?\s+(?:(?:{_LOCALITY}\s*[«\"]?[а-я][а-я\-]*[»\"]?\s*,?\s+)?)"
    rf"(?:дом|д\.|участок|уч\.|№)?\s*\d{{1,4}}(?:\s?[а-я](?![а-я]))?(?:\s?[-/]\s?\d{{1,4}})?(?![\d.:]){_UNIT_AFTER}"
)
# Someone else's address: «Катя живёт», «адрес Гриши», «Юлин адрес», «её адрес», «у Кости дом».
_SOMEONE_ELSES_RE = re.compile(
    r"жив[её]т|живут|прожива|прописан|зарегистрирован|(?<!мы )(?<!я )переехал|(?<!мы )снима(?:ет|ют)|домашн\w* адрес"
)
_ADDRESS_NOUN_RE = re.compile(r"(?<![а-я])(?:адрес\w*|дом(?:а|е|у|ом)?|квартир\w*|жительств\w*|прописк\w*|регистраци\w*)(?![а-я])")
_OWN_ADDRESS_RE = re.compile(
    r"(?<![а-я])(?:наш|мой|моя|наша|мои|наши)\s+(?:нов\w+\s+|домашн\w+\s+)?адрес|адрес\s*(?:наш|мой)|(?<![а-я])мы\s+(?:живем|переехали)|я\s+живу|(?<![а-я])живем|"
    r"(?<![а-я])(?:к|ко)\s+(?:нам|мне)(?![а-я])|у\s+нас\s+дома|(?<![а-я])(?:ждем|жду|приглашаем|приглашаю)(?![а-я])"
)

# ---- requests to post data -------------------------------------------------
# Asking for data: imperatives, infinitives after «надо/всем», «пишем сюда», «пусть скинет» — any
# form of the posting verbs except the past tense («мама прислала»).
_REQUEST_RE = re.compile(
    r"(?<![а-я])(?:скин|кин|кид|скид|присл|пришл|присыл|отправ|отправл|напиш|написа|напис|пиш|вылож|выклад|сброс|сбрас|"
    r"впиш|вписа|впис|укаж|указа|указ|дублир|продублир|опублик|публик|запиш|записа|запис|продикту|дикту|скопиру|"
    r"перешл|пересыл|запост|дай|предостав|предоставл|оставь|оставьт|оставля|остав|подел|дел|заполн|внес|внос)"
    r"(?:ыва|ива|ова|а|я|у|и|е)?(?:ите|ьте|йте|ть|ти|ем|им|ете|ет|ит|ут|ют|ат|ят|те|и|ь|й|у|ю|ись|итесь)?(?![а-я])"
)
# Nouns of need or collection: «нужны номера полисов … сюда», «собираю в этом чате данные паспортов».
_NEED_RE = re.compile(r"(?<![а-я])(?:нуж(?:ны|ен|на|но)|требу(?:ют|ет)ся|собира(?:ю|ем)|собер(?:у|ем|ите)|жду|ждем)(?![а-я])")
_DATA_NOUN_RE = re.compile(
    r"снилс|паспорт|полис|(?<![а-я])омс|(?<![а-я])инн(?![а-я])|номер\w* карт|данные карт|реквизиты карт|свидетельств\w* о рождении|"
    r"адрес\w* проживания|домашн\w* адрес|серию и номер"
)
# Phones, addresses and contacts of a named person: «номер Вики», «адреса и телефоны родителей».
_CONTACT_NOUN_RE = re.compile(
    r"(?<![а-я])(?:номер(?:а|ок)?|телефон\w*|адрес\w*|контакт\w*|мобильн\w*)(?:\s+(?:и|или)\s+(?:номер\w*|телефон\w*|адрес\w*))?\s+"
    r"((?:[а-я]+\s+)?[а-я]+)"
)
# The data should go to this chat, whatever else is said: «в личку и сюда».
_HERE = re.compile(r"(?<![а-я])(?<!не )(?:сюда|здесь|в чат|в этот чат|в этом чате|в чате|в общий|в группу|в беседу|в ответ|в комментари|в коммент)")
# Warnings anywhere in the sentence: «если просят прислать СНИЛС в чат — не делайте этого».
_WARNING = re.compile(
    r"(?<![а-я])(?:нельзя|никогда|никому|запрещ\w*|мошенни\w*|не (?:надо|нужно|стоит|делайте|присылайте|скидывайте|пишите|"
    r"выкладывайте|отправляйте|публикуйте|кидайте|присылаем|пишем|выкладываем|ведитесь))(?![а-я])"
)
_PRIVATE_DESTINATION = re.compile(
    r"в личк|в лс|личн\w* сообщени|на почту|лично|секретар|в канцеляри|медсестр|в кабинет|классному руководителю|"
    r"заявлени|анкет|бланк|(?<![а-я])форм[уеы](?![а-я])|госуслуг|на сайте|в личном кабинете|электронн\w* дневник"
)
_NEGATED = re.compile(r"(?<![а-я])(?:не|нельзя|никогда|никому)\s+$")
# «у кого есть номер Вики?», «кто знает адрес Миши»: asking the chat for someone's contact.
_WHO_HAS_RE = re.compile(r"(?<![а-я])(?:у кого(?: есть)?|есть у кого|кто знает|кто-нибудь знает|у кого-нибудь(?: есть)?)(?![а-я])")


# Substrings one of which every request needs (a cheap gate).
REQUEST_HINT_RE = re.compile(
    r"снилс|паспорт|полис|(?<![а-я])омс|(?<![а-я])инн(?![а-я])|свидетельств|адрес|телефон|номер|контакт|мобильн|данн|реквизит"
)
# Word starts of the verbs and markers a request needs besides its noun (_REQUEST_RE, _NEED_RE,
# _WHO_HAS_RE and the verbless «… — сюда»).
REQUEST_VERB_HINT_RE = re.compile(
    r"(?<![а-я])(?:скин|кин|кид|скид|присл|пришл|присыл|отправ|напиш|написа|напис|пиш|вылож|выклад|сброс|сбрас|впиш|вписа|впис|"
    r"укаж|указа|указ|дублир|продублир|опублик|публик|запиш|записа|запис|продикту|дикту|скопиру|перешл|пересыл|запост|дай|"
    r"предостав|остав|подел|дел|заполн|внес|внос|нуж|требу|собира|собер|жду|ждем|кого|знает|сюда)|чат"
)
# Word starts one of which every address rule needs (each also needs a digit), or a house-flat
# pair of numbers («5-12», «5 - 12»).
ADDRESS_HINT_RE = re.compile(
    r"\d[а-я]?[-/]|[-/]\d|^[-/]$|адрес|(?<![а-я])(?:кв|жив|прожива|прописан|прописк|жительств|регистраци|зарегистрирован|переехал|снима|поселил|переселил|дом|"
    r"ул(?![а-я])|улиц|проспект|"
    r"просп|пр-т|пр\.|переул|пер\.|бульвар|б-р|шоссе|ш\.|проезд|набережн|наб\.|площад|пл\.|тупик|алле|лини|микрорайон|мкр|квартал)"
)

# A message with this many candidates of one kind is already flagged; looking
# at more would only make adversarial input slower (the masked excerpt
# additionally stars out every long digit run).
MAX_MATCHES = 24


class Finding(NamedTuple):
    start: int  # normalised span
    end: int
    reason: str


# Words written with a capital letter in the message being checked (names read more surely).
# (The original text is kept and its capitalised words read on first use: most messages never ask.)
_ORIGINAL: ContextVar[str] = ContextVar("original", default="")


def _capitalised() -> frozenset[str]:
    return capitalised_words(_ORIGINAL.get())


def find_personal_data(
    text: str,
    original: str | None = None,
    *,
    digits: bool | None = None,
    numbers: bool | None = None,
    address: bool | None = None,
    request: bool | None = None,
) -> list[Finding]:
    """Personal data findings in a normalised message (`original`: the text as written, for capitals).

    `digits`, `numbers`, `address` and `request` say whether the message has a
    digit, four digits or more (in one word or in several), an address word
    (ADDRESS_HINT_RE) and a data noun (REQUEST_HINT_RE); a caller that knows them
    already (the checker's gates) saves the searches.
    """
    if digits is None:
        digits = bool(_DIGIT_RE.search(text))
    if request is None:
        request = bool(REQUEST_HINT_RE.search(text))
    if not (digits or request):
        return []
    token = _ORIGINAL.set(original or "")
    try:
        found: list[Finding] = []
        if digits:
            if numbers is None or numbers:
                found += _documents(text)
                found += _numbers(text)
            if address is None or address:
                found += _addresses(text)
        if request:
            found += _requests(text)
        return found
    finally:
        _ORIGINAL.reset(token)


def _person(word: str) -> bool:
    return is_person_word(word, word in _capitalised())


_WINDOW = 160


def _around(text: str, sentence: Sentence, start: int, end: int, window: int = _WINDOW) -> str:
    """The part of `sentence` within a fixed window around [start, end)."""
    return text[max(sentence.start, start - window) : min(sentence.end, end + window)]


def _documents(text: str) -> list[Finding]:
    out: list[Finding] = []
    if "-" in text:
        out += [Finding(m.start(), m.end(), "birth certificate number") for m in islice(_BIRTH_RE.finditer(text), MAX_MATCHES)]
    if "сери" in text:
        out += [Finding(m.start(), m.end(), "passport series and number") for m in islice(_SERIES_NUMBER_RE.finditer(text), MAX_MATCHES)]
    if "загран" in text:
        out += [Finding(m.start(), m.end(), "foreign passport number") for m in islice(_FOREIGN_PASSPORT_RE.finditer(text), MAX_MATCHES)]
    if "пасп" in text or "сери" in text:
        out += [Finding(m.start(), m.end(), "passport series and number") for m in islice(_PASSPORT_SPLIT_RE.finditer(text), MAX_MATCHES)]
    if "пасп" in text:
        out += [Finding(m.start(), m.end(), "passport number") for m in islice(_LETTER_PASSPORT_RE.finditer(text), MAX_MATCHES)]
    return out


# Digit counts that some identifier or phone can have; other numbers are skipped at once.
_CANDIDATE_LENGTHS = frozenset({5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19})


def _numbers(text: str) -> list[Finding]:
    out: list[Finding] = []
    for m in islice(_NUMBER_RE.finditer(text), MAX_MATCHES):
        raw = m.group()
        digits = _NOT_DIGIT.sub("", raw)
        if len(digits) not in _CANDIDATE_LENGTHS:
            continue  # counts, years, sums, times: no identifier has this length
        sentence = sentence_at(text, m.start())
        before = text[max(sentence.start, m.start() - 60) : m.start()]
        # Context rules read the sentence, but at most a window around the number,
        # so a 4,096-character message without full stops stays linear.
        near = _around(text, sentence, m.start(), m.end())
        after = text[m.end() : min(sentence.end, m.end() + 40)]
        reason = _classify(digits, raw, before, near, after)
        if reason:
            out.append(Finding(m.start(), m.end(), reason))
    return out


def _classify(digits: str, raw: str, before: str, sentence: str, after: str) -> str | None:
    n = len(digits)
    context = before + " " + after[:30]
    if n == 6 and _BIRTH_CONTEXT.search(sentence):
        return "birth certificate number"
    exempt = _NUMBER_EXEMPT.search(before[-60:])
    if exempt and not any(_person(w) for w in _WORD_RE.findall(exempt.group(1))):
        return None  # «номер заказа в Лабиринте …», but not «… для билетов: Иванов Иван, 4510 123456»
    if n == 10 and _INN_CONTEXT.search(before[-20:]):
        return None  # an organisation's ИНН in payment details
    if n == 10 and (_PASSPORT_CONTEXT.search(context) or _PASSPORT_SHAPE_RE.fullmatch(raw)):
        return "passport series and number"
    if n == 10 and _LICENCE_CONTEXT.search(before[-40:]):
        return "driving licence number"
    if n == 9 and _FOREIGN_PASSPORT_CONTEXT.search(sentence):
        return "foreign passport number"
    if n == 16 and _OMS_CONTEXT.search(context):
        return "ОМС policy number"
    if n == 11 and _SNILS_CONTEXT.search(context):
        return "СНИЛС"
    if n == 12 and (inn_person_valid(digits) or _INN_CONTEXT.search(before[-30:])):
        return "personal ИНН"
    if raw.startswith("+") and 11 <= n <= 13 and not digits.startswith("7"):
        return _phone_reason(before, sentence, after)  # a phone of another country
    if 13 <= n <= 19 and digits[0] in "23456" and luhn_valid(digits):
        return "bank card number (Luhn-valid)"
    if 16 <= n <= 19 and (_CARD_CONTEXT.search(before[-40:]) or _CARD_CONTEXT.search(after[:25])):
        return "bank card number"
    if n == 16 and _CARD_GROUPS_RE.fullmatch(raw):
        return "bank card number"  # written as a card is: four groups of four
    if _is_phone(digits, raw):
        return _phone_reason(before, sentence, after)
    if n == 11 and snils_valid(digits):
        return "СНИЛС with valid checksum"  # (a phone number, starting with 7 or 8, was read above)
    # A city number («35-12-48») is personal only when it is said to be someone's home phone.
    if (
        5 <= n <= 7
        and _CITY_PHONE_RE.fullmatch(raw)
        and _PHONE_NOUN_RE.search(before[-45:])
        and (_HOME_PHONE_RE.search(before[-45:]) or _HOME_PHONE_RE.search(after[:15])
             or _phone_owner(before, after) == "other")
    ):
        return _phone_reason(before, sentence, after)
    return None


_CITY_PHONE_RE = re.compile(r"\d{1,3}[- ]\d{2}[- ]\d{2}")
_HOME_PHONE_RE = re.compile(r"домашн|городск")


def _is_phone(digits: str, raw: str) -> bool:
    if len(digits) == 11 and digits[0] in "78":
        return True
    return len(digits) == 10 and digits[0] == "9" and (raw.startswith("9") or "(" in raw)


def _phone_reason(before: str, sentence: str, after: str) -> str | None:
    if _LOGIN_BEFORE.search(before):
        return None  # a phone used as a login: the account-sharing check reports it
    if re.search(r"8\D{0,3}800", before[-3:] + sentence) and "800" in sentence:
        return None  # toll-free helpline
    owner = _phone_owner(before, after)
    if owner == "own":
        return None  # «наш домашний номер», «мой рабочий телефон»: given by its owner
    if owner == "other" or _PERSONAL.search(sentence):
        return "phone number of a private person"
    # An organisation named near the number, not anywhere in the sentence («… можете написать про справку»).
    near = before[-60:] + " " + after[:30]
    if owner == "official" or _OFFICIAL.search(near) or _ORGANISATION_NAME.search(sentence):
        return None
    if _OWN_PHONE_RE.search(sentence) and not _THIRD_PERSON_RE.search(sentence):
        return None  # «пишите мне в ватсап …», «я на связи …»
    return "phone number of a private person"


def _phone_owner(before: str, after: str) -> str | None:
    """«own», «other» or «official» from the words framing a phone number, or None.

    Reads the noun phrase before the number («мой новый номер», «номер её мамы»,
    «телефон секретаря»), the words just before it («мама Ильи — …», «звоните
    Петьке на …»), and an «это …» right after it («… — это Катина мама»).
    """
    noun = _last(_PHONE_NOUN_RE.finditer(before))
    if noun is not None:
        verdict = _owner_of_words(_WORD_RE.findall(before[noun.end() :])[:_MAX_OWNER_WORDS])
        if verdict:
            return verdict  # «номер её мамы», «тел. школы», «телефон мой»
        head = _WORD_RE.findall(before[max(0, noun.start() - 25) : noun.start()])[-2:]
        if head and (head[-1] in OWN_WORDS or (len(head) == 2 and head[0] in OWN_WORDS and head[1] in _PHONE_SKIP_WORDS)):
            return "own"  # «мой номер», «мой новый телефон»
        if head and is_possessive_of_person(head[-1]):
            return "other"  # «её номер», «Катин телефон», «мамин мобильный»
    else:
        words = _WORD_RE.findall(before[-30:])[-3:]
        if len(words) >= 2 and words[-1] in OWN_WORDS and _person(words[-2]):
            return "other"  # «соседка моя, 8 925 …»: my neighbour's number
        verdict = _owner_of_words(list(reversed(words)))
        if verdict:
            return verdict
    words_after = _WORD_RE.findall(after[:30])
    if words_after[:1] == ["это"] and len(words_after) > 1:
        return _owner_of_words(words_after[1:3])
    return None


def _owner_of_words(words: list[str]) -> str | None:
    for word in words:
        if word in _PHONE_SKIP_WORDS:
            continue
        if word in OWN_WORDS:
            return "own"
        if _OFFICIAL.match(word):
            return "official"
        if _person(word):
            return "other"
    return None


def _addresses(text: str) -> list[Finding]:
    out = _address_candidates(text)
    if out and _OWN_ADDRESS_RE.search(text) and not _someone_elses(text):
        return []  # one's own address, given by its owner (an invitation)
    return out


def _someone_elses(text: str) -> bool:
    """Whether the message says the address is another person's."""
    if _SOMEONE_ELSES_RE.search(text):
        return True
    for m in islice(_ADDRESS_NOUN_RE.finditer(text), MAX_MATCHES):
        before = _WORD_RE.findall(text[max(0, m.start() - 20) : m.start()])[-1:]
        after = _WORD_RE.findall(text[m.end() : m.end() + 30])[:2]
        if any(w not in OWN_WORDS and _person(w) for w in before + after[:1]):
            return True
        if after[:1] and after[0] in ("моей", "моего", "моих", "своей", "своего", "нашей", "нашего", "наших") and after[1:] and _person(after[1]):
            return True
    return False


def _address_candidates(text: str) -> list[Finding]:
    out: list[Finding] = []
    flats = _FLAT_RE.finditer(text) if "кв" in text else ()
    for m in islice(flats, MAX_MATCHES):
        sentence = sentence_at(text, m.start())
        head = text[max(sentence.start, m.start() - 60) : m.start()]
        tail = text[m.end() : min(sentence.end, m.end() + 50)]
        house = _last(_HOUSE_RE.finditer(head))
        if house is None:
            house = _HOUSE_RE.search(tail)
            if house is None:
                continue
            start, end = m.start(), m.end() + house.end()
        else:
            start, end = m.start() - len(head) + house.start(), m.end()
        out.append(Finding(start, end, "home address with flat number"))  # a flat is always somebody's home
    context = _ADDRESS_CONTEXT.search(text)
    pairs = _house_flats(text) if "-" in text or "/" in text else ()
    for m in islice(pairs, MAX_MATCHES):
        if _house_flat(text, m, bool(context)):
            out.append(Finding(m.start(), m.end(), "home address (house-flat)"))
    if context:
        for m in islice(_RESIDENCE_RE.finditer(text), MAX_MATCHES):
            sentence = sentence_at(text, m.start())
            place = _first_place(text, m.end(), min(sentence.end, m.end() + 60))
            if place is None:
                # «Лесная 8 — там живёт Вика»: the place may come first.
                place = _last(p for p in _PLACE_RE.finditer(text, max(sentence.start, m.start() - 50), m.start()) if _is_place(p))
            if place and not _OFFICIAL.search(_around(text, sentence, place.start(), place.end(), 60)):
                out.append(Finding(min(m.start(), place.start()), max(m.end(), place.end()), "home address"))
        for m in islice(_HOUSE_OF_RE.finditer(text), MAX_MATCHES):
            owner = m.group(1) or m.group(2)
            if not _person(owner) or owner in ("его", "ее", "их"):
                continue
            sentence = sentence_at(text, m.start())
            place = _first_place(text, m.end(), min(sentence.end, m.end() + 40))
            if place and not _OFFICIAL.search(_around(text, sentence, place.start(), place.end(), 60)):
                out.append(Finding(m.start(), place.end(), "home address"))
        if _someone_elses(text):
            for m in islice(_LOCALITY_ADDRESS_RE.finditer(text), MAX_MATCHES):
                if not _OFFICIAL.search(_around(text, sentence_at(text, m.start()), m.start(), m.end(), 60)):
                    out.append(Finding(m.start(), m.end(), "home address"))
    return out


# The numbers of a house-flat pair, found first (a digit is a cheap place to start a search) ...
_PAIR_RE = re.compile(r"\d{1,3}[а-я]?\s?[-/]\s?\d{1,4}(?![\d\-./])")
# ... then the street name just before them.
_PAIR_NAME_RE = re.compile(r"(?<![\w])(?P<name>[а-я][а-я\-]{3,})\s*,?\s+(?:д\.?\s*)?$")


def _house_flats(text: str) -> Iterator[re.Match[str]]:
    """Matches of _HOUSE_FLAT_RE («Лесная 8-12»), found from the numbers backwards."""
    for pair in _PAIR_RE.finditer(text):
        start = pair.start()
        if start and text[start - 1].isdigit():
            continue
        head_start = max(0, start - 40)
        m = _HOUSE_FLAT_RE.match(text, head_start + _last_name_start(text, head_start, start), pair.end()) if start else None
        if m:
            yield m


def _last_name_start(text: str, start: int, end: int) -> int:
    name = _PAIR_NAME_RE.search(text, start, end)
    return (name.start() - start) if name else end - start


def _house_flat(text: str, m: re.Match[str], context: bool) -> bool:
    """«Лесная 8-12», «Садовой 5-12» is a house and a flat; «урок 5-6», «задачи 5-12» are not.

    The word before the numbers must name a street (a street word, a street-like
    adjective or name), and the message must say it is somewhere people live or
    name a person; a street word right before («ул. Лесная, 4-17») is enough.
    """
    street = m.group("name")
    if _UNIT_AFTER_RE.match(text, m.end()) is None:
        return False  # «итоговая 5-8 баллов»
    sentence = sentence_at(text, m.start())
    if _STREET_BEFORE_RE.search(text, max(0, m.start() - 12), m.start() + 1):
        return _dwelling(text, _capitalised()) or not _official_near(text, sentence, m.start(), m.end())
    if not (_STREET_RE.match(street) or _street_like(street)):
        return False
    if _dwelling(text, _capitalised()) or _after_a_city(text, m.start()):
        return True  # «… живёт …», «Москва, Профсоюзная 56-112»
    return (context or _names_a_person(sentence.text, _capitalised())) and not _official_near(text, sentence, m.start(), m.end())


def _after_a_city(text: str, start: int) -> bool:
    """«Москва, Профсоюзная 56-112»: a town and a comma right before the street."""
    city = _CITY_BEFORE_RE.search(text, max(0, start - 30), start)
    return city is not None and morphology.is_place_name(city.group(1))


_CITY_BEFORE_RE = re.compile(r"(?<![а-я])(?:г\.\s*)?([а-я][а-я\-]{2,}),\s*$")


@lru_cache(maxsize=64)
def _dwelling(text: str, capitalised: frozenset[str]) -> bool:
    """The message says somebody lives there («живёт», «прописан», «адрес Кати»); cached per message."""
    return bool(_SOMEONE_ELSES_RE.search(text) or _RESIDENCE_RE.search(text)) or ("адрес" in text and _someone_elses(text))


@lru_cache(maxsize=64)
def _names_a_person(sentence: str, capitalised: frozenset[str]) -> bool:
    return any(is_person_word(w, w in capitalised) for w in _WORD_RE.findall(sentence))


def _official_near(text: str, sentence: Sentence, start: int, end: int) -> bool:
    """An institution named just before an address or right after it («Дом творчества: Лесная 5-7», «… (школа № 3)»)."""
    return bool(_OFFICIAL.search(text, max(sentence.start, start - 60), start) or _OFFICIAL.search(text, end, min(sentence.end, end + 40)))


def _street_like(word: str) -> bool:
    """«Лесной», «Садовая», «Гагарина», «Мира» (if written with a capital) — not «урок», «задачи», «какой»."""
    if _STREET_ADJECTIVE_RE.search(word) and not _NOT_A_STREET_RE.match(word):
        return True
    return word in _capitalised() or (len(word) > 4 and is_person_word(word) and not _KIN_LIKE_RE.match(word))


def _first_place(text: str, start: int, end: int) -> re.Match[str] | None:
    return next((p for p in islice(_PLACE_RE.finditer(text, start, end), 4) if _is_place(p)), None)


def _is_place(m: re.Match[str]) -> bool:
    """A street name without «улица» must look like one: «Лесной», «Гагарина», «Мира» — not «урок 5»."""
    street = m.group("street")
    return street is None or _street_like(street)


# Words with a street-like ending that are not streets: «какой 5», «этой 3».
_NOT_A_STREET_RE = re.compile(
    r"^(?:как|эт|друг|люб|кажд|нов|стар|одн|втор|треть|перв|так|сво|мо|тво|наш|ваш|все|кото|тот|больш|маленьк|следующ|прошл|"
    # school work: «контрольная 5-6», «самостоятельная 3-4»
    r"контрольн|самостоятельн|лабораторн|проверочн|практическ|итогов|домашн|классн|письменн|устн|четвертн|годов|полугодов|"
    r"диагностическ|пробн|олимпиадн|зачетн|экзаменацион|тестов|творческ|исследовательск|последн|ближайш|остальн|нужн|нечетн|четн)"
)
_UNIT_AFTER_RE = re.compile(_UNIT_AFTER)
_KIN_LIKE_RE = re.compile(r"^(?:мам|пап|баб|дед|брат|сестр|тет|дяд|сын|доч|друг|подруг|сосед)")


def _last(matches: Iterable[re.Match[str]]) -> re.Match[str] | None:
    """The last of the matches (or None)."""
    tail = deque(matches, maxlen=1)
    return tail[0] if tail else None


def _requests(text: str) -> list[Finding]:
    out: list[Finding] = []
    for m in islice(_REQUEST_RE.finditer(text), MAX_MATCHES):
        sentence = sentence_at(text, m.start())
        finding = _request_at(text, sentence, m.start(), m.end(), need=False)
        if finding is None and len(text[m.end() : sentence.end].strip(" ,.!?:—-")) <= 25 and sentence.start > 0:
            # «у кого есть телефон мамы Полины? напишите сюда»: the noun is in the sentence before.
            previous = sentence_at(text, sentence.start - 1)
            noun = _data_noun(text, max(previous.start, previous.end - 80), previous.end)
            if noun and not _WARNING.search(previous.text):
                finding = _checked_request(text, sentence, m.start(), m.end(), noun)
        if finding:
            out.append(finding)
    for m in islice(_NEED_RE.finditer(text), MAX_MATCHES):
        sentence = sentence_at(text, m.start())
        if _HERE.search(_around(text, sentence, m.start(), m.end(), 80)):
            finding = _request_at(text, sentence, m.start(), m.end(), need=True)
            if finding:
                out.append(finding)
    for m in islice(_WHO_HAS_RE.finditer(text), MAX_MATCHES):
        sentence = sentence_at(text, m.start())
        noun = _contact_noun(text, m.end(), min(sentence.end, m.end() + 40)) or _id_noun_of_person(text, m.end(), min(sentence.end, m.end() + 40))
        if noun and not _WARNING.search(sentence.text):
            out.append(Finding(m.start(), noun[1], "asking the chat for someone's contact data"))
    out += _verbless_requests(text)
    return out


def _request_at(text: str, sentence: Sentence, start: int, end: int, *, need: bool) -> Finding | None:
    """A request verb (or «нужны») at [start, end) with a data noun after it, or shortly before it."""
    noun = _data_noun(text, end, min(sentence.end, end + 60))
    if noun is None:
        # «паспортные данные всех, кто едет, пишите сюда»: the noun first, then the verb.
        gap_start = max(sentence.start, start - 45)
        noun = _last_data_noun(text, gap_start, start)
        if noun is None:
            return None
        if not _HERE.search(text, start, min(sentence.end, end + 40)) and not _ends_the_request(text, end, sentence.end):
            return None
        gap = text[noun[1] : start]
        if " не " in f" {gap} " or re.search(r"(?<![а-я])(?:забуд|возьм|принес|сдай|сдадим|сдать)", gap):
            return None
        if _governed_elsewhere(text[sentence.start : noun[0]]):
            return None  # «кто сдал копию СНИЛС, напишите в чат»: the noun belongs to another verb
    elif not need and (" нет " in text[end : noun[0]] or _CLAUSE_RE.search(text, end, noun[0])):
        return None  # «напишите сюда, у кого есть загранпаспорт»: the noun is in a clause of its own
    return _checked_request(text, sentence, start, end, noun)


# What may follow a request verb that ends its clause: «…, скидывайте», «… пишите, пожалуйста, до пятницы».
_REQUEST_TAIL_RE = re.compile(
    r"[\s,!.)]*(?:(?:пожалуйста|срочно|все|всем|скорее|быстрее|сегодня|завтра|до\s+[а-я]+|в\s+течение\s+[а-я]+)[\s,!.)]*)*$"
)


def _ends_the_request(text: str, end: int, limit: int) -> bool:
    """Whether nothing but courtesy and a deadline follows the verb («скидывайте», «пишите, пожалуйста, до пятницы»)."""
    return bool(_REQUEST_TAIL_RE.match(text, end, limit))


# Words opening a clause of its own: a noun after them is not what the verb asks for.
_CLAUSE_RE = re.compile(r"(?<![а-я])(?:у кого|если|когда|чтобы|пока)(?![а-я])")
# Verbs of handing in paper copies or checking, which govern a document noun themselves.
_OTHER_VERB_RE = re.compile(
    r"(?<![а-я])(?:сдал\w*|принес\w*|отдал\w*|оформил\w*|получил\w*|забрал\w*|потерял\w*|забыл\w*|поменял\w*|сделал\w*|"
    r"проверил\w*|показал\w*|восстановил\w*)(?![а-я])"
)


def _governed_elsewhere(before_noun: str) -> bool:
    """Whether the words before a data noun give it a verb of its own (a clause, an imperative, «сдал»)."""
    if _CLAUSE_RE.search(before_noun) or _OTHER_VERB_RE.search(before_noun):
        return True
    return any(morphology.is_imperative_or_second(w) and "impr" in morphology.verb_moods(w) for w in _WORD_RE.findall(before_noun)[-6:])


def _checked_request(text: str, sentence: Sentence, start: int, end: int, noun: tuple[int, int]) -> Finding | None:
    near = _around(text, sentence, min(start, noun[0]), max(end, noun[1]))
    if _NEGATED.search(text[sentence.start : start]) or _WARNING.search(near):
        return None
    if _PRIVATE_DESTINATION.search(near) and not _HERE.search(near):
        return None
    return Finding(min(start, noun[0]), max(end, noun[1]), "request to post personal data in the chat")


def _data_noun(text: str, start: int, end: int) -> tuple[int, int] | None:
    m = _DATA_NOUN_RE.search(text, start, end)
    contact = _contact_noun(text, start, end)
    if m and (contact is None or m.start() <= contact[0]):
        return m.span()
    return contact


def _last_data_noun(text: str, start: int, end: int) -> tuple[int, int] | None:
    last = None
    pos = start
    while pos < end:
        found = _data_noun(text, pos, end)
        if found is None:
            break
        last = found
        pos = found[1]
    return last


def _contact_noun(text: str, start: int, end: int) -> tuple[int, int] | None:
    """«номер Вики», «телефон мамы Полины», «адреса и телефоны родителей», «Сониной мамы»."""
    for m in islice(_CONTACT_NOUN_RE.finditer(text, start, end), 4):
        words = m.group(1).split()
        if words[0] in ("свой", "свои", "своего", "ваш", "ваши", "твой", "мой", "наш"):
            continue
        if any(_person(w) for w in words) or words[0] in ("родителей", "детей"):
            return m.start(), m.end()
    return None


_ID_NOUN_OF_RE = re.compile(r"(?<![а-я])(?:снилс\w*|паспорт\w*|полис\w*|инн|свидетельств\w*)\s+(?:[а-я]+\s+)?([а-я]+)")


def _id_noun_of_person(text: str, start: int, end: int) -> tuple[int, int] | None:
    """«снилс Дениса», «паспорт мамы Вани»: an identifier said to be someone's."""
    m = _ID_NOUN_OF_RE.search(text, start, end)
    if m and _person(m.group(1)):
        return m.start(), m.end()
    return None


def _verbless_requests(text: str) -> list[Finding]:
    """«номера СНИЛС — сюда», «паспорта родителей, кто едет, — сюда»."""
    out: list[Finding] = []
    if "сюда" not in text and "в чат" not in text:
        return out
    for m in islice(re.finditer(r"[—–:-]\s*(?:сюда|в чат)(?![а-я])", text), MAX_MATCHES):
        sentence = sentence_at(text, m.start())
        noun = _last_data_noun(text, max(sentence.start, m.start() - 50), m.start())
        if noun is None:
            continue
        finding = _checked_request(text, sentence, m.start(), m.end(), noun)
        if finding:
            out.append(finding)
    return out
