"""A real headless Chromium (Debian's, at /usr/bin/chromium) for browser tests."""

from __future__ import annotations

from tools.supervisor import Stack
from bot.config import ROOT

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def url(stack: Stack, path: str = "/") -> str:
    return f"http://localhost:{stack.settings.web_port}{path}"
