"""The public web page: chat widget, feedback API and printable guides.

GET  /                     the chat page (widget connects to Rasa's socket.io, REST as fallback)
GET  /static/...           widget assets; /static/vendor/socket.io.min.js from web/node_modules
POST /api/feedback         👍/👎 with an optional comment (masked, stored)
GET  /huong-dan            list of printable guides
GET  /huong-dan/{id}       one-page checklist for a service, rendered from the catalogue
GET  /to-cong-nghe-so      community teams: choose a household's situations or services
GET  /ke-hoach             → 303 to the plan's short address /k/<codes>
GET  /k/{codes}            one printable plan for the household (shareable, works offline)
GET  /vneid                VNeID activation, one step per screen
GET  /sw.js                the service worker that keeps those pages for offline use
GET  /healthz              {"status": "ok"}
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
from string import Template

from aiohttp import web

from bot.catalogue.client import CatalogueClient, CatalogueUnavailable, ServiceNotFound
from bot.config import Settings
from bot.replies.phrases import Phrases
from bot.replies.render import today_in_vietnam
from bot.web.feedback import Feedback, FeedbackStore, InvalidFeedback
from bot.web.guides import render_checklist, render_index
from bot.web.plans import (PlanRules, UnknownChoice, plan_path, render_chooser, render_plan,
                           render_vneid_walkthrough, services_of_path)

logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "SAMEORIGIN",
}

UNAVAILABLE_PAGE = (
    "<!doctype html><html lang='vi'><meta charset='utf-8'><title>Tạm gián đoạn</title>"
    "<p>Dạ, hệ thống tra cứu thủ tục đang tạm gián đoạn. Anh/chị vui lòng thử lại sau ít phút "
    "hoặc xem trên <a href='https://dichvucong.gov.vn'>Cổng Dịch vụ công quốc gia</a>.</p></html>"
)
NOT_FOUND_PAGE = (
    "<!doctype html><html lang='vi'><meta charset='utf-8'><title>Không tìm thấy</title>"
    "<p>Dạ, không có hướng dẫn này. <a href='/huong-dan'>Xem tất cả hướng dẫn</a>.</p></html>"
)


def _csp(rasa_origin: str) -> str:
    ws = rasa_origin.replace("http://", "ws://").replace("https://", "wss://")
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {rasa_origin} {ws}; frame-ancestors 'self'; base-uri 'none'"
    )


def vendor_script(settings: Settings):
    return settings.web_dir / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"


def make_app(settings: Settings) -> web.Application:
    client = CatalogueClient(settings.catalogue_url, timeout=settings.catalogue_timeout)
    store = FeedbackStore(settings.database_url)
    page = Template((settings.templates_dir / "index.html").read_text(encoding="utf-8"))
    today = (lambda: settings.today) if settings.today else today_in_vietnam
    routes = web.RouteTableDef()

    def rasa_origin(request: web.Request) -> str:
        if settings.rasa_public_url:
            return settings.rasa_public_url.rstrip("/")
        host = request.host.rsplit(":", 1)[0] if ":" in request.host else request.host
        return f"{request.scheme}://{host}:{settings.rasa_port}"

    def html_response(text: str, request: web.Request, status: int = 200) -> web.Response:
        response = web.Response(text=text, content_type="text/html", status=status)
        response.headers["Content-Security-Policy"] = _csp(rasa_origin(request))
        return response

    @routes.get("/")
    async def index(request: web.Request) -> web.Response:
        origin = rasa_origin(request)
        return html_response(page.substitute(rasa_url=html.escape(origin, quote=True)), request)

    @routes.get("/healthz")
    async def health(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    @routes.get("/static/vendor/socket.io.min.js")
    async def vendor(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(vendor_script(settings), headers={"Content-Type": "application/javascript"})

    @routes.post("/api/feedback")
    async def feedback(request: web.Request) -> web.Response:
        try:
            data = json.loads(await request.text())
            item = Feedback.from_json(data)
        except (ValueError, InvalidFeedback) as error:
            return web.json_response({"error": str(error)}, status=400)
        feedback_id = await asyncio.to_thread(store.add, item)
        return web.json_response({"id": feedback_id}, status=201)

    @routes.get("/huong-dan")
    async def guides(request: web.Request) -> web.Response:
        try:
            services = await asyncio.to_thread(client.list_services)
            phrases = Phrases(await asyncio.to_thread(client.phrases))
        except (CatalogueUnavailable, ServiceNotFound):
            return html_response(UNAVAILABLE_PAGE, request, status=503)
        return html_response(render_index(services, phrases, settings.templates_dir), request)

    async def service_page(request: web.Request, service_id: str, render) -> web.Response:
        """A page rendered from one service's record and the phrasebook; a polite 404 or 503."""
        try:
            service = await asyncio.to_thread(client.get_service, service_id)
            phrases = Phrases(await asyncio.to_thread(client.phrases))
        except ServiceNotFound:
            return html_response(NOT_FOUND_PAGE, request, status=404)
        except CatalogueUnavailable:
            return html_response(UNAVAILABLE_PAGE, request, status=503)
        return html_response(render(service, phrases), request)

    @routes.get("/huong-dan/{service_id}")
    async def checklist(request: web.Request) -> web.Response:
        return await service_page(request, request.match_info["service_id"], lambda service, phrases:
                                  render_checklist(service, phrases, today(), settings.templates_dir))

    def plan_rules() -> PlanRules:  # read on every request: staff edits need no restart
        return PlanRules.from_file(settings.data_dir / "lang" / "situations.yml")

    @routes.get("/to-cong-nghe-so")
    async def plan_chooser(request: web.Request) -> web.Response:
        try:
            services = await asyncio.to_thread(client.list_services)
        except (CatalogueUnavailable, ServiceNotFound):
            return html_response(UNAVAILABLE_PAGE, request, status=503)
        return html_response(render_chooser(plan_rules(), services, settings.templates_dir), request)

    @routes.get("/ke-hoach")
    async def plan_from_form(request: web.Request) -> web.Response:
        rules = plan_rules()
        try:
            ids = rules.resolve(request.query.getall("tinh-huong", []), request.query.getall("dich-vu", []))
            services = [await asyncio.to_thread(client.get_service, service_id) for service_id in ids]
        except (UnknownChoice, ServiceNotFound):
            return html_response(NOT_FOUND_PAGE, request, status=404)
        except CatalogueUnavailable:
            return html_response(UNAVAILABLE_PAGE, request, status=503)
        if not services:
            raise web.HTTPSeeOther("/to-cong-nghe-so")
        raise web.HTTPSeeOther(plan_path(services))

    @routes.get("/k/{codes}")
    async def plan(request: web.Request) -> web.Response:
        rules = plan_rules()
        try:
            ids = services_of_path(request.match_info["codes"], await asyncio.to_thread(client.list_services))
            chosen = [await asyncio.to_thread(client.get_service, service_id) for service_id in ids]
            phrases = Phrases(await asyncio.to_thread(client.phrases))
        except (UnknownChoice, ServiceNotFound):
            return html_response(NOT_FOUND_PAGE, request, status=404)
        except CatalogueUnavailable:
            return html_response(UNAVAILABLE_PAGE, request, status=503)
        share_url = f"{request.scheme}://{request.host}{request.path}"
        return html_response(render_plan(chosen, rules, phrases, today(), share_url, settings.templates_dir), request)

    @routes.get("/vneid")
    async def vneid_walkthrough(request: web.Request) -> web.Response:
        return await service_page(request, "kich_hoat_vneid", lambda service, phrases:
                                  render_vneid_walkthrough(service, phrases, settings.templates_dir))

    @routes.get("/sw.js")
    async def service_worker(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(settings.web_dir / "static" / "sw.js",
                                headers={"Content-Type": "application/javascript", "Cache-Control": "no-cache"})

    @web.middleware
    async def headers(request: web.Request, handler):
        response = await handler(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    app = web.Application(client_max_size=MAX_BODY, middlewares=[headers])
    app.add_routes(routes)
    app.router.add_static("/static", settings.web_dir / "static", show_index=False)
    return app


def serve(settings: Settings) -> None:
    if not vendor_script(settings).exists():
        raise SystemExit(f"{vendor_script(settings)} is missing; run the set-up (make run / make test).")
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    web.run_app(make_app(settings), host=settings.host, port=settings.web_port,
                print=lambda *_: None, access_log=None)
