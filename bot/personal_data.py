"""Recognise and mask personal numbers: ID-card (căn cước/CMND), phone,
e-mail and bank-account numbers.

The bot never needs them.  When a citizen types one, the NLU marks the
message so the bot can say so, and `mask` replaces each by its kind
("[SỐ CĂN CƯỚC]") wherever text is kept or logged: conversations, feedback,
logs.  Numbers are found however they are typed: with spaces, dots or dashes
between groups, with +84, glued to words ("sdt0912345678").  What is not
personal stays: amounts written in thousands (1.400.000), dates, the 1900
hotlines, application codes (G22.99-240101-0001).
"""

from __future__ import annotations

import re
from typing import Any, List, Tuple

ID_CARD = "[SỐ CĂN CƯỚC]"
PHONE = "[SỐ ĐIỆN THOẠI]"
EMAIL = "[EMAIL]"
ACCOUNT = "[SỐ TÀI KHOẢN]"
MASKS = (ID_CARD, PHONE, EMAIL, ACCOUNT)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# a mã hồ sơ: letters, digits and dots, then -yymmdd-nnnn
_APPLICATION_CODE = re.compile(r"[0-9A-Za-z.]*[A-Za-z0-9]\.?\d*-\d{6}-\d{4}")
# digits, optionally +, with single spaces, dots or dashes between groups
_DIGITS = re.compile(r"\+?\d(?:[ .\-]?\d)+")
# 1.400.000 or 26,550,000: an amount, not a number to hide
_AMOUNT = re.compile(r"^[1-9]\d{0,2}(?:([.,])\d{3})(?:\1\d{3})*$")


def _kind(raw: str) -> str:
    """The mask for a run of digits, or "" when it is not personal."""
    if _AMOUNT.match(raw):
        return ""
    separators = re.findall(r"[ .\-]", raw)
    if separators == ["."]:
        return ""  # 0.9997724890708923: a decimal
    separators = set(separators)
    groups = re.split(r"[ .\-]", raw.lstrip("+"))
    if len(separators) > 1 or any(len(g) < 3 for g in groups[1:]):
        return ""  # mixed separators or short groups: a date, a time, a code (2026-11-23 18)
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+84") or (digits.startswith("84") and len(digits) == 11):
        return PHONE
    if digits.startswith("0") and len(digits) in (10, 11) and digits[1] != "0":
        return PHONE
    if len(digits) in (9, 12):
        return ID_CARD
    if 10 <= len(digits) <= 19:
        return ACCOUNT
    return ""


_TOKEN_CHARS = re.compile(r"[0-9A-Za-z]")


def _inside_hex_id(text: str, start: int, end: int) -> bool:
    """Digits inside a long hexadecimal token (a message or conversation id) are not a number."""
    while start > 0 and _TOKEN_CHARS.match(text[start - 1]):
        start -= 1
    while end < len(text) and _TOKEN_CHARS.match(text[end]):
        end += 1
    token = text[start:end]
    return len(token) >= 16 and all(c in "0123456789abcdefABCDEF" for c in token)


_APPLICATION_CODE_HINT = re.compile(r"-\d{6}-")


def _spans(text: str) -> List[Tuple[int, int, str]]:
    # the two slower patterns only when their tell-tale is there (most texts: neither)
    protected = [m.span() for m in _APPLICATION_CODE.finditer(text)] if _APPLICATION_CODE_HINT.search(text) else []
    found = [(m.start(), m.end(), EMAIL) for m in _EMAIL.finditer(text)] if "@" in text else []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in protected) and all(end <= s or start >= e for s, e, _ in found)

    for match in _DIGITS.finditer(text):
        kind = _kind(match.group(0))
        if kind and free(*match.span()) and not _inside_hex_id(text, *match.span()):
            found.append((match.start(), match.end(), kind))
    return sorted(found)


def contains_personal_data(text: str) -> bool:
    return bool(_spans(text))


_MAYBE = re.compile(r"\d{3}|@")


def mask(text: str) -> str:
    """Every personal number replaced by its kind."""
    if not _MAYBE.search(text):  # most strings: no run of digits, no e-mail
        return text
    for start, end, kind in reversed(_spans(text)):
        text = text[:start] + kind + text[end:]
    return text


def mask_all(value: Any) -> Any:
    """`mask` applied to every string inside lists and dicts (events, parse data)."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {k: mask_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_all(v) for v in value]
    return value


_logs_masked = False


def mask_logs() -> None:
    """Mask personal numbers in everything this process logs through `logging`,
    exceptions and their tracebacks included.  Each of our processes calls it
    at start (`python -m bot ...`), before any log is written."""
    import logging

    global _logs_masked
    if _logs_masked:
        return
    unmasked_format = logging.Formatter.format

    def masked_format(self: logging.Formatter, record: logging.LogRecord) -> str:
        return mask(unmasked_format(self, record))

    logging.Formatter.format = masked_format  # type: ignore[assignment]
    _logs_masked = True


def masked_renderer(renderer):
    """A structlog renderer whose output is masked (Rasa logs through structlog too)."""

    def render(logger, name, event_dict):
        rendered = renderer(logger, name, event_dict)
        return mask(rendered) if isinstance(rendered, str) else rendered

    return render
