"""Claims about function graphs that the analytic answer verifier re-checks from the drawn samples.

`OnCurve`, `TangentAt` … (scene/coords.py) cover points; these cover whole curves whose equation
the question does not state: a sinusoid read off the figure, the graph of an inverse function.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sinusoid:
    """`curve` is y = y_peak·cos(π(x − x_peak) / (2q)), q = |x_zero − x_peak|: a sine wave about the
    x-axis whose amplitude is read at its turning point `peak` and whose quarter period runs from
    there to the adjacent zero `zero` (a point on the x-axis)."""

    curve: str
    peak: str
    zero: str


@dataclass(frozen=True)
class InverseOf:
    """`inverse` is the mirror image of `of` in the line y = x: the graph of the inverse function."""

    inverse: str
    of: str
