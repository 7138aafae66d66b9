"""The catalogue HTTP service (JSON): the one way actions and the web page
read records.  It is the seam where a province could plug in its own
procedure database.

GET /health                 -> {"status": "ok", "services": N, "version": V}
GET /services               -> [{"id", "name", "short_name", "group", "essential_number", "in_vneid"}]
GET /services/{id}          -> the full record
GET /faq                    -> [{"id", "title", "service"}]
GET /faq/{id}               -> a FAQ entry
GET /phrases                -> the phrasebook (the bot's wording)
GET /search?q=...&limit=5   -> [{"id", "short_name", "score"}]
GET /names                  -> {"version": V, "terms": {id: [names]}, "channels": {id: [names]}}
                               (the names `make train` writes as lookup tables; the Rasa
                               server polls it, so a new alias is understood without retraining)

Every response carries `ETag: "<version>"`; a request with a matching
`If-None-Match` gets 304.  Records are kept in memory and reloaded when the
database's version changes (checked at most every `refresh_seconds`), so a
change made by any process is served within that time, and a look-up costs
no database read.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, Dict, Iterable, List, Optional, Tuple

from aiohttp import web
from pydantic import BaseModel

from bot.catalogue.files import Layout, read_all
from bot.catalogue.models import PHRASEBOOK_ID, FaqEntry, Names, Phrasebook, Service, service_names
from bot.catalogue.search import ServiceIndex, read_fillers
from bot.catalogue.store import CatalogueStore
from bot.config import Settings
from bot.vietnamese import Lexicon

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 500



class Catalogue:
    """In-memory view of the store, refreshed when its version changes."""

    def __init__(
        self, store: CatalogueStore, lexicon: Lexicon, refresh_seconds: float = 1.0, fillers: Iterable[str] = ()
    ) -> None:
        self.store = store
        self.lexicon = lexicon
        self.fillers = list(fillers)
        self.refresh_seconds = refresh_seconds
        self.version = -1
        self.services: Dict[str, Service] = {}
        self.faq: Dict[str, FaqEntry] = {}
        self.phrases: Optional[Phrasebook] = None
        self.index = ServiceIndex({}, lexicon)
        # (version, names, channel names) in one value, so /names never pairs a version with other names
        self.names: Tuple[int, Names, Names] = (-1, {}, {})
        self._checked_at = 0.0
        self._lock = asyncio.Lock()

    def load(self) -> None:
        """Reload if the database's version changed.  If the database cannot be
        read, or reads as empty, the last good copy goes on being served."""
        try:
            self._load()
        except Exception as error:  # noqa: BLE001 - any database failure: keep serving, tell the operator
            logger.error("Catalogue database unreadable; serving the copy of version %s: %s", self.version, error)

    def _load(self) -> None:
        version = self.store.version()
        if version == self.version:
            return
        services: Dict[str, Service] = self.store.all("service")  # type: ignore[assignment]
        if not services and self.services:
            raise RuntimeError("the database holds no services")
        self.faq = self.store.all("faq")  # type: ignore[assignment]
        self.phrases = self.store.get("phrases", PHRASEBOOK_ID)  # type: ignore[assignment]
        terms, channels = service_names(services)
        self.index = ServiceIndex(terms, self.lexicon, channels, self.fillers)
        self.names = (version, terms, channels)
        self.services = services
        self.version = version
        logger.info("Catalogue version %s: %d services, %d FAQ entries", version, len(services), len(self.faq))

    async def fresh(self) -> "Catalogue":
        if time.monotonic() - self._checked_at >= self.refresh_seconds:
            async with self._lock:
                if time.monotonic() - self._checked_at >= self.refresh_seconds:
                    await asyncio.get_running_loop().run_in_executor(None, self.load)
                    self._checked_at = time.monotonic()
        return self


def make_app(catalogue: Catalogue) -> web.Application:
    routes = web.RouteTableDef()

    def etag(cat: Catalogue) -> str:
        return f'"{cat.version}"'

    def not_modified(request: web.Request, cat: Catalogue) -> bool:
        return request.headers.get("If-None-Match") == etag(cat)

    def json_response(cat: Catalogue, data: Any, status: int = 200) -> web.Response:
        return web.Response(
            text=json.dumps(data, ensure_ascii=False), status=status,
            content_type="application/json", headers={"ETag": etag(cat)},
        )

    def record_response(request: web.Request, cat: Catalogue, record: Optional[BaseModel]) -> web.Response:
        if record is None:
            return json_response(cat, {"error": "not_found"}, status=404)
        if not_modified(request, cat):
            return web.Response(status=304, headers={"ETag": etag(cat)})
        return web.Response(
            text=record.json(ensure_ascii=False), content_type="application/json", headers={"ETag": etag(cat)}
        )

    @routes.get("/health")
    async def health(request: web.Request) -> web.Response:
        cat = await catalogue.fresh()
        return json_response(cat, {"status": "ok", "services": len(cat.services), "version": cat.version})

    @routes.get("/services")
    async def list_services(request: web.Request) -> web.Response:
        cat = await catalogue.fresh()
        if not_modified(request, cat):
            return web.Response(status=304, headers={"ETag": etag(cat)})
        return json_response(cat, [
            {"id": s.id, "name": s.name, "short_name": s.short_name, "group": s.group,
             "essential_number": s.essential_number, "in_vneid": s.in_vneid}
            for s in sorted(cat.services.values(), key=lambda s: s.id)
        ])

    @routes.get("/services/{service_id}")
    async def get_service(request: web.Request) -> web.Response:
        cat = await catalogue.fresh()
        return record_response(request, cat, cat.services.get(request.match_info["service_id"]))

    @routes.get("/faq")
    async def list_faq(request: web.Request) -> web.Response:
        cat = await catalogue.fresh()
        if not_modified(request, cat):
            return web.Response(status=304, headers={"ETag": etag(cat)})
        return json_response(cat, [
            {"id": e.id, "title": e.title, "service": e.service} for e in sorted(cat.faq.values(), key=lambda e: e.id)
        ])

    @routes.get("/faq/{entry_id}")
    async def get_faq(request: web.Request) -> web.Response:
        cat = await catalogue.fresh()
        return record_response(request, cat, cat.faq.get(request.match_info["entry_id"]))

    @routes.get("/phrases")
    async def get_phrases(request: web.Request) -> web.Response:
        cat = await catalogue.fresh()
        return record_response(request, cat, cat.phrases)

    @routes.get("/search")
    async def search(request: web.Request) -> web.Response:
        query = request.query.get("q", "")[:MAX_QUERY_CHARS]
        cat = await catalogue.fresh()
        try:
            limit = max(1, min(20, int(request.query.get("limit", "5"))))
        except ValueError:
            return json_response(cat, {"error": "limit must be a number"}, status=400)
        hits = cat.index.search(query, limit=limit)
        return json_response(cat, [
            {"id": h.service_id, "short_name": cat.services[h.service_id].short_name, "score": h.score}
            for h in hits
            if h.service_id in cat.services
        ])

    @routes.get("/names")
    async def get_names(request: web.Request) -> web.Response:
        version, terms, channels = (await catalogue.fresh()).names
        tag = f'"{version}"'
        if request.headers.get("If-None-Match") == tag:
            return web.Response(status=304, headers={"ETag": tag})
        return web.Response(
            text=json.dumps({"version": version, "terms": terms, "channels": channels}, ensure_ascii=False),
            content_type="application/json", headers={"ETag": tag},
        )

    app = web.Application()
    app.add_routes(routes)
    return app


def open_store(settings: Settings) -> CatalogueStore:
    """The store, migrated, and seeded from data/ if the database is empty."""
    store = CatalogueStore(settings.database_url)
    if not store.count():
        store.seed_if_empty(read_all(Layout.under(settings.data_dir)))
    return store


def serve(settings: Settings) -> None:
    catalogue = Catalogue(open_store(settings), Lexicon.from_file(str(settings.lexicon_path)),
                          fillers=read_fillers(str(settings.fillers_path)))
    catalogue.load()
    web.run_app(
        make_app(catalogue),
        host=settings.host,
        port=settings.catalogue_port,
        print=lambda *_: None,
        access_log=None,
    )
