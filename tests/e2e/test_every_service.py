"""For each of the 25 services (and VNeID): documents, fee and processing time
through the whole stack come from the catalogue, with a source, and no reply
states an amount or a duration that is not in the catalogue record."""

import re
import uuid

import pytest

from tests.support import ask, seed_services

CATALOGUE = seed_services()
QUESTIONS = {
    "documents": "{name} cần giấy tờ gì",
    "fee": "{name} hết bao nhiêu tiền",
    "time": "{name} mất bao lâu",
}
AMOUNT = re.compile(r"\d{1,3}(?:\.\d{3})+")
DURATION = re.compile(r"(\d+(?:,\d+)?)\s*(?:ngày|giờ|tháng|năm)")


def record_text(service) -> str:
    return service.json(ensure_ascii=False)


@pytest.mark.parametrize("service_id", sorted(CATALOGUE))
def test_documents_fee_and_time_answers_come_from_the_catalogue(stack, service_id):
    service = CATALOGUE[service_id]
    record = record_text(service)
    known_amounts = {int(a.replace(".", "")) for a in AMOUNT.findall(record)}
    known_amounts |= {r.amount for i in service.fees.items for r in [*i.standard, *i.temporary]}
    for aspect, question in QUESTIONS.items():
        text = ask(stack, question.format(name=service.short_name), uuid.uuid4().hex)
        answer = text.split("Anh/chị muốn hỏi về việc gì ạ?")[-1]  # drop the welcome
        assert f"**{service.short_name}**" in answer, (aspect, answer[:300])
        assert "Nguồn: [" in answer or "dichvucong.gov.vn" in answer, (aspect, answer[:300])
        for amount in AMOUNT.findall(answer):
            assert int(amount.replace(".", "")) in known_amounts, (aspect, amount)
        for number in DURATION.findall(answer):
            assert number in record, (aspect, number)
