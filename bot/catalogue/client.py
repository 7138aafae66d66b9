"""HTTP client for the catalogue service, used by the actions and the web page.

Short timeouts and one retry: a citizen waits for the answer, and if the
service is down the caller must say so quickly rather than hang.  Responses
are kept and revalidated with the catalogue version (ETag), so an unchanged
record costs a 304, not a download and a parse.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Dict, List, Optional, Tuple

import requests

from bot.catalogue.models import FaqEntry, Phrasebook, Service

logger = logging.getLogger(__name__)


class CatalogueUnavailable(Exception):
    """The catalogue service could not be reached or answered with an error."""


class ServiceNotFound(Exception):
    """No service (or FAQ entry) with that id."""


class CatalogueClient:
    def __init__(self, base_url: str, timeout: float = 2.0, retries: int = 1) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self._session = requests.Session()
        self._cache: Dict[str, Tuple[str, Any]] = {}  # path -> (etag, parsed value)
        self._lock = threading.Lock()

    def _get(self, path: str, parse=lambda data: data, params: Optional[dict] = None, stale_ok: bool = False) -> Any:
        url = f"{self.base_url}{path}"
        cached = self._cache.get(path) if params is None else None
        headers = {"If-None-Match": cached[0]} if cached else {}
        last_error: Optional[Exception] = None
        for attempt in range(1 + self.retries):
            try:
                response = self._session.get(url, params=params, headers=headers, timeout=self.timeout)
            except requests.RequestException as error:
                last_error = error
                logger.warning("Catalogue request %s failed (attempt %d): %s", path, attempt + 1, error)
                continue
            if response.status_code == 304 and cached:
                return cached[1]
            if response.status_code == 404:
                raise ServiceNotFound(path)
            if response.status_code >= 500:
                last_error = CatalogueUnavailable(f"HTTP {response.status_code}")
                logger.warning("Catalogue request %s: HTTP %s", path, response.status_code)
                continue
            if response.status_code != 200:
                raise CatalogueUnavailable(f"{path}: HTTP {response.status_code}")
            try:
                value = parse(response.json())
            except ValueError as error:
                raise CatalogueUnavailable(f"{path}: invalid JSON") from error
            etag = response.headers.get("ETag")
            if etag and params is None:
                with self._lock:
                    self._cache[path] = (etag, value)
            return value
        if stale_ok and cached:
            logger.warning("Catalogue unreachable; using the last copy of %s", path)
            return cached[1]
        raise CatalogueUnavailable(str(last_error))

    @staticmethod
    def _quote(value: str) -> str:
        return requests.utils.quote(value, safe="")

    def get_service(self, service_id: str) -> Service:
        return self._get(f"/services/{self._quote(service_id)}", Service.parse_obj)

    def get_faq(self, entry_id: str) -> FaqEntry:
        return self._get(f"/faq/{self._quote(entry_id)}", FaqEntry.parse_obj)

    def list_services(self) -> List[dict]:
        return self._get("/services")

    def list_faq(self) -> List[dict]:
        return self._get("/faq")

    def phrases(self) -> Phrasebook:
        """The wording; the last copy if the service is down, so apologies still work."""
        return self._get("/phrases", Phrasebook.parse_obj, stale_ok=True)

    def search(self, query: str, limit: int = 5) -> List[dict]:
        return self._get("/search", params={"q": query, "limit": limit})
