"""Benchmark of the moderation check against two open-source Russian profanity filters.

Run: .venv/bin/python bench/moderation_bench.py   (writes bench/RESULTS-moderation.md)
     .venv/bin/python bench/moderation_bench.py --ours-only   (skips the other filters: minutes faster)
     .venv/bin/python bench/moderation_bench.py --ours-only --baseline HEAD
         (also loads bot/moderation as it is in git revision HEAD, scores it on the same sets and
         measures both checks side by side in this process, alternating rounds)
     --final also scores tests/data/moderation_own_aside2.jsonl, which is held aside until then

Measures, on the project's sets tests/data/moderation_set.jsonl and moderation_holdout.jsonl
and on the own/dev sets moderation_own_dev.jsonl (tuned on), moderation_own_aside.jsonl
(round 1, held aside) and moderation_own_aside2.jsonl (round 2, held aside, scored only at the end): per-label precision/recall/F1, false-positive rate on
clean messages, a per-kind breakdown of the own sets, messages per second of `check` alone on
one core, model load time, and worst-case time on adversarial 4,096-character messages.
check-swear and better-profanity are run on the project's sets and scored on the profanity
label only.
"""

from __future__ import annotations

import datetime
import gc
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LABELS = ("profanity", "insult", "personal_data", "account_sharing")
SETS = {"set": ROOT / "tests/data/moderation_set.jsonl", "holdout": ROOT / "tests/data/moderation_holdout.jsonl"}
# Own/dev sets: messages with a "kind" field, written from the policy by the detection's author.
OWN_SETS = {
    "own_dev": ROOT / "tests/data/moderation_own_dev.jsonl",
    "own_aside": ROOT / "tests/data/moderation_own_aside.jsonl",
    "own_aside2": ROOT / "tests/data/moderation_own_aside2.jsonl",
}
# Written blind to the rules from the policy alone, by sessions that never saw them; scored after the
# rules of a round were frozen, never tuned on. An older round's set was seen while the next was developed.
INDEPENDENT_SETS = {
    "round 4 (independent)": ROOT / "tests/data/moderation_blind_round4_2026-11-30.jsonl",
    "round 3 (seen in round 4)": ROOT / "tests/data/moderation_blind_round3_2026-11-30.jsonl",
    "round 2 (seen in round 3)": ROOT / "tests/data/moderation_blind_round2_2026-11-29.jsonl",
    "round 1 (seen in round 2)": ROOT / "tests/data/moderation_blind_2026-11-29.jsonl",
}
TARGETS = {"profanity": "≥ 0.97", "insult": "≥ 0.90", "personal_data": "≥ 0.95", "account_sharing": "≥ 0.92"}
INDEPENDENT_NOTES = """Round 4 (805 messages, 452 clean) was written blind to the rules and scored once, after the
round-4 rules were frozen (git 325e1d8): every target is met there. Sets differ in difficulty, so each set
was also scored with the older rules: on round 4, the round-2 rules score macro-F1 0.952 (account sharing
0.917, personal data 0.967, 4 of 452 clean flagged) and the round-3 rules 0.953 (account sharing 0.923);
on round 3 (832 messages, a harder set), the round-2 rules scored 0.933 and the round-3 rules 0.938
(account sharing 0.866, personal data 0.948, 5 of 476 clean flagged) when it was scored once; round 4 was
developed from round 3's misses, so that set's numbers below are no longer independent.
Misses on the round-4 set, by kind: digits written as look-alike letters inside phone numbers («8 9I2 5O7»,
«0З8») and inside keywords («к0д», «пар0ль», «п@роль», «p a r o l»); asking for an account without a verb of
giving («дайте зайти», «ищу аккаунт … заплачу»), «делюсь» an account; an alphanumeric code sent by e-mail;
insults made of мат predicated of a person («Физрук ебанутый», «Училка — тупая пизда»), collective
«мудачьё», a hyphenated «мамаши-курицы», «даун» as a pejorative. False alarms: «ножницы тупые» (a thing),
a joke about changing a password «если он у вас 123456», one's own number for a money transfer, a question
about a committee's phone that has none."""

# Function words given to check-swear instead of NLTK's list, which it would try to download.
RU_STOPWORDS = "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня еще нет о из ему теперь когда даже ну ли если уже или ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю между".split()
# Inflected forms for better-profanity, which matches whole words only (our own short list).
RU_OBSCENE_FORMS = """хуй хуя хую хуем хуи хуёв хуев хуйня хуйню хуйни хуёвый хуевый хуёво хуево хуевая хуёвая нахуй нахуя похуй нихуя охуеть охуел охуенно охуенный ахуеть
пизда пизды пизде пизду пиздой пиздец пиздеца пиздецки пиздёж пиздеж пиздит пиздить спиздил спиздили спиздила пиздатый пиздато пиздюк пиздюки пиздюлей распиздяй
ебать ебал ебала ебали ебёт ебет ебут ебаный ебаная ебаное ёбаный заебал заебала заебали заебался заебись выебываться наебнулся уебан уебок уёбок долбоёб долбоеб ебанутый ебанько
блядь бляди блядский блядская блять бля блядство выблядок мудак мудаки мудака мудила мудозвон манда мандавошка залупа залупаться пидор пидора пидоры пидорас пидорасы пидарас сука суки суку сучара""".split()


# F1 per label and clean messages with any label of the check of round 1 (git HEAD 765e875 of
# 2026-11-29), on the sets as they are after round 2; used when no --baseline is given (with
# --baseline the numbers are computed in the same run).
BEFORE = {
    "set": ("0.998", "1.000", "1.000", "1.000", "0.14%"),
    "holdout": ("1.000", "1.000", "1.000", "1.000", "0.00%"),
    "own_dev": ("0.960", "0.944", "0.789", "0.752", "4.06%"),
    "own_aside": ("0.938", "0.971", "1.000", "0.938", "1.10%"),
    "own_aside2": ("1.000", "0.929", "0.800", "0.818", "5.88%"),
}


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(rows: list[dict], predict: Callable[[str], set[str]], labels: tuple[str, ...]) -> dict:
    counts = {label: [0, 0, 0] for label in labels}
    clean = clean_any = clean_prof = 0
    for row in rows:
        got, expected = predict(row["text"]), set(row["labels"])
        if not expected:
            clean += 1
            clean_any += bool(got)
            clean_prof += "profanity" in got
        for label in labels:
            c = counts[label]
            c[0] += label in got and label in expected
            c[1] += label in got and label not in expected
            c[2] += label not in got and label in expected
    return {
        "labels": {label: prf(*c) for label, c in counts.items()},
        "clean_fp_any": clean_any / clean,
        "clean_fp_profanity": clean_prof / clean,
        "n": len(rows),
        "clean": clean,
    }


def per_kind(rows: list[dict], predict: Callable[[str], set[str]]) -> dict[str, tuple[int, int]]:
    """kind → (messages, messages whose labels match exactly)."""
    out: dict[str, list[int]] = {}
    for row in rows:
        c = out.setdefault(row.get("kind", "?"), [0, 0])
        c[0] += 1
        c[1] += predict(row["text"]) == set(row["labels"])
    return {kind: (n, ok) for kind, (n, ok) in sorted(out.items())}


def throughput(fn: Callable[[str], object], texts: list[str], min_seconds: float = 1.0, clock: Callable[[], float] = time.perf_counter) -> float:
    done, start = 0, clock()
    while clock() - start < min_seconds:
        for text in texts:
            fn(text)
        done += len(texts)
    return done / (clock() - start)


def side_by_side(checks: dict[str, Callable[[str], object]], texts: list[str], rounds: int = 8, seconds: float = 0.4) -> dict[str, dict[str, float]]:
    """Best-of-rounds rate of each check on the same texts, alternating rounds in one process.

    Wall-clock and process CPU time are both reported: on a shared machine other
    processes slow the wall clock down, not the CPU time this process gets.
    """
    out = {name: {"wall": 0.0, "cpu": 0.0} for name in checks}
    for _ in range(rounds):
        for name, fn in checks.items():
            out[name]["wall"] = max(out[name]["wall"], throughput(fn, texts, seconds))
            out[name]["cpu"] = max(out[name]["cpu"], throughput(fn, texts, seconds, time.process_time))
    return out


def load_baseline(rev: str):  # type: ignore[no-untyped-def]
    """bot/moderation as it is in git revision `rev`, imported under another package name."""
    import importlib
    import subprocess
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="moderation-baseline-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "bot/moderation"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
    package = tmp / "baseline_check"
    (tmp / "bot" / "moderation").rename(package)
    for path in package.rglob("*.py"):
        path.write_text(path.read_text(encoding="utf-8").replace("bot.moderation", "baseline_check"), encoding="utf-8")
    sys.path.insert(0, str(tmp))
    return importlib.import_module("baseline_check")


ADVERSARIAL = {
    "one letter ×4096": "я" * 4096,
    "«п*» ×2048": "п*" * 2048,
    "spelled letters «х » ×2048": "х " * 2048,
    "separators only": ".-*_ " * 819,
    "digits ×4096": "9" * 4096,
    "digit groups «1 » ×2048": "1 " * 2048,
    "«пароль » ×585": "пароль " * 585,
    "«код 1234 » ×455": "код 1234 " * 455,
    "addresses ×190": "ул. Ленина, 5, кв. 7 " * 190,
    "zero-width split": "п\u200b" * 2048,
    "quotes ×4096": "«" * 4096,
    "obscene words ×585": "пиздец " * 585,
    "random-ish mix": ("ты д3бил п.и.з.д.е.ц 89161234567 пароль qwe123 ") * 85,
    "translit keywords ×315": "parol qwerty " * 315,
    "numbers in words ×204": "паспорт сорок пять ноль " * 171,
    "settlement addresses ×85": "живет в поселке солнечный, улица центральная 5 " * 85,
    "«ты » ×1365": "ты " * 1365,
    "pejoratives ×455": "ты баран " * 455,
    "«иди нахуй » ×409": "иди нахуй " * 409,
    "login + 4,090 Latin letters": "логин:" + "a" * 4090,
    "«вход: a1 b2 » ×341": "вход: a1 b2 " * 341,
    "«пароль: котик, » ×273": "пароль: котик, " * 273,
    "«номер Вики » ×372": "номер Вики " * 372,
    "«живёт на Лесной 5 » ×227": "живёт на Лесной 5 " * 227,
    "«у кого есть номер мамы » ×178": "у кого есть номер мамы " * 178,
    "«Садовая 5-12 » ×315": "Садовая 5-12 " * 315,
    "«снилс — сюда » ×315": "снилс — сюда " * 315,
    "«dai akk » ×512": "dai akk " * 512,
    "«1-» ×2048": "1-" * 2048,
    "«у Кости дом на Садовой 24 » ×157": "у Кости дом на Садовой 24 " * 157,
}


def worst_case(check: Callable[[str], object]) -> list[tuple[str, float]]:
    """Worst of 3 runs per adversarial message, in CPU time of this process (the wall clock of a
    shared machine adds whatever other processes took), after a garbage collection."""
    out = []
    for name, text in ADVERSARIAL.items():
        text = text[:4096]
        best = []
        for _ in range(3):
            gc.collect()  # a full collection of the whole process is not the message's doing
            t0 = time.process_time()
            check(text)
            best.append(time.process_time() - t0)
        out.append((name, max(best) * 1000))
    return out


def main() -> None:
    ours_only = "--ours-only" in sys.argv
    baseline_rev = sys.argv[sys.argv.index("--baseline") + 1] if "--baseline" in sys.argv else None
    t0 = time.perf_counter()
    from bot.moderation import ModerationChecker

    checker = ModerationChecker()
    load_ours = time.perf_counter() - t0

    def ours(text: str) -> set[str]:
        return {str(label) for label in checker.check(text).labels}

    data = {name: load(path) for name, path in SETS.items()}
    # own_aside2 is held aside: scored only in the final run (--final).
    own = {name: load(path) for name, path in OWN_SETS.items() if name != "own_aside2" or "--final" in sys.argv}
    results = {name: score(rows, ours, LABELS) for name, rows in {**data, **own}.items()}
    kinds = {name: per_kind(rows, ours) for name, rows in own.items()}
    independent = {name: score(load(path), ours, LABELS) for name, path in INDEPENDENT_SETS.items()}
    baseline = None
    if baseline_rev:
        old = load_baseline(baseline_rev).ModerationChecker()

        def theirs(text: str) -> set[str]:
            return {str(label) for label in old.check(text).labels}

        baseline = {
            "rev": baseline_rev,
            "check": old.check,
            "results": {name: score(rows, theirs, LABELS) for name, rows in {**data, **own}.items()},
            "kinds": {name: per_kind(rows, theirs) for name, rows in own.items()},
        }
    try:
        others, other_scores = ({}, {}) if ours_only else compare_others(data)
    except ImportError:  # check-swear / better-profanity are dev dependencies
        others, other_scores = {}, {}

    typical = [row["text"] for row in data["set"]]
    # Cold: a fresh checker (its word caches empty) on holdout messages it never saw; best of 3, CPU time.
    makers = {"now": ModerationChecker}
    if baseline:
        makers["baseline"] = type(baseline["check"].__self__)
    cold_rate = dict.fromkeys(makers, 0.0)
    for _ in range(3):
        for name, make in makers.items():
            fresh = make()
            cold_start = time.process_time()
            for row in data["holdout"]:
                fresh.check(row["text"])
            cold_rate[name] = max(cold_rate[name], len(data["holdout"]) / (time.process_time() - cold_start))
    clean = [r["text"] for r in data["set"] if not r["labels"]]
    flagged = [r["text"] for r in data["set"] if r["labels"]]
    # A school chat is mostly ordinary messages: 19 clean for every violation.
    chat_mix = [text for i, text in enumerate(clean) for text in ([text, flagged[i % len(flagged)]] if i % 19 == 0 else [text])]
    checks = {"now": checker.check}
    if baseline:
        checks["baseline"] = baseline["check"]
    speed = {
        "chat_mix": side_by_side(checks, chat_mix),
        "set": side_by_side(checks, typical, rounds=4),
        "clean": side_by_side(checks, clean, rounds=4),
    }
    rates = {name: throughput(fn, typical[:150], 1.0) for name, (fn, _) in others.items()}
    worst = worst_case(checker.check)
    write_report(results, kinds, other_scores, others, load_ours, speed, cold_rate, rates, worst, baseline,
                 independent)


def compare_others(data: dict[str, list[dict]]) -> tuple[dict, dict]:
    """check-swear and better-profanity on the project's sets (profanity label only)."""
    t0 = time.perf_counter()
    import check_swear.model_prep.tokenizer as cs_tok
    from check_swear import SwearingCheck

    class _Stopwords:  # offline replacement for nltk.corpus.stopwords
        @staticmethod
        def words(language: str) -> list[str]:
            return RU_STOPWORDS

    cs_tok.stopwords = _Stopwords  # type: ignore[assignment]
    swear = SwearingCheck()
    swear.predict("тест")
    load_cs = time.perf_counter() - t0

    def check_swear_fn(text: str) -> set[str]:
        return {"profanity"} if swear.predict(text)[0] else set()

    from better_profanity import Profanity

    t0 = time.perf_counter()
    bp_forms = Profanity(RU_OBSCENE_FORMS)
    load_bp = time.perf_counter() - t0
    stems = json.loads((Path(cs_tok.__file__).parent / "words.json").read_text(encoding="utf-8"))["stemmed_words"]
    bp_stems = Profanity(stems)

    def bp_forms_fn(text: str) -> set[str]:
        return {"profanity"} if bp_forms.contains_profanity(text) else set()

    def bp_stems_fn(text: str) -> set[str]:
        return {"profanity"} if bp_stems.contains_profanity(text) else set()

    others = {
        "check-swear 0.1.4 (ML + regex)": (check_swear_fn, load_cs),
        f"better-profanity 0.7.0 + {len(RU_OBSCENE_FORMS)} common forms (own list)": (bp_forms_fn, load_bp),
        f"better-profanity 0.7.0 + check-swear words.json ({len(stems)} stems)": (bp_stems_fn, None),
    }
    other_scores = {
        name: {set_name: score(rows, fn, ("profanity",)) for set_name, rows in data.items()}
        for name, (fn, _) in others.items()
    }
    return others, other_scores


def fmt(x: float) -> str:
    return f"{x:.3f}"


ROUND_NOTES = """## Round 2 (2026-11-29): what changed

The previous round left recall of personal data and account sharing behind on independent text, and
the check was at about 12–16K msgs/s. This round widened the rules by grammar, not by phrase lists,
and put cheap word-level gates in front of them.

- **Personal data.** Whose phone it is is read from the noun phrase around the number («номер её
  мамы», «Катин телефон», «тел. школы», «мой новый номер»), the words just before it («мама Ильи —»,
  «звоните Петьке на») and an «это …» after it, instead of any «мой/мне» in the message; phones of
  other countries («+375 …»), city numbers said to be a home's, numbers in words next to «телефон».
  Identifiers: ИНН with the word and no checksum, «пасп.», «выдан»/«код подразделения», «4509 №
  123456», foreign passports with letters, birth certificates with «серия … номер», a driving
  licence, a card written as four groups of four, a bare СНИЛС with a valid checksum. Addresses as
  a grammar: a flat («кв.», «квартира номер», «в 45-й квартире») with a house anywhere near it in
  the sentence; a verb of living or moving with a place after or before it («живёт Ваня на Лесной
  15», «переехала на Октябрьскую 6»); «у Кости дом на …»; a house-flat pair after a street-like
  name when a person or a town is named («Заберите Лизу с Садовой 5-12», «Москва, Профсоюзная
  56-112»); «место жительства», «прописан». Requests: the noun before the verb («паспортные данные
  …, пишите сюда»), verbless («номера СНИЛС — сюда»), «нужны … скидывайте», asking the chat for a
  named person's contact («скиньте номер Вики», «у кого есть телефон мамы Полины?»), with clause
  and other-verb checks so that «напишите, у кого есть загранпаспорт» and «кто сдал копию СНИЛС,
  напишите в чат» stay clean. Who a word names comes from `owners.py` (kin words, names and
  surnames from the dictionary, possessives such as «Олиной»; capitals inside a sentence count).
- **Account sharing.** Asking read from verb forms (imperatives, 2nd-person futures «скинешь»,
  «дашь», infinitives after «можешь/надо», 3rd-person «кто скинет/поделится»), «мне нужен твой
  пароль», a short «продиктуй» taking its object from the sentence before, «продиктуй, что
  пришло» after an SMS; offering split into nouns that are always an account (аккаунт, учётка,
  пароль, «доступ к своему …») and nouns that are one only when offered or asked for a while
  (профиль, страница ВК, «свой логин»); «можно я зайду с твоего аккаунта», «обменяемся
  аккаунтами»; a login and a secret with no «пароль» («данные для входа: x / y»), a one-word
  Cyrillic password after «пароль:», letter-and-digit codes in an SMS context; codes that are no
  secret (ОКТМО, a locker, a program, «год») and warnings («мошенники просят …») left alone.
- **Insults.** A few missing words (отмороженный, понаехавший, посмешище, хрыч, common
  misspellings дибил/идеот …), a call after an imperative («не лезь, убогий»), a predicate after a
  first name or surname without a filler («Иванова тупая»), «ты позор», «мозгов как у курицы»,
  «ведёшь себя как свинья»; and «этот фильм — позорище», «нуб — это новичок» stay clean.
- **Speed.** `gates.py` maps each whitespace-separated word once (cached) to the rule keywords it
  holds; a message whose words hold none returns at once, and each rule runs only when its gate
  says it could match (with a second look word by word for numbers split in groups and for letters
  spelled out one by one). A test checks that the verdicts with and without the gates are the same
  on every labelled message. Frozen dataclasses on the hot path became NamedTuples, the insult
  context reuses the words it built, and a few regular expressions that began with a look-behind
  now start from a digit. Measured by instruction count (callgrind, one pass over the chat-like mix,
  same machine): 170M instructions before, 100M now (1.7×); on the whole labelled set 389M → 244M.

Own sets are written by the author of the rules from the policy and are not independent; the
independent blind set (799 messages) is not in this report. own_aside2 (134 messages) was written
before this round's rule changes and scored once at the end: profanity 1.000, insult 0.968,
personal_data 0.975 (recall 0.951), account_sharing 0.933 (recall 0.875), 1 of 51 clean messages
flagged, 128/134 exact — against 0.800 (recall 0.683) and 0.818 (recall 0.750) and 3 false alarms
for round 1. The six misses were then fixed by general rules (kin words in the genitive plural,
3rd-person asking verbs, a masculine street adjective read as a school, «этот фильм — …»), so the
table above shows own_aside2 after those fixes.""".splitlines()


def write_report(results, kinds, other_scores, others, load_ours, speed, cold_rate, rates, worst, baseline, independent) -> None:  # type: ignore[no-untyped-def]
    own_names = list(kinds)
    lines = [
        "# Moderation check — benchmark results",
        "",
        f"- Date: {datetime.date.today().isoformat()}",
        f"- Machine: nproc={os.cpu_count()}, {platform.machine()}, Python {platform.python_version()} ({platform.system()})",
        "- Command: `.venv/bin/python bench/moderation_bench.py"
        + (" --ours-only" if "--ours-only" in sys.argv else "")
        + (f" --baseline {baseline['rev']}" if baseline else "")
        + "` (single process, one core)",
        f"- Project sets: tests/data/moderation_set.jsonl ({results['set']['n']} messages, {results['set']['clean']} clean), "
        f"tests/data/moderation_holdout.jsonl ({results['holdout']['n']} messages, {results['holdout']['clean']} clean)",
        "- Own sets (written by the detection's author from the policy; **not independent**):",
        f"  - own_dev: tests/data/moderation_own_dev.jsonl ({results['own_dev']['n']} messages, {results['own_dev']['clean']} clean; "
        "the rules were tuned on it, rounds 1 and 2)",
        f"  - own_aside: tests/data/moderation_own_aside.jsonl ({results['own_aside']['n']} messages, {results['own_aside']['clean']} clean; "
        "written in round 1 before its rules and held aside then; seen in round 2)",
        *(
            [
                f"  - own_aside2: tests/data/moderation_own_aside2.jsonl ({results['own_aside2']['n']} messages, "
                f"{results['own_aside2']['clean']} clean; written in round 2 before its rule changes, held aside and scored only at the end)"
            ]
            if "own_aside2" in results
            else []
        ),
        "",
        "## Independent sets first (written blind to the rules, from the policy alone)",
        "",
        "| set | label | precision | recall | F1 | target |",
        "|---|---|---|---|---|---|",
    ]
    for set_name, res in independent.items():
        for label, (p, r, f) in res["labels"].items():
            lines.append(f"| {set_name} | {label} | {fmt(p)} | {fmt(r)} | {fmt(f)} | {TARGETS[label]} |")
        macro = sum(f for _, _, f in res["labels"].values()) / len(LABELS)
        lines.append(f"| {set_name} | macro-F1 {macro:.3f}; clean flagged | | | {res['clean_fp_any']:.2%} "
                     f"of {res['clean']} | ≤ 1% |")
    lines += [
        "",
        INDEPENDENT_NOTES,
        "",
        "The sets below are the project's own: their numbers come second.",
        "",
        "## schoolbot moderation check, per label",
        "",
        "| set | label | precision | recall | F1 |",
        "|---|---|---|---|---|",
    ]
    for set_name, res in results.items():
        for label, (p, r, f) in res["labels"].items():
            lines.append(f"| {set_name} | {label} | {fmt(p)} | {fmt(r)} | {fmt(f)} |")
    lines += ["", "| set | clean messages with any label | clean messages with profanity |", "|---|---|---|"]
    for set_name, res in results.items():
        lines.append(f"| {set_name} | {res['clean_fp_any']:.2%} | {res['clean_fp_profanity']:.2%} |")
    before_name = f"before ({baseline['rev']})" if baseline else "before (round 1)"
    lines += [
        "",
        "## Before and after (F1 per label; clean messages with any label)",
        "",
        "| set | version | profanity | insult | personal_data | account_sharing | clean flagged |",
        "|---|---|---|---|---|---|---|",
    ]
    for set_name, res in results.items():
        if baseline:
            old = baseline["results"][set_name]
            cells = [fmt(old["labels"][label][2]) for label in LABELS] + [f"{old['clean_fp_any']:.2%}"]
            lines.append(f"| {set_name} | {before_name} | " + " | ".join(cells) + " |")
        elif set_name in BEFORE:
            lines.append(f"| {set_name} | {before_name} | " + " | ".join(BEFORE[set_name]) + " |")
        after = [fmt(res["labels"][label][2]) for label in LABELS]
        lines.append(f"| {set_name} | now | " + " | ".join(after) + f" | {res['clean_fp_any']:.2%} |")
    lines += [
        "",
        "## Own sets, per kind",
        "",
        "Exact match = the message got exactly its expected labels (for clean kinds: no label at all)."
        + (f" «before» is {baseline['rev']}, same run." if baseline else ""),
        "",
        "| kind | " + " | ".join(f"{name}: n | {name}: exact" + (" | before" if baseline else "") for name in own_names) + " |",
        "|---|" + "---|" * (len(own_names) * (3 if baseline else 2)),
    ]
    all_kinds = sorted(set().union(*(kinds[name] for name in own_names)))
    for kind in all_kinds:
        cells = []
        for name in own_names:
            n, ok = kinds[name].get(kind, (0, 0))
            cells.append(f"{n} | {ok / n:.0%}" if n else "— | —")
            if baseline:
                bn, bok = baseline["kinds"][name].get(kind, (0, 0))
                cells.append(f"{bok / bn:.0%}" if bn else "—")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    if other_scores:
        lines += [
            "",
            "## Profanity: side by side (same run, same messages)",
            "",
            "| filter | set | precision | recall | F1 | clean FP rate | msgs/s (one core) | load time, s |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for set_name, res in results.items():
            if set_name not in SETS:
                continue
            p, r, f = res["labels"]["profanity"]
            rate = speed["set"]["now"]["wall"]
            lines.append(
                f"| **schoolbot** | {set_name} | {fmt(p)} | {fmt(r)} | {fmt(f)} | {res['clean_fp_profanity']:.2%} | {rate:,.0f} | {load_ours:.2f} |"
            )
        for name, scores in other_scores.items():
            load = others[name][1]
            for set_name, res in scores.items():
                p, r, f = res["labels"]["profanity"]
                load_txt = f"{load:.2f}" if load is not None else "—"
                lines.append(
                    f"| {name} | {set_name} | {fmt(p)} | {fmt(r)} | {fmt(f)} | {res['clean_fp_profanity']:.2%} | {rates[name]:,.0f} | {load_txt} |"
                )
    lines += [
        "",
        "## Speed of `check` (all four labels)",
        "",
        f"- Model load (pymorphy3 dictionary + the precomputed table of pejorative forms): {load_ours:.2f} s",
        "- Cold run (fresh checker, its word caches empty, holdout messages, best of 3, CPU time): "
        + ", ".join(f"{name} {rate:,.0f} msgs/s" for name, rate in cold_rate.items()),
        "",
        "Messages per second, best of alternating rounds in this one process (wall clock; CPU time of this",
        "process in brackets — the machine is shared, so the wall clock also counts time other processes took):",
        "",
        "| messages | " + " | ".join(speed["chat_mix"]) + " |",
        "|---|" + "---|" * len(speed["chat_mix"]),
    ]
    labels_of = {
        "chat_mix": "chat-like mix (19 clean to 1 violation, from the test set, caches warm)",
        "set": "the whole labelled test set (43% violations, cycled)",
        "clean": "clean messages of the test set only",
    }
    for key, row in speed.items():
        cells = [f"{v['wall']:,.0f} ({v['cpu']:,.0f})" for v in row.values()]
        lines.append(f"| {labels_of[key]} | " + " | ".join(cells) + " |")
    if baseline:
        mix = speed["chat_mix"]
        lines += [
            "",
            f"Speed-up on the chat-like mix: {mix['now']['wall'] / mix['baseline']['wall']:.2f}× wall clock, "
            f"{mix['now']['cpu'] / mix['baseline']['cpu']:.2f}× CPU time.",
        ]
    lines += ["", "| adversarial 4,096-char message | worst of 3 runs, ms (CPU time) |", "|---|---|"]
    lines += [f"| {name} | {ms:.2f} |" for name, ms in worst]
    lines += ["", *ROUND_NOTES]
    lines += [
        "",
        "Notes: check-swear needs NLTK's Russian stop-word list, which it tries to download; the bench",
        "substitutes a built-in list of common Russian function words. better-profanity matches whole",
        "words, so it is given (a) a short list of common inflected obscene forms written for this bench,",
        "and (b) the stems bundled in check-swear's words.json.",
    ]
    out = Path(__file__).with_name("RESULTS-moderation.md")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
