"""Changes to Rasa 3.6.21 internals, applied by `bot.rasa_server` when it
starts Rasa (never on import).

1. RemoteAction._validate_action_result calls `jsonschema.validate(result,
   schema)` for every action-server response; `validate` re-checks the schema
   itself each time, which was 39% of the Rasa server's CPU under load
   (py-spy, docs/benchmarks.md).  We compile the validator once; responses are
   validated exactly as before, with the same error message.
2. Rasa sends the action server every event of the conversation's session
   with every call, so a long conversation makes every message slower.  Our
   actions look back only at the latest turns (the current streak of misses,
   whether this session already had a user turn), so calls carry the last
   ACTION_EVENTS events (default 60): the cost per message stays flat.
3. A custom action that cannot be reached or does not answer within
   ACTION_TIMEOUT seconds (default 2.5) makes Rasa send the polite
   "unavailable" reply (data/lang/system.yml) instead of nothing: Rasa's own
   timeout is five minutes, and an unreachable action server leaves the
   citizen without any reply.
4. Before running each action, MessageProcessor._run_action replays the whole
   conversation into a copy of the tracker (`tracker.copy()`), so that the
   events a policy attached to its prediction can be dropped if the action is
   rejected.  Our policy attaches none, and then the copy is the tracker
   itself: the cost of running an action no longer grows with the
   conversation (two copies per message were 4% of the CPU at 20 turns).
5. Rasa's `PUT /model` (how the staff app activates a retrained model) loads
   the new model inside the server's event loop, so every conversation waits
   the seconds TensorFlow needs.  We load it in a worker thread: the old model
   goes on answering until the new one replaces it.

BOT_RASA_PATCHES=0 leaves Rasa as shipped (for A/B benchmarks).
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Dict, Text

logger = logging.getLogger(__name__)

_applied = False


def apply() -> None:
    global _applied
    if _applied or os.environ.get("BOT_RASA_PATCHES", "1") == "0":
        return
    _compile_action_response_validator()
    _send_recent_events(int(os.environ.get("ACTION_EVENTS", "60")))
    _answer_when_actions_fail(float(os.environ.get("ACTION_TIMEOUT", "2.5")))
    _no_tracker_copy_without_policy_events()
    _load_models_off_the_event_loop()
    _applied = True


def _load_models_off_the_event_loop() -> None:
    import rasa.server

    load = rasa.server._load_agent  # looked up by the PUT /model handler at call time

    async def load_in_a_thread(*args: Any, **kwargs: Any):
        return await asyncio.to_thread(lambda: asyncio.run(load(*args, **kwargs)))

    rasa.server._load_agent = load_in_a_thread


def _compile_action_response_validator() -> None:
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator = validator_for(schema)(schema)

    def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        try:
            validator.validate(result)
            return True
        except ValidationError as e:
            e.message += (
                f". Failed to validate Action server response from API, "
                f"make sure your response from the Action endpoint is valid. "
                f"For more information about the format visit "
                f"{DOCS_BASE_URL}/custom-actions"
            )
            raise e

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]


def _send_recent_events(limit: int) -> None:
    """As RemoteAction._action_call_format, but only the last `limit` events are serialised."""
    import itertools

    import rasa
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.trackers import EventVerbosity

    def recent_events_only(self: RemoteAction, tracker, domain) -> Dict[Text, Any]:
        state = tracker.current_state(EventVerbosity.NONE)
        events = tracker.events
        state["events"] = [e.as_dict() for e in itertools.islice(events, max(0, len(events) - limit), None)]
        body = {"next_action": self._name, "sender_id": tracker.sender_id, "tracker": state,
                "version": rasa.__version__}
        if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
            body["domain"] = domain.as_dict()
        return body

    RemoteAction._action_call_format = recent_events_only  # type: ignore[assignment]


def _answer_when_actions_fail(timeout: float) -> None:
    import yaml
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
    from rasa.shared.core.events import BotUttered
    from rasa.shared.exceptions import RasaException

    from bot.channels.guard import SYSTEM_PHRASES

    apology = yaml.safe_load(SYSTEM_PHRASES.read_text(encoding="utf-8"))["unavailable"]
    run = RemoteAction.run

    async def run_or_apologise(self: RemoteAction, output_channel, nlg, tracker, domain):
        try:
            return await asyncio.wait_for(run(self, output_channel, nlg, tracker, domain), timeout)
        except ActionExecutionRejection:
            raise  # a form's validation said no: Rasa handles it
        except (asyncio.TimeoutError, RasaException) as error:
            logger.error("Custom action %s failed (%s); the citizen gets the apology.", self.name(), error or "timeout")
            return [BotUttered(apology, metadata={"kind": "apology"})]

    RemoteAction.run = run_or_apologise  # type: ignore[assignment]


def _no_tracker_copy_without_policy_events() -> None:
    from rasa.core.processor import MessageProcessor

    run_action = MessageProcessor._run_action

    async def run_action_on_the_tracker(self, action, tracker, output_channel, nlg, prediction):
        if prediction.events:
            return await run_action(self, action, tracker, output_channel, nlg, prediction)
        # actions return their events and never change the tracker they are given
        tracker.copy = lambda: tracker
        try:
            return await run_action(self, action, tracker, output_channel, nlg, prediction)
        finally:
            del tracker.copy

    MessageProcessor._run_action = run_action_on_the_tracker  # type: ignore[assignment]
