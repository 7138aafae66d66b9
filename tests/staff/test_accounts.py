"""Staff accounts on a real SQLite database: argon2 hashes, lock-out, tokens."""

import pytest
import sqlalchemy as sa

from bot.db.schema import staff_tokens, staff_users
from bot.staff.accounts import (
    MAX_FAILED_LOGINS, AccountError, Accounts, LockedOut, LoginFailed, Permission, Role,
)


@pytest.fixture()
def accounts(tmp_path):
    return Accounts(f"sqlite:///{tmp_path / 'staff.db'}")


def test_passwords_are_stored_as_argon2_hashes_and_checked(accounts):
    user = accounts.add_user("Bien.Tap@tinh.gov.vn", "Biên tập", Role.editor, "mat-khau-dai-1")
    with accounts.engine.connect() as conn:
        stored = conn.execute(sa.select(staff_users.c.password_hash)).scalar()
    assert stored.startswith("$argon2") and "mat-khau-dai-1" not in stored
    assert accounts.authenticate("bien.tap@tinh.gov.vn", "mat-khau-dai-1") == user
    with pytest.raises(LoginFailed):
        accounts.authenticate("bien.tap@tinh.gov.vn", "sai-mat-khau-1")
    with pytest.raises(LoginFailed):
        accounts.authenticate("khong.co@tinh.gov.vn", "mat-khau-dai-1")


def test_repeated_failures_lock_the_account_even_for_the_right_password(accounts):
    accounts.add_user("a@tinh.gov.vn", "A", Role.editor, "mat-khau-dai-1")
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(LoginFailed):
            accounts.authenticate("a@tinh.gov.vn", "doan-sai-123")
    with pytest.raises(LockedOut):
        accounts.authenticate("a@tinh.gov.vn", "doan-sai-123")
    with pytest.raises(LockedOut):
        accounts.authenticate("a@tinh.gov.vn", "mat-khau-dai-1")


def test_short_passwords_and_duplicate_emails_are_refused(accounts):
    with pytest.raises(AccountError):
        accounts.add_user("a@tinh.gov.vn", "A", Role.editor, "ngan")
    accounts.add_user("a@tinh.gov.vn", "A", Role.editor, "mat-khau-dai-1")
    with pytest.raises(AccountError):
        accounts.add_user("A@tinh.gov.vn", "A2", Role.admin, "mat-khau-dai-2")


def test_disabled_accounts_cannot_log_in_or_use_tokens(accounts):
    user = accounts.add_user("a@tinh.gov.vn", "A", Role.reviewer, "mat-khau-dai-1")
    token = accounts.issue_token(user.id, "script")
    assert accounts.user_for_token(token).role == Role.reviewer
    accounts.set_active(user.id, False)
    assert accounts.user_for_token(token) is None
    with pytest.raises(LoginFailed):
        accounts.authenticate("a@tinh.gov.vn", "mat-khau-dai-1")


def test_tokens_are_stored_only_as_hashes(accounts):
    user = accounts.add_user("a@tinh.gov.vn", "A", Role.editor, "mat-khau-dai-1")
    token = accounts.issue_token(user.id, "script")
    with accounts.engine.connect() as conn:
        stored = conn.execute(sa.select(staff_tokens.c.token_hash)).scalar()
    assert token not in stored and len(stored) == 64
    assert accounts.user_for_token(token + "x") is None


def test_the_first_admin_is_created_once(accounts):
    assert accounts.ensure_first_admin("admin@tinh.gov.vn", "mat-khau-quan-tri")
    assert not accounts.ensure_first_admin("other@tinh.gov.vn", "mat-khau-quan-tri")
    assert [u.email for u in accounts.users()] == ["admin@tinh.gov.vn"]


def test_roles_grant_what_the_issue_says():
    assert Role.editor.permissions == {Permission.read, Permission.edit}
    assert Permission.publish in Role.reviewer.permissions and Permission.edit not in Role.reviewer.permissions
    assert Role.analyst.permissions == {Permission.read, Permission.conversations}
    assert Permission.conversations not in Role.editor.permissions
    assert Role.admin.permissions == set(Permission)


def test_the_last_active_admin_cannot_be_demoted_or_disabled(accounts):
    admin = accounts.add_user("admin@tinh.gov.vn", "A", Role.admin, "mat-khau-dai-1")
    with pytest.raises(AccountError):
        accounts.set_role(admin.id, Role.editor)
    with pytest.raises(AccountError):
        accounts.set_active(admin.id, False)
    other = accounts.add_user("admin2@tinh.gov.vn", "B", Role.admin, "mat-khau-dai-2")
    accounts.set_role(admin.id, Role.editor)
    with pytest.raises(AccountError):
        accounts.set_active(other.id, False)
    with pytest.raises(AccountError):
        accounts.issue_token(999, "no such user")


def test_logout_and_a_new_password_end_earlier_sessions(accounts):
    user = accounts.add_user("a@tinh.gov.vn", "A", Role.editor, "mat-khau-dai-1")
    start = accounts.get(user.id).session_epoch
    accounts.end_sessions(user.id)
    accounts.set_password(user.id, "mat-khau-moi-12")
    assert accounts.get(user.id).session_epoch == start + 2
    assert accounts.authenticate("a@tinh.gov.vn", "mat-khau-moi-12").id == user.id
