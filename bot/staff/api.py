"""The staff JSON API, for scripts and tests: the same operations as the
pages, through the same `Workspace`, with a bearer token (STAFF_API_TOKEN
acts as an admin; a user's token carries its role).

GET  /api/{services|faq|phrases}                      list (id, name/title, revision)
GET  /api/{services|faq|phrases}/{id}                 the record
PUT  /api/{services|faq|phrases}/{id}                 {"record": {...}, "reason": "..."}: published at once
                                                      for an admin, a draft for an editor
GET  /api/{services|faq|phrases}/{id}/history         versions: who, when, why, diff
POST /api/{services|faq|phrases}/{id}/rollback        {"version": N, "reason": "..."}
GET  /api/drafts                                      open drafts
POST /api/drafts/{n}/publish | /api/drafts/{n}/discard
GET  /api/audit?author=&since=&until=                 changes across records
GET  /api/inbox?status=open|assigned|out_of_scope|dismissed   grouped missed questions
POST /api/inbox/{n}/assign                            {"intent": …} | {"faq": …} | {"alias": …, "service": …}
                                                      | {"out_of_scope": true} | {"dismiss": true}, with "reason"
GET  /api/conversations/{id}                          the masked conversation (the viewing is logged)
GET  /api/stats?from=&to=&by=day|week                 the dashboard's numbers
POST /api/analytics/update                            bring the analytics and the inbox up to date now
POST /api/retrain                                     start a retraining job -> {"job": N}
GET  /api/retrain/{job}                               its status, step and before/after report
GET  /api/models                                      the models that can be activated
POST /api/models/{id}/activate                        load it into every Rasa server (only if it passed the gate)
GET  /api/export?format=yaml|csv|xlsx[&kind=service|faq]
POST /api/import?format=yaml|csv|xlsx&dry_run=1|0[&kind=…][&reason=…]   the file as the body
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Optional

from aiohttp import web

from bot.catalogue.files import plain
from bot.analytics import stats
from bot.analytics.projection import Projection
from bot.analytics.stats import parse_range
from bot.replies.render import today_in_vietnam
from bot.staff.accounts import Permission
from bot.staff.drafts import Draft
from bot.config import Settings
from bot.staff.inbox import STATUSES, Inbox, Item
from bot.staff.models import Registry
from bot.staff.workspace import FORMATS, Conflict, Forbidden, ImportPlan, Invalid, NotFound, Workspace, parse_day

logger = logging.getLogger(__name__)

COLLECTIONS = {"services": "service", "faq": "faq", "phrases": "phrases", "examples": "examples"}


def _error(status: int, error: str, **extra: Any) -> web.Response:
    return web.json_response({"error": error, **extra}, status=status, dumps=_dumps)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


def _ok(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=_dumps)


def _draft(draft: Draft) -> dict:
    return {"id": draft.id, "kind": draft.kind, "record_id": draft.record_id, "author": draft.author,
            "fingerprint": draft.fingerprint,
            "reason": draft.reason, "status": draft.status, "base_revision": draft.base_revision,
            "updated_at": draft.updated_at}


def _plan(plan: ImportPlan) -> dict:
    return {
        "added": [f"{k}/{rid}" for k, rid in plan.changes.added],
        "changed": [f"{k}/{rid}" for k, rid in plan.changes.changed],
        "only_in_database": [f"{k}/{rid}" for k, rid in plan.changes.only_in_database],
        "diff": "".join(plan.changes.diffs[key] for key in sorted(plan.changes.diffs)),
        "problems": plan.problems,
    }


def _item(item: Item) -> dict:
    return {"id": item.id, "text": item.text, "reasons": item.reasons, "count": item.count,
            "first_seen": item.first_seen, "last_seen": item.last_seen, "conversation_id": item.conversation_id,
            "event_id": item.event_id, "comment": item.comment, "status": item.status,
            "resolution": item.resolution, "resolved_by": item.resolved_by}


def add_routes(app: web.Application, workspace: Workspace, inbox: Inbox, projection: Projection,
               registry: Registry, settings: Settings) -> None:
    routes = web.RouteTableDef()

    def collection(request: web.Request) -> str:
        kind = COLLECTIONS.get(request.match_info["collection"])
        if kind is None:
            raise web.HTTPNotFound()
        return kind

    async def body(request: web.Request) -> dict:
        try:
            data = json.loads(await request.text())
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise web.HTTPBadRequest(text=_dumps({"error": "the body must be a JSON object"}),
                                     content_type="application/json")
        return data

    @routes.get("/api/{collection:services|faq|phrases|examples}")
    async def list_records(request: web.Request) -> web.Response:
        kind = collection(request)
        records = await asyncio.to_thread(workspace.records, request["user"], kind)
        return _ok([
            {"id": rid, "name": getattr(r, "short_name", None) or getattr(r, "title", None) or rid,
             "revision": workspace.store.revision(kind, rid)}
            for rid, r in records.items()
        ])

    @routes.get("/api/{collection:services|faq|phrases|examples}/{id}")
    async def get_record(request: web.Request) -> web.Response:
        kind = collection(request)
        record = await asyncio.to_thread(workspace.record, request["user"], kind, request.match_info["id"])
        return _ok({"record": plain(record), "revision": workspace.store.revision(kind, request.match_info["id"])})

    @routes.put("/api/{collection:services|faq|phrases|examples}/{id}")
    async def put_record(request: web.Request) -> web.Response:
        kind, rid = collection(request), request.match_info["id"]
        data = await body(request)
        outcome = await asyncio.to_thread(
            workspace.submit, request["user"], kind, rid, data.get("record"), str(data.get("reason") or ""))
        if outcome.published:
            return _ok({"published": True, "revision": outcome.revision})
        return _ok({"published": False, "draft": outcome.draft_id}, status=202)

    @routes.get("/api/{collection:services|faq|phrases|examples}/{id}/history")
    async def history(request: web.Request) -> web.Response:
        kind, rid = collection(request), request.match_info["id"]
        versions = await asyncio.to_thread(workspace.history, request["user"], kind, rid)
        if not versions:
            raise NotFound(rid)
        return _ok([{"version": v.revision, "author": v.author, "reason": v.reason, "at": v.created_at,
                     "diff": workspace.revision_diff(v)} for v in versions])

    @routes.post("/api/{collection:services|faq|phrases|examples}/{id}/rollback")
    async def rollback(request: web.Request) -> web.Response:
        kind, rid = collection(request), request.match_info["id"]
        data = await body(request)
        if not isinstance(data.get("version"), int):
            return _error(400, "version must be a number")
        revision = await asyncio.to_thread(workspace.rollback, request["user"], kind, rid, data["version"],
                                           str(data.get("reason") or ""))
        return _ok({"revision": revision})

    @routes.get("/api/drafts")
    async def drafts(request: web.Request) -> web.Response:
        workspace.require(request["user"], Permission.read)
        return _ok([_draft(d) for d in await asyncio.to_thread(workspace.drafts.list)])

    @routes.post("/api/drafts/{n:\\d+}/publish")
    async def publish(request: web.Request) -> web.Response:
        seen = (await body(request)).get("seen") if request.can_read_body else None
        revision = await asyncio.to_thread(workspace.publish, request["user"], int(request.match_info["n"]),
                                           str(seen) if seen else None)
        return _ok({"published": True, "revision": revision})

    @routes.post("/api/drafts/{n:\\d+}/discard")
    async def discard(request: web.Request) -> web.Response:
        await asyncio.to_thread(workspace.discard, request["user"], int(request.match_info["n"]))
        return _ok({"discarded": True})

    @routes.get("/api/audit")
    async def audit(request: web.Request) -> web.Response:
        try:
            since, until = parse_day(request.query.get("since")), parse_day(request.query.get("until"))
        except ValueError:
            return _error(400, "since/until must be YYYY-MM-DD")
        found = await asyncio.to_thread(workspace.audit, request["user"], request.query.get("author"), since, until)
        return _ok([{"kind": r.kind, "id": r.record_id, "version": r.revision, "author": r.author,
                     "reason": r.reason, "at": r.created_at} for r in found])

    @routes.get("/api/inbox")
    async def list_inbox(request: web.Request) -> web.Response:
        status = request.query.get("status", "open")
        if status not in STATUSES:
            return _error(400, f"status must be one of {', '.join(STATUSES)}")
        return _ok([_item(i) for i in await asyncio.to_thread(inbox.items, request["user"], status)])

    @routes.post("/api/inbox/{n:\\d+}/assign")
    async def assign(request: web.Request) -> web.Response:
        user, number, data = request["user"], int(request.match_info["n"]), await body(request)
        reason = str(data.get("reason") or "")
        if data.get("intent"):
            call = lambda: inbox.assign_intent(user, number, str(data["intent"]), reason)  # noqa: E731
        elif data.get("faq"):
            call = lambda: inbox.link_faq(user, number, str(data["faq"]), reason)  # noqa: E731
        elif data.get("alias") and data.get("service"):
            call = lambda: inbox.add_alias(user, number, str(data["service"]), str(data["alias"]), reason)  # noqa: E731
        elif data.get("out_of_scope"):
            call = lambda: inbox.out_of_scope(user, number, reason)  # noqa: E731
        elif data.get("dismiss"):
            call = lambda: inbox.dismiss(user, number, reason)  # noqa: E731
        else:
            return _error(400, "give intent, faq, alias + service, out_of_scope or dismiss")
        await asyncio.to_thread(call)
        return _ok(_item(await asyncio.to_thread(inbox.item, user, number)))

    @routes.get("/api/conversations/{cid}")
    async def conversation(request: web.Request) -> web.Response:
        lines = await asyncio.to_thread(inbox.conversation, request["user"], request.match_info["cid"])
        if not lines:
            raise NotFound(request.match_info["cid"])
        return _ok([{"event_id": line.event_id, "at": line.at, "speaker": line.speaker, "text": line.text}
                    for line in lines])

    @routes.get("/api/stats")
    async def get_stats(request: web.Request) -> web.Response:
        workspace.require(request["user"], Permission.read)
        try:
            # the real calendar, not BOT_TODAY (the day facts are answered for)
            start, end = parse_range(request.query.get("from"), request.query.get("to"), today_in_vietnam())
        except ValueError:
            return _error(400, "from/to must be YYYY-MM-DD, from before to")
        by = request.query.get("by", "day")
        if by not in ("day", "week"):
            return _error(400, "by must be day or week")
        computed = await asyncio.to_thread(stats.compute, projection.engine, start, end, by)
        return _ok({"from": start, "to": end, "by": by, "total": computed.total.row(), **computed.tables})

    @routes.post("/api/analytics/update")
    async def update_analytics(request: web.Request) -> web.Response:
        workspace.require(request["user"], Permission.read)
        return _ok(await asyncio.to_thread(projection.update))

    @routes.post("/api/retrain")
    async def retrain(request: web.Request) -> web.Response:
        return _ok({"job": await asyncio.to_thread(registry.start, request["user"])}, status=202)

    @routes.get("/api/retrain/{n:\\d+}")
    async def retrain_job(request: web.Request) -> web.Response:
        workspace.require(request["user"], Permission.read)
        job = await asyncio.to_thread(registry.job, int(request.match_info["n"]))
        return _ok({"id": job.id, "status": job.status, "step": job.step, "requested_by": job.requested_by,
                    "model": job.model_id, "report": job.report, "error": job.error})

    @routes.get("/api/models")
    async def list_models(request: web.Request) -> web.Response:
        workspace.require(request["user"], Permission.read)
        return _ok([{"id": m.id, "source": m.source, "created_at": m.created_at, "passed": m.passed,
                     "active": m.active, "activated_by": m.activated_by} for m in await asyncio.to_thread(registry.models)])

    @routes.post("/api/models/{n:\\d+}/activate")
    async def activate(request: web.Request) -> web.Response:
        await asyncio.to_thread(registry.activate, request["user"], int(request.match_info["n"]),
                                settings.rasa_admin_urls, settings.rasa_api_token)
        return _ok({"active": int(request.match_info["n"])})

    @routes.get("/api/export")
    async def export(request: web.Request) -> web.Response:
        fmt = request.query.get("format", "yaml")
        if fmt not in FORMATS:
            return _error(400, f"format must be one of {', '.join(FORMATS)}")
        content, content_type, name = await asyncio.to_thread(
            workspace.export, request["user"], fmt, request.query.get("kind", "service"))
        return web.Response(body=content, headers={"Content-Type": content_type,
                                                   "Content-Disposition": f'attachment; filename="{name}"'})

    @routes.post("/api/import")
    async def import_(request: web.Request) -> web.Response:
        fmt, kind = request.query.get("format", "yaml"), request.query.get("kind", "service")
        if fmt not in FORMATS:
            return _error(400, f"format must be one of {', '.join(FORMATS)}")
        data = await request.read()
        user = request["user"]
        incoming = await asyncio.to_thread(workspace.read_upload, fmt, data, kind)
        if request.query.get("dry_run", "1") != "0":
            plan = await asyncio.to_thread(workspace.plan_import, user, incoming)
            return _ok({"dry_run": True, **_plan(plan)})
        reason = request.query.get("reason", "") or f"nhập tệp {fmt.upper()}"
        plan, made = await asyncio.to_thread(workspace.apply_import, user, incoming, reason)
        return _ok({"dry_run": False, "drafts": made, **_plan(plan)})

    @web.middleware
    async def errors(request: web.Request, handler):
        if not request.path.startswith("/api/"):
            return await handler(request)
        try:
            return await handler(request)
        except Forbidden as error:
            return _error(403, "forbidden", message=str(error))
        except NotFound as error:
            return _error(404, "not_found", message=str(error))
        except Conflict as error:
            return _error(409, "conflict", message=str(error))
        except Invalid as error:
            return _error(422, "invalid", problems=[{"loc": p.loc, "msg": p.msg} for p in error.problems])
        except web.HTTPException:
            raise
        except Exception:  # noqa: BLE001 - logged for operators; the caller gets JSON, not a trace
            logger.exception("Staff API %s %s failed", request.method, request.path)
            return _error(500, "internal", message="Dạ, hệ thống gặp lỗi; thao tác chưa được thực hiện.")

    app.middlewares.append(errors)
    app.add_routes(routes)
