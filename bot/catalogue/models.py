"""The service catalogue's record types.

Every fact carries where it came from (`source`, a URL) and when someone last
checked it (`verified`).  A fact we could not verify is recorded as such
(`status: unknown` with a `reason`), so the bot can say "no verified figure"
instead of guessing.  Temporary fees carry their validity dates and condition;
`bot.catalogue.answers` picks the ones in force on the day it answers.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Dict, List, Optional

from pydantic import BaseModel, Extra, Field, HttpUrl, root_validator, validator

ID_PATTERN = r"^[a-z0-9_]+$"


class Status(str, Enum):
    known = "known"
    unknown = "unknown"  # nothing verified was found
    conflicting = "conflicting"  # sources disagree


class Channel(str, Enum):
    all = "all"
    online = "online"
    in_person = "in_person"


class Record(BaseModel):
    class Config:
        extra = Extra.forbid
        allow_mutation = False


class Fact(Record):
    """A piece of the catalogue someone checked against a source."""

    source: HttpUrl
    verified: dt.date
    status: Status = Status.known
    reason: Optional[str] = None  # why a fact is unknown or conflicting
    note: Optional[str] = None  # shown after the fact

    @root_validator(skip_on_failure=True)
    def _reason_when_not_known(cls, values):  # noqa: N805 - pydantic API
        if values.get("status") != Status.known and not values.get("reason"):
            raise ValueError("a fact with status unknown/conflicting needs a 'reason'")
        return values


class TextFact(Fact):
    text: Optional[str] = None

    @root_validator(skip_on_failure=True)
    def _text_when_known(cls, values):  # noqa: N805
        if values.get("status") == Status.known and not values.get("text"):
            raise ValueError("a known fact needs a 'text'")
        return values


class ListFact(Fact):
    items: List[str] = Field(default_factory=list)

    @root_validator(skip_on_failure=True)
    def _items_when_known(cls, values):  # noqa: N805
        if values.get("status") == Status.known and not values.get("items"):
            raise ValueError("a known fact needs at least one item")
        return values


class Rate(Record):
    """A standard (permanent) rate in VND."""

    amount: int = Field(ge=0)
    channel: Channel = Channel.all


class TemporaryRate(Record):
    """A rate in force only between two dates, possibly only under a condition."""

    amount: int = Field(ge=0)
    channel: Channel = Channel.all
    valid_from: dt.date
    valid_to: dt.date
    # Who qualifies; None means it applies to everyone (it replaces the standard rate).
    condition: Optional[str] = None
    basis: str  # the legal instrument, e.g. "Thông tư 64/2025/TT-BTC"
    source: HttpUrl
    verified: dt.date
    uncertain: bool = False  # sources disagree or only a secondary copy was read

    @root_validator(skip_on_failure=True)
    def _ordered(cls, values):  # noqa: N805
        if values["valid_from"] > values["valid_to"]:
            raise ValueError("valid_from is after valid_to")
        return values

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_to


class FeeItem(Record):
    label: str  # e.g. "Cấp mới", "Cấp lại do mất, hỏng"
    standard: List[Rate] = Field(default_factory=list)
    temporary: List[TemporaryRate] = Field(default_factory=list)
    note: Optional[str] = None


class Fees(Fact):
    items: List[FeeItem] = Field(default_factory=list)

    @root_validator(skip_on_failure=True)
    def _items_when_known(cls, values):  # noqa: N805
        if values.get("status") == Status.known and not values.get("items"):
            raise ValueError("known fees need at least one item")
        return values


class OnlineChannel(Record):
    name: str
    url: Optional[HttpUrl] = None


class Steps(ListFact):
    channels: List[OnlineChannel] = Field(default_factory=list)
    # What to do when stuck at step n (same order as items; may be empty).
    help: List[str] = Field(default_factory=list)

    @root_validator(skip_on_failure=True)
    def _help_matches_items(cls, values):  # noqa: N805
        if values.get("help") and len(values["help"]) != len(values.get("items") or []):
            raise ValueError("'help' needs one entry per step in 'items'")
        return values


class Service(Record):
    """One public service (thủ tục) as the bot knows it."""

    id: str = Field(regex=ID_PATTERN)
    name: str  # official Vietnamese name
    short_name: str  # what the bot calls it in replies
    group: str = Field(regex=ID_PATTERN)  # topic, for lists and menus
    # position in Đề án 06's list of 25 essential services (None: not one of them)
    essential_number: Optional[int] = Field(None, ge=1, le=25)
    aliases: List[str] = Field(min_items=1)  # how people name it, with and without diacritics
    portal_url: HttpUrl  # where to apply or read more
    in_vneid: bool = False  # can be done in the VNeID app
    summary: TextFact
    agency: TextFact
    audience: TextFact  # who must/can use it, deadlines
    documents: ListFact
    steps: Steps
    processing_time: TextFact
    fees: Fees
    legal_basis: ListFact

    @validator("aliases", each_item=True)
    def _alias_not_blank(cls, alias: str) -> str:  # noqa: N805
        if not re.search(r"\w", alias):
            raise ValueError("an alias must contain a letter")
        return alias

    def facts(self) -> List[Fact]:
        return [
            self.summary,
            self.agency,
            self.audience,
            self.documents,
            self.steps,
            self.processing_time,
            self.fees,
            self.legal_basis,
        ]


class FaqEntry(Record):
    """A sourced answer to a question that is not about one service's facts
    (VNeID problems, what Đề án 06 is, how to look up an application).

    One record is the whole entry: the NLU learns `examples` as the retrieval
    intent `faq/<id>`, and the answer is read at run time, so changing it
    needs no retraining.
    """

    id: str = Field(regex=ID_PATTERN)
    title: str  # what the question is about; also its button label
    answer: str
    source: HttpUrl
    verified: dt.date
    service: Optional[str] = None  # related catalogue service id
    examples: List[str] = Field(min_items=2)  # how people ask it (training data)

    @validator("examples", each_item=True)
    def _example_not_blank(cls, example: str) -> str:  # noqa: N805
        if not re.search(r"\w", example):
            raise ValueError("an example must contain a letter")
        return example.strip()


class Button(Record):
    title: str
    payload: str


class Welcome(Record):
    text: str  # first message of a conversation
    greet: str  # a greeting later in the conversation
    buttons: List[Button]


class Phrasebook(Record):
    """Everything the bot says that is not a catalogue fact: templates around
    facts, apologies, hand-over, welcome, topic names, button labels.
    Facts (fees, documents, times) never live here.  `{portal}` and
    `{hotline}` in any phrase are filled from the fields below."""

    portal_url: HttpUrl
    hotline: str
    popular_services: List[str]  # offered as buttons when no service is named
    aspects: Dict[str, str]
    templates: Dict[str, str]
    fees: Dict[str, str]
    messages: Dict[str, str]
    groups: Dict[str, str]  # catalogue group -> topic name
    intent_labels: Dict[str, str]  # intent -> label of a "did you mean" button
    dialogue: Dict[str, str]
    welcome: Welcome

    @root_validator(skip_on_failure=True)
    def _required_phrases(cls, values):  # noqa: N805
        missing = [
            f"{section}.{key}"
            for section, keys in REQUIRED_PHRASES.items()
            for key in keys
            if key not in values.get(section, {})
        ]
        if missing:
            raise ValueError("missing phrases: " + ", ".join(missing))
        return values


REQUIRED_PHRASES: Dict[str, List[str]] = {
    "aspects": ["documents", "fee", "processing_time", "how_to_apply", "audience", "overview"],
    "templates": ["documents", "fee", "processing_time", "how_to_apply", "online_channels", "audience",
                  "overview", "overview_more", "unknown", "conflicting", "source"],
    "fees": ["free", "currency", "standard", "online", "in_person", "reduced_now", "reduced_uncertain",
             "conditional", "conditional_uncertain"],
    "messages": ["catalogue_down", "ask_service", "service_not_found"],
    "dialogue": ["clarify", "clarify_none", "handover", "list_intro", "list_more", "vneid_services_intro",
                 "step", "step_done", "stuck", "stuck_default", "next_step", "stuck_button", "restart_steps",
                 "goodbye", "thank", "out_of_scope", "personal_data"],
}

#: The record type of each kind of catalogue record.
KINDS = {"service": Service, "faq": FaqEntry, "phrases": Phrasebook}
PHRASEBOOK_ID = "replies"


def search_terms(service: Service) -> List[str]:
    """Every name a service is known by."""
    return [service.name, service.short_name, *service.aliases]


def alias_conflicts(services: Dict[str, Service]) -> List[str]:
    """Names (accent- and case-insensitive) claimed by two services."""
    from bot.vietnamese import fold

    owner: Dict[str, str] = {}
    problems: List[str] = []
    for service in sorted(services.values(), key=lambda s: s.id):
        for term in search_terms(service):
            first = owner.setdefault(fold(term), service.id)
            if first != service.id:
                problems.append(f"{service.id}: aliases: '{term}' is also an alias of '{first}'")
    return problems
