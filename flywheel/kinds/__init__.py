"""Sample kinds beyond V-Interaction: perception (locate named points) and instruction (draw what is asked).

`interaction` is built by flywheel/run/build.py; the other kinds reuse its generate → render →
execute path on the *same figure* and differ in question, ground truth and verifiers.
"""

from __future__ import annotations

from flywheel.core.registry import parse_names

KINDS = ("interaction", "perception", "instruction")
DEFAULT_KINDS = ["interaction"]


def parse_kinds(text: str | None) -> list[str]:
    """`"interaction,perception"` → ["interaction", "perception"]; unknown names are a user error."""
    return parse_names(text, KINDS, "kind", DEFAULT_KINDS)


def slot_of_task(kinds: list[str], versions: list[str], index: int) -> tuple[str, str, int]:
    """(kind, version, figure number) of task `index`: the figure's tasks are its interaction sample
    once per MathVerse version, then its other kinds (which have no version: ""). With one version
    this is `kind_of_task`, so streams of the default version keep their tasks."""
    slots = [(k, v) for k in kinds for v in (versions if k == "interaction" else [""])]
    kind, version = slots[index % len(slots)]
    return kind, version, index // len(slots)


def kind_of_task(kinds: list[str], index: int) -> tuple[str, int]:
    """(kind, figure number) of task `index`: consecutive tasks cycle through the kinds of one figure.

    Tasks 3f, 3f+1, 3f+2 (with three kinds) draw the same figure, so the perception and
    instruction samples of a figure share its image and vtbench can group them.
    """
    return kinds[index % len(kinds)], index // len(kinds)
