"""Turn what the user asked into a reply, from the catalogue service.

The custom actions call this: a service id and an aspect, a FAQ id, a list
request, a step of the VNeID activation guide, or an unsure NLU result become a
`Reply`.  Every failure (no service named, unknown id, catalogue service down)
becomes a polite Vietnamese message; nothing here raises to the citizen.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Mapping, Optional, Sequence

from bot.catalogue.client import CatalogueClient, CatalogueUnavailable, ServiceNotFound
from bot.replies import dialogue
from bot.replies.aspects import ASPECT_BY_INTENT, INTENT_BY_ASPECT, Aspect
from bot.replies.phrases import Phrases
from bot.replies.render import Renderer, capitalised, today_in_vietnam

logger = logging.getLogger(__name__)

VNEID_SERVICE = "kich_hoat_vneid"


@dataclass
class Reply:
    text: str
    buttons: List[Dict[str, str]] = field(default_factory=list)
    # what kind of turn this is: answer, faq, list, guide, clarify, ask_service,
    # handover, chitchat, welcome, apology (metrics and feedback use it)
    kind: str = "answer"

    @property
    def answered(self) -> bool:
        """True when the reply carries catalogue facts."""
        return self.kind in ("answer", "faq", "list", "guide")


class Answerer:
    def __init__(self, client: CatalogueClient, today: Callable[[], dt.date] = today_in_vietnam) -> None:
        self.client = client
        self.today = today

    def _phrases(self) -> Phrases:
        return Phrases(self.client.phrases())

    def _safely(self, build: Callable[[Phrases], Reply]) -> Reply:
        try:
            phrases = self._phrases()
        except (CatalogueUnavailable, ServiceNotFound) as error:
            logger.error("Phrasebook unavailable: %s", error)
            return Reply(FALLBACK_APOLOGY, kind="apology")
        try:
            return build(phrases)
        except ServiceNotFound as error:
            logger.info("Not in the catalogue: %s", error)
            return Reply(phrases.message("service_not_found"), kind="apology")
        except CatalogueUnavailable as error:
            logger.error("Catalogue service unavailable: %s", error)
            return Reply(phrases.message("catalogue_down"), kind="apology")

    # -- conversation --------------------------------------------------------------

    def welcome(self, first_of_session: bool = True) -> Reply:
        """The session-start welcome, or a short greeting later on."""
        return self._safely(lambda p: Reply(
            p.welcome(first_of_session), p.welcome_buttons(), kind="welcome"))

    def say(self, key: str) -> Reply:
        """A fixed phrase of the dialogue (goodbye, thanks, out of scope, ...)."""
        return self._safely(lambda p: Reply(p.say(key), kind="chitchat"))

    def after_miss(
        self,
        ranking: Sequence[Mapping],
        faq_ranking: Sequence[Mapping],
        service_id: Optional[str],
        misses: int,
    ) -> Reply:
        """The NLU did not understand: offer the likeliest readings, or on the
        second miss in a row hand over to people (hotline, one-stop desk)."""

        def build(p: Phrases) -> Reply:
            if dialogue.should_hand_over(misses):
                return Reply(p.say("handover"), kind="handover")
            candidates = dialogue.clarify_candidates(ranking, faq_ranking, p.intent_labels)
            if not candidates:
                return Reply(p.say("clarify_none"), [
                    {"title": p.intent_labels["list_services"], "payload": dialogue.payload("list_services")},
                    {"title": p.intent_labels["vneid_activation_guide"],
                     "payload": dialogue.payload("vneid_activation_guide")},
                ], kind="clarify")
            buttons = [self._candidate_button(p, c, service_id) for c in candidates]
            return Reply(p.say("clarify"), buttons, kind="clarify")

        return self._safely(build)

    def _candidate_button(self, p: Phrases, candidate: dialogue.Candidate, service_id: Optional[str]) -> Dict[str, str]:
        if candidate.faq:
            title = self.client.get_faq(candidate.faq).title
            return {"title": title, "payload": dialogue.faq_payload(candidate.faq)}
        with_service = candidate.intent in ASPECT_BY_INTENT or candidate.intent == "inform_service"
        return {
            "title": p.intent_labels[candidate.intent],
            "payload": dialogue.service_payload(candidate.intent, service_id if with_service else None),
        }

    # -- services --------------------------------------------------------------

    def answer(self, service_id: Optional[str], aspect: Aspect) -> Reply:
        def build(p: Phrases) -> Reply:
            if not service_id:
                return self._ask_which_service(p, aspect)
            service = self.client.get_service(service_id)
            return Reply(Renderer(p, self.today()).render(service, aspect))

        return self._safely(build)

    def _ask_which_service(self, p: Phrases, aspect: Aspect) -> Reply:
        intent = INTENT_BY_ASPECT.get(aspect, "ask_service_info")
        names = {s["id"]: s["short_name"] for s in self.client.list_services()}
        buttons = [
            {"title": capitalised(names[sid]), "payload": dialogue.service_payload(intent, sid)}
            for sid in p.popular_services
            if sid in names
        ]
        buttons.append({"title": p.intent_labels["list_services"], "payload": dialogue.payload("list_services")})
        return Reply(p.message("ask_service"), buttons, kind="ask_service")

    def list_services(self) -> Reply:
        def build(p: Phrases) -> Reply:
            services = [s for s in self.client.list_services() if s.get("essential_number")]
            lines = [p.say("list_intro")]
            for group, title in p.groups.items():
                members = sorted((s for s in services if s["group"] == group), key=lambda s: s["essential_number"])
                if members:
                    names = "; ".join(f"{s['essential_number']}. {capitalised(s['short_name'])}" for s in members)
                    lines.append(f"- **{title}**: {names}")
            lines.append(p.say("list_more"))
            return Reply("\n".join(lines), kind="list")

        return self._safely(build)

    def services_in_vneid(self) -> Reply:
        def build(p: Phrases) -> Reply:
            services = sorted(
                (s for s in self.client.list_services() if s["in_vneid"]),
                key=lambda s: s.get("essential_number") or 0,
            )
            lines = [p.say("vneid_services_intro")]
            lines += [f"- {capitalised(s['short_name'])}" for s in services]
            lines.append(p.say("list_more"))
            return Reply("\n".join(lines), kind="list")

        return self._safely(build)

    # -- FAQ -----------------------------------------------------------------

    def faq(self, entry_id: Optional[str]) -> Reply:
        def build(p: Phrases) -> Reply:
            if not entry_id:
                raise ServiceNotFound("no FAQ entry selected")
            entry = self.client.get_faq(entry_id)
            return Reply(Renderer(p, self.today()).faq(entry), kind="faq")

        return self._safely(build)

    # -- VNeID activation, one step at a time ------------------------------------

    def vneid_step(self, number: int, stuck: bool = False) -> Reply:
        def build(p: Phrases) -> Reply:
            steps = self.client.get_service(VNEID_SERVICE).steps
            total = len(steps.items)
            if number > total:
                return Reply(
                    p.say("step_done"),
                    [{"title": p.say("restart_steps"), "payload": dialogue.payload("vneid_activation_guide")}],
                    kind="guide",
                )
            current = max(1, number)
            if stuck:
                help_text = steps.help[current - 1] if steps.help else ""
                lines = [p.say("stuck", number=current), help_text or p.say("stuck_default")]
            else:
                lines = [p.say("step", number=current, total=total, text=steps.items[current - 1])]
            buttons = [
                {"title": p.say("next_step"), "payload": dialogue.payload("vneid_next_step")},
                {"title": p.say("stuck_button"), "payload": dialogue.payload("vneid_stuck")},
            ]
            return Reply("\n".join(lines), buttons, kind="guide")

        return self._safely(build)


# When not even the phrasebook can be read, the apology cannot come from it.
FALLBACK_APOLOGY = (
    "Dạ, em xin lỗi, hệ thống tra cứu thủ tục đang tạm gián đoạn nên em chưa trả lời được lúc này. "
    "Anh/chị vui lòng thử lại sau ít phút, hoặc tra cứu trực tiếp trên Cổng Dịch vụ công quốc gia "
    "https://dichvucong.gov.vn ạ."
)
