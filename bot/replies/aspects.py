"""What a question about a service asks for."""

from __future__ import annotations

from enum import Enum
from typing import Dict


class Aspect(str, Enum):
    documents = "documents"
    fee = "fee"
    processing_time = "processing_time"
    how_to_apply = "how_to_apply"
    audience = "audience"
    overview = "overview"


ASPECT_BY_INTENT: Dict[str, Aspect] = {
    "ask_documents": Aspect.documents,
    "ask_fee": Aspect.fee,
    "ask_processing_time": Aspect.processing_time,
    "ask_how_to_apply": Aspect.how_to_apply,
    "ask_audience": Aspect.audience,
    "ask_service_info": Aspect.overview,
}
INTENT_BY_ASPECT: Dict[Aspect, str] = {aspect: intent for intent, aspect in ASPECT_BY_INTENT.items()}
