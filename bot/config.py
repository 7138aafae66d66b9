"""All configuration, from environment variables with defaults (see README)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


@dataclass(frozen=True)
class Settings:
    rasa_port: int
    action_port: int
    catalogue_port: int
    web_port: int
    rasa_public_url: str
    host: str
    catalogue_url: str
    database_url: str
    tracker_store_url: str
    lock_store_type: str
    catalogue_dir: Path
    faq_dir: Path
    lexicon_path: Path
    replies_path: Path
    model_dir: Path
    var_dir: Path
    catalogue_timeout: float
    portal_url: str

    @classmethod
    def from_env(cls) -> "Settings":
        var_dir = Path(_env("BOT_VAR_DIR", str(ROOT / "var")))
        catalogue_port = int(_env("CATALOGUE_PORT", "8010"))
        host = _env("BOT_HOST", "127.0.0.1")
        return cls(
            rasa_port=int(_env("RASA_PORT", "5005")),
            action_port=int(_env("ACTION_PORT", "5055")),
            catalogue_port=catalogue_port,
            web_port=int(_env("WEB_PORT", "8000")),
            # where browsers reach Rasa; default: the page's host on RASA_PORT
            rasa_public_url=_env("RASA_PUBLIC_URL", ""),
            host=host,
            catalogue_url=_env("CATALOGUE_URL", f"http://127.0.0.1:{catalogue_port}"),
            database_url=_env("DATABASE_URL", f"sqlite:///{var_dir / 'catalogue.db'}"),
            tracker_store_url=_env("TRACKER_STORE_URL", f"sqlite:///{var_dir / 'tracker.db'}"),
            lock_store_type=_env("LOCK_STORE_TYPE", "in_memory"),
            catalogue_dir=Path(_env("CATALOGUE_DIR", str(ROOT / "data" / "catalogue"))),
            faq_dir=Path(_env("FAQ_DIR", str(ROOT / "data" / "faq"))),
            lexicon_path=ROOT / "data" / "lang" / "abbreviations.yml",
            replies_path=ROOT / "data" / "lang" / "replies.yml",
            model_dir=Path(_env("MODEL_DIR", str(ROOT / "models"))),
            var_dir=var_dir,
            catalogue_timeout=float(_env("CATALOGUE_TIMEOUT", "2.0")),
            portal_url="https://dichvucong.gov.vn",
        )
