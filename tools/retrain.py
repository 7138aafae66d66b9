"""One retraining job with a quality gate: `python -m tools retrain --job N`,
started by the staff app in a process of its own (never the serving one).

1. Train a new model from the database (taught examples included) into
   var/models/.
2. Score the served model and the new one on the NLU held-out split
   (tests/heldout) and, end to end on a throw-away stack, on the question
   bank's test part (tests/bank/test.yml).  The held-out split comes first:
   a model already worse there than the tolerance allows is refused without
   the slower bank run.
3. Report overall, per intent and the questions whose result changed; the
   new model passes the gate when neither score drops by more than
   RETRAIN_TOLERANCE points.  Only a model that passed can be activated.

The served model's bank results are cached by the model file's hash, so a
second job does not score it again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import traceback
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Tuple

from bot.config import Settings
from bot.staff.models import Registry
from tools.training import model_path, train

TOLERANCE = float(os.environ.get("RETRAIN_TOLERANCE", "2.0"))  # percentage points


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def heldout(model: Path) -> Tuple[float, List[Tuple[str, str, str]]]:
    """(intent accuracy in %, [(text, gold, predicted)]) on the held-out split."""
    from rasa.core.agent import Agent

    from tools.evaluation import heldout_examples, measure

    examples = heldout_examples()
    metrics = measure(Agent.load(str(model)), examples, "held-out")
    return 100.0 * metrics.intent_accuracy, [(e.text, g, p) for e, g, p in zip(examples, metrics.gold, metrics.predicted)]


def bank_results(model: Path, cache_dir: Path) -> Dict[str, bool]:
    """{question id: passed} on the bank's test part (cached per model file)."""
    from tools.bank import score_on_stack

    cache = cache_dir / f"bank-test-{file_hash(model)}.json"
    if cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))
    results = {r.question.id: r.passed for r in score_on_stack(["test"], model)["test"]}
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(results), encoding="utf-8")
    return results


def per_intent(rows: List[Tuple[str, str, str]]) -> Dict[str, float]:
    counts: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    for _, gold, predicted in rows:
        counts[gold][0] += gold == predicted
        counts[gold][1] += 1
    return {intent: round(100.0 * ok / n, 1) for intent, (ok, n) in sorted(counts.items())}


def compare(old: Tuple[float, list], new: Tuple[float, list]) -> dict:
    old_by_intent, new_by_intent = per_intent(old[1]), per_intent(new[1])
    return {
        "old": round(old[0], 1), "new": round(new[0], 1), "questions": len(new[1]),
        "per_intent": {i: [old_by_intent.get(i), new_by_intent.get(i)] for i in sorted(new_by_intent)},
        "changed": [{"text": text, "gold": gold, "old": before, "new": after}
                    for (text, gold, before), (_, _, after) in zip(old[1], new[1]) if before != after],
    }


def run_job(settings: Settings, job_id: int) -> None:
    registry = Registry(settings.database_url, model_path(settings.model_dir))
    work = settings.var_dir / "retrain" / str(job_id)
    try:
        registry.baseline_model()
        served = registry.active()
        registry.progress(job_id, "training", "Đang huấn luyện mô hình mới (vài phút)")
        trained = train(settings, model_dir=work / "model", generated_dir=work / "training")
        target = settings.var_dir / "models" / f"model-{job_id}.tar.gz"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(trained), target)

        registry.progress(job_id, "scoring", "Đang chấm hai mô hình trên bộ câu hỏi giữ lại (NLU)")
        report: dict = {"tolerance": TOLERANCE, "old_model": str(served), "new_model": str(target)}
        report["heldout"] = compare(heldout(served), heldout(target))
        passed = report["heldout"]["new"] >= report["heldout"]["old"] - TOLERANCE
        if not passed:
            report["reason"] = (f"độ chính xác trên bộ giữ lại giảm từ {report['heldout']['old']}% xuống "
                                f"{report['heldout']['new']}% (ngưỡng cho phép {TOLERANCE} điểm)")
        else:
            registry.progress(job_id, "scoring", "Đang chấm hai mô hình trên ngân hàng câu hỏi (phần kiểm tra)")
            old_bank = bank_results(served, settings.var_dir / "retrain")
            new_bank = bank_results(target, settings.var_dir / "retrain")
            old_rate = round(100.0 * sum(old_bank.values()) / len(old_bank), 1)
            new_rate = round(100.0 * sum(new_bank.values()) / len(new_bank), 1)
            report["bank"] = {
                "old": old_rate, "new": new_rate, "questions": len(new_bank),
                "changed": [{"id": q, "old": old_bank.get(q), "new": ok} for q, ok in sorted(new_bank.items())
                            if old_bank.get(q) != ok],
            }
            passed = new_rate >= old_rate - TOLERANCE
            if not passed:
                report["reason"] = (f"tỷ lệ đạt trên ngân hàng câu hỏi giảm từ {old_rate}% xuống {new_rate}% "
                                    f"(ngưỡng cho phép {TOLERANCE} điểm)")
        report["passed"] = passed
        registry.finish(job_id, target, report, passed)
    except Exception:  # noqa: BLE001 - recorded on the job for staff, and printed for the operator
        registry.fail(job_id, traceback.format_exc())
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
