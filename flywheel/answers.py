"""Canonical answer strings: sympy expression ⇄ LaTeX, and a tolerant parser for checking them.

The parser covers what generators emit (integers, fractions, square roots, π) and the plain
forms models write (`sqrt(3)/2`, `0.866`), so verifiers and rewards share one notion of equality.
"""

from __future__ import annotations

import functools
import re

import sympy as sp
from sympy.parsing.sympy_parser import (
    convert_xor,
    implicit_multiplication_application,
    parse_expr,
    standard_transformations,
)

_TRANSFORMS = standard_transformations + (implicit_multiplication_application, convert_xor)
_ALLOWED = re.compile(r"^[0-9a-z+\-*/^().,\s]*$")


def to_latex(expr: sp.Expr) -> str:
    """The canonical answer string: sympy's LaTeX of the simplified exact value."""
    return sp.latex(sp.nsimplify(expr) if expr.is_Float else expr)


def _brace_group(s: str, i: int) -> tuple[str, int]:
    """Return the contents of the {...} group starting at s[i] and the index after it."""
    if i >= len(s) or s[i] != "{":
        raise ValueError("expected '{'")
    depth = 0
    for j in range(i, len(s)):
        depth += {"{": 1, "}": -1}.get(s[j], 0)
        if depth == 0:
            return s[i + 1 : j], j + 1
    raise ValueError("unbalanced braces")


def latex_to_plain(s: str) -> str:
    """Rewrite the LaTeX subset we emit (\\frac, \\sqrt, \\pi, \\cdot, ^\\circ) as sympy syntax."""
    s = s.strip().strip("$").replace("\\left", "").replace("\\right", "")
    s = re.sub(r"\^\s*\{?\\circ\}?|°|\\degree", "", s)
    s = s.replace("\\cdot", "*").replace("\\times", "*").replace("\\pi", " pi ").replace("\\,", "")
    out, i = [], 0
    while i < len(s):
        if s.startswith("\\dfrac", i) or s.startswith("\\frac", i) or s.startswith("\\tfrac", i):
            i = s.index("{", i)
            num, i = _brace_group(s, i)
            den, i = _brace_group(s, i)
            out.append(f"(({latex_to_plain(num)})/({latex_to_plain(den)}))")
        elif s.startswith("\\sqrt", i):
            i += 5
            root = "2"
            if i < len(s) and s[i] == "[":
                j = s.index("]", i)
                root, i = s[i + 1 : j], j + 1
            body, i = _brace_group(s, i)
            out.append(f"(({latex_to_plain(body)})**(1/({root})))")
        elif s[i] in "{}":
            out.append("(" if s[i] == "{" else ")")
            i += 1
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def parse_answer(text: str) -> sp.Expr | None:
    """Parse an answer string (LaTeX or plain) to a sympy value; None when it is not one."""
    if not isinstance(text, str) or not text.strip() or len(text) > 200:
        return None
    try:
        plain = latex_to_plain(text).lower().replace("π", " pi ")
    except ValueError:  # unbalanced braces and the like
        return None
    if "\\" in plain or not _ALLOWED.match(plain.replace("pi", "").replace("sqrt", "")):
        return None
    try:
        expr = parse_expr(plain, transformations=_TRANSFORMS, local_dict={"pi": sp.pi}, evaluate=True)
    except Exception:  # noqa: BLE001 - any parse failure means "not an answer"
        return None
    if not isinstance(expr, sp.Expr) or expr.free_symbols:
        return None
    return expr


def answers_equal(a: str, b: str, rel_tol: float = 1e-3) -> bool:
    """True when two answer strings denote the same number (exact, or within a relative tolerance)."""
    x, y = parse_answer(a), parse_answer(b)
    if x is None or y is None:
        return False
    try:
        fx, fy = complex(sp.N(x)), complex(sp.N(y))
    except (TypeError, ValueError):
        return False
    if abs(fx.imag) > 1e-9 or abs(fy.imag) > 1e-9:
        return False
    return abs(fx.real - fy.real) <= rel_tol * max(1.0, abs(fy.real))
