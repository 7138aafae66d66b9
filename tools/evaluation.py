"""Intent accuracy on the held-out questions, as typed and without diacritics.

`python -m tools evaluate` trains an NLU-only model from config.yml and scores
tests/heldout/nlu.yml, which is never used for training: intent accuracy and
`service` entity precision/recall/F1, for all questions as written, for those
written without diacritics, and for all of them with diacritics stripped.
`--variant NAME` compares the ways of making the bot robust to unaccented text
instead (README, "Measurements").
"""

from __future__ import annotations

import asyncio
import copy
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Tuple

import yaml

from bot.config import ROOT, Settings
from bot.vietnamese import strip_diacritics
from tools.training import rasa_env, rasa_executable, write_training_data

HELDOUT = ROOT / "tests" / "heldout" / "nlu.yml"

# Rasa 3.6's default pipeline (what `rasa init` writes; WhitespaceTokenizer),
# for the side-by-side comparison in `make eval`.
RASA_DEFAULT_PIPELINE = [
    {"name": "WhitespaceTokenizer"},
    {"name": "RegexFeaturizer"},
    {"name": "LexicalSyntacticFeaturizer"},
    {"name": "CountVectorsFeaturizer"},
    {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
    {"name": "DIETClassifier", "epochs": 100, "constrain_similarities": True, "random_seed": 42},
    {"name": "EntitySynonymMapper"},
    {"name": "FallbackClassifier", "threshold": 0.3, "ambiguity_threshold": 0.1},
]

# How people shorten words (the reverse of data/lang/abbreviations.yml, a subset).
ABBREVIATE = [
    ("căn cước công dân", "cccd"), ("số điện thoại", "sđt"), ("như thế nào", "ntn"), ("đăng ký", "đk"),
    ("bao nhiêu", "bn"), ("không", "ko"), ("được", "dc"), ("gì", "j"), ("với", "vs"), ("thủ tục", "tthc"),
]

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

    def rewritten(self, edit) -> "Example":
        """Apply `edit(segment, is_entity)` to each segment; entity spans follow."""
        spans = sorted(self.entities)
        pieces, cursor = [], 0
        for start, end, value in spans:
            pieces.append((self.text[cursor:start], None))
            pieces.append((self.text[start:end], value))
            cursor = end
        pieces.append((self.text[cursor:], None))
        text, entities = "", set()
        for segment, value in pieces:
            new = edit(segment, value is not None)
            if value is not None:
                entities.add((len(text), len(text) + len(new), value))
            text += new
        return Example(text, self.intent, frozenset(entities))


def abbreviated(example: Example) -> Optional[Example]:
    """The question as typed with abbreviations; None if nothing to shorten."""
    import re

    def edit(segment: str, is_entity: bool) -> str:
        for full, short in ABBREVIATE:
            segment = re.sub(rf"(?i)(?<!\w){re.escape(full)}(?!\w)", short, segment)
        return segment

    variant = example.rewritten(edit)
    return variant if variant.text != example.text else None


def with_typo(example: Example) -> Optional[Example]:
    """One deterministic typo (two inner letters swapped) in a word outside the entities."""
    import hashlib
    import re

    seed = int(hashlib.sha256(example.text.encode()).hexdigest(), 16)
    done = [False]

    def edit(segment: str, is_entity: bool) -> str:
        if is_entity or done[0]:
            return segment
        words = [m for m in re.finditer(r"\w{4,}", segment)]
        if not words:
            return segment
        word = words[seed % len(words)]
        w = word.group(0)
        i = 1 + seed % (len(w) - 2)
        typo = w[:i] + w[i + 1] + w[i] + w[i + 2:] if i + 1 < len(w) else w
        if typo == w:
            return segment
        done[0] = True
        return segment[: word.start()] + typo + segment[word.end():]

    variant = example.rewritten(edit)
    return variant if variant.text != example.text else None


@dataclass
class Metrics:
    name: str
    examples: int
    intent_accuracy: float
    entity_precision: float
    entity_recall: float
    entity_f1: float
    errors: List[str]
    macro_f1: float = 0.0
    parse_ms: float = 0.0
    confusions: List[Tuple[str, str, int]] = field(default_factory=list)
    gold: List[str] = field(default_factory=list)
    predicted: List[str] = field(default_factory=list)


@dataclass
class Score:
    variant: str
    parts: List[Metrics]
    train_seconds: float


def heldout_examples(path: Path = HELDOUT) -> List[Example]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [
        Example(
            m.get("text"),
            m.get_full_intent(),
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


def nlu_data(settings: Settings, out: Path) -> Path:
    """data/nlu plus the catalogue's generated NLU data (service names, FAQ examples) in one directory."""
    directory = out / "nlu"
    directory.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        shutil.copy(path, directory / path.name)
    write_training_data(settings, directory / "catalogue")
    return directory


def train_nlu(settings: Settings, config: dict, out: Path) -> Tuple[Path, float]:
    config_path = out / "config.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    data = nlu_data(settings, out)
    started = time.monotonic()
    subprocess.run(
        [rasa_executable(), "train", "nlu", "--config", str(config_path), "--nlu", str(data),
         "--out", str(out), "--fixed-model-name", "nlu"],
        cwd=ROOT, env=rasa_env(), check=True, capture_output=True,
    )
    return out / "nlu.tar.gz", time.monotonic() - started


def measure(agent, examples: List[Example], name: str) -> Metrics:
    async def run() -> Metrics:
        import time as _time
        from collections import Counter

        from sklearn.metrics import f1_score

        correct = true_positive = predicted = expected = 0
        errors: List[str] = []
        gold: List[str] = []
        guessed: List[str] = []
        parse_seconds = 0.0
        for example in examples:
            started = _time.perf_counter()
            parsed = await agent.parse_message(example.text)
            parse_seconds += _time.perf_counter() - started
            intent = predicted_label(parsed)
            found = frozenset(
                (e["start"], e["end"], e["value"]) for e in parsed["entities"] if e["entity"] == "service"
            )
            gold.append(example.intent)
            guessed.append(intent)
            correct += intent == example.intent
            if intent != example.intent:
                errors.append(f"{example.text!r}: {example.intent} -> {intent}")
            if found != example.entities:
                errors.append(f"{example.text!r}: entities {sorted(example.entities)} -> {sorted(found)}")
            true_positive += len(found & example.entities)
            predicted += len(found)
            expected += len(example.entities)
        precision = true_positive / predicted if predicted else (1.0 if not expected else 0.0)
        recall = true_positive / expected if expected else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        pairs = Counter((g, p) for g, p in zip(gold, guessed) if g != p).most_common(5)
        return Metrics(
            name, len(examples), correct / len(examples), precision, recall, f1, errors,
            macro_f1=f1_score(gold, guessed, labels=sorted(set(gold)), average="macro", zero_division=0),
            parse_ms=parse_seconds / len(examples) * 1000,
            confusions=[(g, p, n) for (g, p), n in pairs], gold=gold, predicted=guessed,
        )

    return asyncio.run(run())


def predicted_label(parsed: dict) -> str:
    """The intent, or faq/<id> for the FAQ family (the response selector's choice)."""
    intent = parsed["intent"]["name"]
    if intent == "faq":
        selected = ((parsed.get("response_selector") or {}).get("faq") or {}).get("response") or {}
        return selected.get("intent_response_key") or intent
    return intent


def parts(examples: List[Example]) -> Dict[str, List[Example]]:
    """The held-out split and its variants, each scored separately."""
    return {
        "as written": examples,
        "written without diacritics": [e for e in examples if e.written_without_diacritics],
        "all, diacritics stripped": [e.stripped() for e in examples],
        "abbreviations/teencode": [v for v in map(abbreviated, examples) if v],
        "one typo per question": [v for v in map(with_typo, examples) if v],
    }


def score_model(model: Path, variant: str, seconds: float) -> Score:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return Score(
        variant,
        [measure(agent, subset, name) for name, subset in parts(heldout_examples()).items()],
        seconds,
    )


def config_for(name: str) -> dict:
    if name == "config.yml":
        return yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    if name == "rasa-default":
        return {"recipe": "default.v1", "language": "vi", "pipeline": RASA_DEFAULT_PIPELINE,
                "policies": [], "assistant_id": "rasa-default-comparison"}
    return variant_config(*VARIANTS[name])


def evaluate(settings: Settings, names: List[str]) -> List[Score]:
    scores = []
    for name in names:
        with tempfile.TemporaryDirectory() as tmp:
            model, seconds = train_nlu(settings, config_for(name), Path(tmp))
            scores.append(score_model(model, name, seconds))
    return scores


def report(scores: List[Score], show_errors: bool = False) -> str:
    lines = [
        "| pipeline | part | questions | intent accuracy | macro-F1 | entity P | entity R | entity F1 | parse ms/msg |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        for m in s.parts:
            lines.append(
                f"| {s.variant} | {m.name} | {m.examples} | {m.intent_accuracy:.1%} | {m.macro_f1:.3f} | "
                f"{m.entity_precision:.1%} | {m.entity_recall:.1%} | {m.entity_f1:.1%} | {m.parse_ms:.1f} |"
            )
    lines += ["", "Most confused intent pairs (gold → predicted, count):", ""]
    for s in scores:
        for m in s.parts:
            if m.confusions:
                pairs = "; ".join(f"{g} → {p} ({n})" for g, p, n in m.confusions)
                lines.append(f"- {s.variant}, {m.name}: {pairs}")
    if show_errors:
        lines.append("")
        for s in scores:
            for m in s.parts:
                lines += [f"- {s.variant}, {m.name}: {e}" for e in m.errors]
    return "\n".join(lines)


def confusion_png(metrics: Metrics, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    labels = sorted(set(metrics.gold) | set(metrics.predicted))
    matrix = confusion_matrix(metrics.gold, metrics.predicted, labels=labels)
    fig, ax = plt.subplots(figsize=(10, 9), dpi=90)
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)))
    ax.set_yticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=90, fontsize=7)
    ax.set_yticklabels(labels, fontsize=7)
    for i in range(len(labels)):
        for j in range(len(labels)):
            if matrix[i, j]:
                ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=7,
                        color="white" if matrix[i, j] > matrix.max() / 2 else "black")
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(f"Held-out intents ({metrics.name})")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
