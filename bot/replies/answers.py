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
from bot.replies.dialogue import Turn
from bot.replies.phrases import Phrases
from bot.replies.ranking import LineRanker
from bot.replies.render import DETAIL, Renderer, capitalised, today_in_vietnam

logger = logging.getLogger(__name__)

VNEID_SERVICE = "kich_hoat_vneid"


@dataclass
class Reply:
    text: str
    buttons: List[Dict[str, str]] = field(default_factory=list)
    # what kind of turn this is: answer, faq, list, guide, clarify, ask_service,
    # handover, chitchat, welcome, apology (metrics and feedback use it)
    kind: str = "answer"
    aspect: Optional[str] = None  # for a service answer: the aspect answered (or "detail")

    @property
    def answered(self) -> bool:
        """True when the reply carries catalogue facts."""
        return self.kind in ("answer", "faq", "list", "guide")


# Decisions measured on the question bank's dev part (README, "Question bank"):
# an intent this sure names the aspect asked (after a greeting, whose own
# intent takes most of the confidence, the best service intent needs less);
ASPECT_CONFIDENT = 0.6
ASPECT_CONFIDENT_AFTER_SMALL_TALK = 0.2
# an unsure message about the conversation's service is answered when its best
# service intent is this sure and surer than "out of scope"
FOLLOW_UP_CONFIDENT = 0.2
# a line of the asked aspect scoring this much (BM25) is put first in it;
LINE_ANSWERS = 2.0
# the best detail (a specific fact: validity, age rule, deadline ...) leads the
# reply, before the asked aspect, when it scores this much and at least as much
# as the aspect's own best line...
DETAIL_LEADS = 3.0
# ...and otherwise the best line of another aspect when it scores this much.
LINE_LEADS = 5.0
# at most this many lines lead a reply that has no sure aspect
LEAD_LINES = 2
# the aspects offered as buttons after an answer that led with one specific fact
OFFERED_ASPECTS = (Aspect.documents, Aspect.fee, Aspect.processing_time, Aspect.how_to_apply)


class Answerer:
    def __init__(
        self,
        client: CatalogueClient,
        today: Callable[[], dt.date] = today_in_vietnam,
        ranker: Optional[LineRanker] = None,
    ) -> None:
        self.client = client
        self.today = today
        self.ranker = ranker or LineRanker()

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

    # -- the one decision: what to do with a user's message --------------------

    def respond(self, turn: Turn) -> Reply:
        """Every question goes through here, whichever rule fired: a service
        named in the message wins over small talk and over a FAQ entry about
        another service; the bot asks back only when it cannot say anything
        useful (no service known, or no word it knows)."""
        intent = turn.intent
        if intent == dialogue.PERSONAL_DATA:
            return self.say("personal_data")
        if intent == dialogue.HANDOVER_INTENT:
            return self._safely(lambda p: Reply(p.say("handover"), kind="handover"))
        if intent == dialogue.FAQ_INTENT:
            return self._faq_or_service(turn)
        if intent in dialogue.SERVICE_INTENTS:
            return self.answer_turn(turn)
        if intent == dialogue.VNEID_SERVICES_INTENT:
            # "bằng lái trên VNeID có dùng thay bằng thật không": about the licence, not the app's list
            named = [s for s in turn.services_named if s != VNEID_SERVICE]
            if named and not turn.unknown_words:
                return self._safely(lambda p: self._service_reply(p, named[0], turn))
            return self.services_in_vneid()
        if turn.services_named and not turn.unknown_words and intent in (*dialogue.SMALL_TALK, dialogue.FALLBACK):
            return self.answer_turn(turn)  # "chào em, cho hỏi làm hộ chiếu mất bao lâu"
        if intent == dialogue.OUT_OF_SCOPE and turn.services_named and not turn.unknown_words:
            # "lý lịch tư pháp do công an hay sở tư pháp cấp?": out of scope to the
            # classifier, but a line of the named service answers it
            reply = self._safely(lambda p: self._service_reply(p, turn.services_named[0], turn, only_if_a_line_leads=True)
                                 or Reply(p.say(dialogue.OUT_OF_SCOPE), kind="chitchat"))
            return reply
        if intent == dialogue.FALLBACK:
            asked = turn.best_service_intent()
            if turn.service and not turn.unknown_words and asked and asked[1] >= FOLLOW_UP_CONFIDENT \
                    and asked[1] > turn.confidence(dialogue.OUT_OF_SCOPE):
                return self.answer_turn(turn)  # a follow-up about the conversation's service
            return self.after_miss(turn.ranking, turn.faq_ranking, turn.service,
                                   dialogue.consecutive_misses(turn.events))
        if intent == "greet":
            if len(dialogue.user_turns_this_session(turn.events)) > 1:
                return self.welcome(first_of_session=False)
            return Reply("", kind="welcome")  # the session's welcome was just sent
        return self.say(intent if intent in dialogue.SMALL_TALK else dialogue.OUT_OF_SCOPE)

    def _faq_or_service(self, turn: Turn) -> Reply:
        entry_id = turn.faq_button or turn.faq_selected

        def build(p: Phrases) -> Reply:
            if not entry_id:
                raise ServiceNotFound("no FAQ entry selected")
            entry = self.client.get_faq(entry_id)
            if entry.service and turn.services_named and entry.service not in turn.services_named \
                    and not turn.faq_button:
                return self._service_reply(p, turn.services_named[0], turn)
            return Reply(Renderer(p, self.today()).faq(entry), kind="faq")

        return self._safely(build)

    def answer_turn(self, turn: Turn) -> Reply:
        return self._safely(lambda p: self._service_reply(p, turn.service, turn)
                            if turn.service else self._ask_which_service(p, self._asked_aspect(turn)[0]))

    @staticmethod
    def _asked_aspect(turn: Turn) -> tuple:
        """(aspect, confident?) from the likeliest service intent, the previous aspect for a bare name."""
        asked = turn.best_service_intent()
        if not asked:
            return dialogue.aspect_for(None, turn.aspect_slot), False
        intent, confidence = asked
        needed = ASPECT_CONFIDENT_AFTER_SMALL_TALK if turn.intent in dialogue.SMALL_TALK else ASPECT_CONFIDENT
        return dialogue.aspect_for(intent, turn.aspect_slot), confidence >= needed

    def _service_reply(self, p: Phrases, service_id: str, turn: Turn, only_if_a_line_leads: bool = False) -> Optional[Reply]:
        """The answer about `service_id`: the lines that answer the question
        first.  With `only_if_a_line_leads`, None unless some line of the
        record answers the question itself."""
        service = self.client.get_service(service_id)
        renderer = Renderer(p, self.today())
        aspect, confident = self._asked_aspect(turn)
        confident = confident and not only_if_a_line_leads
        question = turn.question if turn.question is not None else turn.text
        ranked = self.ranker.rank(question, renderer.lines(service))
        if turn.intent == dialogue.VALIDITY_INTENT:  # the answer is a detail or a rule about who and when
            ranked = [(line, score) for line, score in ranked
                      if line.aspect in (DETAIL, Aspect.audience.value, Aspect.overview.value)]
            confident = False
        top, top_score = ranked[0] if ranked else (None, 0.0)
        detail = next(((line, score) for line, score in ranked if line.aspect == DETAIL), (None, 0.0))
        if confident:
            in_aspect = [(line, score) for line, score in ranked if line.aspect == aspect.value]
            best = [line for line, score in in_aspect if score >= LINE_ANSWERS][:LEAD_LINES]
            # a detail leads when it answers well, or when it is the record's best line
            detail_answers = detail[1] >= DETAIL_LEADS or (detail[0] is top and detail[1] >= LINE_ANSWERS)
            if detail[0] is not None and detail_answers and detail[1] >= (in_aspect[0][1] if in_aspect else 0.0):
                best.insert(0, detail[0])  # the specific fact asked, before the aspect
            elif top is not None and top.aspect != aspect.value and top_score >= LINE_LEADS:
                # the record's best lines answer better than the aspect asked: they lead
                lead = [line for line, score in ranked[:LEAD_LINES] if score >= DETAIL_LEADS and line not in best]
                best[:0] = lead
            return Reply(renderer.answer(service, aspect, best), kind="answer", aspect=aspect.value)
        leading = [line for line, score in ranked if score >= DETAIL_LEADS][:LEAD_LINES]
        if turn.intent == dialogue.VALIDITY_INTENT and not leading:
            leading = [line for line, score in ranked if score > 0][:LEAD_LINES]
        if only_if_a_line_leads and not leading:
            return None
        if leading:
            answered = None if leading[0].aspect == DETAIL else Aspect(leading[0].aspect)
            return Reply(renderer.answer(service, answered, leading), self._aspect_buttons(p, service_id, answered),
                         kind="answer", aspect=answered.value if answered else DETAIL)
        return Reply(renderer.render(service, aspect), self._aspect_buttons(p, service_id, aspect),
                     kind="answer", aspect=aspect.value)

    @staticmethod
    def _aspect_buttons(p: Phrases, service_id: str, answered: Optional[Aspect]) -> List[Dict[str, str]]:
        return [
            {"title": p.intent_labels[INTENT_BY_ASPECT[aspect]],
             "payload": dialogue.service_payload(INTENT_BY_ASPECT[aspect], service_id)}
            for aspect in OFFERED_ASPECTS if aspect != answered
        ]

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
