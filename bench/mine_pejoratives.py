"""Candidate pejoratives for data/insults.txt, found by word embeddings (offline tool).

Run: .venv/bin/pip install natasha==1.6.0 navec==0.10.0 --no-deps   (build time only)
     .venv/bin/python bench/mine_pejoratives.py > /tmp/candidates.txt

Every animate noun and qualitative adjective of the navec vocabulary (MIT,
shipped inside the natasha wheel) is scored by how close it is to the words
already in insults.txt and how far from a list of neutral and positive words
about people, animals and things. The top of the list is for a person to
review: some neighbours are pejoratives never listed («лжец», «проходимец»),
many are not («мудрец», «пятнистый»). Reviewed picks go into insults.txt by
hand (kind chosen by hand), then bench/build_moderation_lexicon.py rebuilds
the forms table. Nothing here runs in the bot.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pymorphy3
from navec import Navec

ROOT = Path(__file__).resolve().parent.parent
NEUTRAL = """учитель ученик ученица мама папа бабушка дедушка брат сестра друг подруга директор завуч врач медсестра
повар водитель человек ребенок девочка мальчик школьник студент родитель сосед соседка гость артист певец художник писатель
поэт спортсмен чемпион победитель отличник молодец умница красавица герой капитан староста тренер вожатый библиотекарь
кот кошка собака щенок котенок птица воробей синица лиса заяц волк медведь ежик белка лошадь корова конь рыба
стол стул доска тетрадь ручка книга учебник окно дверь дом школа класс урок задача пример ответ вопрос город улица
хороший добрый умный красивый веселый смелый честный вежливый аккуратный внимательный спокойный сильный высокий новый
старый большой маленький синий зеленый интересный важный нужный трудный легкий летний зимний школьный
гений талант мастер специалист профессионал помощник волонтер лидер организатор исследователь инженер программист""".split()
_PROPER = {"Name", "Surn", "Patr", "Geox", "Orgn", "Abbr"}


def _navec_path() -> Path:
    # Found without importing natasha, whose own dependencies are not needed here.
    import importlib.util

    spec = importlib.util.find_spec("natasha")
    if spec is None or spec.origin is None:
        raise SystemExit("install the natasha wheel (--no-deps) for its navec vectors")
    return Path(spec.origin).parent / "data" / "emb" / "navec_news_v1_1B_250K_300d_100q.tar"


def _unit(vectors: list[np.ndarray]) -> np.ndarray:
    matrix = np.array(vectors)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def main(top: int = 900) -> None:
    navec = Navec.load(str(_navec_path()))
    morph = pymorphy3.MorphAnalyzer()
    listed = {
        line.split()[0].replace("ё", "е")
        for line in (ROOT / "bot/moderation/data/insults.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    seeds = _unit([navec[w] for w in sorted(listed) if w in navec])
    neutral = _unit([navec[w] for w in NEUTRAL if w in navec])
    candidates = []
    for word in navec.vocab.words:
        if not re.fullmatch("[а-я]{4,}", word) or word in listed:
            continue
        parse = morph.parse(word)[0]
        if parse.normal_form != word or _PROPER & parse.tag.grammemes:
            continue
        if (parse.tag.POS == "NOUN" and "anim" in parse.tag) or (parse.tag.POS == "ADJF" and "Qual" in parse.tag):
            candidates.append(word)
    matrix = _unit([navec[w] for w in candidates])
    near_seed = np.sort(matrix @ seeds.T, axis=1)[:, -3:].mean(axis=1)
    near_neutral = np.sort(matrix @ neutral.T, axis=1)[:, -3:].mean(axis=1)
    score = near_seed - 0.5 * near_neutral
    for i in np.argsort(-score)[:top]:
        print(f"{candidates[i]}\t{score[i]:.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 900)
