"""Staff accounts: who may do what in the staff workspace.

Passwords are hashed with argon2 (argon2-cffi's defaults); API tokens are
random and only their SHA-256 is stored.  Five failed logins in a row lock an
account for 15 minutes, so a password cannot be guessed by trying.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass
from enum import Enum
from typing import FrozenSet, List, Optional

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.db import connect, utc_now
from bot.db.schema import staff_tokens, staff_users

logger = logging.getLogger(__name__)

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_CHARS = 10


class Permission(str, Enum):
    read = "read"  # see records, history, drafts
    edit = "edit"  # draft changes to the catalogue, FAQ, wording
    publish = "publish"  # make a draft (or a rollback, an import) live
    users = "users"  # manage accounts
    conversations = "conversations"  # open a (masked) conversation; every viewing is logged


class Role(str, Enum):
    editor = "editor"
    reviewer = "reviewer"
    analyst = "analyst"
    admin = "admin"

    @property
    def permissions(self) -> FrozenSet[Permission]:
        return ROLE_PERMISSIONS[self]

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_PERMISSIONS = {
    Role.editor: frozenset({Permission.read, Permission.edit}),
    Role.reviewer: frozenset({Permission.read, Permission.publish, Permission.conversations}),
    Role.analyst: frozenset({Permission.read, Permission.conversations}),
    Role.admin: frozenset(Permission),
}
ROLE_LABELS = {
    Role.editor: "Biên tập viên",
    Role.reviewer: "Người duyệt",
    Role.analyst: "Phân tích viên",
    Role.admin: "Quản trị viên",
}


class AccountError(ValueError):
    """A bad account request; the message is shown to staff (Vietnamese)."""


class LoginFailed(Exception):
    """Wrong e-mail or password, or a disabled account (never say which)."""


class LockedOut(Exception):
    def __init__(self, until: dt.datetime) -> None:
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    role: Role
    active: bool
    session_epoch: int = 0  # sessions made before it went up (logout, new password) are over

    def can(self, permission: Permission) -> bool:
        return self.active and permission in self.role.permissions


#: Who acts when a request carries STAFF_API_TOKEN (scripts, deployment).
API_ADMIN = User(0, "api", "STAFF_API_TOKEN", Role.admin, True)



def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user(row) -> User:
    return User(row.id, row.email, row.name, Role(row.role), bool(row.active), row.session_epoch or 0)


def normalized_email(email: str) -> str:
    return email.strip().lower()


class Accounts:
    def __init__(self, database_url: str) -> None:
        self.engine = connect(database_url)
        self.hasher = PasswordHasher()

    def add_user(self, email: str, name: str, role: Role, password: str) -> User:
        email = normalized_email(email)
        if "@" not in email:
            raise AccountError("Địa chỉ e-mail không hợp lệ.")
        if len(password) < MIN_PASSWORD_CHARS:
            raise AccountError(f"Mật khẩu cần ít nhất {MIN_PASSWORD_CHARS} ký tự.")
        try:
            with self.engine.begin() as conn:
                user_id = conn.execute(staff_users.insert().values(
                    email=email, name=name.strip() or email, role=Role(role).value,
                    password_hash=self.hasher.hash(password), active=True, failed_logins=0, created_at=utc_now(),
                )).inserted_primary_key[0]
        except sa.exc.IntegrityError as error:
            raise AccountError("Đã có tài khoản với e-mail này.") from error
        logger.info("Staff account %s created with role %s", email, Role(role).value)
        return User(user_id, email, name.strip() or email, Role(role), True)

    def ensure_first_admin(self, email: str, password: str) -> bool:
        """Create the first admin if there is no account at all."""
        with self.engine.connect() as conn:
            if conn.execute(sa.select(sa.func.count()).select_from(staff_users)).scalar():
                return False
        try:
            self.add_user(email, "Quản trị viên", Role.admin, password)
        except AccountError:  # another process created it at the same moment
            return False
        return True

    def users(self) -> List[User]:
        with self.engine.connect() as conn:
            return [_user(row) for row in conn.execute(sa.select(staff_users).order_by(staff_users.c.email))]

    def get(self, user_id: int) -> Optional[User]:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(staff_users).where(staff_users.c.id == user_id)).first()
        return _user(row) if row else None

    def authenticate(self, email: str, password: str) -> User:
        email = normalized_email(email)
        now = utc_now()
        failure: Optional[Exception] = None
        with self.engine.begin() as conn:  # a failure is recorded (committed), then raised
            row = conn.execute(sa.select(staff_users).where(staff_users.c.email == email)).first()
            if row is None:
                self.hasher.hash(password)  # the same work as a real check: no timing tell
                raise LoginFailed()
            if row.locked_until and row.locked_until > now:
                raise LockedOut(row.locked_until)
            try:
                self.hasher.verify(row.password_hash, password)
            except (VerificationError, InvalidHashError):
                failed = row.failed_logins + 1
                locked = now + dt.timedelta(minutes=LOCK_MINUTES) if failed >= MAX_FAILED_LOGINS else None
                conn.execute(staff_users.update().where(staff_users.c.id == row.id).values(
                    failed_logins=0 if locked else failed, locked_until=locked))
                if locked:
                    logger.warning("Staff account %s locked after %d failed logins", email, failed)
                failure = LockedOut(locked) if locked else LoginFailed()
            else:
                if not row.active:
                    failure = LoginFailed()
                else:
                    values = {"failed_logins": 0, "locked_until": None}
                    if self.hasher.check_needs_rehash(row.password_hash):
                        values["password_hash"] = self.hasher.hash(password)
                    conn.execute(staff_users.update().where(staff_users.c.id == row.id).values(**values))
        if failure:
            raise failure
        return _user(row)

    def set_role(self, user_id: int, role: Role) -> None:
        role = Role(role)
        if role != Role.admin:
            self._keep_an_admin(user_id)
        self._update(user_id, role=role.value)

    def set_active(self, user_id: int, active: bool) -> None:
        if not active:
            self._keep_an_admin(user_id)
        self._update(user_id, active=active, session_epoch=staff_users.c.session_epoch + 1)

    def set_password(self, user_id: int, password: str) -> None:
        """A new password; every session of the account ends."""
        if len(password) < MIN_PASSWORD_CHARS:
            raise AccountError(f"Mật khẩu cần ít nhất {MIN_PASSWORD_CHARS} ký tự.")
        self._update(user_id, password_hash=self.hasher.hash(password), failed_logins=0, locked_until=None,
                     session_epoch=staff_users.c.session_epoch + 1)

    def end_sessions(self, user_id: int) -> None:
        """Logout: the session cookie may have been copied; no copy works after this."""
        self._update(user_id, session_epoch=staff_users.c.session_epoch + 1)

    def _keep_an_admin(self, user_id: int) -> None:
        admins = [u for u in self.users() if u.role == Role.admin and u.active]
        if [u.id for u in admins] == [user_id]:
            raise AccountError("Dạ, cần giữ ít nhất một quản trị viên đang hoạt động.")

    def _update(self, user_id: int, **values) -> None:
        with self.engine.begin() as conn:
            if not conn.execute(staff_users.update().where(staff_users.c.id == user_id).values(**values)).rowcount:
                raise AccountError("Không có tài khoản này.")

    # -- API tokens ------------------------------------------------------------

    def issue_token(self, user_id: int, label: str) -> str:
        """A new API token for the user; shown once, stored only as a hash."""
        if self.get(user_id) is None:
            raise AccountError("Không có tài khoản này.")
        token = "st_" + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(staff_tokens.insert().values(
                user_id=user_id, token_hash=_token_hash(token), label=label or "API", created_at=utc_now()))
        return token

    def user_for_token(self, token: str) -> Optional[User]:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(staff_users)
                .join(staff_tokens, staff_tokens.c.user_id == staff_users.c.id)
                .where(staff_tokens.c.token_hash == _token_hash(token))
            ).first()
        user = _user(row) if row else None
        return user if user and user.active else None
