"""Recognise personal identifiers (ID-card and phone numbers) in text.

The bot never needs them; when a citizen types one, the NLU marks the message
so the bot can say so, and `mask` hides them wherever text is kept or logged.
"""

from __future__ import annotations

import re

# Vietnamese mobile/landline numbers, with optional +84 and separators.
# A number glued to letters, dots or dashes (an application code such as
# "G22.99-240101-0001") is not one.
_START = r"(?<![\w.\-/])"
_END = r"(?![\w\-/]|\.\d)"
PHONE = re.compile(_START + r"(?:\+84|84|0)\d{2,3}[ .]?\d{3}[ .]?\d{3,4}" + _END)
# CMND (9 digits) and personal ID / CCCD (12 digits), plain or in groups of 3.
ID_NUMBER = re.compile(_START + r"(?:\d{12}|\d{9}|\d{3}(?: \d{3}){2,3})" + _END)


def contains_personal_data(text: str) -> bool:
    return bool(PHONE.search(text) or ID_NUMBER.search(text))


def mask(text: str) -> str:
    """Replace ID and phone numbers by a placeholder."""
    return PHONE.sub("[số đã ẩn]", ID_NUMBER.sub("[số đã ẩn]", text))
