"""Dashboard charts drawn on the server as SVG (matplotlib, no JavaScript)."""

from __future__ import annotations

import io
from typing import List, Optional, Sequence

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402

BLUE = "#0b4f8a"
GREEN = "#2e7d32"


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def bars(labels: Sequence[str], values: Sequence[float], title: str, line: Optional[List[float]] = None,
         line_label: str = "") -> str:
    """Bars (e.g. messages per day), with an optional percentage line on a second axis."""
    figure, axis = plt.subplots(figsize=(7.5, 2.8))
    positions = range(len(labels))
    axis.bar(positions, values, color=BLUE)
    axis.set_title(title, fontsize=11, loc="left")
    axis.set_xticks(list(positions))
    axis.set_xticklabels(labels, rotation=45 if len(labels) > 8 else 0, ha="right" if len(labels) > 8 else "center",
                         fontsize=8)
    axis.spines[["top", "right"]].set_visible(False)
    if line is not None:
        other = axis.twinx()
        other.plot(list(positions), line, color=GREEN, marker="o")
        other.set_ylim(0, 100)
        other.set_ylabel(line_label, color=GREEN, fontsize=9)
        other.spines[["top"]].set_visible(False)
    return _svg(figure)
