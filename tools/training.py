"""Train the Rasa model from the training data and the catalogue database.

What the NLU needs from the catalogue reaches Rasa as training data, written
to build/training/ from the database before every train:
- `catalogue.yml`: one lookup table "service:<id>" per service (its names),
  and "service_channel:<id>" for channel names (VNeID);
- `faq.yml`: the examples of every FAQ record as the retrieval intent
  faq/<id>, with a placeholder response per entry (the answer itself is read
  from the catalogue at run time, so editing it needs no retraining).

Rasa's training cache then sees every input, so `rasa train` runs without
`--force`: with nothing changed it restores every component from the cache
and only packages the model.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from bot.catalogue.models import FaqEntry, IntentExamples, Service, service_names
from bot.catalogue.server import open_store
from bot.config import MODEL_NAME, ROOT, Settings, model_path  # noqa: F401 - model_path: re-exported for tooling

HAND_WRITTEN_DATA = ["data/nlu", "data/stories", "data/rules"]
GENERATED_DIR = ROOT / "build" / "training"


def _examples(lines: List[str]) -> str:
    return "".join(f"- {line}\n" for line in lines)


def training_data_from_catalogue(services: Dict[str, Service], faq: Dict[str, FaqEntry],
                                 taught: Optional[Dict[str, IntentExamples]] = None) -> Dict[str, str]:
    """{file name: Rasa YAML} for the catalogue's part of the training data,
    with the questions staff taught from the inbox (`taught`)."""
    terms, channels = service_names(services)  # the catalogue service's /names gives the same
    lookups = [{"lookup": f"service:{sid}", "examples": _examples(names)} for sid, names in terms.items()]
    lookups += [{"lookup": f"service_channel:{sid}", "examples": _examples(names)} for sid, names in channels.items()]
    faq_nlu = [{"intent": f"faq/{fid}", "examples": _examples(faq[fid].examples)} for fid in sorted(faq)]
    responses = {f"utter_faq/{fid}": [{"text": f"faq/{fid}"}] for fid in sorted(faq)}
    header = "# Generated from the catalogue database by `make train`; edit the catalogue, not this file.\n"
    return {
        "catalogue.yml": header + _dump({"version": "3.1", "nlu": lookups}),
        "faq.yml": header + _dump({"version": "3.1", "nlu": faq_nlu, "responses": responses}),
        "taught.yml": header + _dump({"version": "3.1", "nlu": [
            {"intent": intent, "examples": _examples(record.examples)} for intent, record in sorted((taught or {}).items())
        ]}),
    }


class _Literal(yaml.SafeDumper):
    pass


_Literal.add_representer(
    str, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, style="|" if "\n" in v else None)
)


def _dump(data) -> str:
    return yaml.dump(data, Dumper=_Literal, allow_unicode=True, sort_keys=False, width=10**6)


def write_training_data(settings: Settings, out_dir: Path = GENERATED_DIR) -> List[Path]:
    """Write the catalogue's training data; files whose content is unchanged are left alone."""
    store = open_store(settings)
    files = training_data_from_catalogue(store.all("service"), store.all("faq"),  # type: ignore[arg-type]
                                         store.all("examples"))  # type: ignore[arg-type]
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in files.items():
        path = out_dir / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def training_data(generated_dir: Path = GENERATED_DIR) -> List[str]:
    return [*HAND_WRITTEN_DATA, str(generated_dir)]


def rasa_executable() -> str:
    return str(Path(sys.executable).with_name("rasa"))


def rasa_env() -> dict:
    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("HF_HUB_OFFLINE", "1")
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def train(
    settings: Settings,
    config: str = "config.yml",
    model_dir: Optional[Path] = None,
    generated_dir: Path = GENERATED_DIR,
    extra: Optional[List[str]] = None,
) -> Path:
    """Write the catalogue's training data, then `rasa train` (cached); returns the model."""
    model_dir = model_dir or settings.model_dir
    write_training_data(settings, generated_dir)
    cmd = [
        rasa_executable(), "train",
        "--config", config, "--domain", "domain.yml",
        "--data", *training_data(generated_dir),
        "--out", str(model_dir), "--fixed-model-name", MODEL_NAME,
        *(extra or []),
    ]
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, env=rasa_env())
    return model_path(model_dir)
