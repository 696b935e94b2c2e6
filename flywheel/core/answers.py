"""Canonical answer strings: sympy expression ⇄ LaTeX, a tolerant parser for checking them, and
`answers_equivalent`, the one test of "same answer" that rewards, import checks and evaluation use.

The parser covers what generators emit (integers, fractions, square roots, π) and the plain
forms models write (`sqrt(3)/2`, `0.866`); `answers_equivalent` adds symbolic answers
(expressions, equations, intervals, choice letters) through `math-verify`.
"""

from __future__ import annotations

import ast
import functools
import logging
import math
import operator
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


_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.Pow: operator.pow}
_IMPLICIT = re.compile(r"(?<=[\d)])\s*(?=[(a-z])|(?<=\))\s*(?=\d)")


def _num(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        left, right = _num(node.left), _num(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > 64:
            raise ValueError("exponent too large")
        return _BINOPS[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        v = _num(node.operand)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.Name) and node.id == "pi":
        return math.pi
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "sqrt" and len(node.args) == 1:
        return math.sqrt(_num(node.args[0]))
    raise ValueError("not arithmetic")


@functools.lru_cache(maxsize=65536)
def answer_value(text: str) -> float | None:
    """The real number an answer string denotes, or None. Fast path: plain arithmetic evaluated
    from the syntax tree (no sympy); anything else falls back to `parse_answer`."""
    if not isinstance(text, str) or not text.strip() or len(text) > 200:
        return None
    try:
        plain = _IMPLICIT.sub("*", latex_to_plain(text).lower().replace("π", "pi").replace("^", "**"))
        value = _num(ast.parse(plain.strip(), mode="eval").body)
    except (ValueError, SyntaxError, ZeroDivisionError, OverflowError, TypeError, RecursionError):
        expr = parse_answer(text)
        if expr is None:
            return None
        try:
            c = complex(sp.N(expr))
        except (TypeError, ValueError):
            return None
        if abs(c.imag) > 1e-9:
            return None
        value = c.real
    return value if math.isfinite(value) else None


def answers_equal(a: str, b: str, rel_tol: float = 1e-3) -> bool:
    """True when two answer strings denote the same number (exact, or within a relative tolerance)."""
    x, y = answer_value(a), answer_value(b)
    if x is None or y is None:
        return False
    return abs(x - y) <= rel_tol * max(1.0, abs(y))


MAX_SYMBOLIC_CHARS = 200  # longer strings are no answer; bounds math-verify's (untimed) work
# A power tower (`9^9^9`, `9^{9^9}`) or an exponent of 5+ digits: sympy would spend minutes (or
# all memory) expanding it, and no answer has one. Checked before any parse.
_HUGE = re.compile(r"(\^|\*\*)\s*[({]?\s*[\w.]+\s*[)}]?\s*(\^|\*\*)|(\^|\*\*)\s*[({]?\s*\d{5,}")
_CHOICE = re.compile(r"^\s*\(?\s*([A-Ha-h])\s*\)?\s*[.:]?\s*$")


@functools.lru_cache(maxsize=4096)
def _symbolic(text: str) -> tuple:
    """math-verify's parse of an answer (as LaTeX in math mode, else as a plain expression); () when none."""
    from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse

    # Timeouts off: math-verify times out with SIGALRM, which only works in the main thread (rewards
    # run in TRL's worker threads); the length and `_HUGE` limits keep every parse small instead.
    configs = [LatexExtractionConfig(boxed_match_priority=0), ExprExtractionConfig()]
    found = parse(f"${text}$", extraction_config=configs, parsing_timeout=None)
    return tuple(found or parse(text, extraction_config=configs, parsing_timeout=None))


def _choice(text: str) -> str | None:
    m = _CHOICE.match(text)
    return m.group(1).upper() if m else None


def answers_equivalent(pred: str, ref: str) -> bool:
    """True when `pred` states the same answer as `ref`: the same number (`answers_equal`: exact or
    within 1e-3 relative), the same choice letter (`B` = `(B)`), or the same symbolic value by
    `math-verify` (`x+1` = `1+x`, `y=2x+1` = `2x+1=y`, `[1,2)`, `1/2` = `0.5`). Never raises."""
    if not isinstance(pred, str) or not isinstance(ref, str):
        return False
    pred, ref = pred.strip(), ref.strip()
    if not pred or not ref or max(len(pred), len(ref)) > MAX_SYMBOLIC_CHARS:
        return False
    if pred == ref:
        return True
    if _HUGE.search(pred) or _HUGE.search(ref):
        return False
    if _choice(ref) and ref.strip("() .:").isupper():  # a choice is a capital letter, not the variable `a`
        return _choice(pred) == _choice(ref)
    x, y = answer_value(pred), answer_value(ref)
    if x is not None and y is not None:  # two numbers: the tolerant numeric test decides
        return abs(x - y) <= 1e-3 * max(1.0, abs(y))
    try:
        from math_verify import verify

        gold, answer = _symbolic(ref), _symbolic(pred)
        return bool(gold and answer and verify(list(gold), list(answer), timeout_seconds=None))
    except Exception:  # noqa: BLE001 - model output must never crash a reward or a check
        return False


def answer_checkable(text: str) -> bool:
    """True when an answer string is something `answers_equivalent` can compare: a number, a choice
    letter or a symbolic expression math-verify parses."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_SYMBOLIC_CHARS or _HUGE.search(text):
        return False
    if answer_value(text) is not None or _choice(text):
        return True
    try:
        return bool(_symbolic(text.strip()))
    except Exception:  # noqa: BLE001
        return False


logging.getLogger("math_verify").setLevel(logging.ERROR)  # it warns on every call that timeouts are off
