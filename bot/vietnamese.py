"""Vietnamese text normalisation that never loses the user's original offsets.

People type Vietnamese in many ways: decomposed Unicode (NFD) from some phones,
two tone-mark placements ("hoà" / "hòa"), teencode ("ko", "dc", "đk"), or no
diacritics at all.  We normalise to one form before segmentation, but Rasa's
entities must point at the user's *original* characters, so every normalised
character remembers the span of original text it came from (`AlignedText`).

The functions here are used by the NLU components (bot/nlu), the catalogue
search and the actions; they import nothing heavy (no Rasa, no TensorFlow).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Set, Tuple

import yaml

Span = Tuple[int, int]

_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_WORD_RE = re.compile(r"\w+")
# Characters that carry no meaning but break matching: zero-width space/joiners,
# BOM, soft hyphen.
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad"}


@dataclass(frozen=True)
class AlignedText:
    """A normalised string plus, for each of its characters, the original span."""

    text: str
    spans: Tuple[Span, ...]

    @classmethod
    def identity(cls, text: str) -> "AlignedText":
        return cls(text, tuple((i, i + 1) for i in range(len(text))))

    def original_span(self, start: int, end: int) -> Span:
        """Span in the original text covering normalised characters [start, end)."""
        if start >= end:
            raise ValueError(f"empty span {start}:{end}")
        return self.spans[start][0], self.spans[end - 1][1]

    def replace(self, start: int, end: int, new: str) -> "AlignedText":
        """Replace characters [start, end) by `new`; new chars map to the old span."""
        covered = self.original_span(start, end)
        return AlignedText(
            self.text[:start] + new + self.text[end:],
            self.spans[:start] + (covered,) * len(new) + self.spans[end:],
        )


@dataclass(frozen=True)
class Lexicon:
    """Abbreviations and teencode, loaded from a YAML data file."""

    abbreviations: Mapping[str, str] = field(default_factory=dict)
    not_after_number: FrozenSet[str] = frozenset()

    @classmethod
    def from_file(cls, path: Optional[str]) -> "Lexicon":
        if not path:
            return cls()
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Lexicon":
        abbreviations = {
            compose(str(k)).lower(): compose(str(v))
            for k, v in (data.get("abbreviations") or {}).items()
        }
        return cls(abbreviations, frozenset(data.get("not_after_number") or ()))

    def to_dict(self) -> Dict[str, Any]:
        return {
            "abbreviations": dict(self.abbreviations),
            "not_after_number": sorted(self.not_after_number),
        }


def compose(text: str) -> str:
    """Unicode NFC (plain string, no alignment)."""
    return unicodedata.normalize("NFC", text)


def compose_aligned(text: str) -> AlignedText:
    """NFC-compose `text` cluster by cluster, dropping invisible characters.

    A cluster is a base character plus the combining marks that follow it;
    each composed character maps back to its whole cluster.
    """
    out: List[str] = []
    spans: List[Span] = []
    i = 0
    n = len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        cluster = text[i:j]
        if cluster in _INVISIBLE:
            i = j
            continue
        if cluster.isspace():
            cluster = " "
        composed = unicodedata.normalize("NFC", cluster)
        out.append(composed)
        spans.extend([(i, j)] * len(composed))
        i = j
    return AlignedText("".join(out), tuple(spans))


def _split_tone(char: str) -> Tuple[str, str]:
    """('ò' -> ('o', '\u0300')); the tone mark is '' if there is none."""
    decomposed = unicodedata.normalize("NFD", char)
    tone = "".join(c for c in decomposed if c in _TONE_MARKS)
    base = "".join(c for c in decomposed if c not in _TONE_MARKS)
    return unicodedata.normalize("NFC", base), tone


def _with_tone(char: str, tone: str) -> str:
    return unicodedata.normalize("NFC", char + tone)


def fix_tone_placement(text: str) -> str:
    """Use the traditional placement for open 'oa', 'oe', 'uy': hoà -> hòa.

    Length-preserving, so alignment is unaffected.  'quý' is left alone because
    the 'u' there belongs to the consonant 'qu'.
    """

    def fix_word(match: "re.Match[str]") -> str:
        word = match.group(0)
        if len(word) < 2:
            return word
        first, second = word[-2], word[-1]
        first_base, first_tone = _split_tone(first)
        second_base, second_tone = _split_tone(second)
        pair = (first_base + second_base).lower()
        if pair not in ("oa", "oe", "uy") or not second_tone or first_tone:
            return word
        if pair == "uy" and word[:-2].lower().endswith("q"):
            return word
        return word[:-2] + _with_tone(first_base, second_tone) + second_base

    return _WORD_RE.sub(fix_word, text)


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics; length-preserving on NFC input (đ -> d)."""
    out = []
    for char in text:
        if char in "đĐ":
            out.append("d" if char == "đ" else "D")
            continue
        base = unicodedata.normalize("NFD", char)[0]
        out.append(base if len(base) == 1 else char)
    return "".join(out)


def fold(text: str) -> str:
    """Lower-case, accent-free form used for matching ('Đăng Ký' -> 'dang ky')."""
    return strip_diacritics(compose(text).lower())


def expand_abbreviations(aligned: AlignedText, lexicon: Lexicon) -> AlignedText:
    """Replace whole-word abbreviations ('đk' -> 'đăng ký') keeping alignment."""
    if not lexicon.abbreviations:
        return aligned
    result = aligned
    # Right to left, so earlier offsets stay valid while we edit.
    for match in reversed(list(_WORD_RE.finditer(aligned.text))):
        key = match.group(0).lower()
        full = lexicon.abbreviations.get(key)
        if full is None or full == key:
            continue
        if key in lexicon.not_after_number and _follows_number(aligned.text, match.start()):
            continue
        result = result.replace(match.start(), match.end(), full)
    return result


def _follows_number(text: str, index: int) -> bool:
    before = text[:index].rstrip()
    return bool(before) and before[-1].isdigit()


def normalize(text: str, lexicon: Lexicon = Lexicon()) -> AlignedText:
    """The full normalisation: NFC, invisible chars out, tone placement, abbreviations."""
    aligned = compose_aligned(text)
    aligned = AlignedText(fix_tone_placement(aligned.text), aligned.spans)
    return expand_abbreviations(aligned, lexicon)


def folded_words(aligned: AlignedText) -> List[Tuple[str, Span]]:
    """Accent-free lower-case words of a normalised text with their original spans."""
    folded = strip_diacritics(aligned.text.lower())
    if len(folded) != len(aligned.text):  # exotic case mapping; fall back
        folded = strip_diacritics(aligned.text)
        folded = "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)
    return [
        (m.group(0), aligned.original_span(m.start(), m.end()))
        for m in _WORD_RE.finditer(folded)
    ]


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def swaps(word: str) -> Set[str]:
    """Every string with two neighbouring letters of `word` swapped."""
    return {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}


def one_edit(word: str) -> Set[str]:
    """Every string one edit from `word`: a letter missing, extra or wrong, or two swapped."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | swaps(word)
        | {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
        | {a + c + b for a, b in splits for c in _LETTERS}
    )


@dataclass(frozen=True)
class Speller:
    """Mends a typo that makes a word no Vietnamese syllable ("nàgy", "pảhi",
    "kôhng"): such a word becomes the most frequent word the assistant has
    seen that is one edit away.  A real syllable is never changed, whether
    the assistant knows it or not, so "cháu" does not become "chào"; and a
    message with no known word is left alone, so gibberish stays a miss."""

    counts: Mapping[str, int] = field(default_factory=dict)  # folded words the assistant has seen
    syllables: FrozenSet[str] = frozenset()  # every folded Vietnamese syllable
    min_letters: int = 4

    def suggest(self, word: str) -> Optional[str]:
        """The correction of a folded word, or None when it needs none or has no single best one."""
        if (len(word) < self.min_letters or not word.isascii() or not word.isalpha()
                or word in self.counts or word in self.syllables):
            return None
        # two letters swapped is the commonest slip and keeps every letter: it wins over other edits
        for neighbours in (swaps(word), one_edit(word)):
            candidates = sorted(((self.counts[w], w) for w in neighbours if w in self.counts), reverse=True)
            if candidates:
                tied = len(candidates) > 1 and candidates[0][0] == candidates[1][0]
                return None if tied else candidates[0][1]
        return None

    def correct(self, aligned: AlignedText) -> Tuple[AlignedText, List[Tuple[Span, str]]]:
        """`aligned` with its typos mended, and each mend as (original span, new word)."""
        if not self.counts:
            return aligned, []
        folded = strip_diacritics(aligned.text.lower())
        if len(folded) != len(aligned.text):  # exotic case mapping: leave the text alone
            return aligned, []
        words = list(_WORD_RE.finditer(folded))
        if not any(match.group(0) in self.counts for match in words):
            return aligned, []  # nothing known at all: gibberish stays gibberish (a miss), not a guess
        mends: List[Tuple[Span, str]] = []
        for match in reversed(words):
            better = self.suggest(match.group(0))
            if better:
                mends.append((aligned.original_span(match.start(), match.end()), better))
                aligned = aligned.replace(match.start(), match.end(), better)
        return aligned, mends[::-1]
