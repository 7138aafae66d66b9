"""Rasa's socket.io channel with working session persistence.

With `session_persistence: true`, Rasa 3.6.21 joins the socket to the
session's room with `sio.enter_room(...)` but does not await it; since
python-socketio 5.10 that method is a coroutine, so the socket never joins and
the client never receives a reply (RasaHQ/rasa#13027).  We re-register the
`session_request` handler with the await.  Persistence lets a page reload keep
the same conversation (the widget stores the session id for the tab).
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

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

        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            requested = (data or {}).get("session_id")
            session_id = requested if isinstance(requested, str) and SESSION_ID.match(requested) else uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        sio.on("session_request", namespace=self.namespace)(session_request)
        return blueprint
