"""Find the lines of a record that answer a specific question.

"Hộ chiếu có thời hạn mấy năm?" asks one detail, not a whole aspect.  Every
line of the record (document items, fee lines and notes, audience sentences,
agency, steps, details) is ranked against the question with BM25 over
accent-free underthesea words (the same words the NLU sees), after the same
normalisation (abbreviations, teencode).  The caller combines the ranking with
the classified aspect (`bot.replies.answers`).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Iterable, List, Mapping, Optional, Sequence, Tuple

import yaml
from rank_bm25 import BM25Okapi

from bot.replies.render import Line
from bot.vietnamese import Lexicon, fold, normalize, strip_diacritics


_loading = threading.Lock()
_segmenter: List = []


def _word_tokenize():
    """underthesea's segmenter, loaded by one thread (actions run in worker
    threads, and two first calls at once can break its lazy model load)."""
    if not _segmenter:
        with _loading:
            if not _segmenter:
                from underthesea import word_tokenize

                word_tokenize("khởi động")
                _segmenter.append(word_tokenize)
    return _segmenter[0]


def _words(text: str, lexicon: Lexicon, symbols: Mapping[str, str]) -> Tuple[str, ...]:
    word_tokenize = _word_tokenize()
    for symbol, words in symbols.items():
        text = text.replace(symbol, f" {words} ")
    # folded before segmenting, so a question typed without diacritics is
    # segmented exactly like the same question with them
    folded_text = strip_diacritics(normalize(text, lexicon).text.lower())
    words = word_tokenize(folded_text, use_token_normalize=False)
    out: List[str] = []
    for word in words:
        folded = word
        if any(ch.isalnum() for ch in folded):
            out.append(folded)
            syllables = folded.split()
            if len(syllables) > 1:  # a compound also counts its syllables, for partial matches
                out.extend(syllables)
    return tuple(out)


class LineRanker:
    """BM25 over one record's lines; language data from data/lang/ranking.yml."""

    def __init__(
        self,
        lexicon: Lexicon = Lexicon(),
        stopwords: Iterable[str] = (),
        topics: Optional[Mapping[str, str]] = None,
        symbols: Optional[Mapping[str, str]] = None,
    ) -> None:
        self.lexicon = lexicon
        self.stopwords = {fold(w) for w in stopwords}
        self.topics = dict(topics or {})
        self.symbols = dict(symbols or {})
        # record lines repeat across questions: segment each text once
        self.words = lru_cache(maxsize=8192)(lambda text: _words(text, self.lexicon, self.symbols))

    @classmethod
    def from_files(cls, lexicon_path: Path, ranking_path: Path) -> "LineRanker":
        data = yaml.safe_load(Path(ranking_path).read_text(encoding="utf-8")) or {}
        return cls(Lexicon.from_file(str(lexicon_path)), data.get("stopwords") or (), data.get("topics") or {},
                   data.get("symbols") or {})

    def rank(self, question: str, lines: Sequence[Line]) -> List[Tuple[Line, float]]:
        """Lines with their BM25 score against the question, best first (ties keep record order).

        `question` is the message without the service's name (the caller cuts
        it out); stop words are left out too."""
        if not lines:
            return []
        query = [w for w in self.words(question) if w not in self.stopwords]
        if not query:
            return [(line, 0.0) for line in lines]
        corpus = [
            list(self.words(f"{self.topics.get(line.kind, '')} {line.topic} {line.text}")) or ["_"]
            for line in lines
        ]
        scores = BM25Okapi(corpus).get_scores(query)
        order = sorted(range(len(lines)), key=lambda i: -scores[i])
        return [(lines[i], float(scores[i])) for i in order]
