"""What every input channel checks before a message reaches the bot.

- A message longer than `max_chars` gets a short polite reply and is not
  parsed (one huge message must not hold the Rasa process for everyone).
- A missing or empty sender, or a message that is not text, is refused with
  a clear error: never a shared conversation, never an empty reply.
- At most `per_minute` messages per sender and per client address.
- A failure behind the channel (lock store, tracker store, action server)
  becomes the polite "unavailable" reply, logged for operators.
The wording is language data (data/lang/system.yml).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Deque, Dict, Optional

import yaml

from bot.config import ROOT, Settings

SYSTEM_PHRASES = ROOT / "data" / "lang" / "system.yml"


class MovingWindow:
    """At most `limit` events per key in any `seconds` window."""

    def __init__(self, limit: int, seconds: float = 60.0) -> None:
        self.limit = limit
        self.seconds = seconds
        self._hits: Dict[str, Deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, key: str, now: Optional[float] = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= now - self.seconds:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 100_000:  # forget idle keys
                for idle in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.seconds]:
                    del self._hits[idle]
            return True


class InvalidMessage(ValueError):
    """The request is malformed; the message says what is wrong (for the client)."""


@dataclass
class Verdict:
    reply: Optional[str] = None  # a polite reply instead of parsing, or None to go on


class Guard:
    def __init__(self, settings: Settings, phrases_path: Path = SYSTEM_PHRASES) -> None:
        self.max_chars = settings.max_message_chars
        self.max_body = settings.max_body_bytes
        self.per_sender = MovingWindow(settings.rate_limit_per_minute)
        self.per_client = MovingWindow(settings.client_rate_limit_per_minute)
        self.phrases: Dict[str, str] = yaml.safe_load(Path(phrases_path).read_text(encoding="utf-8"))
        self.trusted_proxies = tuple(settings.trusted_proxies)

    def say(self, key: str) -> str:
        return self.phrases[key].format(limit=f"{self.max_chars:,}".replace(",", "."))

    @staticmethod
    def sender(value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise InvalidMessage("'sender' is required: a non-empty string that identifies the conversation")
        if len(value) > 128:
            raise InvalidMessage("'sender' is too long (at most 128 characters)")
        return value

    @staticmethod
    def text(value: Any) -> str:
        if not isinstance(value, str):
            raise InvalidMessage("'message' is required and must be a string")
        return value

    def check(self, sender: str, client: str, text: str) -> Verdict:
        if len(text) > self.max_chars:
            return Verdict(self.say("too_long"))
        if not self.per_sender.allow(f"s:{sender}") or not self.per_client.allow(f"c:{client}"):
            return Verdict(self.say("too_fast"))
        return Verdict()


def client_address(request: Any, trusted_proxies: tuple = ("127.0.0.1", "::1")) -> str:
    """The client's address; behind one of our proxies (TRUSTED_PROXIES), the one it forwarded."""
    ip = getattr(request, "ip", "") or ""
    forwarded = request.headers.get("X-Forwarded-For", "") if ip in trusted_proxies else ""
    return forwarded.split(",")[0].strip() or ip
