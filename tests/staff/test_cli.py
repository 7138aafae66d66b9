"""`python -m bot staff add-user | token | set-password` as an operator runs
them, and the first admin created at the first start."""

import dataclasses
import os
import stat
import subprocess
import sys

from bot.staff.accounts import Accounts, LoginFailed, Role
from bot.staff.app import first_admin
from tests.support import ROOT, isolated_settings


def staff(tmp_path, *args, password=""):
    env = dict(os.environ, BOT_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}",
               STAFF_NEW_PASSWORD=password)
    return subprocess.run([sys.executable, "-m", "bot", "staff", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_add_user_token_and_set_password(tmp_path):
    made = staff(tmp_path, "add-user", "--email", "Duyet@tinh.gov.vn", "--role", "reviewer",
                 password="mat-khau-dai-1")
    assert made.returncode == 0 and "duyet@tinh.gov.vn (reviewer) created" in made.stdout
    assert staff(tmp_path, "add-user", "--email", "x@tinh.gov.vn", password="ngan").returncode == 1
    token = staff(tmp_path, "token", "--email", "duyet@tinh.gov.vn").stdout.strip()
    accounts = Accounts(f"sqlite:///{tmp_path / 'c.db'}")
    assert accounts.user_for_token(token).role == Role.reviewer
    assert staff(tmp_path, "set-password", "--email", "duyet@tinh.gov.vn", password="mat-khau-moi-12").returncode == 0
    assert accounts.authenticate("duyet@tinh.gov.vn", "mat-khau-moi-12").email == "duyet@tinh.gov.vn"
    try:
        accounts.authenticate("duyet@tinh.gov.vn", "mat-khau-dai-1")
        raise AssertionError("the old password still works")
    except LoginFailed:
        pass
    assert staff(tmp_path, "token", "--email", "khong.co@tinh.gov.vn").returncode == 1


def test_a_first_admin_without_a_password_gets_one_in_a_private_file(tmp_path):
    settings = dataclasses.replace(isolated_settings(tmp_path), staff_admin_email="", staff_admin_password="")
    accounts = Accounts(settings.database_url)
    message = first_admin(settings, accounts)
    secret = tmp_path / "staff-admin-password.txt"
    assert str(secret) in message and "admin@localhost" in message
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    email, password = secret.read_text().split()
    assert accounts.authenticate(email, password).role == Role.admin
    assert first_admin(settings, accounts) is None  # never a second time
