"""All configuration, from environment variables with defaults (see README)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
MODEL_NAME = "assistant"  # `make train` writes models/assistant.tar.gz


def model_path(model_dir: Path) -> Path:
    return model_dir / f"{MODEL_NAME}.tar.gz"


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
    data_dir: Path  # the YAML seed / export: catalogue/, faq/, lang/
    lexicon_path: Path
    ranking_path: Path  # language data for finding the lines that answer a question
    fillers_path: Path  # small words that may stand inside a service's name
    model_dir: Path
    var_dir: Path
    web_dir: Path  # templates/ and static/ of the public web page
    catalogue_timeout: float
    max_message_chars: int  # longer messages are not parsed
    max_body_bytes: int  # request bodies above this are refused
    rate_limit_per_minute: int  # messages per sender
    client_rate_limit_per_minute: int  # messages per client address (mind shared addresses behind NAT)
    retention_days: float  # conversations older than this are deleted
    trusted_proxies: Tuple[str, ...]  # addresses whose X-Forwarded-For names the client
    staff_port: int  # the staff workspace
    staff_host: str  # its interface: an internal one in production, never the public one
    staff_api_token: str  # bearer token acting as an admin on the staff API ("" = none)
    staff_admin_email: str  # the first admin, created at first start
    staff_admin_password: str
    staff_secret_key: str  # signs and encrypts staff sessions ("" = a key generated into var/)
    staff_secure_cookies: bool  # send the session cookie over HTTPS only (set behind TLS)
    analytics_seconds: float  # how often the staff app brings the analytics and the inbox up to date
    rasa_api_token: str  # Rasa's HTTP API behind this token ("" = API off); the staff app activates models with it
    rasa_admin_urls: Tuple[str, ...]  # every Rasa server a model is activated on
    # Answer as if it were this day (tests and evaluation); None: today in Vietnam.
    today: Optional[dt.date] = None
    # How often the Rasa server asks the catalogue for service names added since training.
    live_names_seconds: float = 2.0

    @property
    def templates_dir(self) -> Path:
        return self.web_dir / "templates"

    @classmethod
    def from_env(cls) -> "Settings":
        var_dir = Path(_env("BOT_VAR_DIR", str(ROOT / "var")))
        catalogue_port = int(_env("CATALOGUE_PORT", "8010"))
        host = _env("BOT_HOST", "127.0.0.1")
        today = _env("BOT_TODAY", "")
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
            data_dir=Path(_env("BOT_DATA_DIR", str(ROOT / "data"))),
            lexicon_path=ROOT / "data" / "lang" / "abbreviations.yml",
            ranking_path=ROOT / "data" / "lang" / "ranking.yml",
            fillers_path=ROOT / "data" / "lang" / "fillers.yml",
            model_dir=Path(_env("MODEL_DIR", str(ROOT / "models"))),
            var_dir=var_dir,
            web_dir=ROOT / "web",
            catalogue_timeout=float(_env("CATALOGUE_TIMEOUT", "1.0")),
            max_message_chars=int(_env("MAX_MESSAGE_CHARS", "1000")),
            max_body_bytes=int(_env("MAX_BODY_BYTES", "65536")),
            rate_limit_per_minute=int(_env("RATE_LIMIT_PER_MINUTE", "20")),
            client_rate_limit_per_minute=int(_env("CLIENT_RATE_LIMIT_PER_MINUTE", "20")),
            retention_days=float(_env("RETENTION_DAYS", "90")),
            trusted_proxies=tuple(p.strip() for p in _env("TRUSTED_PROXIES", "127.0.0.1,::1").split(",") if p.strip()),
            staff_port=int(_env("STAFF_PORT", "8020")),
            staff_host=_env("STAFF_HOST", "127.0.0.1"),
            staff_api_token=_env("STAFF_API_TOKEN", ""),
            staff_admin_email=_env("STAFF_ADMIN_EMAIL", ""),
            staff_admin_password=_env("STAFF_ADMIN_PASSWORD", ""),
            staff_secret_key=_env("STAFF_SECRET_KEY", ""),
            staff_secure_cookies=_env("STAFF_SECURE_COOKIES", "0") in ("1", "true", "yes"),
            analytics_seconds=float(_env("ANALYTICS_SECONDS", "60")),
            rasa_api_token=_env("RASA_API_TOKEN", ""),
            rasa_admin_urls=tuple(u.strip() for u in _env(
                "RASA_ADMIN_URLS", f"http://127.0.0.1:{_env('RASA_PORT', '5005')}").split(",") if u.strip()),
            today=dt.date.fromisoformat(today) if today else None,
            live_names_seconds=float(_env("LIVE_NAMES_SECONDS", "2")),
        )
