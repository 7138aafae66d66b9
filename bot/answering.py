"""Answer "what about <aspect> of <service>?" from the catalogue.

This is what the custom action calls: it turns a service id and an aspect into
a reply, and turns every failure (no service named, unknown id, catalogue
service down) into a polite Vietnamese message; nothing here raises to the
citizen.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

from bot.catalogue.answers import Aspect, Renderer, Replies, today_in_vietnam
from bot.catalogue.client import CatalogueClient, CatalogueUnavailable, ServiceNotFound

logger = logging.getLogger(__name__)

ASPECT_BY_INTENT: Dict[str, Aspect] = {
    "ask_documents": Aspect.documents,
    "ask_fee": Aspect.fee,
    "ask_processing_time": Aspect.processing_time,
    "ask_how_to_apply": Aspect.how_to_apply,
    "ask_service_info": Aspect.overview,
}


@dataclass
class Reply:
    text: str
    buttons: List[Dict[str, str]] = field(default_factory=list)
    answered: bool = False  # True when the reply carries catalogue facts


def aspect_for(intent: Optional[str], previous: Optional[str]) -> Aspect:
    """The intent's aspect; for a bare service name, the previous aspect."""
    if intent in ASPECT_BY_INTENT:
        return ASPECT_BY_INTENT[intent]
    try:
        return Aspect(previous) if previous else Aspect.overview
    except ValueError:
        return Aspect.overview


class Answerer:
    def __init__(
        self,
        client: CatalogueClient,
        replies: Replies,
        today: Callable[[], dt.date] = today_in_vietnam,
    ) -> None:
        self.client = client
        self.replies = replies
        self.today = today

    def answer(self, service_id: Optional[str], aspect: Aspect) -> Reply:
        try:
            if not service_id:
                return self._ask_which_service(aspect)
            service = self.client.get_service(service_id)
            text = Renderer(self.replies, self.today()).render(service, aspect)
            return Reply(text, answered=True)
        except ServiceNotFound:
            logger.info("Unknown service id %r", service_id)
            return Reply(self.replies.message("service_not_found"))
        except CatalogueUnavailable as error:
            logger.error("Catalogue service unavailable: %s", error)
            return Reply(self.replies.message("catalogue_down"))

    def _ask_which_service(self, aspect: Aspect) -> Reply:
        intent = next((i for i, a in ASPECT_BY_INTENT.items() if a == aspect), "ask_service_info")
        buttons = [
            {"title": s["short_name"][:1].upper() + s["short_name"][1:],
             "payload": f'/{intent}{{"service": "{s["id"]}"}}'}
            for s in self.client.list_services()
        ]
        return Reply(self.replies.message("ask_service"), buttons)
