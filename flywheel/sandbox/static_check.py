"""Static (AST) check of untrusted code before it runs: an import allowlist, no introspection.

It is the first of three layers (then OS confinement and a runtime audit hook, see hardened.py):
cheap, with a precise message for the common ways code reaches outside the contract. It is a
filter, not the boundary: what it misses must still be stopped by the layers behind it.

Decisions: `import os` is allowed for `os.path.*`, `os.sep`, `os.getcwd` only (flywheel's tool code
uses `os.path.join`). Builtin `open` is allowed: PIL, numpy, `io.open` open files anyway, so a ban
would be cosmetic; where files may be read or written is enforced at runtime (audit hook,
private mount namespace, unprivileged uid).
"""

from __future__ import annotations

import ast

ALLOWED_MODULES = {
    "PIL", "numpy", "matplotlib", "math", "cmath", "random", "statistics", "itertools", "functools",
    "collections", "re", "json", "io", "os", "colorsys", "string", "fractions", "decimal", "cv2",
}
FORBIDDEN_NAMES = {
    "eval", "exec", "compile", "__import__", "globals", "locals", "vars", "getattr", "setattr",
    "delattr", "breakpoint", "input", "exit", "quit", "help", "memoryview", "type", "__builtins__",
}
# Attribute (and imported) names: modules re-exported by allowed ones (PIL.Image.os, numpy.sys),
# code from strings, getattr in disguise, memory without bounds checks, PIL modules that run programs.
FORBIDDEN_ATTRS = {
    "os", "sys", "subprocess", "socket", "shutil", "ctypes", "ctypeslib", "importlib", "builtins",
    "pickle", "marshal", "signal", "threading", "multiprocessing", "tempfile", "pathlib", "gc",
    "inspect", "types", "weakref", "f2py", "testing", "environ", "system", "popen",
    "eval", "exec", "unsafe_eval", "lambda_eval", "Formatter", "get_field", "as_strided",
    "ImageMath", "ImageShow", "ImageGrab", "ImageTk", "ImageQt", "EpsImagePlugin",
}
FRAME_PREFIXES = ("f_", "gi_", "cr_", "ag_", "tb_", "co_")  # frames and code objects reach builtins
OS_ATTRIBUTES = {"path", "sep", "getcwd", "linesep", "extsep"}  # the contract needs os.path only
ALLOWED_DUNDERS = {"__name__", "__main__"}


def _import_problem(node: ast.Import | ast.ImportFrom) -> str | None:
    if isinstance(node, ast.ImportFrom) and node.level:
        return "relative imports are not allowed"
    names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
    for name in names:
        parts = name.split(".")
        if parts[0] not in ALLOWED_MODULES:
            return f"import of {name!r} is not allowed (allowed: {', '.join(sorted(ALLOWED_MODULES))})"
        if parts[0] == "os" and name not in ("os", "os.path"):
            return f"import of {name!r} is not allowed"
        if bad := [p for p in parts[1:] if p in FORBIDDEN_ATTRS or p.startswith("_")]:
            return f"import of {name!r} is not allowed ({bad[0]!r})"
    if isinstance(node, ast.Import):
        if any(a.name == "os" and a.asname not in (None, "os") for a in node.names):
            return "renaming os is not allowed"
        return None
    for alias in node.names:
        if alias.name == "*":
            return f"from {node.module} import * is not allowed"
        if node.module == "os" and alias.name not in OS_ATTRIBUTES:
            return f"from os import {alias.name} is not allowed"
        if alias.name in FORBIDDEN_ATTRS or alias.name in FORBIDDEN_NAMES or alias.name.startswith("_"):
            return f"from {node.module} import {alias.name} is not allowed"
    return None


def _node_problem(node: ast.AST, attr_bases: set[int]) -> str | None:
    if isinstance(node, ast.Import | ast.ImportFrom):
        return _import_problem(node)
    if isinstance(node, ast.Name):
        if node.id in FORBIDDEN_NAMES or (node.id.startswith("__") and node.id not in ALLOWED_DUNDERS):
            return f"use of {node.id!r} is not allowed"
        if node.id == "os" and isinstance(node.ctx, ast.Load) and id(node) not in attr_bases:
            return "os may only be used as os.path / os.sep / os.getcwd"
    elif isinstance(node, ast.Attribute):
        if isinstance(node.value, ast.Name) and node.value.id == "os" and node.attr not in OS_ATTRIBUTES:
            return f"os.{node.attr} is not allowed"
        if node.attr.startswith(("_", *FRAME_PREFIXES)) or node.attr in FORBIDDEN_ATTRS:
            return f"access to attribute {node.attr!r} is not allowed"
    elif isinstance(node, ast.keyword) and node.arg == "allow_pickle":
        return "allow_pickle is not allowed (unpickling runs arbitrary code)"
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        v = node.value
        if v == "allow_pickle" or (v.startswith("__") and v.endswith("__") and v not in ALLOWED_DUNDERS):
            return f"the string {v!r} is not allowed"
    return None


def check_code(code: str) -> str | None:
    """None when the code may run; otherwise a one-line reason naming the first problem found."""
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        return f"syntax error at line {exc.lineno}: {exc.msg}"
    except (ValueError, MemoryError, RecursionError) as exc:  # null bytes, absurd nesting
        return f"unparsable code: {type(exc).__name__}"
    attr_bases = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    found = []  # report the problem a reader meets first: `__import__('os')` before its `.system`
    for node in ast.walk(tree):
        if problem := _node_problem(node, attr_bases):
            line = getattr(node, "lineno", 0)
            found.append(((line, getattr(node, "col_offset", 0), getattr(node, "end_col_offset", 0)),
                          f"line {line}: {problem}"))
    return min(found)[1] if found else None
