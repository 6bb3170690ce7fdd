"""Names in the case a sentence needs, gendered past tenses, numbers with nouns (bot/grammar.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.grammar import Case, decline_name, gendered, infer_gender, name_in, plural
from bot.port.gateway import Gender

G, D, A, INS, L = Case.GENT, Case.DATV, Case.ACCS, Case.ABLT, Case.LOCT

# (name, gender from the profile, genitive, dative, accusative, instrumental, prepositional)
DECLINED = [
    ("Петя Иванов", Gender.UNKNOWN, "Пети Иванова", "Пете Иванову", "Петю Иванова", "Петей Ивановым", "Пете Иванове"),
    ("Мария Петрова", Gender.UNKNOWN, "Марии Петровой", "Марии Петровой", "Марию Петрову", "Марией Петровой",
     "Марии Петровой"),
    ("Ольга Иванова", Gender.FEMALE, "Ольги Ивановой", "Ольге Ивановой", "Ольгу Иванову", "Ольгой Ивановой",
     "Ольге Ивановой"),
    ("Игорь Незнакомов", Gender.MALE, "Игоря Незнакомова", "Игорю Незнакомову", "Игоря Незнакомова",
     "Игорем Незнакомовым", "Игоре Незнакомове"),
    ("Иванов Петя", Gender.UNKNOWN, "Иванова Пети", "Иванову Пете", "Иванова Петю", "Ивановым Петей",
     "Иванове Пете"),  # a child as a parent names them: surname first
    ("Лев Толстой", Gender.UNKNOWN, "Льва Толстого", "Льву Толстому", "Льва Толстого", "Львом Толстым",
     "Льве Толстом"),
    ("Илья Горький", Gender.MALE, "Ильи Горького", "Илье Горькому", "Илью Горького", "Ильёй Горьким",
     "Илье Горьком"),
    ("Любовь Орлова", Gender.UNKNOWN, "Любови Орловой", "Любови Орловой", "Любовь Орлову", "Любовью Орловой",
     "Любови Орловой"),
    ("Наталья Гончарова", Gender.FEMALE, "Натальи Гончаровой", "Наталье Гончаровой", "Наталью Гончарову",
     "Натальей Гончаровой", "Наталье Гончаровой"),
    ("Мария Ивановна Петрова", Gender.UNKNOWN, "Марии Ивановны Петровой", "Марии Ивановне Петровой",
     "Марию Ивановну Петрову", "Марией Ивановной Петровой", "Марии Ивановне Петровой"),
    # hyphenated
    ("Николай Римский-Корсаков", Gender.UNKNOWN, "Николая Римского-Корсакова", "Николаю Римскому-Корсакову",
     "Николая Римского-Корсакова", "Николаем Римским-Корсаковым", "Николае Римском-Корсакове"),
    ("Анна-Мария Шевченко", Gender.FEMALE, "Анны-Марии Шевченко", "Анне-Марии Шевченко", "Анну-Марию Шевченко",
     "Анной-Марией Шевченко", "Анне-Марии Шевченко"),
    # foreign: a man's surname on a consonant is declined, a woman's is not
    ("Джон Смит", Gender.MALE, "Джона Смита", "Джону Смиту", "Джона Смита", "Джоном Смитом", "Джоне Смите"),
    ("Анна Смит", Gender.FEMALE, "Анны Смит", "Анне Смит", "Анну Смит", "Анной Смит", "Анне Смит"),
    ("Саша Ким", Gender.FEMALE, "Саши Ким", "Саше Ким", "Сашу Ким", "Сашей Ким", "Саше Ким"),
    ("Саша Ким", Gender.MALE, "Саши Кима", "Саше Киму", "Сашу Кима", "Сашей Кимом", "Саше Киме"),
    # indeclinable surnames
    ("Павел Черных", Gender.UNKNOWN, "Павла Черных", "Павлу Черных", "Павла Черных", "Павлом Черных",
     "Павле Черных"),
    ("Тарас Шевченко", Gender.MALE, "Тараса Шевченко", "Тарасу Шевченко", "Тараса Шевченко", "Тарасом Шевченко",
     "Тарасе Шевченко"),
    # first names the dictionary may not know
    ("Аделина Зарипова", Gender.UNKNOWN, "Аделины Зариповой", "Аделине Зариповой", "Аделину Зарипову",
     "Аделиной Зариповой", "Аделине Зариповой"),
    ("Юлия Дзюба", Gender.FEMALE, "Юлии Дзюбы", "Юлии Дзюбе", "Юлию Дзюбу", "Юлией Дзюбой", "Юлии Дзюбе"),
    ("Кузьма Гоголь", Gender.MALE, "Кузьмы Гоголя", "Кузьме Гоголю", "Кузьму Гоголя", "Кузьмой Гоголем",
     "Кузьме Гоголе"),
    ("Алексей Ильин", Gender.UNKNOWN, "Алексея Ильина", "Алексею Ильину", "Алексея Ильина", "Алексеем Ильиным",
     "Алексее Ильине"),
    ("Елена Соколова", Gender.UNKNOWN, "Елены Соколовой", "Елене Соколовой", "Елену Соколову", "Еленой Соколовой",
     "Елене Соколовой"),
    ("Анна Смирнова", Gender.UNKNOWN, "Анны Смирновой", "Анне Смирновой", "Анну Смирнову", "Анной Смирновой",
     "Анне Смирновой"),
]


@pytest.mark.parametrize(("name", "gender", *(c.value for c in (G, D, A, INS, L))), DECLINED)
def test_names_are_declined_in_every_case(name: str, gender: Gender, gent: str, datv: str, accs: str, ablt: str,
                                          loct: str) -> None:
    for case, expected in zip((G, D, A, INS, L), (gent, datv, accs, ablt, loct), strict=True):
        assert decline_name(name, case, gender) == expected, case


@pytest.mark.parametrize(("name", "gender"), [
    ("Петя Иванов", Gender.MALE), ("Мария Петрова", Gender.FEMALE), ("Ольга Иванова", Gender.FEMALE),
    ("Иванов Петя", Gender.MALE), ("Лев Толстой", Gender.MALE), ("Мария Ивановна Петрова", Gender.FEMALE),
    ("Аделина Зарипова", Gender.FEMALE), ("Никита Михалков", Gender.MALE), ("Саша Иванова", Gender.FEMALE),
    ("Саша Иванов", Gender.MALE), ("Саша Ким", Gender.UNKNOWN), ("Ли Вэй", Gender.UNKNOWN),
])
def test_gender_is_read_from_the_name_when_the_profile_has_none(name: str, gender: Gender) -> None:
    assert infer_gender(name) is gender


def test_the_profiles_gender_wins() -> None:
    assert infer_gender("Саша Ким", Gender.FEMALE) is Gender.FEMALE
    assert decline_name("Саша Ким", G, Gender.FEMALE) == "Саши Ким"


@pytest.mark.parametrize("name", ["Саша Ким", "Ли Вэй", "John Smith", "Петя 2007", "", "   ",
                                  "Очень Длинное Имя Из Пяти Слов", "🙂 Петя"])
def test_unsure_names_are_not_guessed(name: str) -> None:
    """No gender where a form needs one, Latin letters, digits: None, and name_in falls back."""
    assert decline_name(name, G) is None
    shown = name_in(name, G)
    assert shown.startswith("участника ")


def test_name_in_falls_back_to_a_declined_noun_with_the_name_as_it_is() -> None:
    assert name_in("Ли Вэй", G) == "участника Ли Вэй"
    assert name_in("Ли Вэй", D, noun="ученик") == "ученику Ли Вэй"
    assert name_in("", G) == "участника без имени"
    assert name_in("Петя Иванов", G) == "Пети Иванова"
    assert name_in("Петя Иванов", Case.NOMN) == "Петя Иванов"


def test_capitals_are_kept() -> None:
    assert decline_name("ПЕТЯ ИВАНОВ", D) == "ПЕТЕ ИВАНОВУ"
    assert decline_name("петя иванов", D) == "пете иванову"


@pytest.mark.parametrize(("gender", "expected"), [
    (Gender.MALE, "пожаловался"), (Gender.FEMALE, "пожаловалась"), (Gender.UNKNOWN, "жалоба от"),
])
def test_past_tenses_follow_the_gender_and_never_use_brackets(gender: Gender, expected: str) -> None:
    text = gendered(gender, "пожаловался", "пожаловалась", "жалоба от")
    assert text == expected and "(" not in text


@pytest.mark.parametrize(("n", "text"), [(1, "1 день"), (2, "2 дня"), (5, "5 дней"), (11, "11 дней"),
                                         (21, "21 день"), (22, "22 дня"), (112, "112 дней")])
def test_plural(n: int, text: str) -> None:
    assert plural(n, "день", "дня", "дней") == text


@given(st.text(max_size=60), st.sampled_from(list(Case)), st.sampled_from(list(Gender)))
def test_declension_never_fails(name: str, case: Case, gender: Gender) -> None:
    declined = decline_name(name, case, gender)
    assert declined is None or len(declined.split()) == len(name.split())
    assert name_in(name, case, gender)
