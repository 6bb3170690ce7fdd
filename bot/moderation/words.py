"""Word-level checks: profanity, insults and a school's own blocked words."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from operator import attrgetter

from bot.moderation import gates, insults, names, profanity
from bot.moderation.lexicon import Pejorative
from bot.moderation.normalise import Normalised
from bot.moderation.personal_data import MAX_MATCHES
from bot.moderation.sentences import sentence_at
from bot.moderation.tokens import ONE_LETTER_WORDS, SPLIT_HINT_RE, TOKEN_RE, Token, letter_runs, tokenize
from bot.moderation.variants import readings
from bot.moderation.verdict import Hit, Label

_QUOTED_RE = re.compile(r"«[^»\n]{0,300}»|\"[^\"\n]{0,300}\"|“[^”\n]{0,300}”|„[^“”\n]{0,300}[“”]")
_CACHE_LIMIT = 8192  # the words a chat repeats most fit; memory stays bounded
_CONTEXT_BEFORE = 10
_CONTEXT_AFTER = 6
_DASH_AFTER_RE = re.compile(r"\s*[—–]|\s+-\s")
_BLYAD_NOUN_RE = re.compile(r"^бляд(?:ь|и|ью|ей|ям|ями|ях)$")
# Case endings (and augmentative suffixes) of a noun: «пиздюк-и», «мудил-о», «уебищ-е»,
# but not the adjective «уёбищ-ный» or the verb «пидор-асит».
_NOUN_ENDING_RE = re.compile(r"(?:а|я|у|ю|ом|ем|ой|ею|ою|е|ы|и|ов|ев|ей|ам|ям|ами|ями|ах|ях|о|ь|ище|ища|ина|ины|ину|иной|ка|ки|ку|ке|кой|ек)?")


@dataclass(frozen=True, slots=True)
class TokenClass:
    """What a token is, independent of the sentence around it."""

    obscene: str | None = None  # reason for the profanity label
    pejorative: str | None = None  # lemma, if it can insult a person
    kind: str = "strong"  # lexicon kind or "expletive"


_CLEAN = TokenClass()
_START = attrgetter("start")
_BLOCKED = "word blocked by the school"
# «на суку», «на толстом суку»: the locative of «сук», a branch.
_LOCATIVE_PREPOSITIONS = frozenset({"на", "в", "о"})


class WordScanner:
    def __init__(
        self,
        *,
        pejoratives: dict[str, Pejorative],
        obscene_persons: tuple[str, ...],
        blocked: frozenset[str],
        allowed: frozenset[str],
    ) -> None:
        self._pejoratives = pejoratives
        self._obscene_persons = obscene_persons
        self._blocked = blocked
        self._allowed = allowed
        self._cache: dict[str, TokenClass] = {}
        self._clean_words: set[str] = set()  # the keys of `_cache` whose class is _CLEAN

    def scan(self, norm: Normalised) -> list[Hit]:
        # Fast path: most messages have only clean, already-seen words and no
        # spelled-out letters, so no Token objects are built at all.
        classify = self._classify
        found = TOKEN_RE.findall(norm.text)
        # A set test in C answers for the usual message whose words were all seen clean.
        suspicious = not self._clean_words.issuperset(found) and any(classify(word) is not _CLEAN for word in found)
        phrases = not insults.PHRASE_TRIGGERS.isdisjoint(found)
        if not suspicious and not SPLIT_HINT_RE.search(norm.text):
            return self._phrases(norm, None) if phrases else []
        return self._scan_tokens(norm, phrases, spelled=True)

    def word_bits(self, word: str) -> int:
        """The checker's WORDS and LETTER gate bits of one whitespace-separated word."""
        bits = 0
        tokens = TOKEN_RE.findall(word)
        for token in tokens:
            if self._classify(token) is not _CLEAN or token in insults.PHRASE_TRIGGERS:
                bits |= gates.WORDS
        singles = [t for t in tokens if len(t) == 1 and t.isalpha()]
        if len(singles) > 1 or any(t not in ONE_LETTER_WORDS for t in singles):
            bits |= gates.LETTER
        elif singles:
            bits |= gates.COMMON_LETTER
        return bits

    def scan_gated(self, norm: Normalised, bits: int, spelled: bool) -> list[Hit]:
        """`scan` for a message whose gate bits the caller has computed with `word_bits`."""
        spelled = spelled and bool(SPLIT_HINT_RE.search(norm.text))
        if bits & gates.WORDS or spelled:
            return self._scan_tokens(norm, None, spelled=spelled)
        return []

    def _scan_tokens(self, norm: Normalised, phrases: bool | None, *, spelled: bool) -> list[Hit]:
        classify = self._classify
        tokens = tokenize(norm)
        if phrases is None:
            phrases = any(tok.text in insults.PHRASE_TRIGGERS for tok in tokens)
        candidates = [(tok, classify(tok.text)) for tok in tokens]
        if spelled:  # letters spelled out one by one: only where SPLIT_HINT_RE found some
            candidates += [(run, classify(run.text)) for run in letter_runs(norm, tokens)]
        hits: list[Hit] = []
        quotes: list[tuple[int, int]] | None = None
        built: dict[Token, insults.Word] = {}
        examined = 0
        for tok, cls in candidates:
            if cls is _CLEAN:
                continue
            examined += 1
            if examined > MAX_MATCHES:
                break
            start, end = norm.span(tok.start, tok.end)
            obscene = cls.obscene
            if obscene == "suka" and (profanity.suka_is_literal(norm.text) or _on_a_branch(tokens, tok)):
                continue
            if obscene and obscene != _BLOCKED and names.written_as_name(norm, tok, start, end):
                continue
            if obscene:
                reason = "сука used as a swear word" if obscene == "suka" else obscene
                hits.append(Hit(label=Label.PROFANITY, start=start, end=end, reason=reason))
            if not obscene and names.in_full_name(norm.original, start, end):
                continue  # «Дураков Сергей Петрович» is a teacher's surname
            if cls.pejorative or (obscene and self._may_aim(tokens, tok)):
                quotes = quotes if quotes is not None else _quoted_spans(norm.text)
                words, index = self._context(norm, tokens, tok, quotes, built)
                if cls.pejorative and insults.is_insult(words, index, cls.kind, norm.text, obscene=bool(obscene)):
                    reason = f"pejorative «{cls.pejorative}» about a person"
                    hits.append(Hit(label=Label.INSULT, start=start, end=end, reason=reason))
                elif not cls.pejorative and cls.kind == "expletive" and insults.obscene_aimed_at_person(words, index):
                    hits.append(Hit(label=Label.INSULT, start=start, end=end, reason="мат aimed at a person"))
        if phrases:
            hits += self._phrases(norm, quotes)
        return hits

    def _classify(self, text: str) -> TokenClass:
        cls = self._cache.get(text)
        if cls is None:
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
                self._clean_words.clear()
            cls = self._cache[text] = self._classify_uncached(text)
            if cls is _CLEAN:
                self._clean_words.add(text)
        return cls

    def _classify_uncached(self, text: str) -> TokenClass:
        options = readings(text)
        if any(r in self._allowed for r in options):
            return _CLEAN
        if any(r in self._blocked for r in options):
            return TokenClass(obscene=_BLOCKED)
        root = next((r for r in map(profanity.obscene_reading, options) if r), None)
        suka = root is None and any(profanity.is_suka(r) for r in options)
        if root or suka:
            obscene = f"obscene root {root}" if root else "suka"
            person = next((p for p in map(self._obscene_person, options) if p), None)
            if person:
                return TokenClass(obscene=obscene, pejorative=person)
            if suka:
                return TokenClass(obscene=obscene, pejorative="сука", kind="expletive")
            # «блядь» also names a person, but mostly it is an interjection.
            lemma = "блядь" if any(_BLYAD_NOUN_RE.match(r) for r in options) else None
            return TokenClass(obscene=obscene, pejorative=lemma, kind="expletive")
        for reading in options:
            entry = self._pejoratives.get(reading)
            if entry:
                return TokenClass(pejorative=entry.lemma, kind=entry.kind)
        return _CLEAN

    def _obscene_person(self, reading: str) -> str | None:
        """The obscene person-noun stem of `reading` when it is a noun form of it."""
        for stem in self._obscene_persons:
            if reading.startswith(stem) and _NOUN_ENDING_RE.fullmatch(reading, len(stem)):
                return stem
        return None

    @staticmethod
    def _may_aim(tokens: list[Token], tok: Token) -> bool:
        """Cheap test before reading the context of an obscene word: «ты», a go-verb or «съе…сь»."""
        if insults.aims_by_itself(tok.text):
            return True
        first = bisect_left(tokens, tok.start, key=lambda t: t.start)
        return any(t.text in insults.AIM_CUES for t in tokens[max(0, first - 4) : first + 3])

    def _context(
        self, norm: Normalised, tokens: list[Token], tok: Token, quotes: list[tuple[int, int]], built: dict[Token, insults.Word]
    ) -> tuple[list[insults.Word], int]:
        """The words of `tok`'s sentence around it, and `tok`'s index among them.

        `built` keeps the words already made for this message (several candidates share them).
        """
        sentence = sentence_at(norm.text, tok.start)
        # Only a bounded window of the sentence is read, so a long run-on
        # message full of pejoratives stays linear in its length.
        t_start, t_end = tok.start, tok.end
        first = bisect_left(tokens, t_start, key=_START)
        window = tokens[max(0, first - _CONTEXT_BEFORE) : first + _CONTEXT_AFTER + len(tok.text)]
        s_start, s_end = sentence.start, sentence.end
        before = [t for t in window if s_start <= t.start < t_start]
        after = [t for t in window if t_end <= t.start < s_end]
        words = []
        for t in (*before, tok, *after):
            word = built.get(t)
            if word is None:
                word = built[t] = _word(norm, t, quotes)
            words.append(word)
        return words, len(before)

    def _phrases(self, norm: Normalised, quotes: list[tuple[int, int]] | None) -> list[Hit]:
        out = []
        for m in insults.PHRASE_RE.finditer(norm.text):
            quotes = quotes if quotes is not None else _quoted_spans(norm.text)
            if _inside(m.start(), quotes):
                continue
            start, end = norm.span(m.start(), m.end())
            out.append(Hit(label=Label.INSULT, start=start, end=end, reason="telling someone to shut up"))
        return out


def _on_a_branch(tokens: list[Token], tok: Token) -> bool:
    if tok.text != "суку":
        return False
    first = bisect_left(tokens, tok.start, key=lambda t: t.start)
    return any(t.text in _LOCATIVE_PREPOSITIONS for t in tokens[max(0, first - 2) : first])


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _QUOTED_RE.finditer(text)] if any(q in text for q in "«\"“„") else []


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < pos < b for a, b in spans)


_NEXT_CHAR_RE = re.compile(r"\s*(\S?)")


def _word(norm: Normalised, tok: Token, quotes: list[tuple[int, int]]) -> insults.Word:
    text = norm.text
    t_start, t_end, joined = tok.start, tok.end, tok.joined
    if norm.origin is None:
        original = norm.original[t_start:t_end]
    else:
        start, end = norm.span(t_start, t_end)
        original = norm.original[start:end]
    capitalised = not joined and original[:1].isupper() and not original.isupper()
    hyphen = not joined and (
        (t_start >= 2 and text[t_start - 1] == "-" and text[t_start - 2].isalpha())
        or (t_end + 1 < len(text) and text[t_end] == "-" and text[t_end + 1].isalpha())
    )
    # What follows the word: the usual cases without a regular expression.
    nxt = text[t_end : t_end + 3]
    if not nxt[:1].isspace():  # also the end of the text
        followed_by = nxt[:1]
        dash_after = followed_by in ("—", "–")
    elif not nxt[1:2].isspace():
        followed_by = nxt[1:2]
        dash_after = followed_by in ("—", "–") or (followed_by == "-" and nxt[2:3].isspace())
    else:
        followed_by = _NEXT_CHAR_RE.match(text, t_end, t_end + 40).group(1)  # type: ignore[union-attr]
        dash_after = bool(_DASH_AFTER_RE.match(text, t_end, t_end + 40))
    return _new(
        insults.Word,
        (
            readings(tok.text)[0] if tok.text else tok.text,
            t_start,
            t_end,
            capitalised,
            bool(quotes) and _inside(t_start, quotes),
            hyphen,
            followed_by,
            dash_after,
        ),
    )


_new = tuple.__new__  # builds a NamedTuple without its Python-level constructor
