"""The staff workspace in tests: a stack with known staff credentials, and a
small client for its JSON API (urllib, as a script would use it)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import uuid
from typing import Any, Optional, Tuple

from playwright.sync_api import expect

from bot.staff.accounts import Accounts, Role
from tools.supervisor import Stack

PASSWORD = "mat-khau-dai-1"  # of the accounts `account()` makes
API_TOKEN = "test-staff-api-token-0123456789"
ADMIN_EMAIL = "admin@tinh.gov.vn"
ADMIN_PASSWORD = "mat-khau-quan-tri-thu"
STAFF_ENV = {"STAFF_API_TOKEN": API_TOKEN, "STAFF_ADMIN_EMAIL": ADMIN_EMAIL,
             "STAFF_ADMIN_PASSWORD": ADMIN_PASSWORD, "STAFF_SECRET_KEY": "test-secret"}


def staff_url(stack: Stack, path: str = "/") -> str:
    return f"http://127.0.0.1:{stack.settings.staff_port}{path}"


class StaffApi:
    def __init__(self, stack: Stack, token: str = API_TOKEN) -> None:
        self.stack = stack
        self.token = token

    def call(self, method: str, path: str, body: Any = None, raw: Optional[bytes] = None) -> Tuple[int, Any]:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(staff_url(self.stack, path), data=data, method=method,
                                         headers={"Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, content, kind = response.status, response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            status, content, kind = error.code, error.read(), error.headers.get("Content-Type", "")
        return status, json.loads(content) if "json" in kind else content

    def get(self, path: str) -> Any:
        status, value = self.call("GET", path)
        assert status == 200, (status, value)
        return value


def account(stack: Stack, role: str) -> str:
    """A new staff account with `role`; its e-mail."""
    email = f"{role}.{uuid.uuid4().hex[:6]}@tinh.gov.vn"
    Accounts(stack.settings.database_url).add_user(email, role.title(), Role(role), PASSWORD)
    return email


def login(browser, stack: Stack, email: str, password: str = PASSWORD):
    """A phone-sized browser context logged in as `email`; its page."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30000)
    page.goto(staff_url(stack, "/"))
    expect(page).to_have_url(re.compile(r"/dang-nhap"))
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    return page


