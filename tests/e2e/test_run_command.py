"""`python -m bot run` (what `make run` calls): starts, says where, stops on
SIGTERM; the staff workspace's first admin can log in."""

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from tests.support import ROOT, free_port


def staff_login(port: int, email: str, password: str) -> str:
    """Log in as a browser would (cookie, CSRF token from the form); the home page's HTML."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = opener.open(f"http://127.0.0.1:{port}/dang-nhap", timeout=10).read().decode()
    csrf = re.search(r'name="_csrf" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"_csrf": csrf, "email": email, "password": password, "next": "/"}).encode()
    try:
        with opener.open(f"http://127.0.0.1:{port}/dang-nhap", data=data, timeout=10) as response:
            return response.read().decode()
    except urllib.error.HTTPError as error:  # a refused login: 401 with the form again
        assert error.code == 401
        return error.read().decode()


def test_run_prints_addresses_and_sigterm_stops_every_child(tmp_path, trained_model):
    ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "CATALOGUE_PORT": free_port(), "WEB_PORT": free_port(),
             "STAFF_PORT": free_port()}
    env = dict(os.environ, BOT_VAR_DIR=str(tmp_path), STAFF_ADMIN_EMAIL="admin@tinh.gov.vn",
               STAFF_ADMIN_PASSWORD="mat-khau-quan-tri-thu", **{k: str(v) for k, v in ports.items()})
    env.pop("CATALOGUE_URL", None)
    env.pop("DATABASE_URL", None)
    env.pop("TRACKER_STORE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines = []
    deadline = time.monotonic() + 400
    try:
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Ready") or time.monotonic() > deadline:
                break
        output = "".join(lines)
        assert "Ready" in output, output[-3000:]
        assert f":{ports['RASA_PORT']}/webhooks/rest/webhook" in output
        assert f":{ports['ACTION_PORT']}/webhook" in output
        assert f":{ports['CATALOGUE_PORT']}" in output
        with urllib.request.urlopen(f"http://127.0.0.1:{ports['CATALOGUE_PORT']}/health", timeout=5) as r:
            assert r.status == 200
        assert f"staff app listening on http://localhost:{ports['STAFF_PORT']}/" in output
        assert "First staff admin admin@tinh.gov.vn created" in output
        home = staff_login(ports["STAFF_PORT"], "admin@tinh.gov.vn", "mat-khau-quan-tri-thu")
        assert "Đăng xuất" in home and "cap_ho_chieu_pho_thong" in home
        assert "Đăng xuất" not in staff_login(ports["STAFF_PORT"], "admin@tinh.gov.vn", "sai-mat-khau-123")
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    for port in ports.values():
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            raise AssertionError(f"port {port} still answers after SIGTERM")
        except OSError:
            pass
