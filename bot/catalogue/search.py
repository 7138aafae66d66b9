"""Find services by the names people use, however they type them.

`AliasMatcher` finds catalogue names inside a message.  It forgives what a
person would: missing diacritics and case, the i/y spelling variants
("lí lịch", "đăng kí"), the initial consonants people mix up (tr/ch, s/x,
d/gi/r: "tạm chú"), and one typo (an edit or a swap) in a syllable of four
letters or more ("hộ chíu", "khia sinh"), as long as the rest of the name
matches, and up to two small words inside a name ("bố tôi mất" for "bố
mất"; the small words are language data, data/lang/fillers.yml).  A channel's
name (VNeID) never wins over another service named in the same message.  Both the NLU's service extractor and the catalogue
service's /search use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Mapping, Optional, Set, Tuple

from rapidfuzz.distance import OSA

from bot.vietnamese import AlignedText, Lexicon, folded_words, normalize

# (initial consonant, what it is folded to), longest first
_INITIALS = (("tr", "ch"), ("gi", "d"), ("r", "d"), ("s", "x"))
_VOWELS = set("aeiouy")
# a syllable this long may carry one typo
FUZZY_MIN_LETTERS = 4
# at most this many small words may stand inside a name
MAX_FILLERS = 2


def phonetic(word: str) -> str:
    """An accent-free syllable with the spelling variants people mix up folded together."""
    for initial, folded in _INITIALS:
        if word.startswith(initial):
            word = folded + word[len(initial):]
            break
    if len(word) >= 2 and word.endswith("y") and word[-2] not in _VOWELS:
        word = word[:-1] + "i"  # ký -> ki, lý -> li, mỹ -> mi (but not huy, tay, quy)
    return word


def _close(typed: str, known: str) -> bool:
    return (
        len(typed) >= FUZZY_MIN_LETTERS - 1 and len(known) >= FUZZY_MIN_LETTERS
        and OSA.distance(typed, known, score_cutoff=1) <= 1
    )


@dataclass(frozen=True)
class AliasMatch:
    service_id: str
    start: int  # offsets in the original text
    end: int
    alias_words: int  # longer aliases are more specific
    typos: int = 0  # syllables matched with a typo
    channel: bool = False  # matched only by a channel's name


@dataclass(frozen=True)
class _Pattern:
    service_id: str
    words: Tuple[str, ...]
    channel: bool


class AliasMatcher:
    """Longest non-overlapping name matches, mapped back to original offsets."""

    def __init__(
        self,
        terms: Mapping[str, Iterable[str]],
        channels: Optional[Mapping[str, Iterable[str]]] = None,
        fillers: Iterable[str] = (),
    ) -> None:
        self.terms: Dict[str, List[str]] = {sid: list(t) for sid, t in terms.items()}
        self.fillers = {phonetic(w) for f in fillers for w, _ in folded_words(normalize(f))}
        self.patterns: List[_Pattern] = []
        for names, channel in ((self.terms, False), (channels or {}, True)):
            for service_id, aliases in names.items():
                for alias in aliases:
                    words = tuple(phonetic(w) for w, _ in folded_words(normalize(alias)))
                    if words:
                        self.patterns.append(_Pattern(service_id, words, channel))
        self.exact: Dict[Tuple[str, ...], List[_Pattern]] = {}
        self.by_word: Dict[str, List[_Pattern]] = {}
        for pattern in self.patterns:
            self.exact.setdefault(pattern.words, []).append(pattern)
            for word in set(pattern.words):
                self.by_word.setdefault(word, []).append(pattern)
        self.vocabulary: Set[str] = set(self.by_word)
        self.single_words = sorted({p.words[0] for p in self.patterns if len(p.words) == 1})
        self.longest = max((len(p.words) for p in self.patterns), default=0)

    def find(self, aligned: AlignedText) -> List[AliasMatch]:
        words = folded_words(aligned)
        typed = [phonetic(w) for w, _ in words]
        candidates: List[Tuple[int, int, int, _Pattern]] = []  # (start, end, typos, pattern)
        for start in range(len(typed)):  # exact names
            for length in range(1, min(self.longest, len(typed) - start) + 1):
                for pattern in self.exact.get(tuple(typed[start:start + length]), ()):
                    candidates.append((start, start + length, 0, pattern))
        candidates += self._with_typos(typed)
        candidates += self._with_fillers(typed)
        # Most name words first, then fewest typos or fillers, then leftmost; drop overlaps.
        candidates.sort(key=lambda c: (-len(c[3].words), c[2], c[0]))
        taken: List[Tuple[int, int, int, _Pattern]] = []
        for candidate in candidates:
            start, end = candidate[0], candidate[1]
            if all(end <= s or start >= e for s, e, _, _ in taken):
                taken.append(candidate)
        if any(not p.channel for _, _, _, p in taken):  # "tạm trú trên VNeID" is about tạm trú
            taken = [c for c in taken if not c[3].channel]
        taken.sort(key=lambda c: c[0])
        return [
            AliasMatch(p.service_id, words[start][1][0], words[end - 1][1][1], len(p.words), typos, p.channel)
            for start, end, typos, p in taken
        ]

    def _with_fillers(self, typed: List[str]) -> List[Tuple[int, int, int, _Pattern]]:
        """Names of two words or more with small words inside ("bố tôi mất"), and
        a name's own small word left out or replaced by another ("thẻ BHYT của
        trẻ dưới 6 tuổi" for "thẻ BHYT cho trẻ dưới 6 tuổi")."""
        if not self.fillers:
            return []
        found = []
        for start, word in enumerate(typed):
            for pattern in self.by_word.get(word, ()):
                if len(pattern.words) < 2 or pattern.words[0] != word:
                    continue
                position, gaps = start + 1, 0
                for index, expected in enumerate(pattern.words[1:], start=1):
                    if expected in self.fillers and gaps < MAX_FILLERS and index < len(pattern.words) - 1 \
                            and (position >= len(typed) or typed[position] != expected):
                        if position < len(typed) and typed[position] in self.fillers:
                            position += 1  # another small word in its place
                        gaps += 1
                        continue
                    while position < len(typed) and typed[position] != expected and typed[position] in self.fillers \
                            and gaps < MAX_FILLERS:
                        position, gaps = position + 1, gaps + 1
                    if position >= len(typed) or typed[position] != expected:
                        break
                    position += 1
                else:
                    if gaps:
                        found.append((start, position, 1, pattern))
        return found

    def _with_typos(self, typed: List[str]) -> List[Tuple[int, int, int, _Pattern]]:
        """Names matched with one typo in one long syllable; the other syllables exact."""
        found = []
        seen: Set[Tuple[int, _Pattern]] = set()
        for position, word in enumerate(typed):
            for pattern in self.by_word.get(word, ()):  # anchor on an exact syllable
                if len(pattern.words) < 2:
                    continue
                for offset, pattern_word in enumerate(pattern.words):
                    start = position - offset
                    if pattern_word != word or start < 0 or (start, pattern) in seen:
                        continue
                    seen.add((start, pattern))
                    span = typed[start:start + len(pattern.words)]
                    if len(span) < len(pattern.words) or tuple(span) == pattern.words:
                        continue
                    misses = [(t, k) for t, k in zip(span, pattern.words) if t != k]
                    if len(misses) == 1 and _close(*misses[0]):
                        found.append((start, start + len(pattern.words), 1, pattern))
        for position, word in enumerate(typed):  # one-word names: only long ones, one typo
            if word in self.vocabulary or len(word) < FUZZY_MIN_LETTERS + 1:
                continue
            for name in self.single_words:
                if len(name) > FUZZY_MIN_LETTERS and _close(word, name):
                    found += [(position, position + 1, 1, p) for p in self.exact[(name,)]]
        return found


@dataclass(frozen=True)
class SearchHit:
    service_id: str
    score: float


class ServiceIndex:
    """Ranks services for a free-text query (the catalogue service's /search)."""

    def __init__(
        self,
        terms: Mapping[str, Iterable[str]],
        lexicon: Lexicon = Lexicon(),
        channels: Optional[Mapping[str, Iterable[str]]] = None,
        fillers: Iterable[str] = (),
    ) -> None:
        self.lexicon = lexicon
        self.matcher = AliasMatcher(terms, channels, fillers)
        self._words = {
            sid: {phonetic(w) for term in ts for w, _ in folded_words(normalize(term, lexicon))}
            for sid, ts in self.matcher.terms.items()
        }

    def search(self, query: str, limit: int = 5) -> List[SearchHit]:
        aligned = normalize(query, self.lexicon)
        scores: Dict[str, float] = {}
        # A name found whole in the query is a strong hit, longer is better, a typo costs a little.
        for match in self.matcher.find(aligned):
            score = 1.0 + match.alias_words - 0.5 * match.typos
            scores[match.service_id] = max(scores.get(match.service_id, 0.0), score)
        # Otherwise, share of the query's words that belong to a service's names.
        query_words = {phonetic(w) for w, _ in folded_words(aligned)}
        if query_words:
            for service_id, words in self._words.items():
                overlap = len(query_words & words) / len(query_words)
                if overlap >= 0.5 and service_id not in scores:
                    scores[service_id] = overlap
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [SearchHit(sid, round(score, 3)) for sid, score in ranked[:limit]]


def read_fillers(path: Optional[str]) -> List[str]:
    """The small words of data/lang/fillers.yml (none without a path)."""
    import yaml
    from pathlib import Path

    if not path:
        return []
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return [str(word) for word in data.get("fillers") or []]
