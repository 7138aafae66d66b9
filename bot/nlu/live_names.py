"""Service names added to the catalogue since the model was trained.

The NLU learns the services' names at training time (lookup tables), so an
alias a staff member adds would wait for the next `make train`.  In the Rasa
server a daemon thread polls the catalogue's `/names` (a 304 while nothing
changed), and the service extractor and the unknown-words guard merge what it
holds with their trained names, once per catalogue version.

Only `bot.rasa_server.run_rasa` enables it: training, evaluation and tests
that build components see no live names, so a model depends on its training
data alone and stays reproducible.  If the catalogue cannot be reached, the
last names it gave stay in use; nothing here ever raises into the NLU.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from typing import Any, Iterator, Optional, Tuple

import requests

from bot.catalogue.models import Names

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LiveNames:
    """The catalogue's service names at one version (as `GET /names` gives them)."""

    version: int
    terms: Names
    channels: Names

    def merged(self, trained_terms: Names, trained_channels: Names) -> Tuple[Names, Names]:
        """The trained names updated with these: the catalogue's names win for a
        service it knows (an alias removed there is gone), a service only the
        model knows keeps its trained names."""
        terms = {**trained_terms, **self.terms}
        channels = {sid: names for sid, names in trained_channels.items() if sid not in self.terms}
        channels.update(self.channels)
        return terms, channels

    def all_names(self) -> Iterator[str]:
        for names in (*self.terms.values(), *self.channels.values()):
            yield from names


def _names(value: Any) -> Names:
    if not isinstance(value, dict):
        raise ValueError("expected {service id: [names]}")
    return {str(sid): [str(n) for n in names] for sid, names in value.items() if isinstance(names, list)}


def parse(data: Any) -> LiveNames:
    """A `/names` body; ValueError if it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("version"), int):
        raise ValueError("expected {'version': int, 'terms': ..., 'channels': ...}")
    return LiveNames(data["version"], _names(data.get("terms")), _names(data.get("channels", {})))


class NamesPoller:
    """Keeps the last good `/names` of one catalogue, refreshed every `every` seconds."""

    def __init__(self, catalogue_url: str, every: float = 2.0, timeout: float = 1.0) -> None:
        self.url = catalogue_url.rstrip("/") + "/names"
        self.every = every
        self.timeout = timeout
        self.names: Optional[LiveNames] = None
        self._etag: Optional[str] = None
        self._failing = False
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._pid = 0
        self._start_lock = threading.Lock()

    def ensure_running(self) -> None:
        """Start the thread, again in a forked child (Sanic forks its workers
        when there are several; a fork keeps no threads)."""
        if self._pid == os.getpid() or self._stop.is_set():
            return
        with self._start_lock:
            if self._pid != os.getpid() and not self._stop.is_set():
                self._thread = threading.Thread(target=self._run, name="live-service-names", daemon=True)
                self._thread.start()
                self._pid = os.getpid()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._pid == os.getpid():
            self._thread.join(timeout=self.timeout + 1)

    def _run(self) -> None:
        session = requests.Session()
        while not self._stop.is_set():
            self.poll(session)
            self._stop.wait(self.every)

    def poll(self, session: Optional[requests.Session] = None) -> None:
        """One request; on any failure the last names stay and the operator is told once per outage."""
        headers = {"If-None-Match": self._etag} if self._etag and self.names else {}
        try:
            response = (session or requests).get(self.url, headers=headers, timeout=self.timeout)
            if response.status_code != 304:
                response.raise_for_status()
                names = parse(response.json())
                self.names = names
                self._etag = response.headers.get("ETag")
                logger.info("Live service names: catalogue version %s, %d services", names.version, len(names.terms))
        except Exception as error:  # noqa: BLE001 - whatever went wrong, the NLU keeps the names it has
            if not self._failing:
                kept = f"catalogue version {self.names.version}" if self.names else "the trained names alone"
                logger.warning("Cannot read the live service names from %s (%s); using %s", self.url, error, kept)
            self._failing = True
            return
        if self._failing:
            logger.info("Live service names readable again from %s", self.url)
        self._failing = False


_poller: Optional[NamesPoller] = None


def enable(catalogue_url: str, every: float = 2.0, timeout: float = 1.0) -> NamesPoller:
    """Poll `catalogue_url` for service names from now on, in this process."""
    global _poller
    disable()
    _poller = NamesPoller(catalogue_url, every, timeout)
    _poller.ensure_running()
    return _poller


def disable() -> None:
    """Back to the trained names alone (components notice on their next message)."""
    global _poller
    poller, _poller = _poller, None
    if poller is not None:
        poller.stop()


def current() -> Optional[LiveNames]:
    """The latest live names; None when disabled or none read yet.  Cheap:
    components call it for every message and compare the version."""
    poller = _poller
    if poller is None:
        return None
    poller.ensure_running()
    return poller.names
