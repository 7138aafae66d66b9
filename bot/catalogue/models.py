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
from typing import List, Optional

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
    (VNeID problems, what Đề án 06 is, how to look up an application)."""

    id: str = Field(regex=ID_PATTERN)  # also the intent that asks it
    title: str
    answer: str
    source: HttpUrl
    verified: dt.date
    service: Optional[str] = None  # related catalogue service id
