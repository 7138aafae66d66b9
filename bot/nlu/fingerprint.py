"""What our components add to Rasa's training fingerprint.

Rasa fingerprints a component by its class source, its config and its inputs
from the graph.  A data file named in the config (abbreviations, word list)
and the helper modules a component calls are not among them, so each
component adds their digests (`GraphComponent.fingerprint_addon`): change the
file or the code and Rasa retrains that component, and only then.
"""

from __future__ import annotations

import hashlib
import inspect
from pathlib import Path
from types import ModuleType
from typing import Optional, Union


def digest(*parts: Union[ModuleType, str, Path, None]) -> str:
    """SHA-256 over module sources and file contents (a missing file counts as empty)."""
    hasher = hashlib.sha256()
    for part in parts:
        if part is None:
            data = b""
        elif isinstance(part, ModuleType):
            data = inspect.getsource(part).encode("utf-8")
        else:
            path = Path(part)
            data = path.read_bytes() if path.is_file() else b""
        hasher.update(hashlib.sha256(data).digest())
    return hasher.hexdigest()
