"""`make eval`: quality on the held-out split, ours vs Rasa's default
pipeline, plus end-to-end facts through the running stack; rewrites the
"eval" section of docs/benchmarks.md (and docs/confusion.png)."""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import List

import yaml

from bot.config import ROOT, Settings
from tools import report
from tools.benchmark import ask, machine
from tools.evaluation import confusion_png, evaluate, report as quality_table
from tools.supervisor import Stack, isolated_settings
from tools.training import model_path, train

E2E = ROOT / "tests" / "heldout" / "e2e.yml"


@dataclass
class FactResult:
    question: str
    missing: List[str]


def end_to_end(port: int) -> List[FactResult]:
    results = []
    for item in yaml.safe_load(E2E.read_text(encoding="utf-8"))["questions"]:
        replies = ask(port, f"eval-{uuid.uuid4().hex}", item["question"])
        text = "\n".join(r.get("text", "") for r in replies)
        results.append(FactResult(item["question"], [f for f in item["must_contain"] if f not in text]))
    return results


def facts_markdown(results: List[FactResult]) -> str:
    passed = sum(not r.missing for r in results)
    lines = [f"End-to-end facts through the running stack (REST): **{passed}/{len(results)}** answers contain every expected fact."]
    lines += [f"- missing in \"{r.question}\": {', '.join(r.missing)}" for r in results if r.missing]
    return "\n".join(lines)


def run_eval(settings: Settings) -> int:
    scores = evaluate(settings, ["config.yml", "rasa-default"])
    ours = scores[0]
    confusion_png(ours.parts[0], report.REPORT.parent / "confusion.png")
    train(settings)
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(isolated_settings(Path(tmp)), model_path(settings.model_dir))
        stack.start()
        try:
            facts = end_to_end(stack.settings.rasa_port)
        finally:
            stack.stop()
    train_times = ", ".join(f"{s.variant} {s.train_seconds:.0f} s" for s in scores)
    body = f"""## Quality (`make eval`)

{report.machine_lines(machine())}
- Trained on `data/nlu` only; scored on `tests/heldout/nlu.yml` (never used for training) and variants of it
  made by the evaluator: diacritics stripped, abbreviations/teencode (đăng ký → đk, không → ko, gì → j, ...),
  and one typo per question (two letters swapped outside the service name).
- `config.yml` is our pipeline (normaliser + underthesea tokenizer + catalogue service extractor + DIET);
  `rasa-default` is Rasa 3.6's default pipeline (WhitespaceTokenizer, DIET with entity recognition) on the same data.
  The training data has no entity annotations (our extractor uses the catalogue), so Rasa's default finds no entities.
- NLU training time: {train_times}.

{quality_table(scores)}

![confusion matrix](confusion.png)

{facts_markdown(facts)}
"""
    report.write_section("eval", body)
    print(body)
    return 0
