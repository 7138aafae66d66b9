"""Start Rasa's own CLI with our fixes to Rasa internals applied first.

`python -m bot rasa run ...` is how the supervisor starts the Rasa server, so
the patches in `rasa_patches.py` are applied explicitly, at one place, and
never as a side effect of importing one of our modules.
"""

from __future__ import annotations

import sys
from typing import List


def run_rasa(args: List[str]) -> int:
    from bot import rasa_patches

    rasa_patches.apply()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *args]
    rasa_main()
    return 0
