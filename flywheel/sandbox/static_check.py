"""Static (AST) check of untrusted code before it runs: an import allowlist, no dunder tricks.

It is the first of three layers (then a runtime audit hook and OS limits, see hardened.py): cheap,
with a precise message for the common ways code reaches outside the contract.
"""

from __future__ import annotations

import ast

ALLOWED_MODULES = {
    "PIL", "numpy", "matplotlib", "math", "cmath", "random", "statistics", "itertools", "functools",
    "collections", "re", "json", "io", "os", "colorsys", "string", "fractions", "decimal", "cv2",
}
FORBIDDEN_NAMES = {
    "eval", "exec", "compile", "__import__", "globals", "locals", "vars", "getattr", "setattr",
    "delattr", "breakpoint", "input", "open", "exit", "quit", "help", "memoryview", "__builtins__",
}
OS_ATTRIBUTES = {"path", "sep", "getcwd", "linesep", "extsep"}  # the contract needs os.path only


def _import_problem(node: ast.Import | ast.ImportFrom) -> str | None:
    names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
    for name in names:
        if node.__class__ is ast.ImportFrom and node.level:
            return "relative imports are not allowed"
        if name.split(".")[0] not in ALLOWED_MODULES:
            return f"import of {name!r} is not allowed (allowed: {', '.join(sorted(ALLOWED_MODULES))})"
        if name.split(".")[0] == "os" and name not in ("os", "os.path"):
            return f"import of {name!r} is not allowed"
    if isinstance(node, ast.ImportFrom) and node.module == "os":
        bad = [a.name for a in node.names if a.name not in OS_ATTRIBUTES]
        if bad:
            return f"from os import {', '.join(bad)} is not allowed"
    return None


def check_code(code: str) -> str | None:
    """None when the code may run; otherwise a one-line reason naming the first problem found."""
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        return f"syntax error at line {exc.lineno}: {exc.msg}"
    for node in ast.walk(tree):
        problem = None
        if isinstance(node, ast.Import | ast.ImportFrom):
            problem = _import_problem(node)
        elif isinstance(node, ast.Name) and (node.id in FORBIDDEN_NAMES or node.id.startswith("__")):
            problem = f"use of {node.id!r} is not allowed"
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            problem = f"access to attribute {node.attr!r} is not allowed"
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os" \
                and node.attr not in OS_ATTRIBUTES:
            problem = f"os.{node.attr} is not allowed"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("__") \
                and node.value.endswith("__"):
            problem = f"the string {node.value!r} is not allowed"
        if problem:
            return f"line {getattr(node, 'lineno', '?')}: {problem}"
    return None
