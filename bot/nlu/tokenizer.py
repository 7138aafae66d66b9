"""Vietnamese word segmentation with underthesea, as a Rasa tokenizer.

Vietnamese writes a space between syllables, not words: "đăng ký tạm trú" is
two words of two syllables.  underthesea's CRF segmenter groups syllables into
words; we run it on the normalised text (see `normalizer.py`) and map every
word back onto the user's original characters, so entity spans stay exact.

Modelled on Rasa's own `JiebaTokenizer`: a custom word list is read from a
file at training time and stored in the model.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Text, Type

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import raise_warning

import bot.vietnamese
from bot.nlu import fingerprint
from bot.nlu.normalizer import VietnameseNormalizer, normalized_attribute
from bot.vietnamese import AlignedText, compose, strip_diacritics

logger = logging.getLogger(__name__)


def read_word_list(path: Optional[str]) -> List[str]:
    """One word per line; '#' starts a comment.  Adds accent-free variants."""
    if not path:
        return []
    words: List[str] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        word = " ".join(line.split("#", 1)[0].split())
        if word:
            words.append(compose(word).lower())
    return with_unaccented_variants(words)


def with_unaccented_variants(words: Iterable[str]) -> List[str]:
    out: List[str] = []
    for word in words:
        for variant in (word, strip_diacritics(word)):
            if variant not in out:
                out.append(variant)
    return out


def segment(original: str, aligned: AlignedText, custom_words: List[str]) -> List[Token]:
    """Segment normalised text into word tokens carrying original offsets.

    `aligned` is `original` normalised.  `token.text` is the user's original
    text for the word, `token.lemma` the
    normalised lower-case word; `token.data["folded"]` is its accent-free form.
    """
    from underthesea import word_tokenize

    lowered = aligned.text.lower()
    if len(lowered) != len(aligned.text):  # a rare case-mapping changed length
        lowered = aligned.text
    # underthesea's own token normalisation is off: ours already ran, and it
    # must not change characters we align against.
    words = word_tokenize(lowered, use_token_normalize=False, fixed_words=custom_words)

    tokens: List[Token] = []
    cursor = 0
    for word in words:
        span = _locate(lowered, word.split(" "), cursor)
        if span is None:
            logger.debug("Could not align word %r; skipped.", word)
            continue
        start, end = span
        cursor = end
        original_start, original_end = aligned.original_span(start, end)
        lemma = " ".join(lowered[start:end].split())
        if tokens and original_start < tokens[-1].end:
            # One original word expanded into several ("cccd" -> "căn cước công
            # dân"): keep one token for it, with the whole expansion as lemma.
            previous = tokens.pop()
            original_start = previous.start
            original_end = max(original_end, previous.end)
            lemma = previous.lemma + " " + lemma
        tokens.append(
            Token(
                text=original[original_start:original_end],
                start=original_start,
                end=original_end,
                lemma=lemma,
                data={"folded": strip_diacritics(lemma)},
            )
        )
    return tokens


def _locate(text: str, syllables: List[str], cursor: int) -> Optional[tuple]:
    """Find the syllables in order from `cursor`; span of the whole word."""
    start = end = None
    position = cursor
    for syllable in syllables:
        found = text.find(syllable, position)
        if found < 0:
            return None
        if start is None:
            start = found
        end = found + len(syllable)
        position = end
    return (start, end) if start is not None else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class VietnameseTokenizer(Tokenizer):
    """Word tokenizer for Vietnamese on underthesea (https://github.com/undertheseanlp/underthesea)."""

    WORDS_FILE = "custom_words.txt"

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        return ["vi"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # file with words to keep whole, one per line (data/lang/words.txt)
            "custom_words_path": None,
            # lemma fed to featurizers: "normalized" (with diacritics) or
            # "folded" (accent-free), see README "No-diacritics robustness"
            "lemma": "folded",
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["underthesea"]

    @classmethod
    def required_components(cls) -> List[Type]:
        return [VietnameseNormalizer]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        custom_words: List[str],
    ) -> None:
        super().__init__(config)
        if config["lemma"] not in ("normalized", "folded"):
            raise ValueError(f"lemma must be 'normalized' or 'folded', not {config['lemma']!r}")
        self._model_storage = model_storage
        self._resource = resource
        self.custom_words = custom_words

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        """The custom word list and the segmentation code (Rasa sees neither)."""
        return fingerprint.digest(config.get("custom_words_path"), bot.vietnamese, sys.modules[__name__])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "VietnameseTokenizer":
        return cls(config, model_storage, resource, read_word_list(config["custom_words_path"]))

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "VietnameseTokenizer":
        words: List[str] = []
        try:
            with model_storage.read_from(resource) as directory:
                words = (directory / cls.WORDS_FILE).read_text(encoding="utf-8").splitlines()
        except (ValueError, FileNotFoundError) as error:
            raise_warning(f"Failed to load the custom word list from the model ({error}).")
        return cls(config, model_storage, resource, [w for w in words if w])

    def train(self, training_data: TrainingData) -> Resource:
        """Copies the custom word list into the model storage."""
        with self._model_storage.write_to(self._resource) as directory:
            (directory / self.WORDS_FILE).write_text("\n".join(self.custom_words), encoding="utf-8")
        return self._resource

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute)
        aligned = message.get(normalized_attribute(attribute)) or AlignedText.identity(text)
        tokens = segment(text, aligned, self.custom_words)
        for token in tokens:
            if self._config["lemma"] == "folded":
                token.lemma = token.data["folded"]
        return self._apply_token_pattern(tokens)
