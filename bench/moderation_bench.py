"""Benchmark of the moderation check against two open-source Russian profanity filters.

Run: .venv/bin/python bench/moderation_bench.py   (writes bench/RESULTS-moderation.md)
     .venv/bin/python bench/moderation_bench.py --ours-only   (skips the other filters: minutes faster)

Measures, on the project's sets tests/data/moderation_set.jsonl and moderation_holdout.jsonl
and on the own/dev sets moderation_own_dev.jsonl (tuned on) and moderation_own_aside.jsonl
(held aside, scored only at the end): per-label precision/recall/F1, false-positive rate on
clean messages, a per-kind breakdown of the own sets, messages per second of `check` alone on
one core, model load time, and worst-case time on adversarial 4,096-character messages.
check-swear and better-profanity are run on the project's sets and scored on the profanity
label only.
"""

from __future__ import annotations

import datetime
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
}
# Function words given to check-swear instead of NLTK's list, which it would try to download.
RU_STOPWORDS = "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня еще нет о из ему теперь когда даже ну ли если уже или ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю между".split()
# Inflected forms for better-profanity, which matches whole words only (our own short list).
RU_OBSCENE_FORMS = """хуй хуя хую хуем хуи хуёв хуев хуйня хуйню хуйни хуёвый хуевый хуёво хуево хуевая хуёвая нахуй нахуя похуй нихуя охуеть охуел охуенно охуенный ахуеть
пизда пизды пизде пизду пиздой пиздец пиздеца пиздецки пиздёж пиздеж пиздит пиздить спиздил спиздили спиздила пиздатый пиздато пиздюк пиздюки пиздюлей распиздяй
ебать ебал ебала ебали ебёт ебет ебут ебаный ебаная ебаное ёбаный заебал заебала заебали заебался заебись выебываться наебнулся уебан уебок уёбок долбоёб долбоеб ебанутый ебанько
блядь бляди блядский блядская блять бля блядство выблядок мудак мудаки мудака мудила мудозвон манда мандавошка залупа залупаться пидор пидора пидоры пидорас пидорасы пидарас сука суки суку сучара""".split()


# F1 per label and clean messages with any label, of the check as it was before the
# generalisation work (git HEAD of 2026-11-28), run on the same sets on 2026-11-29.
BEFORE = {
    "set": ("0.998", "1.000", "1.000", "1.000", "0.14%"),
    "holdout": ("1.000", "1.000", "1.000", "1.000", "0.00%"),
    "own_dev": ("0.783", "0.433", "0.542", "0.613", "11.43%"),
    "own_aside": ("0.698", "0.286", "0.483", "0.667", "24.18%"),
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


def throughput(fn: Callable[[str], object], texts: list[str], min_seconds: float = 1.0) -> float:
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < min_seconds:
        for text in texts:
            fn(text)
        done += len(texts)
    return done / (time.perf_counter() - start)


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
}


def worst_case(check: Callable[[str], object]) -> list[tuple[str, float]]:
    out = []
    for name, text in ADVERSARIAL.items():
        text = text[:4096]
        best = []
        for _ in range(3):
            t0 = time.perf_counter()
            check(text)
            best.append(time.perf_counter() - t0)
        out.append((name, max(best) * 1000))
    return out


def main() -> None:
    ours_only = "--ours-only" in sys.argv
    t0 = time.perf_counter()
    from bot.moderation import ModerationChecker

    checker = ModerationChecker()
    load_ours = time.perf_counter() - t0

    def ours(text: str) -> set[str]:
        return {str(label) for label in checker.check(text).labels}

    data = {name: load(path) for name, path in SETS.items()}
    own = {name: load(path) for name, path in OWN_SETS.items()}
    results = {name: score(rows, ours, LABELS) for name, rows in {**data, **own}.items()}
    kinds = {name: per_kind(rows, ours) for name, rows in own.items()}
    try:
        others, other_scores = ({}, {}) if ours_only else compare_others(data)
    except ImportError:  # check-swear / better-profanity are dev dependencies
        others, other_scores = {}, {}

    typical = [row["text"] for row in data["set"]]
    cold_start = time.perf_counter()
    fresh = ModerationChecker()
    for text in data["holdout"]:
        fresh.check(text["text"])
    cold_rate = len(data["holdout"]) / (time.perf_counter() - cold_start)
    rate_ours = throughput(checker.check, typical, 2.0)
    clean = [r["text"] for r in data["set"] if not r["labels"]]
    flagged = [r["text"] for r in data["set"] if r["labels"]]
    rate_clean = throughput(checker.check, clean, 1.0)
    # A school chat is mostly ordinary messages: 19 clean for every violation.
    chat_mix = [text for i, text in enumerate(clean) for text in ([text, flagged[i % len(flagged)]] if i % 19 == 0 else [text])]
    rate_mix = throughput(checker.check, chat_mix, 2.0)
    rates = {name: throughput(fn, typical[:150], 1.0) for name, (fn, _) in others.items()}
    worst = worst_case(checker.check)
    write_report(results, kinds, other_scores, others, load_ours, rate_ours, rate_clean, rate_mix, cold_rate, rates, worst)


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


def write_report(results, kinds, other_scores, others, load_ours, rate_ours, rate_clean, rate_mix, cold_rate, rates, worst) -> None:  # type: ignore[no-untyped-def]
    lines = [
        "# Moderation check — benchmark results",
        "",
        f"- Date: {datetime.date.today().isoformat()}",
        f"- Machine: nproc={os.cpu_count()}, {platform.machine()}, Python {platform.python_version()} ({platform.system()})",
        "- Command: `.venv/bin/python bench/moderation_bench.py` (single process, one core)",
        f"- Project sets: tests/data/moderation_set.jsonl ({results['set']['n']} messages, {results['set']['clean']} clean), "
        f"tests/data/moderation_holdout.jsonl ({results['holdout']['n']} messages, {results['holdout']['clean']} clean)",
        f"- Own/dev sets: tests/data/moderation_own_dev.jsonl ({results['own_dev']['n']} messages, {results['own_dev']['clean']} clean; "
        "the rules were tuned on it), tests/data/moderation_own_aside.jsonl "
        f"({results['own_aside']['n']} messages, {results['own_aside']['clean']} clean; written before the rules and held aside, "
        "scored only at the end)",
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
    lines += [
        "",
        "## Before and after (F1 per label; clean messages with any label)",
        "",
        "| set | version | profanity | insult | personal_data | account_sharing | clean flagged |",
        "|---|---|---|---|---|---|---|",
    ]
    for set_name, res in results.items():
        before = BEFORE.get(set_name)
        if before:
            lines.append(f"| {set_name} | before (2026-11-28) | " + " | ".join(before) + " |")
        after = [fmt(res["labels"][label][2]) for label in LABELS]
        lines.append(f"| {set_name} | now | " + " | ".join(after) + f" | {res['clean_fp_any']:.2%} |")
    lines += [
        "",
        "## Own/dev sets, per kind",
        "",
        "Exact match = the message got exactly its expected labels (for clean kinds: no label at all).",
        "",
        "| kind | own_dev: messages | own_dev: exact | own_aside: messages | own_aside: exact |",
        "|---|---|---|---|---|",
    ]
    for kind in sorted(set(kinds["own_dev"]) | set(kinds["own_aside"])):
        d = kinds["own_dev"].get(kind, (0, 0))
        a = kinds["own_aside"].get(kind, (0, 0))
        cells = [f"{n} | {ok / n:.0%}" if n else "— | —" for n, ok in (d, a)]
        lines.append(f"| {kind} | {cells[0]} | {cells[1]} |")
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
        lines.append(
            f"| **schoolbot** | {set_name} | {fmt(p)} | {fmt(r)} | {fmt(f)} | {res['clean_fp_profanity']:.2%} | {rate_ours:,.0f} | {load_ours:.2f} |"
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
        f"- Chat-like mix (19 clean messages to 1 violation, from the test set, caches warm): {rate_mix:,.0f} msgs/s",
        f"- The whole labelled test set (43% violations, cycled, caches warm): {rate_ours:,.0f} msgs/s",
        f"- Clean messages only: {rate_clean:,.0f} msgs/s",
        f"- Cold run (fresh checker, holdout messages never seen before): {cold_rate:,.0f} msgs/s",
        "",
        "| adversarial 4,096-char message | worst of 3 runs, ms |",
        "|---|---|",
    ]
    lines += [f"| {name} | {ms:.2f} |" for name, ms in worst]
    lines += [
        "",
        "Notes: check-swear needs NLTK's Russian stop-word list, which it tries to download; the bench",
        "substitutes a built-in list of common Russian function words. better-profanity matches whole",
        "words, so it is given (a) a short list of common inflected obscene forms written for this bench,",
        "and (b) the stems bundled in check-swear's words.json.",
        "",
        "Speed on this machine varies a lot from run to run (check-swear itself ran at 3 msgs/s here",
        "against 7 in the 2026-11-28 run), so msgs/s are not comparable across dates. Compared in one",
        "process, alternating rounds and taking each side's best round, the check of 2026-11-29 runs at",
        "0.94–0.96× the speed of the 2026-11-28 check on moderation_set.jsonl (same machine, same run).",
    ]
    out = Path(__file__).with_name("RESULTS-moderation.md")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
