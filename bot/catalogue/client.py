"""HTTP client for the catalogue service, used by the custom actions.

Short timeouts and one retry: a citizen waits for the answer, and if the
service is down the action must say so quickly rather than hang.
"""

from __future__ import annotations

import logging
from typing import Any, List, Optional

import requests

from bot.catalogue.models import FaqEntry, Service

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

    def _get(self, path: str, params: Optional[dict] = None) -> Any:
        url = f"{self.base_url}{path}"
        last_error: Optional[Exception] = None
        for attempt in range(1 + self.retries):
            try:
                response = self._session.get(url, params=params, timeout=self.timeout)
            except requests.RequestException as error:
                last_error = error
                logger.warning("Catalogue request %s failed (attempt %d): %s", path, attempt + 1, error)
                continue
            if response.status_code == 404:
                raise ServiceNotFound(path)
            if response.status_code >= 500:
                last_error = CatalogueUnavailable(f"HTTP {response.status_code}")
                logger.warning("Catalogue request %s: HTTP %s", path, response.status_code)
                continue
            if response.status_code != 200:
                raise CatalogueUnavailable(f"{path}: HTTP {response.status_code}")
            try:
                return response.json()
            except ValueError as error:
                raise CatalogueUnavailable(f"{path}: invalid JSON") from error
        raise CatalogueUnavailable(str(last_error))

    def get_service(self, service_id: str) -> Service:
        data = self._get(f"/services/{requests.utils.quote(service_id, safe='')}")
        return Service.parse_obj(data)

    def get_faq(self, entry_id: str) -> FaqEntry:
        return FaqEntry.parse_obj(self._get(f"/faq/{requests.utils.quote(entry_id, safe='')}"))

    def list_services(self) -> List[dict]:
        return self._get("/services")
