"""Intent accuracy on the held-out questions, as typed and without diacritics.

`python -m bot evaluate` trains an NLU-only model from config.yml and scores
tests/heldout/nlu.yml, which is never used for training: intent accuracy and
`service` entity precision/recall/F1, for all questions as written, for those
written without diacritics, and for all of them with diacritics stripped.
`--variant NAME` compares the ways of making the bot robust to unaccented text
instead (README, "Measurements").
"""

from __future__ import annotations

import asyncio
import copy
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, List, Tuple

import yaml

from bot.config import ROOT
from bot.training import rasa_env, rasa_executable
from bot.vietnamese import compose, strip_diacritics

HELDOUT = ROOT / "tests" / "heldout" / "nlu.yml"

# name -> (tokenizer lemma, augment training data without diacritics)
VARIANTS: Dict[str, Tuple[str, bool]] = {
    "folded+augment": ("folded", True),
    "folded": ("folded", False),
    "accented+augment": ("normalized", True),
    "accented": ("normalized", False),
}


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    entities: FrozenSet[Tuple[int, int, str]]  # (start, end, service id)

    @property
    def written_without_diacritics(self) -> bool:
        return strip_diacritics(self.text) == self.text

    def stripped(self) -> "Example":
        # stripping is length-preserving, so entity spans stay valid
        return Example(strip_diacritics(self.text), self.intent, self.entities)


@dataclass
class Metrics:
    name: str
    examples: int
    intent_accuracy: float
    entity_precision: float
    entity_recall: float
    entity_f1: float
    errors: List[str]


@dataclass
class Score:
    variant: str
    overall: Metrics
    written_plain: Metrics
    stripped: Metrics
    train_seconds: float


def heldout_examples(path: Path = HELDOUT) -> List[Example]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [
        Example(
            m.get("text"),
            m.get("intent"),
            frozenset((e["start"], e["end"], e["value"]) for e in m.get("entities") or []),
        )
        for m in data.intent_examples
    ]


def variant_config(lemma: str, augment: bool) -> dict:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config = copy.deepcopy(config)
    for component in config["pipeline"]:
        if component["name"].endswith("VietnameseNormalizer"):
            component["augment_without_diacritics"] = augment
        if component["name"].endswith("VietnameseTokenizer"):
            component["lemma"] = lemma
    return config


def train_nlu(config: dict, out: Path) -> Tuple[Path, float]:
    config_path = out / "config.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    started = time.monotonic()
    subprocess.run(
        [rasa_executable(), "train", "nlu", "--config", str(config_path), "--nlu", "data/nlu",
         "--out", str(out), "--fixed-model-name", "nlu"],
        cwd=ROOT, env=rasa_env(), check=True, capture_output=True,
    )
    return out / "nlu.tar.gz", time.monotonic() - started


def measure(agent, examples: List[Example], name: str) -> Metrics:
    async def run() -> Metrics:
        correct = true_positive = predicted = expected = 0
        errors: List[str] = []
        for example in examples:
            parsed = await agent.parse_message(example.text)
            intent = parsed["intent"]["name"]
            found = frozenset(
                (e["start"], e["end"], e["value"]) for e in parsed["entities"] if e["entity"] == "service"
            )
            correct += intent == example.intent
            if intent != example.intent:
                errors.append(f"{example.text!r}: {example.intent} -> {intent}")
            if found != example.entities:
                errors.append(f"{example.text!r}: entities {sorted(example.entities)} -> {sorted(found)}")
            true_positive += len(found & example.entities)
            predicted += len(found)
            expected += len(example.entities)
        precision = true_positive / predicted if predicted else 1.0
        recall = true_positive / expected if expected else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return Metrics(name, len(examples), correct / len(examples), precision, recall, f1, errors)

    return asyncio.run(run())


def score_model(model: Path, variant: str, seconds: float) -> Score:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    examples = heldout_examples()
    return Score(
        variant,
        measure(agent, examples, "as written"),
        measure(agent, [e for e in examples if e.written_without_diacritics], "written without diacritics"),
        measure(agent, [e.stripped() for e in examples], "all, diacritics stripped"),
        seconds,
    )


def evaluate(names: List[str]) -> List[Score]:
    scores = []
    for name in names:
        with tempfile.TemporaryDirectory() as tmp:
            if name == "config.yml":
                config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
            else:
                config = variant_config(*VARIANTS[name])
            model, seconds = train_nlu(config, Path(tmp))
            scores.append(score_model(model, name, seconds))
    return scores


def report(scores: List[Score], show_errors: bool = False) -> str:
    lines = [
        "| variant | part | questions | intent accuracy | entity precision | entity recall | entity F1 |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        for m in (s.overall, s.written_plain, s.stripped):
            lines.append(
                f"| {s.variant} | {m.name} | {m.examples} | {m.intent_accuracy:.1%} | "
                f"{m.entity_precision:.1%} | {m.entity_recall:.1%} | {m.entity_f1:.1%} |"
            )
    if show_errors:
        for s in scores:
            for m in (s.overall, s.stripped):
                lines += [f"- {s.variant}, {m.name}: {e}" for e in m.errors]
    return "\n".join(lines)
