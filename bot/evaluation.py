"""Intent accuracy on the held-out questions, as typed and without diacritics.

`python -m bot evaluate [--variant NAME ...]` trains an NLU-only model per
variant of config.yml (a temporary copy with a few options changed) and scores
tests/heldout/nlu.yml, which is never used for training.  Each question is
scored twice: as written, and with its diacritics stripped.  The variants are
the ways of making the bot robust to unaccented text (README, "Measurements").
"""

from __future__ import annotations

import asyncio
import copy
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

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


@dataclass
class Score:
    variant: str
    accuracy_as_typed: float
    accuracy_stripped: float
    questions: int
    train_seconds: float


def heldout_examples(path: Path = HELDOUT) -> List[Tuple[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    examples = []
    for block in data["nlu"]:
        for line in block["examples"].splitlines():
            text = line.strip()[2:].strip() if line.strip().startswith("- ") else ""
            if text:
                examples.append((compose(text), block["intent"]))
    return examples


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


def accuracy(model: Path, examples: List[Tuple[str, str]]) -> Tuple[float, float]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def score(strip: bool) -> float:
        correct = 0
        for text, intent in examples:
            parsed = await agent.parse_message(strip_diacritics(text) if strip else text)
            correct += parsed["intent"]["name"] == intent
        return correct / len(examples)

    return asyncio.run(score(False)), asyncio.run(score(True))


def evaluate(names: List[str]) -> List[Score]:
    examples = heldout_examples()
    scores = []
    for name in names:
        lemma, augment = VARIANTS[name]
        with tempfile.TemporaryDirectory() as tmp:
            model, seconds = train_nlu(variant_config(lemma, augment), Path(tmp))
            typed, stripped = accuracy(model, examples)
        scores.append(Score(name, typed, stripped, len(examples), seconds))
    return scores


def report(scores: List[Score]) -> str:
    lines = [
        "| variant | intent accuracy, as typed | without diacritics | questions | train s |",
        "|---|---|---|---|---|",
    ]
    for s in scores:
        lines.append(
            f"| {s.variant} | {s.accuracy_as_typed:.1%} | {s.accuracy_stripped:.1%} "
            f"| {s.questions} | {s.train_seconds:.0f} |"
        )
    return "\n".join(lines)
