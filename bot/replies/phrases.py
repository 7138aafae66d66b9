"""The bot's wording, from the phrasebook record (data/lang/replies.yml seeds
it; staff edit it live).  `{portal}` and `{hotline}` are filled in every
phrase, so the portal URL and the hotline are written in one place."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping

from bot.catalogue.models import Phrasebook


class Phrases:
    def __init__(self, book: Phrasebook) -> None:
        self.book = book

    @property
    def portal(self) -> str:
        return str(self.book.portal_url)

    @property
    def hotline(self) -> str:
        return self.book.hotline

    @property
    def aspects(self) -> Mapping[str, str]:
        return self.book.aspects

    @property
    def groups(self) -> Mapping[str, str]:
        return self.book.groups

    @property
    def intent_labels(self) -> Mapping[str, str]:
        return self.book.intent_labels

    @property
    def popular_services(self) -> List[str]:
        return list(self.book.popular_services)

    def fill(self, phrase: str, /, **values: Any) -> str:
        return phrase.format(portal=self.portal, hotline=self.hotline, **values)

    def template(self, key: str, **values: Any) -> str:
        return self.fill(self.book.templates[key], **values)

    def fee(self, key: str, **values: Any) -> str:
        return self.fill(self.book.fees[key], **values)

    def message(self, key: str, **values: Any) -> str:
        return self.fill(self.book.messages[key], **values)

    def say(self, key: str, **values: Any) -> str:
        return self.fill(self.book.dialogue[key], **values)

    def welcome(self, first_of_session: bool) -> str:
        return self.fill(self.book.welcome.text if first_of_session else self.book.welcome.greet)

    def welcome_buttons(self) -> List[Dict[str, str]]:
        return [{"title": b.title, "payload": b.payload} for b in self.book.welcome.buttons]
