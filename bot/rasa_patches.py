"""Performance fixes for Rasa 3.6.21 internals, applied when the Rasa server
imports our channel (bot/channels, named in credentials.yml).

RemoteAction._validate_action_result calls `jsonschema.validate(result,
schema)` for every action-server response; `validate` re-checks the schema
itself each time, which was 39% of the Rasa server's CPU under load
(py-spy, docs/benchmarks.md).  We compile the validator once; responses are
validated exactly as before, with the same error message.
"""

from __future__ import annotations

from typing import Any, Dict, Text

_applied = False


def apply() -> None:
    """Apply once; BOT_RASA_PATCHES=0 leaves Rasa as shipped (for A/B benchmarks)."""
    import os

    global _applied
    if _applied or os.environ.get("BOT_RASA_PATCHES", "1") == "0":
        return
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
    _applied = True
