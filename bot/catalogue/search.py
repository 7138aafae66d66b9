"""Find services by the names people use, with or without diacritics.

`AliasMatcher` finds catalogue aliases inside a message (spaCy's PhraseMatcher
over accent-free words); both the NLU entity extractor and the catalogue
service's /search use it, so "ho chieu", "hộ chiếu" and "HỘ CHIẾU" match alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Mapping, Tuple

from bot.vietnamese import AlignedText, Lexicon, folded_words, normalize


@dataclass(frozen=True)
class AliasMatch:
    service_id: str
    start: int  # offsets in the original text
    end: int
    alias_words: int  # longer aliases are more specific


class AliasMatcher:
    """Longest non-overlapping alias matches, mapped back to original offsets."""

    def __init__(self, terms: Mapping[str, Iterable[str]]) -> None:
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc
        from spacy.vocab import Vocab

        self._doc = Doc
        self._vocab = Vocab()
        self._matcher = PhraseMatcher(self._vocab)
        self.terms: Dict[str, List[str]] = {sid: list(t) for sid, t in terms.items()}
        for service_id, aliases in self.terms.items():
            patterns = []
            for alias in aliases:
                words = [w for w, _ in folded_words(normalize(alias))]
                if words:
                    patterns.append(self._doc(self._vocab, words=words))
            self._matcher.add(service_id, patterns)

    def find(self, aligned: AlignedText) -> List[AliasMatch]:
        words = folded_words(aligned)
        if not words:
            return []
        doc = self._doc(self._vocab, words=[w for w, _ in words])
        candidates: List[Tuple[int, int, str]] = [
            (start, end, self._vocab.strings[match_id])
            for match_id, start, end in self._matcher(doc)
        ]
        # Longest first, then leftmost; drop overlaps.
        candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        taken: List[Tuple[int, int, str]] = []
        for start, end, service_id in candidates:
            if all(end <= s or start >= e for s, e, _ in taken):
                taken.append((start, end, service_id))
        taken.sort()
        return [
            AliasMatch(service_id, words[start][1][0], words[end - 1][1][1], end - start)
            for start, end, service_id in taken
        ]


@dataclass(frozen=True)
class SearchHit:
    service_id: str
    score: float


class ServiceIndex:
    """Ranks services for a free-text query (the catalogue service's /search)."""

    def __init__(self, terms: Mapping[str, Iterable[str]], lexicon: Lexicon = Lexicon()) -> None:
        self.lexicon = lexicon
        self.matcher = AliasMatcher(terms)
        self._words = {
            sid: {w for term in ts for w, _ in folded_words(normalize(term, lexicon))}
            for sid, ts in self.matcher.terms.items()
        }

    def search(self, query: str, limit: int = 5) -> List[SearchHit]:
        aligned = normalize(query, self.lexicon)
        scores: Dict[str, float] = {}
        # An alias found whole in the query is a strong hit, longer is better.
        for match in self.matcher.find(aligned):
            scores[match.service_id] = max(scores.get(match.service_id, 0.0), 1.0 + match.alias_words)
        # Otherwise, share of the query's words that belong to a service's names.
        query_words = {w for w, _ in folded_words(aligned)}
        if query_words:
            for service_id, words in self._words.items():
                overlap = len(query_words & words) / len(query_words)
                if overlap >= 0.5 and service_id not in scores:
                    scores[service_id] = overlap
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [SearchHit(sid, round(score, 3)) for sid, score in ranked[:limit]]
