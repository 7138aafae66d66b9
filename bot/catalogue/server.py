"""The catalogue HTTP service (JSON), used by the custom actions.

GET /health                 -> {"status": "ok", "services": N, "version": V}
GET /services               -> [{"id", "name", "short_name", "group", "essential_number", "in_vneid"}]
GET /services/{id}          -> the full record
GET /search?q=...&limit=5   -> [{"id", "short_name", "score"}]
GET /faq/{id}               -> a FAQ entry (VNeID problems, Đề án 06, ...)

Records are kept in memory and reloaded when the store's version changes
(checked at most every `refresh_seconds`), so a look-up costs no database read.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Dict, Optional

from aiohttp import web
from pydantic import BaseModel

from bot.catalogue.loader import load_catalogue, load_faq, search_terms
from bot.catalogue.models import FaqEntry, Service
from bot.catalogue.search import ServiceIndex
from bot.catalogue.store import CatalogueStore
from bot.config import Settings
from bot.vietnamese import Lexicon

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 500


class Catalogue:
    """In-memory view of the store, refreshed when its version changes."""

    def __init__(self, store: CatalogueStore, lexicon: Lexicon, refresh_seconds: float = 2.0) -> None:
        self.store = store
        self.lexicon = lexicon
        self.refresh_seconds = refresh_seconds
        self.version = -1
        self.services: Dict[str, Service] = {}
        self.faq: Dict[str, FaqEntry] = {}
        self.index = ServiceIndex({}, lexicon)
        self._checked_at = 0.0
        self._lock = asyncio.Lock()

    def load(self) -> None:
        version = self.store.version()
        if version == self.version:
            return
        services = self.store.all()
        self.faq = self.store.all("faq", FaqEntry)
        self.index = ServiceIndex({sid: search_terms(s) for sid, s in services.items()}, self.lexicon)
        self.services = services
        self.version = version
        logger.info("Catalogue version %s: %d services", version, len(services))

    async def fresh(self) -> "Catalogue":
        if time.monotonic() - self._checked_at >= self.refresh_seconds:
            async with self._lock:
                if time.monotonic() - self._checked_at >= self.refresh_seconds:
                    await asyncio.get_running_loop().run_in_executor(None, self.load)
                    self._checked_at = time.monotonic()
        return self


def _json(data, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=_dumps)


def _dumps(data) -> str:
    import json

    return json.dumps(data, ensure_ascii=False)


def _record(record: Optional[BaseModel]) -> web.Response:
    if record is None:
        return _json({"error": "not_found"}, status=404)
    return web.Response(text=record.json(ensure_ascii=False), content_type="application/json")


def make_app(catalogue: Catalogue) -> web.Application:
    routes = web.RouteTableDef()

    @routes.get("/health")
    async def health(request: web.Request) -> web.Response:
        cat = await catalogue.fresh()
        return _json({"status": "ok", "services": len(cat.services), "version": cat.version})

    @routes.get("/services")
    async def list_services(request: web.Request) -> web.Response:
        cat = await catalogue.fresh()
        return _json(
            [
                {
                    "id": s.id,
                    "name": s.name,
                    "short_name": s.short_name,
                    "group": s.group,
                    "essential_number": s.essential_number,
                    "in_vneid": any("VNeID" in c.name for c in s.steps.channels),
                }
                for s in sorted(cat.services.values(), key=lambda s: s.id)
            ]
        )

    @routes.get("/services/{service_id}")
    async def get_service(request: web.Request) -> web.Response:
        cat = await catalogue.fresh()
        return _record(cat.services.get(request.match_info["service_id"]))

    @routes.get("/faq/{entry_id}")
    async def get_faq(request: web.Request) -> web.Response:
        cat = await catalogue.fresh()
        return _record(cat.faq.get(request.match_info["entry_id"]))

    @routes.get("/search")
    async def search(request: web.Request) -> web.Response:
        query = request.query.get("q", "")[:MAX_QUERY_CHARS]
        try:
            limit = max(1, min(20, int(request.query.get("limit", "5"))))
        except ValueError:
            return _json({"error": "limit must be a number"}, status=400)
        cat = await catalogue.fresh()
        hits = cat.index.search(query, limit=limit)
        return _json(
            [
                {"id": h.service_id, "short_name": cat.services[h.service_id].short_name, "score": h.score}
                for h in hits
                if h.service_id in cat.services
            ]
        )

    app = web.Application()
    app.add_routes(routes)
    return app


def build(settings: Settings) -> Catalogue:
    """Seed the store from the YAML files and load it."""
    store = CatalogueStore(settings.database_url)
    changes = store.sync(load_catalogue(settings.catalogue_dir))
    changes += store.sync(load_faq(settings.faq_dir), kind="faq")
    logger.info("Catalogue seeded from %s (%d changes)", settings.catalogue_dir, changes)
    catalogue = Catalogue(store, Lexicon.from_file(str(settings.lexicon_path)))
    catalogue.load()
    return catalogue


def serve(settings: Settings) -> None:
    if settings.database_url.startswith("sqlite:///"):
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    catalogue = build(settings)
    web.run_app(
        make_app(catalogue),
        host=settings.host,
        port=settings.catalogue_port,
        print=lambda *_: None,
        access_log=None,
    )
