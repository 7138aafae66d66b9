"""The Vietnamese normaliser as a Rasa graph component.

It runs `bot.vietnamese.normalize` (NFC, one tone-mark placement,
abbreviations from data/lang/abbreviations.yml) once per message.  It does not
change the message text, because entity offsets must point at what the user
typed; it stores an `AlignedText` under "<attribute>_normalized", which the
tokenizer and the service extractor read.

With `spelling`, a typo that makes a word no Vietnamese syllable is mended
against the words of the training data (`bot.vietnamese.Speller`); the list of
syllables is underthesea's dictionary, which ships with the package.  The
mends go into the parse result ("spelling"), so the answer's own ranking reads
the same words as the classifier.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Text

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ACTION_TEXT, ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import raise_warning

import bot.vietnamese
from bot.nlu import fingerprint
from bot.vietnamese import Lexicon, Speller, compose, folded_words, normalize, strip_diacritics

#: Suffix of the message attribute holding the normalised text ("text_normalized").
NORMALIZED_SUFFIX = "_normalized"
#: Parse-result key listing the typos mended: [{"start", "end", "value"}] in the original text.
SPELLING = "spelling"
TEXT_ATTRIBUTES: Sequence[str] = (TEXT, ACTION_TEXT)


def normalized_attribute(attribute: str) -> str:
    return attribute + NORMALIZED_SUFFIX


@lru_cache(maxsize=1)
def vietnamese_syllables() -> frozenset:
    """Every folded syllable of underthesea's Vietnamese dictionary (Viet74K, in the package)."""
    import underthesea

    path = Path(underthesea.__file__).parent / "corpus" / "data" / "Viet74K.txt"
    folded = strip_diacritics(compose(path.read_text(encoding="utf-8")).lower())
    return frozenset(re.findall(r"[a-z]+", folded))


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True
)
class VietnameseNormalizer(GraphComponent):
    """Normalises Vietnamese text for the components that follow.

    It does not change the message text (entity offsets must stay right);
    it stores an `AlignedText` under "<attribute>_normalized", which the
    tokenizer and the service extractor read.  With
    `augment_without_diacritics`, training examples are duplicated without
    diacritics so the classifier also learns from unaccented input; with
    `greetings_path`, every `greeting_every`-th question example is also
    copied with a greeting in front, so "chào em, cho hỏi ..." stays a question.
    """

    LEXICON_FILE = "lexicon.yml"
    SPELLER_FILE = "speller.json"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # YAML file of abbreviations/teencode (see data/lang/abbreviations.yml)
            "abbreviations_path": None,
            # add an accent-free copy of every training example
            "augment_without_diacritics": False,
            # YAML file of greetings people put before a question (data/lang/greetings.yml)
            "greetings_path": None,
            # copy every n-th question example with a greeting in front
            "greeting_every": 3,
            # intents that are not questions: never copied with a greeting
            "not_questions": ["greet", "goodbye", "thank", "vneid_next_step", "vneid_stuck", "personal_data"],
            # mend typos that make a word no Vietnamese syllable
            "spelling": False,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        lexicon: Lexicon,
        speller: Speller = Speller(),
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self.lexicon = lexicon
        self.speller = speller

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        """The abbreviation file and the normalisation code (Rasa sees neither)."""
        return fingerprint.digest(
            config.get("abbreviations_path"), config.get("greetings_path"), bot.vietnamese, sys.modules[__name__]
        )

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "VietnameseNormalizer":
        return cls(config, model_storage, resource, Lexicon.from_file(config["abbreviations_path"]))

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "VietnameseNormalizer":
        try:
            with model_storage.read_from(resource) as directory:
                data = yaml.safe_load((directory / cls.LEXICON_FILE).read_text(encoding="utf-8"))
            lexicon = Lexicon(
                data.get("abbreviations") or {}, frozenset(data.get("not_after_number") or ())
            )
        except (ValueError, FileNotFoundError) as error:
            raise_warning(f"Failed to load the lexicon from the model ({error}); normalising without abbreviations.")
            lexicon = Lexicon()
        speller = Speller()
        if config.get("spelling"):
            try:
                with model_storage.read_from(resource) as directory:
                    data = json.loads((directory / cls.SPELLER_FILE).read_text(encoding="utf-8"))
                speller = Speller(data["counts"], frozenset(data["syllables"]))
            except (ValueError, KeyError, FileNotFoundError) as error:
                raise_warning(f"Failed to load the speller from the model ({error}); typos are not mended.")
        return cls(config, model_storage, resource, lexicon, speller)

    def train(self, training_data: TrainingData) -> Resource:
        """Copies the lexicon (and the speller's words) into the model, so the model is self-contained."""
        with self._model_storage.write_to(self._resource) as directory:
            (directory / self.LEXICON_FILE).write_text(
                yaml.safe_dump(self.lexicon.to_dict(), allow_unicode=True), encoding="utf-8"
            )
            if self._config.get("spelling"):
                speller = {"counts": self._word_counts(training_data), "syllables": sorted(vietnamese_syllables())}
                (directory / self.SPELLER_FILE).write_text(json.dumps(speller, ensure_ascii=False), encoding="utf-8")
        return self._resource

    def _word_counts(self, training_data: TrainingData) -> Dict[str, int]:
        """How often each folded word occurs in the examples and the lookup tables (service names)."""
        texts = [m.get(TEXT) or "" for m in training_data.intent_examples]
        texts += [str(e) for table in training_data.lookup_tables for e in table.get("elements") or []
                  if isinstance(table.get("elements"), list)]
        counts: Counter = Counter()
        for text in texts:
            counts.update(w for w, _ in folded_words(normalize(text, self.lexicon)))
        return dict(counts)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        if self._config.get("greetings_path"):
            training_data = self._with_greetings(training_data)
        if self._config["augment_without_diacritics"]:
            training_data = self._augment(training_data)
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            for attribute in TEXT_ATTRIBUTES:
                value = message.get(attribute)
                if isinstance(value, str) and value:
                    aligned = normalize(value, self.lexicon)
                    if attribute == TEXT and not value.startswith("/"):
                        aligned, mends = self.speller.correct(aligned)
                        if mends:
                            message.set(SPELLING, [{"start": s, "end": e, "value": w} for (s, e), w in mends],
                                        add_to_output=True)
                    message.set(normalized_attribute(attribute), aligned)
        return messages

    def _with_greetings(self, training_data: TrainingData) -> TrainingData:
        """Copies of some question examples with a greeting in front (entity offsets shifted)."""
        data = yaml.safe_load(Path(self._config["greetings_path"]).read_text(encoding="utf-8")) or {}
        openers = [str(o).strip() for o in data.get("openers") or [] if str(o).strip()]
        if not openers:
            return training_data
        skip = set(self._config["not_questions"])
        questions = [m for m in training_data.intent_examples if m.get(INTENT) not in skip]
        extra = []
        for index, example in enumerate(questions):
            if index % max(1, int(self._config["greeting_every"])):
                continue
            prefix = openers[(index // max(1, int(self._config["greeting_every"]))) % len(openers)] + " "
            copy = {k: v for k, v in example.data.items() if k not in (TEXT, ENTITIES)}
            entities = [
                {**e, "start": e["start"] + len(prefix), "end": e["end"] + len(prefix)}
                for e in example.get(ENTITIES) or []
            ]
            extra.append(Message(data={**copy, TEXT: prefix + example.get(TEXT), ENTITIES: entities}))
        return training_data.merge(TrainingData(training_examples=extra))

    @staticmethod
    def _augment(training_data: TrainingData) -> TrainingData:
        """Accent-free copies of NLU examples (entity offsets are unchanged)."""
        extra = []
        seen = {m.get(TEXT) for m in training_data.intent_examples}
        for example in training_data.intent_examples:
            stripped = strip_diacritics(compose(example.get(TEXT)))
            if stripped in seen:
                continue
            seen.add(stripped)
            data = {k: v for k, v in example.data.items() if k != TEXT}
            extra.append(Message(data={**data, TEXT: stripped}))
        return training_data.merge(TrainingData(training_examples=extra))
