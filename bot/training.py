"""Train the Rasa model when it is missing or older than its inputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Iterable, List, Optional

from bot.config import ROOT

MODEL_NAME = "assistant"
TRAINING_DATA = ["data/nlu", "data/stories", "data/rules"]
# Everything the model is built from: training data, the catalogue (aliases),
# language data, config, domain and our NLU component code.
MODEL_INPUTS = ["data", "config.yml", "domain.yml", "bot/nlu", "bot/vietnamese.py", "bot/catalogue/search.py"]


def model_path(model_dir: Path) -> Path:
    return model_dir / f"{MODEL_NAME}.tar.gz"


def newest_mtime(paths: Iterable[Path]) -> float:
    newest = 0.0
    for path in paths:
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        for file in files:
            if "__pycache__" not in file.parts:
                newest = max(newest, file.stat().st_mtime)
    return newest


def is_stale(model: Path, inputs: Optional[List[Path]] = None) -> bool:
    if not model.exists():
        return True
    inputs = inputs if inputs is not None else [ROOT / p for p in MODEL_INPUTS]
    return newest_mtime(inputs) > model.stat().st_mtime


def rasa_executable() -> str:
    return str(Path(sys.executable).with_name("rasa"))


def train(model_dir: Path, config: str = "config.yml", force: bool = False, extra: Optional[List[str]] = None) -> Path:
    """Train if stale (or always with force); returns the model path."""
    model = model_path(model_dir)
    if not force and not is_stale(model):
        print(f"Model {model} is up to date.")
        return model
    cmd = [
        rasa_executable(), "train",
        "--config", config, "--domain", "domain.yml",
        "--data", *TRAINING_DATA,
        "--out", str(model_dir), "--fixed-model-name", MODEL_NAME,
        # Our components read data/lang and data/catalogue, which Rasa's cache
        # cannot see; a full retrain is a couple of minutes.
        "--force",
        *(extra or []),
    ]
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, env=rasa_env())
    return model


def rasa_env() -> dict:
    import os

    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("HF_HUB_OFFLINE", "1")
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env
