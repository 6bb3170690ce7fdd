"""Account sharing: posted codes and passwords, offering an account, asking for secrets.

Shared access that is meant for the whole group (a conference ID and passcode,
a class code of an online platform, a test number, promo codes) is not a secret
of one person and is left alone, and so are warnings («никому не сообщайте коды»)
and codes that are no secret at all (a program's code, an ОКТМО, a locker).

Asking is read from the verb, not a phrase list: imperatives and 2nd-person
futures of the verbs of giving and telling («скинь», «скинешь», «продиктуй»,
«дашь»), their infinitives after «можешь/надо» («можешь сказать код?»), and
«мне нужен твой пароль»; a short «продиктуй» may take its object from the
sentence before («какой код тебе пришёл? продиктуй»).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from itertools import islice

from bot.moderation.owners import is_person_word
from bot.moderation.personal_data import MAX_MATCHES, Finding
from bot.moderation.sentences import sentence_at

_DIGIT_RE = re.compile(r"\d")
# Every pattern below needs one of these stems; most messages have none and skip them all.
_ACCESS_HINT_RE = re.compile(
    r"код|смс|sms|(?<![а-я])(?:цифр|пин(?![а-я])|pin|code|парол|pass|пасс|пасв|pwd|акк|акаун|уч[её]т|логин|вход|зайт|войт|зайд|"
    r"заход|захож|войд|залез|залогин|пуст(?:и|ите|ить)(?![а-я])|пущу|профил|доступ|лп(?![а-я])|страниц|поюза|погоня|данны|отметьс|отметьтес|"
    r"(?:пришло|пришел|придет|придут|прилетит|прилетело)(?![а-я]))"
)
# «код 640281», «цифры из сообщения: 5 0 9 3 8», «Код для входа: 73-19-52».
_CODE_RE = re.compile(
    r"(?<![а-я])(?:код\w*|цифр\w*|смс|sms|пин|pin|code)(?![а-я])[^\d.!?\n]{0,45}?(?<![\d\w])(\d(?:[ \-]?\d){3,7})(?![\d\w]|[.,:]\d)"
)
# «код подтверждения: X7K9P2»: letters and digits, in a sentence about confirming or logging in.
_ALNUM_CODE_RE = re.compile(
    r"(?<![а-я])(?:код\w*|code)(?![а-я])[^.!?\n]{0,30}?(?<![\w])((?=[a-z0-9]*\d)(?=[0-9]*[a-z])[a-z0-9]{4,8})(?![\w])"
)
# The code as the answer to its own question: «Кому код от Google? 736 204».
_CODE_ANSWER_RE = re.compile(
    r"(?<![а-я])(?:код\w*|code)(?![а-я])[^.!?\n]{0,40}\?\s*(\d(?:[ \-]?\d){3,7})(?![\d\w]|[.,:]\d)"
)
# «последние цифры карты 0912» name a card by its end, which is no secret.
_CARD_TAIL_RE = re.compile(r"(?:последн|первы|конечн)\w*\s+(?:\w+\s+){0,2}цифр\w*[^\d]{0,20}$")
_SECRET_CODE_CONTEXT_RE = re.compile(r"подтвержд|смс|sms|вход|пришел|пришло|придет|verification|login|telegram|госуслуг|(?<![а-я])вк(?![а-я])")
# A pasted message with the code first: «482913 — ваш код для входа в ВК».
_CODE_BEFORE_RE = re.compile(
    r"(?<![\d\w])(\d(?:[ \-]?\d){3,7})(?![\d\w]|[.,:]\d)\s*[—–\-:,]?\s*(?:это|is)?\s*(?:ваш|твой|your)?\s*(?:код|code|пароль)(?![а-я])"
)
_PASSWORD_RE = re.compile(r"(?<![а-я])(?:парол\w*|пас+ворд\w*|password|passwd|pass|пасс|pwd)(?![а-я])")
# A lesson or a warning about passwords shows examples, not anyone's secret.
_PASSWORD_LESSON_RE = re.compile(
    r"пример|вроде|вида(?![а-я])|надежн|сложн|простые|простой|слаб|плох|хорош|придума|не используйте|не ставьте|памятк|"
    r"должен|должны|взлома|символ"
)
# A token that looks like a secret: has a digit or a Latin letter.
_SECRET_TOKEN_RE = re.compile(r"[^\s,;«»\"'()]{4,}")
_UNIT_AFTER = re.compile(r"[\s—–-]*(?:символ|знак|цифр|букв|раз|минут|час|дн|недел|мес|лет|год|попыт|%)")
# Access meant for the whole group, or numbers that are not secrets.
_SHARED_ACCESS = re.compile(
    r"(?<![а-я])(?:конференц|идентификатор|вебинар|(?<![а-я])(?<!apple )id(?![a-z])|урок|курс|класс(?:а|у|ом)?(?![а-я])|тест|промо|скидк|купон|"
    r"регион|подразделени|ошибк|домофон|qr|штрих|товар|заказ|индекс|предмет|олимпиад|кпп|бик|wi-?fi|вай-?фа|"
    r"kahoot|кахут|quizizz|квизиз|игры(?![а-я])|комнат|для всех|всем классом|"
    r"окпо|октмо|оквэд|огрн|кбк|инн|специальност|шкафчик|замк|замок|сейф|калитк|ворот|подъезд|двер|"
    r"задани|упражнени|вариант|параграф|страниц|шифр|программ|задач|питон|python|скрипт|функци|html|css|java|"
    r"участник|направлени|отслежива|трек|посылк|доставк|оператор|город|стран)"
)
# Nouns that name an account or its secret whoever says them ...
_ACCOUNT_NOUN = (
    r"(?:аккаунт\w*|акаунт\w*|акк(?:а|у|е|ом|и|ов|ам|ах|ами)?(?![а-я])|уч[её]тк\w*|уч[её]тн\w* запис\w*|"
    r"парол\w*|лп(?![а-я])|логопас\w*|(?:зайти|войти|заходить|входить)\s+(?:в|на|с|со|под|через)\s+(?:сво|тво|ваш|мо)\w*|"
    r"доступ\w*\s+(?:к|в|от)\s+(?:сво|мо|тво|ваш)[а-я]*(?![а-я])(?!\s+(?:документ|таблиц|папк|файл|презентац|диск|гугл|фото|альбом|опрос))|"
    r"данн\w+\s+(?:для\s+входа|от\s+(?:акк\w*|аккаунт\w*|учетк\w*|профил\w*)))"
)
# ... and nouns that do so only when one offers one's own («дам свой профиль», «скину вход»), not
# when asked for («дай свой профиль в Стэндофф» asks for a public game name, «дайте войти» for a door).
_OWN_ACCOUNT_NOUN = (
    rf"(?:{_ACCOUNT_NOUN}|(?:сво|мо)\w*\s+логин\w*|вход(?![а-я])|зайти|войти|профил[ья]\w*|страниц\w*\s+(?:в|во)\s+(?:вк|контакте|вконтакте))"
)
# Giving, lending, selling, buying or swapping an account, in either order.
# Giving one's own account: first person, «могу …», selling and renting.
_GIVE_OWN_VERB = (
    r"(?:дам|даю|отдам|отдаю|одолжу|продам|продаю|продаем|продажа|куплю|покупаю|сдам|сдаю|меняю|обменяю|обмен|поменяю|"
    r"(?:об|по)меня(?:емся|ться|йся|йтесь|емс)|меняемся|"
    r"поделюсь|пущу|скину|кину|уступлю|передам|передаю|подарю|аренда|аренду|прокат|забирай|забирайте|забери|заберите|"
    r"(?:могу|можем|готов|готова)\s+(?:дать|скинуть|кинуть|отдать|продать|одолжить|передать|подарить|пустить|поделиться))"
)
# Asking someone for theirs, or offering in other forms.
_ASK_GIVE_VERB = (
    r"(?:отдать|одолжи|одолжите|одолжить|одолжит|продать|продаст|отдаст|сдаст|купить|обменять|дать|даст|дадите|дашь|дай|дайте|поделись|поделитесь|"
    r"поделиться|поделится|поделятся|пусти|пустить|пустит|скинуть|скинь|скиньте|скинет|кинь|киньте|кинет|передать|передаст|подарить)"
)
_GAP = r"(?:(?!ссылк|фот|скрин)(?:[^.!?\n]|\.(?=[а-яa-z]))){0,40}?"
# «дай свою страницу вк погонять»: asked for to be used for a while, a profile or a page is an account.
_USE_FOR_A_WHILE_RE = re.compile(r"погонят|поюзат|поиграт|на вечер|на время|на день|на пару|на недел|на выходн|зайти|войти")
_SERVICE = (
    r"(?:телеграм\w*|телеграмм\w*|тг|вк|вконтакт\w*|инст\w*|тикток\w*|стим\w*|steam|роблокс\w*|roblox|дискорд\w*|discord|"
    r"госуслуг\w*|дневник\w*|сферум\w*|мэш|учи\.?ру|фоксфорд\w*|якласс\w*|netflix|нетфликс\w*|кинопоиск\w*|"
    r"apple\s+id|эппл\s+айди|google|гугл\w*|почт[аыуе]|genshin|геншин\w*|brawl|бравл\w*|майнкрафт\w*|minecraft|фортнайт\w*)"
)
_SERVICE_RE = re.compile(rf"(?<![а-яa-z]){_SERVICE}(?![а-яa-z])")
# «кто даст поюзать свой Телеграм Премиум?», «дай погонять твой стим».
_LEND_SERVICE_RE = re.compile(
    rf"(?<![а-я])(?:дай|дайте|дашь|даст|дадите|одолжи|одолжите|одолжит)\s+(?:\w+\s+)?(?:поюзать|погонять|поиграть)\s+"
    rf"(?:(?:на|в|с)\s+)?(?:сво|тво|ваш)\w*\s+(?:\w+\s+)?{_SERVICE}(?![а-яa-z])"
)
# Offering one's own account to play on: «кто хочет поиграть на моём акке?».
_PLAY_ON_MINE_RE = re.compile(
    rf"(?<![а-я])(?:поиграть|играть|посидеть|погонять|поюзать|зайти)\s+(?:на|в|с|со|через)\s+(?:мо[её]м|моего|мой|мою|моей)\s+"
    rf"(?:акк(?:а|у|е|ом)?(?![а-я])|аккаунт\w*|уч[её]тк\w*|профил\w*|{_SERVICE})"
)
# «дай свой логин от Фоксфорда»: someone's login for a service, asked for to get in.
_ASK_LOGIN_RE = re.compile(
    r"(?<![а-я])(?:дай|дайте|дашь|дадите|даст|дать|скинь|скиньте|скинет|скинуть|кинь|киньте|пришли|пришлите|прислать|"
    r"напиши|напишите|скажи|скажите|одолжи|одолжите|сдавайте|сдайте)\s+"
    r"(?:[а-я-]+\s+)?(?:(?:сво|тво|ваш|чей|чью|чьи)[а-я-]*\s+)?логин\w*\s+(?:от|для|на|и\s+парол|с\s+парол)(?![а-я])"  # not «логин в игре»: a player's name
)
_ASK_WEAK_RE = re.compile(
    r"(?<![а-я])(?:дай|дайте|дашь|дадите|даст|одолжи|одолжите|скинь|скиньте|кинь|киньте|скинет)(?![а-я])[^.!?\n]{0,25}?(?<![а-я])"
    r"(?:сво\w+\s+|тво\w+\s+|ваш\w+\s+)?(?:профил[ья]\w*|страниц\w*(?:\s+(?:в|во))?\s+(?:вк|контакте|вконтакте)|логин\w*)"
)
_OFFER_RE = re.compile(
    rf"(?<![а-я]){_GIVE_OWN_VERB}(?![а-я]){_GAP}(?<![а-я]){_OWN_ACCOUNT_NOUN}|(?<![а-я]){_ASK_GIVE_VERB}(?![а-я]){_GAP}(?<![а-я]){_ACCOUNT_NOUN}"
)
_OFFER_AFTER_RE = re.compile(
    r"(?<![а-я])(?:аккаунт\w*|акаунт\w*|акк(?:а|у|е|ом|и)?(?![а-я])|уч[её]тк\w*)(?:[^.!?\n]|\.(?=[а-яa-z])){0,40}?(?<![а-я])"
    r"(?:могу пустить|пущу|дам|отдам|продам|продаю|поделюсь|могу дать|скину|сдам|сдаю|в аренду|на прокат|напрокат|отдаю|передам|передаю|подарю|"
    r"куплю)(?![а-я])"
    r"|(?<![а-я])(?:парол\w*|код\w*(?:\s+из\s+(?:смс|sms|сообщени\w*))?)[^.!?\n]{0,20}?(?<![а-я])(?:скину|дам|пришлю|напишу|отправлю|продиктую|сообщу|перешлю)(?![а-я])"
)
# «кто хочет мой профиль?», «нужен кому мой акк?», «можно твой аккаунт на вечер?».
_WANT_MINE_RE = re.compile(
    r"(?<![а-я])(?:хоч\w*|нуж(?:ен|на|но|ны))\s+(?:\w+\s+)?(?:мой|моя|мою|мои)\s+(?:аккаунт\w*|акаунт\w*|акк\w*|профил\w*|уч[её]тк\w*|логин\w*)"
    r"|(?<![а-я])(?:можно|одолжишь|одолжите)\s+(?:\w+\s+)?(?:тво|ваш)\w*\s+(?:аккаунт\w*|акаунт\w*|акк\w*|профил\w*|уч[её]тк\w*|логин\w*)"
)
_ENTER_MINE_RE = re.compile(
    r"(?<![а-я])(?:зайди|зайдите|заходи|заходите|войди|войдите|входи|зайти|войти|залогинься|залогиньтесь|залогиниться)(?:те)?\s+"
    r"(?:(?:с|со|под|через)\s+(?:мо(?:его|ей|им|й|ю|ими|их)|сво(?:й|ю|ем|им|его|ей|ими|их))|"
    r"в\s+(?:мо|сво)\w*\s+(?:аккаунт|акк|учетк|дневник|госуслуг|почт))"
    r"|(?<![а-я])(?:пусти|пустите)\s+(?:меня\s+)?в\s+сво"
)
# «зайди за меня в Сферум»: logging in as someone — with an account or a service named in the sentence
# («зайди за меня в столовую» is an errand).
_FOR_ME_RE = re.compile(
    r"(?<![а-я])(?:зайди|зайдите|войди|войдите|зайти|войти|залогинься|залогиньтесь|отметься|отметьтесь)\s+за\s+меня(?![а-я])"
)
# «можно я зайду с твоего аккаунта», «я зайду в твой акк»: asking to use someone's account.
_ENTER_YOURS_RE = re.compile(
    r"(?<![а-я])(?:зайду|войду|залезу|захожу|зайти|войти|залезть|зайдем|войдем)\s+(?:(?:с|со|под|через)\s+(?:тво|ваш)\w*|"
    r"(?:в|на)\s+(?:тво|ваш)\w*\s+(?:аккаунт|акаунт|акк|учетк|профил|дневник|госуслуг|почт|вк|контакт|телеграм|страниц|сферум|мэш|учи|якласс))"
)
_ASK_VERB_RE = re.compile(
    r"(?<![а-я])(?:"
    r"скин(?:ь|ьте|ешь|ете|ет|ь-ка|)|кин(?:ь|ьте|ешь|ете)|скидыва(?:й|йте|ешь|ете)|кида(?:й|йте|ешь)|"
    r"пришл(?:и|ите|ешь|ете)|присылай(?:те)?|перешл(?:и|ите|ешь|ете)|пересылай(?:те)?|"
    r"продикту(?:й|йте|ешь|ете)|диктуй(?:те)?|скаж(?:и|ите|ешь|ете)|назов(?:и|ите|ешь|ете)|"
    r"напиш(?:и|ите|ешь|ете)|пиши(?:те)?|дай(?:те)?|дашь|дадите|отправ(?:ь|ьте|ишь|ите)|сообщ(?:и|ите|ишь)|"
    r"подскаж(?:и|ите|ешь|ете)|одолж(?:и|ите|ишь)|покаж(?:и|ите|ешь)|вышл(?:и|ите|ешь)|поделись|поделитесь|"
    r"сдавай(?:те)?|сдай(?:те)?|"
    # «кто даст код?», «кто скинет свой логин?»: asking the chat in the third person
    r"(?<=кто\s)(?:даст|скинет|кинет|пришлет|перешлет|напишет|скажет|продиктует|поделится|отправит)|"
    # «давай свой пароль», «давайте код» (but «давай поменяем пароль» is «let us»)
    r"давай(?:те)?(?=\s+(?:сво\w+\s+|мне\s+|тво\w+\s+|ваш\w+\s+)?(?:код|парол|цифр|смс|логин))|"
    r"(?:(?:можешь|можете|могли\s+бы|мог\s+бы|могла\s+бы|сможешь|сможете|может|смогут|сможет|надо|нужно|прошу|просьба|попрошу|просит|просят|попросил\w*)\s+(?:\w+\s+)?"
    r"(?:сказать|прислать|скинуть|кинуть|продиктовать|переслать|дать|назвать|написать|отправить|сообщить|подсказать|показать|поделиться)))"
    r"(?![а-я])"
)
_SECRET_NOUN_RE = re.compile(r"(?<![а-я])(?:код|коды|кода|кодом|кодик|парол\w*|пас+ворд\w*|цифр\w*|смс|sms|лп|логопас\w*)(?![а-я])")
_WHAT_PASSWORD_RE = re.compile(r"какой\s+[^.?!\n]{0,25}?(?:пароль|код)(?![а-я])[^.?!\n]{0,25}")
_YOURS_RE = re.compile(r"(?<![а-я])(?:у ([а-я]{3,})|тво\w*|ваш\w*|сво\w*|тебе|вам|тебя|у вас)(?![а-я])")
# «мне нужен твой пароль», «твой код мне нужен».
_NEED_YOURS_RE = re.compile(
    r"(?<![а-я])(?:нуж(?:ен|на|но|ны)|надо)\s+(?:\w+\s+)?(?:тво\w*|ваш\w*|ч(?:ей|ья|ье|ьи|ью)-?(?:нибудь|то|нить))\s+(?:\w+\s+)?(?:парол\w*|код\w*|логин\w*|аккаунт\w*|акк\w*|уч[её]тк\w*|цифр\w*)"
    r"|(?<![а-я])(?:тво\w*|ваш\w*)\s+(?:парол\w*|код\w*|логин\w*|акк\w*|аккаунт\w*)\s+(?:\w+\s+)?(?:мне\s+)?(?:нуж(?:ен|на|но|ны)|надо)(?![а-я])"
)
# «данные для входа: ivanova_m / Qwerty123», «вход: masha.k@mail.ru Masha2010»: a login and a secret with no «пароль».
_CREDENTIALS_RE = re.compile(
    r"(?<![а-я])(?:данн\w+\s+(?:для\s+)?входа|доступ\w*|вход|логин\w*|логопас|лп|акк\w*|аккаунт\w*|уч[её]тк\w*)"
    r"(?:\s+(?:от|для|в)\s+[^\s:—–-]+)?\s*[:—–-]\s*([^\s,;«»\"'()/|]{3,})\s*(?:[/|,;:]\s*|\s+)([^\s,;«»\"'()/|]{4,})"
)
# «пароль: котик»: a single ordinary word right after «пароль:» is the password itself.
_PASSWORD_WORD_RE = re.compile(r"(?<![а-я])(?:парол\w*|пас+ворд\w*)(?:\s+(?:от|для)\s+[^\s:—–-]+)?\s*[:=—–-]\s*([а-я]{3,})(?=\s*(?:[,.!;)]|$))")
_NOT_A_PASSWORD_WORD = frozenset(
    "дата день имя фамилия номер телефон логин почта год цифры буквы символы пароль код ссылка такой тот же один "
    "стандартный прежний старый новый простой сложный обычный неверный общий любой пустой одинаковый сброшен "
    "изменен поменяли забыла забыл забыли нет есть там тут здесь везде внизу выше ниже ниже".split()
)
# The secret written first: «P@ssw0rd123 — вот новый пароль от моего акка».
_SECRET_BEFORE_RE = re.compile(
    r"(?<!\S)([^\s,;«»\"'()]{6,})\s*[—–:-]\s*(?:(?:вот|это)\s+)?(?:(?:мой|моя|наш|новый|твой|его|ее)\s+){0,2}парол\w*"
)
# A password spelled out with spaces: «пароль от дневника 1 2 3 4 5 6 a b c».
_SPACED_SECRET_RE = re.compile(
    r"(?<![а-я])парол\w*(?:\s+(?:от|для)\s+\S+)?\s*[:—–-]?\s*((?:[a-z0-9]\s+){3,}[a-z0-9])(?![\w])"
)
# A login posted with «the password is the same» (or derived from it).
_SAME_AS_LOGIN_RE = re.compile(
    r"(?<![а-я])логин\w*(?:\s+(?:от|для|в)\s+\S+)?\s*[:—–-]\s*([^\s,;«»\"'()]{4,})(?=[\s,;])[^.!?\n]{0,20}?(?<![а-я])парол\w*\s+"
    r"(?:такой\s+же|тот\s+же|такой\s+как|как\s+(?:и\s+)?(?:у\s+)?логин|совпада)"
)
# «kostya_papa / 5511Aa»: a login and a secret side by side, in a message about an account.
_PAIR_RE = re.compile(r"(?<![\w/:.@])([a-z][a-z0-9_.\-]{2,})\s+/\s+([^\s/,;]{4,})")
_ACCOUNT_TALK_RE = re.compile(r"парол|логин|(?<![а-я])акк|аккаунт|уч[её]тк|(?<![а-я])вход|данн\w+\s+(?:от|для)(?![а-я])")
# «ничего сложного» says a password is simple, it is no lesson about passwords.
_NOT_A_LESSON_RE = re.compile(r"ничего\s+сложн\w*|не\s+сложн\w*")
# «подскажите, как поменять пароль» asks how, not for the password.
_HOW_RE = re.compile(r"(?<![а-я])(?:как|где|почему|зачем|куда|что делать|можно ли)(?![а-я])")
_WARNING_RE = re.compile(r"(?<![а-я])(?:никому|никогда|не)\s+(?:\w+\s+)?$")
# A sentence that warns about the very thing: «мошенники просят продать аккаунт — не ведитесь».
_SCAM_WARNING_RE = re.compile(r"никому|мошенни|не ведитесь|осторожно|будьте внимательн|не отвечайте|не давайте|не передавайте")


ACCESS_HINT_RE = _ACCESS_HINT_RE


def find_account_sharing(
    text: str, *, hinted: bool = False, digits: bool | None = None, numbers: bool | None = None
) -> list[Finding]:
    """Account-sharing findings in a normalised message.

    `hinted`: the caller has checked ACCESS_HINT_RE already; `digits`: whether the
    message has a digit; `numbers`: whether it may have four digits in a group.
    """
    found: list[Finding] = []
    if not hinted and not _ACCESS_HINT_RE.search(text):
        return found
    if digits is None:
        digits = bool(_DIGIT_RE.search(text))
    if digits:
        found += _codes(text, numbers=numbers is None or numbers)
    found += _passwords(text)
    found += _offers(text)
    found += _offers_across(text)
    found += _asks(text)
    found += _asks_what_came(text)
    return found


def _shared(text: str, start: int, end: int) -> bool:
    """Group-access words next to the keyword («ID конференции …, код доступа», «пароль конференции»)."""
    sentence = sentence_at(text, start)
    return bool(_SHARED_ACCESS.search(text, max(sentence.start, start - 45), min(sentence.end, end + 25)))


def _codes(text: str, *, numbers: bool = True) -> list[Finding]:
    out: list[Finding] = []
    patterns = (_CODE_RE, _CODE_BEFORE_RE, _CODE_ANSWER_RE) if numbers else ()
    for m in (found for pattern in patterns for found in islice(pattern.finditer(text), MAX_MATCHES)):
        start, end = m.span(1)
        if _shared(text, m.start(), m.start() + 4) or _UNIT_AFTER.match(text, end):
            continue
        if _CARD_TAIL_RE.search(text, max(0, start - 60), start):
            continue
        out.append(Finding(start, end, "posted one-time/login code"))
    for m in islice(_ALNUM_CODE_RE.finditer(text), MAX_MATCHES):
        sentence = sentence_at(text, m.start())
        if _SECRET_CODE_CONTEXT_RE.search(sentence.text) and not _shared(text, m.start(), m.start() + 4):
            out.append(Finding(m.start(1), m.end(1), "posted one-time/login code"))
    return out


def _passwords(text: str) -> list[Finding]:
    out: list[Finding] = []
    for m in islice(_PASSWORD_RE.finditer(text), MAX_MATCHES):
        sentence = sentence_at(text, m.start())
        if _shared(text, m.start(), m.end()) or _PASSWORD_LESSON_RE.search(_NOT_A_LESSON_RE.sub("", sentence.text)):
            continue
        secret = _secret_after(text, m.end(), sentence.end)
        if secret:
            out.append(Finding(secret[0], secret[1], "posted password"))
    for m in islice(_PASSWORD_WORD_RE.finditer(text), MAX_MATCHES):
        word = m.group(1)
        sentence = sentence_at(text, m.start())
        if word in _NOT_A_PASSWORD_WORD or _shared(text, m.start(), m.end()) or _PASSWORD_LESSON_RE.search(sentence.text):
            continue
        if _WARNING_RE.search(text[sentence.start : m.start()]):
            continue
        out.append(Finding(m.start(1), m.end(1), "posted password"))
    for m in islice(_SECRET_BEFORE_RE.finditer(text), MAX_MATCHES):
        if _looks_like_typed_secret(m.group(1)) and not _shared(text, m.start(), m.end()):
            out.append(Finding(m.start(1), m.end(1), "posted password"))
    for pattern in (_SPACED_SECRET_RE, _SAME_AS_LOGIN_RE):
        for m in islice(pattern.finditer(text), MAX_MATCHES):
            sentence = sentence_at(text, m.start())
            if pattern is _SAME_AS_LOGIN_RE and not _looks_like_login(m.group(1)):
                continue  # «логин: фамилия ученика латиницей, пароль такой же» explains, posts nothing
            if not (_shared(text, m.start(), m.end()) or _WARNING_RE.search(text[sentence.start : m.start()])):
                out.append(Finding(m.start(1), m.end(1), "posted password"))
    if _ACCOUNT_TALK_RE.search(text):
        for m in islice(_PAIR_RE.finditer(text), MAX_MATCHES):
            if _looks_like_secret(m.group(2)) and any(ch.isdigit() for ch in m.group(2)):
                out.append(Finding(m.start(1), m.end(2), "posted login and password"))
    for m in islice(_CREDENTIALS_RE.finditer(text), MAX_MATCHES):
        if not (_looks_like_login(m.group(1)) and _looks_like_secret(m.group(2))) or _shared(text, m.start(), m.end()):
            continue
        out.append(Finding(m.start(1), m.end(2), "posted login and password"))
    return out


def _looks_like_login(token: str) -> bool:
    return "@" in token or any(ch.isdigit() or "a" <= ch <= "z" for ch in token)


def _looks_like_secret(token: str) -> bool:
    token = token.rstrip(".!?")
    has_digit = any(ch.isdigit() for ch in token)
    has_latin = any("a" <= ch <= "z" for ch in token)
    return len(token) >= 4 and (has_digit or has_latin) and "://" not in token and "@" not in token


_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}")


def _looks_like_typed_secret(token: str) -> bool:
    """Digits and Latin letters (symbols allowed, «P@ssw0rd1»), and no address or e-mail."""
    token = token.rstrip(".!?")
    return (any(ch.isdigit() for ch in token) and any("a" <= ch <= "z" for ch in token) and "://" not in token
            and not ("@" in token and _EMAIL_RE.fullmatch(token)))


def _secret_after(text: str, pos: int, limit: int) -> tuple[int, int] | None:
    """Span of the first secret-looking token among the next few words."""
    for count, m in enumerate(_SECRET_TOKEN_RE.finditer(text, pos, limit)):
        if count >= 9:
            break
        token = m.group().rstrip(".!?:")
        has_digit = any(ch.isdigit() for ch in token)
        has_latin = any("a" <= ch <= "z" for ch in token)
        if not (has_digit or has_latin) or "://" in token or "@" in token:
            continue
        digits = sum(ch.isdigit() for ch in token)
        if token.isdigit() and (digits < 4 or _UNIT_AFTER.match(text, m.end())):
            continue
        if has_latin and not has_digit and count > 1 and text[pos : m.start()].strip(" :—-") != "":
            continue  # a Latin word far from «пароль» is more likely a service name
        return m.start(), m.start() + len(token)
    return None


def _offers(text: str) -> list[Finding]:
    out: list[Finding] = []
    for m in islice(_ASK_WEAK_RE.finditer(text), MAX_MATCHES):
        sentence = sentence_at(text, m.start())
        if _USE_FOR_A_WHILE_RE.search(sentence.text) and not _SCAM_WARNING_RE.search(sentence.text):
            out.append(Finding(m.start(), m.end(), "asking for access to an account"))
    for m in islice(_FOR_ME_RE.finditer(text), MAX_MATCHES):
        sentence = sentence_at(text, m.start())
        if _SERVICE_RE.search(sentence.text) or _ACCOUNT_NOUN_RE.search(sentence.text):
            out.append(Finding(m.start(), m.end(), "asking someone to log in as oneself"))
    for pattern in (_OFFER_RE, _OFFER_AFTER_RE, _ENTER_MINE_RE, _WANT_MINE_RE, _ENTER_YOURS_RE, _LEND_SERVICE_RE,
                    _PLAY_ON_MINE_RE, _ASK_LOGIN_RE):
        for m in islice(pattern.finditer(text), MAX_MATCHES):
            sentence = sentence_at(text, m.start())
            if _WARNING_RE.search(text[sentence.start : m.start()]) or _SCAM_WARNING_RE.search(sentence.text):
                continue
            if "парол" in m.group() and _shared(text, m.start(), m.end()):
                continue  # «дам пароль от вайфая»
            out.append(Finding(m.start(), m.end(), "offering or asking for access to an account"))
    return out


# «у кого есть учётка на Фоксфорде? дайте погонять»: a giving verb whose object is in the sentence before.
_GIVE_VERB_RE = re.compile(
    r"(?<![а-я])(?:дай|дайте|дашь|дадите|одолжи|одолжите|пусти|пустите|поделись|поделитесь|скинь|скиньте|кинь|киньте)(?![а-я])"
)
# «Кому нужен аккаунт Госуслуг? Продам»: selling or giving away, only after asking who wants one
# («Кто не может зайти в аккаунт? Дам инструкцию» gives advice, not the account).
_SELL_VERB_RE = re.compile(
    r"(?<![а-я])(?:продам|продаю|отдам|отдаю|сдам|сдаю|сдает|сдаете|сдадите|куплю|арендую|одолжу|дам)(?![а-я])"
)
_WHO_WANTS_RE = re.compile(
    r"(?<![а-я])(?:кому\s+(?:\w+\s+)?(?:нуж|надо)|нуж\w*\s+(?:\w+\s+)?кому|кто\s+(?:\w+\s+)?(?:хочет|купит|возьмет|ищет)|"
    r"у\s+кого\s+(?:\w+\s+)?(?:лишн|ненужн)|ищу|продается|продаются)"
)
_ACCOUNT_NOUN_RE = re.compile(rf"(?<![а-я]){_ACCOUNT_NOUN}")


def _offers_across(text: str) -> list[Finding]:
    out: list[Finding] = []
    asks = ((m, False) for m in islice(_GIVE_VERB_RE.finditer(text), MAX_MATCHES))
    sells = ((m, True) for m in islice(_SELL_VERB_RE.finditer(text), MAX_MATCHES))
    for m, selling in (*asks, *sells):
        sentence = sentence_at(text, m.start())
        if sentence.start == 0 or _ACCOUNT_NOUN_RE.search(text, sentence.start, sentence.end):
            continue
        if len(text[m.end() : sentence.end].strip(" ,.!?:—-")) > 25:
            continue
        previous = sentence_at(text, sentence.start - 1)
        noun = _ACCOUNT_NOUN_RE.search(text, max(previous.start, previous.end - 60), previous.end)
        if selling and not _WHO_WANTS_RE.search(previous.text):
            continue
        if noun and "парол" not in noun.group() and not _SCAM_WARNING_RE.search(previous.text + sentence.text):
            out.append(Finding(noun.start(), m.end(), "asking for access to an account"))
    return out


def _asks(text: str) -> list[Finding]:
    out: list[Finding] = []
    for m in islice(_ASK_VERB_RE.finditer(text), MAX_MATCHES):
        sentence = sentence_at(text, m.start())
        noun = _SECRET_NOUN_RE.search(text, sentence.start, sentence.end)
        if noun is not None and noun.start() < m.start() and _WRITE_VERB_RE.match(m.group()) and _TO_ME_RE.match(text, m.end()):
            continue  # «если пришёл код — смените пароль и напишите мне»: write to me, not the code
        if _REPORTED_ASK_RE.match(m.group()) and _SCAM_TALK_RE.search(text):
            continue
        short = len(text[m.end() : sentence.end].strip(" ,.!?:—-")) <= 20 or _IT_RE.match(text, m.end())
        if noun is not None:
            noun = _asked_noun(text, sentence.start, sentence.end)
            if noun is None:
                continue  # every secret named is shared («пароль от вайфая») or refused («а не пароль»)
        elif sentence.start > 0 and short:
            # «какой код тебе пришёл? продиктуй»: the object is in the sentence before.
            previous = sentence_at(text, sentence.start - 1)
            noun = _asked_noun(text, max(previous.start, previous.end - 60), previous.end)
        if noun is None:
            continue
        if noun.group().startswith("цифр") and not _SMS_CONTEXT_RE.search(text, max(0, noun.start() - 80), noun.end() + 60):
            continue  # «назовите цифры на картинке», «скиньте цифры по сбору»
        head = text[sentence.start : m.start()]
        if m.group().startswith(("мог", "мож", "смож")):
            head = re.sub(r"(?<![а-я])не\s+$", "", head)  # «не могли бы вы прислать код» is a polite request
        if _WARNING_RE.search(head) or "никому" in sentence.text or "никогда" in sentence.text:
            continue
        if noun.start() >= sentence.start and _HOW_RE.search(text, min(m.end(), noun.start()), max(m.start(), noun.start())):
            continue
        if _NOT_THE_SECRET_RE.search(text, max(sentence.start, noun.start() - 25), min(sentence.end, noun.end() + 25)):
            continue  # «пишите сюда, если не приходит код»: a trouble, not a secret
        if m.end() <= noun.start() and _CONDITION_RE.search(text, m.end(), noun.start()):
            continue  # «пишите, если код не подходит»: the verb's object is the situation
        start, end = min(m.start(), noun.start()), max(m.end(), noun.end())
        out.append(Finding(start, end, "asking for someone's code or password"))
    for m in islice(_WHAT_PASSWORD_RE.finditer(text), MAX_MATCHES):
        if _is_yours(m.group()) and not _SHARED_ACCESS.search(m.group()):
            out.append(Finding(m.start(), m.end(), "asking for someone's password"))
    for m in islice(_NEED_YOURS_RE.finditer(text), MAX_MATCHES):
        sentence = sentence_at(text, m.start())
        if not _WARNING_RE.search(text[sentence.start : m.start()]) and not _SHARED_ACCESS.search(m.group()):
            out.append(Finding(m.start(), m.end(), "asking for someone's password"))
    return out


def _asked_noun(text: str, start: int, end: int) -> re.Match[str] | None:
    """The first secret named in text[start:end] that can be someone's: not group access right after it
    («код класса», «пароль конференции», but «пароль от аккаунта класса» is an account's), not refused
    («ссылку, а не пароль»)."""
    for noun in islice(_SECRET_NOUN_RE.finditer(text, start, end), 4):
        if _REFUSED_RE.search(text, max(start, noun.start() - 6), noun.start()):
            continue
        window_end = min(end, noun.end() + 25)
        shared = _SHARED_ACCESS.search(text, noun.end(), window_end)
        if shared and not _ACCOUNT_NOUN_RE.search(text, noun.end(), shared.start()):
            continue
        return noun
    return None


_REFUSED_RE = re.compile(r"(?<![а-я])не\s+$")
_NOT_THE_SECRET_RE = re.compile(r"(?<![а-я])не\s+(?:приход|пришл|пришел|приш|доход|подход|работа|принима)")
_CONDITION_RE = re.compile(r"(?<![а-я])(?:если|когда|пока|как\s+только)(?![а-я])")
_TO_ME_RE = re.compile(r"\s+(?:мне|нам)(?![а-я])(?!\s+(?:его|их|сюда|код|парол|цифр))")
_WRITE_VERB_RE = re.compile(r"напиш|пиши")
# «просит назвать код» reports someone else's request: in a message that warns about it, no one asks.
_REPORTED_ASK_RE = re.compile(r"прос(?:ит|ят)|попросил")
_SCAM_TALK_RE = re.compile(_SCAM_WARNING_RE.pattern + r"|фейк|осторожн|блокир|не сообщайте|не называйте")
# «Вам пришёл код? Пришлите его сюда»: the object is a pronoun for the noun before.
_IT_RE = re.compile(r"\s+(?:его|их)(?![а-я])")


# Digits are a code only when they came in a message: «цифры из смс», «цифры, которые придут».
_SMS_CONTEXT_RE = re.compile(r"смс|sms|сообщени|пришл|придут|придет|пришед|приход|телефон|код|подтвержд|голос")


# «продиктуй, что пришло», «перешли, что тебе пришло от Госуслуг»: the code without naming it.
_WHAT_CAME_RE = re.compile(
    r"(?<![а-я])(?:что|которое|который|которые)\s+(?:тебе\s+|вам\s+)?(?:сейчас\s+)?(?:пришло|пришел|придет|придут|прилетит|прилетело)(?![а-я])"
)
_CODE_SOURCE_RE = re.compile(
    r"смс|sms|госуслуг|банк|сбер|(?<![а-я])вк(?![а-я])|вконтакт|telegram|телеграм|whatsapp|ватсап|(?<![а-я])код|подтвержд|сейчас\s+прид"
)


def _asks_what_came(text: str) -> list[Finding]:
    out: list[Finding] = []
    for m in islice(_WHAT_CAME_RE.finditer(text), MAX_MATCHES):
        sentence = sentence_at(text, m.start())
        verb = _last(_ASK_VERB_RE.finditer(text, max(sentence.start, m.start() - 30), m.start()))
        if verb is None or _WARNING_RE.search(text[sentence.start : verb.start()]):
            continue
        if _CODE_SOURCE_RE.search(text, max(0, m.start() - 80), min(len(text), m.end() + 40)):
            out.append(Finding(verb.start(), m.end(), "asking for someone's code"))
    return out


def _last(matches: Iterator[re.Match[str]]) -> re.Match[str] | None:
    tail = deque(matches, maxlen=1)
    return tail[0] if tail else None


def _is_yours(phrase: str) -> bool:
    """«какой у тебя пароль», «какой код тебе пришёл», «какой у Вани пароль» — not «какой код у этой задачи»."""
    for m in _YOURS_RE.finditer(phrase):
        owner = m.group(1)
        if owner is None or owner in ("тебя", "вас", "него", "нее", "них") or owner.startswith(("тво", "ваш", "сво")) or is_person_word(owner):
            return True
    return False
