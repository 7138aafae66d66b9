"""Turn what the user asked into a reply, from the catalogue service.

The custom actions call this: a service id and an aspect, a FAQ id, a list
request, a step of the VNeID activation guide, or an unsure NLU result become a
`Reply`.  Every failure (no service named, unknown id, catalogue service down)
becomes a polite Vietnamese message; nothing here raises to the citizen.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence

from bot.catalogue.answers import Aspect, Renderer, Replies, today_in_vietnam
from bot.catalogue.client import CatalogueClient, CatalogueUnavailable, ServiceNotFound

logger = logging.getLogger(__name__)

ASPECT_BY_INTENT: Dict[str, Aspect] = {
    "ask_documents": Aspect.documents,
    "ask_fee": Aspect.fee,
    "ask_processing_time": Aspect.processing_time,
    "ask_how_to_apply": Aspect.how_to_apply,
    "ask_audience": Aspect.audience,
    "ask_service_info": Aspect.overview,
}
VNEID_SERVICE = "kich_hoat_vneid"
# Intents never offered as "Có phải anh/chị muốn hỏi…?" candidates.
NOT_OFFERED = {"nlu_fallback", "out_of_scope", "personal_data", "vneid_next_step", "vneid_stuck"}


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


def payload(intent: str, service: Optional[str] = None) -> str:
    return f"/{intent}" + (json.dumps({"service": service}) if service else "")


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


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

    def _safely(self, build: Callable[[], Reply]) -> Reply:
        try:
            return build()
        except ServiceNotFound as error:
            logger.info("Not in the catalogue: %s", error)
            return Reply(self.replies.message("service_not_found"))
        except CatalogueUnavailable as error:
            logger.error("Catalogue service unavailable: %s", error)
            return Reply(self.replies.message("catalogue_down"))

    def welcome(self, first_of_session: bool = True) -> Reply:
        """The session-start welcome, or a short greeting later on."""
        key = "text" if first_of_session else "greet"
        return Reply(self.replies.welcome[key], [dict(b) for b in self.replies.welcome["buttons"]])

    # -- services ------------------------------------------------------------

    def answer(self, service_id: Optional[str], aspect: Aspect) -> Reply:
        def build() -> Reply:
            if not service_id:
                return self._ask_which_service(aspect)
            service = self.client.get_service(service_id)
            return Reply(Renderer(self.replies, self.today()).render(service, aspect), answered=True)

        return self._safely(build)

    def _ask_which_service(self, aspect: Aspect) -> Reply:
        intent = next((i for i, a in ASPECT_BY_INTENT.items() if a == aspect), "ask_service_info")
        popular = {"dang_ky_thuong_tru", "dang_ky_tam_tru", "dang_ky_khai_sinh", "cap_ho_chieu_pho_thong",
                   "cap_doi_the_can_cuoc", VNEID_SERVICE}
        buttons = [
            {"title": capitalised(s["short_name"]), "payload": payload(intent, s["id"])}
            for s in self.client.list_services()
            if s["id"] in popular
        ]
        buttons.append({"title": self.replies.intent_labels["list_services"], "payload": "/list_services"})
        return Reply(self.replies.message("ask_service"), buttons)

    def list_services(self) -> Reply:
        def build() -> Reply:
            services = [s for s in self.client.list_services() if s.get("essential_number")]
            lines = [self.replies.say("list_intro")]
            for group, title in self.replies.groups.items():
                members = sorted((s for s in services if s["group"] == group), key=lambda s: s["essential_number"])
                if members:
                    names = "; ".join(f"{s['essential_number']}. {capitalised(s['short_name'])}" for s in members)
                    lines.append(f"- **{title}**: {names}")
            lines.append(self.replies.say("list_more"))
            return Reply("\n".join(lines), answered=True)

        return self._safely(build)

    def services_in_vneid(self) -> Reply:
        def build() -> Reply:
            services = sorted(
                (s for s in self.client.list_services() if s["in_vneid"]),
                key=lambda s: s.get("essential_number") or 0,
            )
            lines = [self.replies.say("vneid_services_intro")]
            lines += [f"- {capitalised(s['short_name'])}" for s in services]
            lines.append(self.replies.say("list_more"))
            return Reply("\n".join(lines), answered=True)

        return self._safely(build)

    # -- FAQ -----------------------------------------------------------------

    def faq(self, entry_id: str) -> Reply:
        def build() -> Reply:
            entry = self.client.get_faq(entry_id)
            return Reply(Renderer(self.replies, self.today()).faq(entry), answered=True)

        return self._safely(build)

    # -- VNeID activation, one step at a time ------------------------------------

    def vneid_step(self, number: int, stuck: bool = False) -> Reply:
        def build() -> Reply:
            steps = self.client.get_service(VNEID_SERVICE).steps
            total = len(steps.items)
            if number > total:
                return Reply(
                    self.replies.say("step_done"),
                    [{"title": self.replies.say("restart_steps"), "payload": "/vneid_activation_guide"}],
                    answered=True,
                )
            current = max(1, number)
            lines = []
            if stuck:
                lines.append(self.replies.say("stuck", number=current))
                help_text = steps.help[current - 1] if steps.help else ""
                lines.append(help_text or self.replies.say("stuck_default"))
            else:
                lines.append(self.replies.say("step", number=current, total=total, text=steps.items[current - 1]))
            buttons = [
                {"title": self.replies.say("next_step"), "payload": "/vneid_next_step"},
                {"title": self.replies.say("stuck_button"), "payload": "/vneid_stuck"},
            ]
            return Reply("\n".join(lines), buttons, answered=True)

        return self._safely(build)

    # -- when the NLU is unsure ------------------------------------------------

    def clarify(self, ranking: Sequence[Dict], service_id: Optional[str], misses: int) -> Reply:
        """First miss: the two likeliest readings as buttons.  Second miss in a
        row: hand over to people (hotline, one-stop desk); never a loop."""
        if misses % 2 == 0:
            return Reply(self.replies.say("handover"))
        candidates = [
            r["name"] for r in ranking
            if r.get("name") not in NOT_OFFERED and r.get("name") in self.replies.intent_labels
        ][:2]
        if not candidates:
            return Reply(
                self.replies.say("clarify_none"),
                [{"title": self.replies.intent_labels["list_services"], "payload": "/list_services"},
                 {"title": self.replies.intent_labels["vneid_activation_guide"], "payload": "/vneid_activation_guide"}],
            )
        buttons = []
        for intent in candidates:
            title = self.replies.intent_labels[intent]
            with_service = intent in ASPECT_BY_INTENT or intent == "inform_service"
            buttons.append({"title": title, "payload": payload(intent, service_id if with_service else None)})
        return Reply(self.replies.say("clarify"), buttons)
