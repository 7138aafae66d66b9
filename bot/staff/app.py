"""The staff workspace: its own process (STAFF_PORT, default 8020), apart
from the public web page, on an internal interface in production.

Pages are rendered on the server (aiohttp + Jinja2) in Vietnamese; a session
lives in an encrypted cookie (aiohttp-session), every form carries a CSRF
token, and every page and API call checks the role (`bot.staff.accounts`).
The JSON API under /api takes a bearer token (bot/staff/api.py).  What staff
may do is decided in one place, `bot.staff.workspace`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import logging
import os
import re
import secrets
import time
import urllib.parse
from pathlib import Path
from typing import Any, Dict, Optional

import aiohttp_jinja2
import jinja2
import yaml
from aiohttp import web
from aiohttp_session import get_session, new_session, setup as setup_session
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from bot.catalogue.models import KINDS, PHRASEBOOK_ID
from bot.catalogue.server import open_store
from bot.config import Settings, model_path
from bot.replies.render import today_in_vietnam
from bot.analytics import charts, stats
from bot.analytics.projection import Projection
from bot.analytics.stats import parse_range
from bot.staff import api, forms
from bot.staff.inbox import REASONS, STATUSES as INBOX_STATUSES, Inbox, domain_intents
from bot.staff.models import Registry
from bot.catalogue.files import plain
from bot.staff.accounts import (
    API_ADMIN, LOCK_MINUTES, Accounts, AccountError, LockedOut, LoginFailed, Permission, Role, User,
)
from bot.staff.drafts import Drafts
from bot.staff.workspace import FORMATS, Conflict, Forbidden, Invalid, NotFound, Workspace, parse_day, yaml_diff

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SESSION_HOURS = 8
#: URL word for each kind of record
KIND_SLUGS = {"dich-vu": "service", "hoi-dap": "faq", "loi-thoai": "phrases", "cau-hoi-mau": "examples"}
SLUG_OF = {kind: slug for slug, kind in KIND_SLUGS.items()}
KIND_ROUTE = "{kind:" + "|".join(KIND_SLUGS) + "}"  # the path part naming a kind of record
KIND_TITLES = {"service": "Thủ tục", "faq": "Hỏi đáp", "phrases": "Lời thoại của trợ lý",
               "examples": "Câu hỏi mẫu đã dạy"}

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; style-src 'self'; script-src 'none'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "Cache-Control": "no-store",
}


def secret_key(settings: Settings) -> bytes:
    """STAFF_SECRET_KEY, or a key generated once into var/ (kept private)."""
    if settings.staff_secret_key:
        return hashlib.sha256(settings.staff_secret_key.encode()).digest()
    path = settings.var_dir / "staff-secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
    return path.read_bytes()


def first_admin(settings: Settings, accounts: Accounts) -> Optional[str]:
    """Create the first admin when there is no account; returns a message for the console."""
    email = settings.staff_admin_email or "admin@localhost"
    password = settings.staff_admin_password
    written = None
    if not password:
        password = secrets.token_urlsafe(12)
        written = settings.var_dir / "staff-admin-password.txt"
    if not accounts.ensure_first_admin(email, password):
        return None
    if written:
        written.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(written, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(f"{email}\n{password}\n")
        return f"First staff admin {email} created; its password is in {written} (change it after logging in)."
    return f"First staff admin {email} created from STAFF_ADMIN_EMAIL/STAFF_ADMIN_PASSWORD."


def make_app(settings: Settings) -> web.Application:
    labels: Dict[str, Any] = yaml.safe_load((STAFF_WEB / "fields.yml").read_text(encoding="utf-8")) or {}
    store = open_store(settings)
    accounts = Accounts(settings.database_url)
    today = (lambda: settings.today) if settings.today else today_in_vietnam
    workspace = Workspace(store, Drafts(settings.database_url), today)
    projection = Projection(settings.database_url, settings.tracker_store_url)
    inbox = Inbox(workspace, projection, domain_intents())
    registry = Registry(settings.database_url, model_path(settings.model_dir))
    uploads = settings.var_dir / "staff-uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    routes = web.RouteTableDef()

    # -- helpers -------------------------------------------------------------------

    async def page(request: web.Request, template: str, context: Dict[str, Any], status: int = 200) -> web.Response:
        session = await get_session(request)
        user: Optional[User] = request.get("user")
        context = {
            **context, "user": user, "csrf": session.get("csrf", ""), "flash": session.pop("flash", None),
            "Permission": Permission, "SLUG_OF": SLUG_OF, "KIND_TITLES": KIND_TITLES, "PHRASEBOOK_ID": PHRASEBOOK_ID,
        }
        response = aiohttp_jinja2.render_template(template, request, context)
        response.set_status(status)
        return response

    async def flash(request: web.Request, message: str) -> None:
        (await get_session(request))["flash"] = message

    def kind_of(request: web.Request) -> str:
        kind = KIND_SLUGS.get(request.match_info["kind"])
        if kind is None:
            raise web.HTTPNotFound()
        return kind

    def record_url(kind: str, rid: str) -> str:
        return f"/{SLUG_OF[kind]}/{rid}"

    # -- login ---------------------------------------------------------------------

    @routes.get("/dang-nhap")
    async def login_form(request: web.Request) -> web.Response:
        return await page(request, "login.html", {"next": request.query.get("tiep", "/"), "email": ""})

    @routes.post("/dang-nhap")
    async def login(request: web.Request) -> web.Response:
        form = await request.post()
        email, password = str(form.get("email", "")), str(form.get("password", ""))
        target = safe_next(str(form.get("next", "/")))
        try:
            user = await asyncio.to_thread(accounts.authenticate, email, password)
        except (LockedOut, LoginFailed):  # one answer for both: it must not tell which e-mails exist
            message = ("Dạ, e-mail hoặc mật khẩu chưa đúng, hoặc tài khoản đang tạm khóa sau nhiều lần đăng nhập "
                       f"sai (thử lại sau {LOCK_MINUTES} phút).")
            return await page(request, "login.html", {"next": target, "email": email, "error": message}, 401)
        session = await new_session(request)  # a fresh session: no fixation
        session["uid"] = user.id
        session["epoch"] = user.session_epoch
        session["csrf"] = secrets.token_urlsafe(32)
        logger.info("Staff login: %s (%s)", user.email, user.role.value)
        raise web.HTTPSeeOther(target)

    @routes.post("/dang-xuat")
    async def logout(request: web.Request) -> web.Response:
        await asyncio.to_thread(accounts.end_sessions, request["user"].id)
        (await get_session(request)).invalidate()
        raise web.HTTPSeeOther("/dang-nhap")

    @routes.get("/mat-khau")
    async def password_form(request: web.Request) -> web.Response:
        return await page(request, "password.html", {})

    @routes.post("/mat-khau")
    async def change_password(request: web.Request) -> web.Response:
        user: User = request["user"]
        form = await request.post()
        new = str(form.get("new", ""))
        try:
            await asyncio.to_thread(accounts.authenticate, user.email, str(form.get("current", "")))
            if new != str(form.get("again", "")):
                raise AccountError("Dạ, hai lần nhập mật khẩu mới chưa khớp.")
            await asyncio.to_thread(accounts.set_password, user.id, new)
        except (LockedOut, LoginFailed):
            return await page(request, "password.html", {"error": "Dạ, mật khẩu hiện tại chưa đúng."}, 401)
        except AccountError as error:
            return await page(request, "password.html", {"error": str(error)}, 422)
        (await get_session(request)).invalidate()
        raise web.HTTPSeeOther("/dang-nhap")

    @routes.get("/healthz")
    async def health(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    # -- records ---------------------------------------------------------------------

    @routes.get("/")
    async def home(request: web.Request) -> web.Response:
        user = request["user"]
        services = await asyncio.to_thread(workspace.records, user, "service")
        faq = await asyncio.to_thread(workspace.records, user, "faq")
        open_drafts = await asyncio.to_thread(workspace.drafts.list)
        return await page(request, "home.html", {"services": services, "faq": faq, "drafts": open_drafts})

    @routes.get(f"/{KIND_ROUTE}/{{id}}")
    async def record_page(request: web.Request) -> web.Response:
        kind, rid = kind_of(request), request.match_info["id"]
        record = await asyncio.to_thread(workspace.record, request["user"], kind, rid)
        draft = await asyncio.to_thread(workspace.drafts.open_for, kind, rid)
        return await page(request, "record.html", {
            "kind": kind, "rid": rid, "record": record, "draft": draft, "parts": forms.PARTS[kind],
            "revision": await asyncio.to_thread(store.revision, kind, rid),
        })

    @routes.get(f"/{KIND_ROUTE}/{{id}}/sua/{{part}}")
    async def edit_form(request: web.Request) -> web.Response:
        kind, rid, slug = kind_of(request), request.match_info["id"], request.match_info["part"]
        workspace.require(request["user"], Permission.edit)
        base, draft = await asyncio.to_thread(editing_base, request["user"], kind, rid)
        return await edit_page(request, kind, rid, slug, base, draft, {}, reason=draft.reason if draft else "")

    def editing_base(user: User, kind: str, rid: str):
        """What an edit starts from: for an editor the open draft (edits add up)
        unless another change overtook it; for a publisher the live record."""
        draft = None if user.can(Permission.publish) else workspace.drafts.open_for(kind, rid)
        if draft and draft.base_revision != store.revision(kind, rid):
            draft = None
        record = draft.record if draft else store.get(kind, rid)
        if record is None:
            raise web.HTTPNotFound()
        return plain(record), draft

    async def edit_page(request, kind, rid, slug, data, draft, errors, reason="", preview=None, status=200,
                        day=None):
        found = forms.part(kind, slug)
        if found is None:
            raise web.HTTPNotFound()
        _, title, names = found
        model = KINDS[kind]
        items = forms.widgets(model, data, names, labels)
        other_errors = forms.attach_errors(items, errors)
        return await page(request, "edit.html", {
            "kind": kind, "rid": rid, "slug": slug, "title": title, "widgets": items, "errors": other_errors,
            "field_errors": len(errors) - len(other_errors), "option_labels": labels.get("options", {}),
            "draft": draft, "reason": reason, "preview": preview, "day": (day or today()).isoformat(),
        }, status)

    @routes.post(f"/{KIND_ROUTE}/{{id}}/sua/{{part}}")
    async def edit(request: web.Request) -> web.Response:
        kind, rid, slug = kind_of(request), request.match_info["id"], request.match_info["part"]
        user = request["user"]
        workspace.require(user, Permission.edit)
        found = forms.part(kind, slug)
        if found is None:
            raise web.HTTPNotFound()
        form = {k: str(v) for k, v in (await request.post()).items()}
        action, reason = form.pop("_action", "save"), form.pop("_reason", "")
        form.pop("_csrf", None)
        day = _date(form.pop("_day", "")) or today()
        base, draft = await asyncio.to_thread(editing_base, user, kind, rid)
        data = forms.apply_form(KINDS[kind], base, found[2], form, action)
        if action.startswith(("add:", "remove:")):
            return await edit_page(request, kind, rid, slug, data, draft, {}, reason, day=day)
        try:
            if action == "preview":
                record = await asyncio.to_thread(workspace.validate, kind, rid, data)
                shown = await asyncio.to_thread(workspace.preview, kind, record, day)
                return await edit_page(request, kind, rid, slug, data, draft, {}, reason, shown, day=day)
            outcome = await asyncio.to_thread(workspace.submit, user, kind, rid, data, reason)
        except Invalid as error:
            errors = {p.loc: p.msg for p in error.problems}
            return await edit_page(request, kind, rid, slug, data, draft, errors, reason, status=422, day=day)
        if outcome.published:
            await flash(request, "Đã xuất bản. Trợ lý dùng nội dung mới trong vài giây." if outcome.revision
                        else "Không có thay đổi nào.")
            raise web.HTTPSeeOther(record_url(kind, rid))
        await flash(request, "Đã lưu bản nháp. Người duyệt sẽ xem trước và xuất bản.")
        raise web.HTTPSeeOther(f"/ban-nhap/{outcome.draft_id}")

    # -- drafts ----------------------------------------------------------------------

    @routes.get("/ban-nhap")
    async def drafts_page(request: web.Request) -> web.Response:
        workspace.require(request["user"], Permission.read)
        return await page(request, "drafts.html", {"drafts": await asyncio.to_thread(workspace.drafts.list)})

    @routes.get("/ban-nhap/{n:\\d+}")
    async def draft_page(request: web.Request) -> web.Response:
        draft = await asyncio.to_thread(workspace.draft, request["user"], int(request.match_info["n"]))
        day = _date(request.query.get("ngay", "")) or today()
        current = await asyncio.to_thread(store.get, draft.kind, draft.record_id)
        problems = []
        try:
            shown = await asyncio.to_thread(workspace.preview, draft.kind, draft.record, day)
        except Invalid as error:
            shown, problems = [], [p.msg for p in error.problems]
        diff = yaml_diff(draft.kind, current, draft.record, "đang dùng", "bản nháp")
        return await page(request, "draft.html", {
            "draft": draft, "preview": shown, "diff": diff, "day": day.isoformat(), "problems": problems,
            "stale": await asyncio.to_thread(store.revision, draft.kind, draft.record_id) != draft.base_revision,
        })

    @routes.post("/ban-nhap/{n:\\d+}/xuat-ban")
    async def publish(request: web.Request) -> web.Response:
        number = int(request.match_info["n"])
        seen = str((await request.post()).get("seen", ""))
        try:
            await asyncio.to_thread(workspace.publish, request["user"], number, seen)
        except (Conflict, Invalid) as error:
            await flash(request, str(error))
            raise web.HTTPSeeOther(f"/ban-nhap/{number}")
        draft = workspace.drafts.get(number)
        await flash(request, "Đã xuất bản. Trợ lý dùng nội dung mới trong vài giây.")
        raise web.HTTPSeeOther(record_url(draft.kind, draft.record_id))

    @routes.post("/ban-nhap/{n:\\d+}/huy")
    async def discard(request: web.Request) -> web.Response:
        await asyncio.to_thread(workspace.discard, request["user"], int(request.match_info["n"]))
        await flash(request, "Đã hủy bản nháp.")
        raise web.HTTPSeeOther("/ban-nhap")

    # -- history ---------------------------------------------------------------------

    @routes.get(f"/lich-su/{KIND_ROUTE}/{{id}}")
    async def history_page(request: web.Request) -> web.Response:
        kind, rid = kind_of(request), request.match_info["id"]
        versions = await asyncio.to_thread(workspace.history, request["user"], kind, rid)
        if not versions:
            raise web.HTTPNotFound()
        shown = [(v, workspace.revision_diff(v)) for v in reversed(versions)]
        return await page(request, "history.html", {"kind": kind, "rid": rid, "versions": shown,
                                                      "current": versions[-1].revision})

    @routes.post(f"/lich-su/{KIND_ROUTE}/{{id}}/khoi-phuc")
    async def rollback(request: web.Request) -> web.Response:
        kind, rid = kind_of(request), request.match_info["id"]
        form = await request.post()
        try:
            version = int(str(form.get("version", "")))
        except ValueError:
            raise web.HTTPBadRequest(text="version")
        try:
            await asyncio.to_thread(workspace.rollback, request["user"], kind, rid, version, str(form.get("reason", "")))
        except Invalid as error:
            await flash(request, "Dạ, chưa khôi phục được: " + "; ".join(p.msg for p in error.problems))
            raise web.HTTPSeeOther(f"/lich-su/{SLUG_OF[kind]}/{rid}")
        await flash(request, f"Đã khôi phục phiên bản {version} (ghi thành một phiên bản mới).")
        raise web.HTTPSeeOther(f"/lich-su/{SLUG_OF[kind]}/{rid}")

    @routes.get("/nhat-ky")
    async def audit_page(request: web.Request) -> web.Response:
        who = request.query.get("nguoi", "").strip()
        since, until = _date(request.query.get("tu", "")), _date(request.query.get("den", ""))
        found = await asyncio.to_thread(workspace.audit, request["user"], who or None, since, until)
        return await page(request, "audit.html", {"revisions": found, "who": who,
                                                  "since": since.isoformat() if since else "",
                                                  "until": until.isoformat() if until else ""})

    # -- import / export -------------------------------------------------------------

    @routes.get("/nhap-xuat")
    async def transfer_page(request: web.Request) -> web.Response:
        workspace.require(request["user"], Permission.read)
        return await page(request, "transfer.html", {"formats": FORMATS})

    @routes.get("/xuat")
    async def export(request: web.Request) -> web.Response:
        fmt, kind = request.query.get("dinh-dang", "xlsx"), request.query.get("loai", "service")
        content, content_type, name = await asyncio.to_thread(workspace.export, request["user"], fmt, kind)
        return web.Response(body=content, content_type=content_type.split(";")[0], charset="utf-8"
                            if "charset" in content_type else None,
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @routes.post("/nhap-xuat")
    async def upload(request: web.Request) -> web.Response:
        user = request["user"]
        workspace.require(user, Permission.edit)
        form = await request.post()
        fmt, kind = str(form.get("format", "xlsx")), str(form.get("kind", "service"))
        file = form.get("file")
        if fmt not in FORMATS or not hasattr(file, "file"):
            return await page(request, "transfer.html", {"formats": FORMATS, "problems": ["Dạ, cần chọn tệp và định dạng."]}, 400)
        data = file.file.read()
        try:
            incoming = await asyncio.to_thread(workspace.read_upload, fmt, data, kind)
            plan = await asyncio.to_thread(workspace.plan_import, user, incoming)
        except Invalid as error:
            return await page(request, "transfer.html", {"formats": FORMATS,
                                                         "problems": [p.msg for p in error.problems]}, 422)
        for old in uploads.iterdir():  # uploads never applied: gone after an hour
            if time.time() - old.stat().st_mtime > 3600:
                old.unlink(missing_ok=True)
        token = secrets.token_urlsafe(16)
        (uploads / token).write_bytes(data)
        session = await get_session(request)
        session["upload"] = {"token": token, "format": fmt, "kind": kind}
        return await page(request, "import_plan.html", {"plan": plan, "token": token})

    @routes.post("/nhap-xuat/ap-dung")
    async def apply_upload(request: web.Request) -> web.Response:
        user = request["user"]
        form = await request.post()
        session = await get_session(request)
        pending = session.get("upload") or {}
        if not pending or not hmac.compare_digest(pending.get("token", ""), str(form.get("token", ""))):
            raise web.HTTPBadRequest(text="Dạ, không tìm thấy tệp đã tải lên; vui lòng tải lại.")
        path = uploads / pending["token"]
        try:
            incoming = await asyncio.to_thread(workspace.read_upload, pending["format"], path.read_bytes(),
                                               pending["kind"])
            plan, made = await asyncio.to_thread(workspace.apply_import, user, incoming, str(form.get("reason", "")))
        except Invalid as error:
            return await page(request, "transfer.html", {"formats": FORMATS,
                                                         "problems": [p.msg for p in error.problems]}, 422)
        finally:
            session.pop("upload", None)
            path.unlink(missing_ok=True)
        count = len(plan.changes.added) + len(plan.changes.changed)
        await flash(request, f"Đã tạo {len(made)} bản nháp chờ duyệt." if made else f"Đã nhập {count} bản ghi.")
        raise web.HTTPSeeOther("/ban-nhap" if made else "/nhat-ky")

    # -- users -----------------------------------------------------------------------

    @routes.get("/nguoi-dung")
    async def users_page(request: web.Request) -> web.Response:
        workspace.require(request["user"], Permission.users)
        return await page(request, "users.html", {"users": await asyncio.to_thread(accounts.users), "roles": Role})

    @routes.post("/nguoi-dung")
    async def add_user(request: web.Request) -> web.Response:
        workspace.require(request["user"], Permission.users)
        form = await request.post()
        try:
            await asyncio.to_thread(accounts.add_user, str(form.get("email", "")), str(form.get("name", "")),
                                    Role(str(form.get("role", "editor"))), str(form.get("password", "")))
        except (AccountError, ValueError) as error:
            message = str(error) if isinstance(error, AccountError) else "Dạ, vai trò không hợp lệ."
            return await page(request, "users.html", {"users": accounts.users(), "roles": Role,
                                                      "error": message}, 422)
        await flash(request, "Đã tạo tài khoản.")
        raise web.HTTPSeeOther("/nguoi-dung")

    @routes.post("/nguoi-dung/{uid:\\d+}")
    async def change_user(request: web.Request) -> web.Response:
        workspace.require(request["user"], Permission.users)
        form = await request.post()
        uid = int(request.match_info["uid"])
        token = None
        try:
            if "role" in form:
                await asyncio.to_thread(accounts.set_role, uid, Role(str(form["role"])))
            if "active" in form:
                await asyncio.to_thread(accounts.set_active, uid, form["active"] == "1")
            if form.get("token"):
                token = await asyncio.to_thread(accounts.issue_token, uid, "trang quản trị")
        except (AccountError, ValueError) as error:
            message = str(error) if isinstance(error, AccountError) else "Dạ, vai trò không hợp lệ."
            return await page(request, "users.html", {"users": accounts.users(), "roles": Role,
                                                      "error": message}, 422)
        if token:
            return await page(request, "users.html", {"users": accounts.users(), "roles": Role, "token": token})
        await flash(request, "Đã cập nhật tài khoản.")
        raise web.HTTPSeeOther("/nguoi-dung")

    # -- inbox, conversations, dashboard ---------------------------------------------

    @routes.get("/hop-thu")
    async def inbox_page(request: web.Request) -> web.Response:
        status = request.query.get("trang-thai", "open")
        status = status if status in INBOX_STATUSES else "open"
        items = await asyncio.to_thread(inbox.items, request["user"], status)
        return await page(request, "inbox.html", {"items": items, "status": status, "REASONS": REASONS,
                                                  "STATUSES": INBOX_STATUSES})

    @routes.get("/hop-thu/{n:\\d+}")
    async def inbox_item(request: web.Request) -> web.Response:
        user = request["user"]
        item = await asyncio.to_thread(inbox.item, user, int(request.match_info["n"]))
        services = await asyncio.to_thread(workspace.records, user, "service")
        entries = await asyncio.to_thread(workspace.records, user, "faq")
        return await page(request, "inbox_item.html", {
            "item": item, "REASONS": REASONS, "intents": inbox.intents, "services": services, "faq": entries})

    @routes.post("/hop-thu/{n:\\d+}/{action}")
    async def inbox_act(request: web.Request) -> web.Response:
        user, number, action = request["user"], int(request.match_info["n"]), request.match_info["action"]
        form = {k: str(v) for k, v in (await request.post()).items()}
        reason = form.get("reason", "")
        calls = {
            "y-dinh": lambda: inbox.assign_intent(user, number, form.get("intent", ""), reason),
            "ten-goi": lambda: inbox.add_alias(user, number, form.get("service", ""), form.get("alias", ""), reason),
            "hoi-dap": lambda: inbox.link_faq(user, number, form.get("faq", ""), reason),
            "ngoai-pham-vi": lambda: inbox.out_of_scope(user, number, reason),
            "bo-qua": lambda: inbox.dismiss(user, number, reason),
        }
        if action not in calls:
            raise web.HTTPNotFound()
        try:
            await asyncio.to_thread(calls[action])
        except Invalid as error:
            await flash(request, "Dạ, chưa thực hiện được: " + "; ".join(p.msg for p in error.problems))
            raise web.HTTPSeeOther(f"/hop-thu/{number}")
        await flash(request, "Đã xử lý. Câu hỏi mẫu mới có hiệu lực sau lần huấn luyện lại tiếp theo.")
        raise web.HTTPSeeOther("/hop-thu")

    @routes.get("/hoi-thoai/{cid}")
    async def conversation_page(request: web.Request) -> web.Response:
        cid = request.match_info["cid"]
        lines = await asyncio.to_thread(inbox.conversation, request["user"], cid)
        if not lines:
            raise NotFound(cid)
        marked = request.query.get("su-kien", "")
        return await page(request, "conversation.html", {"cid": cid, "lines": lines,
                                                         "marked": int(marked) if marked.isdigit() else None})

    def stats_for(request: web.Request):
        try:
            start, end = parse_range(request.query.get("tu"), request.query.get("den"), today_in_vietnam())
        except ValueError:  # the real calendar, not BOT_TODAY (the day facts are answered for)
            start, end = parse_range(None, None, today_in_vietnam())
        by = "week" if request.query.get("theo") == "tuan" else "day"
        workspace.require(request["user"], Permission.read)
        return start, end, by, stats.compute(projection.engine, start, end, by)

    @routes.get("/thong-ke")
    async def dashboard(request: web.Request) -> web.Response:
        start, end, by, computed = await asyncio.to_thread(stats_for, request)
        query = urllib.parse.urlencode({"tu": start.isoformat(), "den": end.isoformat(),
                                        "theo": "tuan" if by == "week" else "ngay"})
        return await page(request, "dashboard.html", {"stats": computed, "start": start.isoformat(),
                                                      "end": end.isoformat(), "by": by, "query": query})

    @routes.get("/thong-ke/bieu-do/{name:ngay|gio}.svg")
    async def chart(request: web.Request) -> web.Response:
        _, _, _, computed = await asyncio.to_thread(stats_for, request)
        if request.match_info["name"] == "ngay":
            svg = charts.bars([p.label for p in computed.periods], [p.messages for p in computed.periods],
                              "Số tin nhắn và tỷ lệ hiểu đúng (%)",
                              [p.rate(p.understood) for p in computed.periods], "% hiểu đúng")
        else:
            svg = charts.bars([str(h["hour"]) for h in computed.hours], [h["messages"] for h in computed.hours],
                              "Tin nhắn theo giờ trong ngày (giờ Việt Nam)")
        return web.Response(text=svg, content_type="image/svg+xml")

    @routes.get("/thong-ke/{table:periods|models|services|aspects|hours}.csv")
    async def stats_csv(request: web.Request) -> web.Response:
        start, end, _, computed = await asyncio.to_thread(stats_for, request)
        name = request.match_info["table"]
        return web.Response(body=stats.csv_bytes(computed.tables[name]), content_type="text/csv", charset="utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{name}-{start}-{end}.csv"'})

    # -- retraining and models --------------------------------------------------------

    @routes.get("/huan-luyen")
    async def training_page(request: web.Request) -> web.Response:
        workspace.require(request["user"], Permission.read)
        jobs, known = await asyncio.to_thread(registry.jobs), await asyncio.to_thread(registry.models)
        return await page(request, "training.html", {"jobs": jobs, "models": known})

    @routes.post("/huan-luyen")
    async def start_training(request: web.Request) -> web.Response:
        try:
            job = await asyncio.to_thread(registry.start, request["user"])
        except Conflict as error:
            await flash(request, str(error))
            raise web.HTTPSeeOther("/huan-luyen")
        raise web.HTTPSeeOther(f"/huan-luyen/{job}")

    @routes.get("/huan-luyen/{n:\\d+}")
    async def training_job(request: web.Request) -> web.Response:
        workspace.require(request["user"], Permission.read)
        job = await asyncio.to_thread(registry.job, int(request.match_info["n"]))
        model = await asyncio.to_thread(registry.model, job.model_id) if job.model_id else None
        return await page(request, "training_job.html", {"job": job, "model": model})

    @routes.post("/mo-hinh/{n:\\d+}/kich-hoat")
    async def activate_model(request: web.Request) -> web.Response:
        number = int(request.match_info["n"])
        try:
            await asyncio.to_thread(registry.activate, request["user"], number, settings.rasa_admin_urls,
                                    settings.rasa_api_token)
        except Conflict as error:
            await flash(request, str(error))
        else:
            await flash(request, f"Đã kích hoạt mô hình #{number}; trợ lý vẫn trả lời trong lúc chuyển.")
        raise web.HTTPSeeOther("/huan-luyen")

    async def keep_analytics_current(app: web.Application) -> None:
        async def loop() -> None:
            while True:
                try:
                    await asyncio.to_thread(projection.update)
                except Exception:  # noqa: BLE001 - logged; the next round tries again
                    logger.exception("Analytics update failed")
                await asyncio.sleep(settings.analytics_seconds)

        app["analytics"] = asyncio.create_task(loop())

    async def stop_analytics(app: web.Application) -> None:
        app["analytics"].cancel()

    # -- middleware ------------------------------------------------------------------

    @web.middleware
    async def guard(request: web.Request, handler):
        path = request.path
        if path.startswith("/api/"):
            user = await asyncio.to_thread(api_user, request.headers.get("Authorization", ""))
            if user is None:
                return web.json_response({"error": "unauthorized"}, status=401,
                                         headers={"WWW-Authenticate": "Bearer"})
            request["user"] = user
            return await handler(request)
        if path in ("/healthz",) or path.startswith("/static/"):
            return await handler(request)
        session = await get_session(request)
        if not session.get("csrf"):
            session["csrf"] = secrets.token_urlsafe(32)
        if request.method == "POST":
            form = await request.post()
            if not hmac.compare_digest(str(form.get("_csrf", "")), session["csrf"]):
                return await page(request, "error.html", {"message": (
                    "Dạ, yêu cầu không hợp lệ hoặc phiên làm việc đã hết hạn. Vui lòng tải lại trang và thử lại.")},
                    403)
        if path == "/dang-nhap":
            return await handler(request)
        uid = session.get("uid")
        user = await asyncio.to_thread(accounts.get, uid) if isinstance(uid, int) else None
        if user is None or not user.active or session.get("epoch") != user.session_epoch:
            session.pop("uid", None)
            target = request.path_qs if request.method == "GET" else "/"
            raise web.HTTPSeeOther("/dang-nhap?" + urllib.parse.urlencode({"tiep": target}))
        request["user"] = user
        try:
            return await handler(request)
        except Forbidden as error:
            return await page(request, "error.html", {"message": str(error)}, 403)
        except NotFound:
            return await page(request, "error.html", {"message": "Dạ, không tìm thấy nội dung này."}, 404)
        except web.HTTPException:
            raise
        except Exception:  # noqa: BLE001 - logged for operators; staff see a polite page, not a trace
            logger.exception("Staff page %s %s failed", request.method, path)
            return await page(request, "error.html", {"message": (
                "Dạ, hệ thống gặp lỗi; thao tác chưa được thực hiện. Vui lòng thử lại hoặc báo quản trị viên.")}, 500)

    def api_user(header: str) -> Optional[User]:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        token = token.strip()
        if settings.staff_api_token and hmac.compare_digest(token.encode(), settings.staff_api_token.encode()):
            return API_ADMIN
        return accounts.user_for_token(token)

    @web.middleware
    async def headers(request: web.Request, handler):
        try:
            response = await handler(request)
        except web.HTTPException as error:
            error.headers.update(SECURITY_HEADERS)
            raise
        if not request.path.startswith("/static/"):
            response.headers.update(SECURITY_HEADERS)
        return response

    app = web.Application(client_max_size=MAX_UPLOAD_BYTES, middlewares=[headers])
    setup_session(app, EncryptedCookieStorage(
        secret_key(settings), cookie_name="staff_session",
        max_age=SESSION_HOURS * 3600, httponly=True, samesite="Strict", secure=settings.staff_secure_cookies,
    ))
    app.middlewares.append(guard)
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(str(STAFF_WEB / "templates")), autoescape=True)
    app.add_routes(routes)
    api.add_routes(app, workspace, inbox, projection, registry, settings)
    app.on_startup.append(keep_analytics_current)
    app.on_cleanup.append(stop_analytics)
    app.router.add_static("/static", STAFF_WEB / "static", show_index=False)
    return app


STAFF_WEB = Path(__file__).resolve().parents[2] / "web" / "staff"
SAFE_NEXT = re.compile(r"^/[A-Za-z0-9\-_/.~%]*(\?[A-Za-z0-9\-_/.~%=&+]*)?$")


def _date(text: str) -> Optional[dt.date]:
    """A date typed in a page's field; a bad one is ignored (the default applies)."""
    try:
        return parse_day(text)
    except ValueError:
        return None


def safe_next(target: str) -> str:
    """Where to go after login: a path on this site only."""
    return target if SAFE_NEXT.match(target or "") and not target.startswith("//") else "/"


def serve(settings: Settings) -> None:
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    message = first_admin(settings, Accounts(settings.database_url))
    if message:
        print(message, flush=True)
    web.run_app(make_app(settings), host=settings.staff_host, port=settings.staff_port,
                print=lambda *_: None, access_log=None)
