"""Rasa's RulePolicy, matched against the last turns of the conversation only.

RulePolicy turns the whole tracker into states (replaying every event since
the session started) four times per message, although a rule only ever looks
at its own length from the end.  That made each message cost more the longer
the conversation was.  Here the policy predicts on a tracker rebuilt from the
events of the last few turns: as many as the longest rule has states, plus a
margin, read from the trained rules.  So a message costs the same at turn 100
as at turn 1 (docs/benchmarks.md, "per-message cost by turn").

This is exact when no state carries a slot (every slot of domain.yml has
`influence_conversation: false`) and no form is used: the states of the last
turns then depend on the last turns' events only.  When a rule does carry a
slot or a loop, the full tracker is used as before.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional, Text

from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.rule_policy import RULES, RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

# turns kept beyond the longest rule: the oldest kept state lacks its user message
MARGIN_TURNS = 2


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class RecentTurnsRulePolicy(RulePolicy):
    _turns_needed: Optional[int] = None  # None: not computed yet; 0: the whole tracker

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        return super().predict_action_probabilities(
            recent_turns(tracker, domain, self.turns_needed()), domain, rule_only_data, **kwargs)

    def turns_needed(self) -> int:
        if self._turns_needed is None:
            self._turns_needed = turns_needed(self.lookup.get(RULES, {}))
        return self._turns_needed


def turns_needed(rules: Dict[Text, Any]) -> int:
    """User turns a prediction must see for these rule keys; 0 when a rule
    depends on more than the recent events (a slot or an active loop)."""
    longest = 0
    for key in rules:
        states = json.loads(key)
        if any("slots" in state or "active_loop" in state for state in states):
            return 0
        longest = max(longest, len(states))
    return longest + MARGIN_TURNS


def recent_turns(tracker: DialogueStateTracker, domain: Domain, turns: int) -> DialogueStateTracker:
    """A tracker of the events since the `turns`-th last `action_listen`."""
    if turns <= 0:
        return tracker
    events = tracker.events
    seen, start = 0, None
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if isinstance(event, ActionExecuted) and event.action_name == ACTION_LISTEN_NAME:
            seen += 1
            if seen == turns:
                start = index
                break
    if start is None:
        return tracker
    return DialogueStateTracker.from_events(
        tracker.sender_id, list(events)[start:], slots=domain.slots, max_event_history=tracker._max_event_history)
