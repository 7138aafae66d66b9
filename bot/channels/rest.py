"""Rasa's REST channel with the checks every message needs (`guard.py`).

POST /webhooks/rest/webhook {"sender": "...", "message": "..."}
- 400 with a JSON error for a missing or empty sender or a message that is not text;
- 413 for a body over MAX_BODY_BYTES;
- a polite reply, without parsing, for a message over MAX_MESSAGE_CHARS or
  too many messages a minute;
- the polite "unavailable" reply (not an empty list, not a trace) when the
  stack behind fails.
"""

from __future__ import annotations

import json
import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, List, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import Guard, InvalidMessage, client_address
from bot.config import Settings

logger = logging.getLogger(__name__)


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def __init__(self) -> None:
        self.guard = Guard(Settings.from_env())

    def _reply(self, sender: str, text: str) -> HTTPResponse:
        return response.json([{"recipient_id": sender, "text": text}])

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("guarded_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if len(request.body or b"") > self.guard.max_body:
                return response.json({"error": "request body too large"}, status=413)
            try:
                body = json.loads(request.body or b"{}")
                if not isinstance(body, dict):
                    raise InvalidMessage("the body must be a JSON object")
                sender = self.guard.sender(body.get("sender"))
                text = self.guard.text(body.get("message"))
            except (ValueError, InvalidMessage) as error:
                message = str(error) if isinstance(error, InvalidMessage) else "the body must be JSON"
                return response.json({"error": message}, status=400)
            verdict = self.guard.check(sender, client_address(request, self.guard.trusted_proxies), text)
            if verdict.reply:
                return self._reply(sender, verdict.reply)
            metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else None
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(),
                                                 metadata=metadata))
            except (CancelledError, Exception):  # noqa: BLE001 - the citizen gets an apology, operators the log
                logger.exception("A message of conversation %s could not be handled", sender)
                return self._reply(sender, self.guard.say("unavailable"))
            messages: List[Dict[str, Any]] = collector.messages
            return response.json(messages)

        return webhook
