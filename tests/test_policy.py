"""Our RulePolicy on the last turns predicts exactly what Rasa's RulePolicy
predicts on the whole conversation, at turn 1 as at turn 120."""

import pytest
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import ROOT
from bot.policy import RecentTurnsRulePolicy, recent_turns, turns_needed

DOMAIN = Domain.from_path(ROOT / "domain.yml")
INTENTS = ["greet", "ask_fee", "faq", "nlu_fallback", "ask_documents", "thank", "vneid_next_step",
           "personal_data", "request_human", "out_of_scope", "inform_service", "goodbye"]


@pytest.fixture(scope="module")
def policies(trained_model, tmp_path_factory):
    storage, metadata = LocalModelStorage.from_model_archive(tmp_path_factory.mktemp("model"), trained_model)
    node = next(n for n in metadata.predict_schema.nodes.values() if n.uses is RecentTurnsRulePolicy)
    context = ExecutionContext(metadata.predict_schema, metadata.model_id)
    config = {**RecentTurnsRulePolicy.get_default_config(), **node.config}
    ours = RecentTurnsRulePolicy.load(config, storage, node.resource, context)
    rasa = RulePolicy(config, storage, node.resource, context, featurizer=ours.featurizer, lookup=ours.lookup)
    return ours, rasa


def predicted(policy, tracker):
    prediction = policy.predict_action_probabilities(tracker, DOMAIN)
    return prediction.probabilities, prediction.policy_name is not None


def test_same_prediction_as_rasa_at_every_turn_of_a_long_conversation(policies):
    ours, rasa = policies
    assert ours.turns_needed() > 0  # the trained rules allow the short tracker
    tracker = DialogueStateTracker.from_events("long", [ActionExecuted("action_session_start"), SessionStarted(),
                                                         ActionExecuted("action_listen")], slots=DOMAIN.slots)
    for turn in range(120):
        intent = INTENTS[turn % len(INTENTS)]
        tracker.update(UserUttered("…", {"name": intent, "confidence": 0.9}))
        after_user = predicted(ours, tracker)
        assert after_user == predicted(rasa, tracker), (turn, intent)
        action = DOMAIN.action_names_or_texts[after_user[0].index(max(after_user[0]))]
        assert action.startswith("action_") and action != "action_listen", (turn, intent, action)
        tracker.update(ActionExecuted(action))
        tracker.update(BotUttered("Dạ."))
        after_action = predicted(ours, tracker)
        assert after_action == predicted(rasa, tracker), (turn, intent)
        assert DOMAIN.action_names_or_texts[after_action[0].index(max(after_action[0]))] == "action_listen"
        tracker.update(ActionExecuted("action_listen"))
    assert len(recent_turns(tracker, DOMAIN, ours.turns_needed()).events) < 20 < len(tracker.events)


def test_a_rule_on_a_slot_or_a_loop_means_the_whole_conversation():
    one_turn = '[{"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}}]'
    with_slot = '[{"prev_action": {"action_name": "action_listen"}, "slots": {"service": [1.0]}}]'
    with_loop = '[{"active_loop": {"name": "a_form"}, "prev_action": {"action_name": "action_listen"}}]'
    assert turns_needed({one_turn: "action_greet"}) == 3
    assert turns_needed({one_turn: "action_greet", with_slot: "action_x"}) == 0
    assert turns_needed({with_loop: "a_form"}) == 0
