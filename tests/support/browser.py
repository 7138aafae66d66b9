"""A real headless Chromium (Debian's, at /usr/bin/chromium) for browser tests."""

from __future__ import annotations

from playwright.sync_api import expect

from bot.config import ROOT
from tools.supervisor import Stack

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def url(stack: Stack, path: str = "/") -> str:
    return f"http://localhost:{stack.settings.web_port}{path}"


def open_chat(page, stack: Stack) -> None:
    page.goto(url(stack))
    expect(page.locator("#chat-status")).to_have_text("Đã kết nối")
    expect(page.locator(".msg.bot").first).to_contain_text("Trợ lý Dịch vụ công")


def ask(page, text: str) -> None:
    before = page.locator(".msg.bot").count()
    page.fill("#chat-input", text)
    page.press("#chat-input", "Enter")
    expect(page.locator(".msg.bot")).not_to_have_count(before)
    page.wait_for_timeout(300)  # the rest of a multi-part reply
