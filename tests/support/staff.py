"""The staff workspace in tests: a stack with known staff credentials, and a
small client for its JSON API (urllib, as a script would use it)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, Optional, Tuple

from tools.supervisor import Stack

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
