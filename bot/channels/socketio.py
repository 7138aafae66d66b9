"""Rasa's socket.io channel with working session persistence and the checks
every message needs (`guard.py`).

With `session_persistence: true`, Rasa 3.6.21 joins the socket to the
session's room with `sio.enter_room(...)` but does not await it; since
python-socketio 5.10 that method is a coroutine, so the socket never joins and
the client never receives a reply (RasaHQ/rasa#13027).  We re-register the
`session_request` handler with the await.  Persistence lets a page reload keep
the same conversation (the widget stores the session id for the tab).

Messages are checked like the REST channel's: no session id or a message that
is not text is answered with a clear error event; a message that is too long
or too fast gets a polite reply without being parsed; a failure behind the
channel gets the polite "unavailable" reply.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.channels.guard import Guard, InvalidMessage
from bot.config import Settings

logger = logging.getLogger(__name__)

# Session ids come from the browser: accept only opaque tokens.
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class PersistentSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        guard = Guard(Settings.from_env())

        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            requested = (data or {}).get("session_id")
            session_id = requested if isinstance(requested, str) and SESSION_ID.match(requested) else uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        async def say(sid: Text, text: str) -> None:
            await sio.emit(self.bot_message_evt, {"text": text}, room=sid)

        async def handle_message(sid: Text, data: Any) -> None:
            try:
                if not isinstance(data, dict):
                    raise InvalidMessage("a message must be an object with 'message' and 'session_id'")
                requested = data.get("session_id") if self.session_persistence else sid
                if not isinstance(requested, str) or not SESSION_ID.match(requested):
                    raise InvalidMessage("'session_id' is required: ask for one with 'session_request'")
                text = guard.text(data.get("message"))
            except InvalidMessage as error:
                await sio.emit("error", {"error": str(error)}, room=sid)
                return
            environ = sio.get_environ(sid) or {}
            remote = environ.get("REMOTE_ADDR") or sid
            forwarded = environ.get("HTTP_X_FORWARDED_FOR", "") if remote in guard.trusted_proxies else ""
            client = forwarded.split(",")[0].strip() or remote
            verdict = guard.check(requested, client, text)
            if verdict.reply:
                await say(sid, verdict.reply)
                return
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            message = UserMessage(text, SocketIOOutput(sio, self.bot_message_evt), requested,
                                  input_channel=self.name(), metadata=metadata if isinstance(metadata, dict) else {})
            try:
                await on_new_message(message)
            except Exception:  # noqa: BLE001 - the citizen gets an apology, operators the log
                logger.exception("A socket.io message of conversation %s could not be handled", requested)
                await say(sid, guard.say("unavailable"))

        sio.on("session_request", namespace=self.namespace)(session_request)
        sio.on(self.user_message_evt, namespace=self.namespace)(handle_message)
        return blueprint
