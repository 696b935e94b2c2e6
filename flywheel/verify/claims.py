"""The one parser for the mathematics written in prose: a sample's question and its trace.

A trace states its steps as chains like "AM = 28/2 = 14", "√(17² − 14²) = √93",
"BD : DC = AB : AC = 16 : 16" or "C(7, 2)·C(3, 2) = 63". `segments(text)` cuts a text into its
mathematical runs, `Segment.sides` splits a run at its top-level "=" into the sides of a chain, and
`parse` turns one side into a sympy expression. The verifiers (trace.py, question.py) decide what
the parsed values must equal; this module only reads.

Grammar (one side of a chain), loosest binding first:

    ratio   := sum (" : " sum)*                   a : b : c, spaces on both sides of the colon
    sum     := product (("+" | "-" | "−") product)*
    product := unary (("·" | "×" | "*" | "/" | "÷" | "∥" | implicit) unary)*
    unary   := ("-" | "−" | "+") unary | power
    power   := postfix ("^" unary | superscript digits)*
    postfix := atom ("°" | "%" | "!" | "′")*
    atom    := number | "½" | "π" | "\\pi" | "√" power | "\\sqrt{…}" | "\\frac{…}{…}"
             | "(" ratio ("," ratio)* ")"             a point (x, y) when there is a comma
             | "|" sum "|" | func atom-or-power | name ["(" args ")"]
    number  := digits ["." digits]                  read exactly (a decimal is a Rational)
    name    := "∠"? capital letter followed by capitals, digits, subscripts, primes   (AB, PF₁, A'C, ∠ACB)
             | a single lower-case or Greek letter with subscripts (x, v₀, θ)
    func    := sin | cos | tan | log | ln | log₃ … (sin 45° reads degrees, sin(7π/4) radians)

`a ∥ b` is the resistance of a and b in parallel, ab/(a + b); `C(n, k)` is a binomial
coefficient; `f(x)` of an unknown function is a symbol. A word (two or more lower-case letters
that are not a function) or a sentence mark ends a run, so prose never reaches the parser; a
side that does not parse raises `ClaimError`, and the verifiers reject a chain that carries numbers
but does not parse rather than let it pass unread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ˣ", "0123456789+-x")
SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉"
FUNCS = ("sin", "cos", "tan", "log", "ln")
FRACTIONS = {"½": sp.Rational(1, 2), "⅓": sp.Rational(1, 3), "¼": sp.Rational(1, 4), "¾": sp.Rational(3, 4)}

TOKEN = re.compile(
    r"""(?P<num>\d+(?:\.\d+)?)
      | (?P<frac>[½⅓¼¾])
      | (?P<latex>\\(?:frac|sqrt|pi|cdot|times|left|right))
      | (?P<func>(?:sin|cos|tan|log|ln)(?:[₀-₉]+|_\{?\d+\}?)?(?![A-Za-z]))
      | (?P<unit>(?<=[\d}]\ )(?:m/s²|m/s|cm|mm|km|kg|m|s|N|Ω|V|°C)(?![A-Za-z0-9₀-₉'′²]))
      | (?P<word>[a-z]{2,}|[A-Z][a-z]+)
      | (?P<name>∠?[A-Z](?:[A-Z0-9₀-₉'′]|(?<=[A-Z])_\d)*|[a-zθωφαβλμπ](?:_[A-Za-z0-9]+|[₀-₉]+)?′?)
      | (?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ˣ]+)
      | (?P<op>[-+−·×*/÷∥^=√|°%!])
      | (?P<colon>:)
      | (?P<open>[({\[])
      | (?P<close>[)}\]])
      | (?P<comma>,)
      | (?P<space>\s+)
      | (?P<other>.)""",
    re.X,
)


class ClaimError(ValueError):
    """A run of mathematics the grammar does not read."""


@dataclass(frozen=True)
class Tok:
    kind: str
    text: str
    pos: int


def tokens(text: str) -> list[Tok]:
    out = []
    for m in TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        out.append(Tok(kind, m.group(), m.start()))
    return out


MATH = {"num", "frac", "latex", "func", "name", "sup", "op", "open", "close"}


@dataclass(frozen=True)
class Segment:
    """A run of mathematics in a text, with its tokens (spaces dropped, ratio colons kept)."""

    text: str
    toks: tuple[Tok, ...]

    @property
    def numbers(self) -> list[sp.Rational]:
        """Every number literal of the run, exactly (½ included)."""
        return [literal(t) for t in self.toks if t.kind in ("num", "frac")]

    def sides(self) -> list[tuple[Tok, ...]]:
        """The run split at its top-level "=": the sides of a chain (one side: no claim)."""
        out, cur, depth = [], [], 0
        for t in self.toks:
            if t.kind == "open":
                depth += 1
            elif t.kind == "close":
                depth -= 1
            if t.text == "=" and depth == 0:
                out.append(tuple(cur))
                cur = []
                continue
            cur.append(t)
        out.append(tuple(cur))
        # "Area = ½ · BC · AD = 588": the first side is named in words, so the run starts with "="
        return out[1:] if not out[0] and len(out) > 1 else out


def literal(t: Tok) -> sp.Rational:
    return FRACTIONS[t.text] if t.kind == "frac" else sp.Rational(t.text)


def segments(text: str) -> list[Segment]:
    """The mathematical runs of `text`, in order.

    A run ends at a word, a sentence mark, or a colon not spaced on both sides ("A: 1" is prose,
    "AB : AC" a ratio); commas inside brackets belong to it ("C(7, 2)", "P(1, −3)"). A lone name
    or a run without a digit or "=" is no claim and is dropped.
    """
    toks = tokens(text)
    out: list[Segment] = []
    cur: list[Tok] = []
    depth = 0

    def flush() -> None:
        nonlocal depth
        if depth > 0:  # an unclosed bracket opened prose ("PA = PB (right triangles …"): cut before it
            level, cut = 0, None
            for j, t in enumerate(cur):
                if t.kind == "open":
                    if level == 0 and cut is None:
                        cut = j
                    level += 1
                elif t.kind == "close":
                    level -= 1
                    if level == 0:
                        cut = None
            if cut == 0:
                del cur[0]  # "(sin θ = 24/25)": the bracket of a parenthetical claim
            elif cut is not None:
                del cur[cut:]
        while cur and (cur[-1].kind == "colon" or (cur[-1].kind == "op" and cur[-1].text not in "°%!|")):
            cur.pop()  # a trailing operator or colon is punctuation ("… = 8: the …")
        # brackets must balance inside a run; an unbalanced tail is prose around it
        if cur and any(t.kind in ("num", "frac") or t.text == "=" for t in cur):
            start, end = cur[0].pos, cur[-1].pos + len(cur[-1].text)
            out.append(Segment(text[start:end], tuple(cur)))
        cur.clear()
        depth = 0

    for i, t in enumerate(toks):
        if t.kind == "space":
            continue
        if t.kind in MATH:
            if t.kind == "open":
                depth += 1
            elif t.kind == "close":
                if depth == 0:
                    flush()
                    continue
                depth -= 1
            cur.append(t)
        elif t.kind == "comma" and depth > 0 or t.kind == "colon" and _spaced(toks, i) and cur:
            cur.append(t)
        else:
            flush()
    flush()
    return out


def _spaced(toks: list[Tok], i: int) -> bool:
    return 0 < i < len(toks) - 1 and toks[i - 1].kind == "space" and toks[i + 1].kind == "space"


# -- the parser ---------------------------------------------------------------------------------------
@dataclass
class Parsed:
    value: sp.Expr  # sympy value; unknown names are Symbols named as written
    names: list[str]  # the names read, in order
    numbers: list[sp.Rational]  # the number literals read, in order


class _Parser:
    def __init__(self, toks: tuple[Tok, ...], names: dict[str, sp.Expr]):
        self.toks = [t for t in toks if t.kind != "latex" or t.text not in ("\\left", "\\right")]
        self.i = 0
        self.env = names
        self.names: list[str] = []
        self.numbers: list[sp.Rational] = []

    def peek(self, k: int = 0) -> Tok | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def take(self) -> Tok:
        t = self.peek()
        if t is None:
            raise ClaimError("unexpected end")
        self.i += 1
        return t

    def expect(self, text: str) -> None:
        t = self.take()
        if t.text != text and not (text == ")" and t.kind == "close") and not (text == "(" and t.kind == "open"):
            raise ClaimError(f"expected {text!r}, got {t.text!r}")

    def at(self, *texts: str) -> bool:
        t = self.peek()
        return t is not None and t.text in texts

    # ratio := sum (":" sum)*
    def ratio(self):
        first = self.sum()
        if not self.at(":"):
            return first
        parts = [first]
        while self.at(":"):
            self.take()
            parts.append(self.sum())
        return Ratio(tuple(parts))

    def sum(self):
        v = self.product()
        while self.at("+", "-", "−"):
            op = self.take().text
            w = self.product()
            v = v + w if op == "+" else v - w
        return v

    def _starts_atom(self) -> bool:
        t = self.peek()
        if t is None:
            return False
        return t.kind in ("num", "frac", "name", "func", "open") or t.text in ("√", "\\sqrt", "\\frac", "\\pi")

    def product(self):
        v = self.unary()
        while True:
            if self.at("·", "×", "*", "\\cdot", "\\times"):
                self.take()
                v = v * self.unary()
            elif self.at("/", "÷"):
                self.take()
                w = self.unary()
                if w == 0:
                    raise ClaimError("division by zero")
                v = v / w
            elif self.at("∥"):
                self.take()
                w = self.unary()
                v = v * w / (v + w)
            elif self._starts_atom():
                v = v * self.power()  # implicit product: 2√5, 3x, (x − 1)(x − 5), v₀ cos θ
            else:
                return v

    def unary(self):
        if self.at("-", "−"):
            self.take()
            return -self.unary()
        if self.at("+"):
            self.take()
            return self.unary()
        return self.power()

    def power(self):
        v = self.postfix()
        while True:
            t = self.peek()
            if t is not None and t.kind == "sup":
                self.take()
                v = v ** _exponent(t.text, self.env)  # 2ˣ⁻¹: the run of superscripts is the exponent
            elif self.at("^"):
                self.take()
                v = v ** self.unary()
            else:
                return v

    def postfix(self):
        v = self.atom()
        while self.at("°", "%", "!", "′"):
            op = self.take().text
            if op == "!":
                v = sp.factorial(v)
            elif op == "°":
                v = Degrees(v)
        return v

    def group(self):
        """A bracketed sum, or a point (x, y) when commas separate its parts."""
        self.expect("(")
        parts = [self.ratio()]
        while self.peek() is not None and self.peek().kind == "comma":
            self.take()
            parts.append(self.ratio())
        self.expect(")")
        return parts[0] if len(parts) == 1 else sp.Tuple(*parts)

    def braced(self):
        t = self.take()
        if t.text != "{":
            raise ClaimError("expected '{'")
        v = self.sum()
        self.expect(")")
        return v

    def atom(self):
        t = self.peek()
        if t is None:
            raise ClaimError("unexpected end")
        if t.kind == "num" or t.kind == "frac":
            self.take()
            v = literal(t)
            self.numbers.append(v)
            return v
        if t.text in ("π", "\\pi"):
            self.take()
            return sp.pi
        if t.text == "√":
            self.take()
            return sp.sqrt(_plain(self.power()))
        if t.text == "\\sqrt":
            self.take()
            return sp.sqrt(_plain(self.braced()))
        if t.text == "\\frac":
            self.take()
            a = self.braced()
            b = self.braced()
            if b == 0:
                raise ClaimError("division by zero")
            return a / b
        if t.kind == "open" and t.text in "({":
            if t.text == "{":
                return self.braced()
            return self.group()
        if t.text == "|":
            self.take()
            v = self.sum()
            self.expect("|")
            return sp.Abs(v)
        if t.kind == "func":
            return self.func()
        if t.kind == "name":
            self.take()
            name = t.text
            self.names.append(name)
            if self.peek() is not None and self.peek().kind == "open" and self.peek().text == "(":
                return self.call(name)
            known = self.env.get(name)
            return known if known is not None else sp.Symbol(name)
        raise ClaimError(f"unexpected {t.text!r}")

    def func(self):
        name = self.take().text
        exp = None
        t = self.peek()
        if t is not None and t.kind == "sup":  # sin² r
            self.take()
            exp = _exponent(t.text, self.env)
        arg = _plain(self.power(), radians=True)
        base = name.translate(str.maketrans(SUBSCRIPTS, "0123456789")).replace("_", "").strip("{}")
        if base.startswith("log") and base != "log":
            v = sp.log(arg, int(base[3:].strip("{}")))
        elif base in ("log", "ln"):
            v = sp.log(arg)
        else:
            v = {"sin": sp.sin, "cos": sp.cos, "tan": sp.tan}[base](arg)
        return v**exp if exp else v

    def call(self, name: str):
        args = self.group()
        if name == "C" and isinstance(args, sp.Tuple) and len(args) == 2:
            return sp.binomial(args[0], args[1])
        if isinstance(args, sp.Tuple):
            return Point(name, args)  # P(1, −3): a point stated with its coordinates
        return sp.Function(name)(args)


@dataclass(frozen=True)
class Ratio:
    """a : b : c — equal to another ratio when the parts are proportional."""

    parts: tuple


@dataclass(frozen=True)
class Point:
    name: str
    coords: sp.Tuple


class Degrees(sp.Expr):
    """A value written with "°": a trig function reads it in degrees; anywhere else it is the number."""

    def __new__(cls, v):
        return v if isinstance(v, Degrees) else sp.Expr.__new__(cls, v)

    @property
    def value(self):
        return self.args[0]


def _exponent(sup: str, env: dict[str, sp.Expr]) -> sp.Expr:
    return parse(tuple(t for t in tokens(sup.translate(SUPERSCRIPTS)) if t.kind != "space"), env).value


def _plain(v, radians: bool = False):
    """A value for arithmetic: degrees turn into radians inside a trig function, else into the number."""
    if isinstance(v, Degrees):
        return v.value * sp.pi / 180 if radians else v.value
    if isinstance(v, sp.Basic) and v.has(Degrees):
        return v.replace(lambda e: isinstance(e, Degrees), lambda e: e.value)
    return v


def parse(toks: tuple[Tok, ...], env: dict[str, sp.Expr]) -> Parsed:
    """One side of a chain as a sympy value (or a Ratio or Point); names in `env` are substituted."""
    p = _Parser(toks, env)
    if not p.toks:
        raise ClaimError("empty side")
    v = p.ratio()
    if p.peek() is not None:
        raise ClaimError(f"unexpected {p.peek().text!r}")
    if isinstance(v, Ratio):
        v = Ratio(tuple(_plain(x) for x in v.parts))
    elif not isinstance(v, Point):
        v = _plain(v)
    return Parsed(v, p.names, p.numbers)


NUMBER = re.compile(r"\d+(?:\.\d+)?|[½⅓¼¾]")


def numbers_in(text: str) -> list[sp.Rational]:
    """Every number literal of a text (a question's, a label's), in order: the tokens `num` and `frac`."""
    return [FRACTIONS[m] if m in FRACTIONS else sp.Rational(m) for m in NUMBER.findall(text)]
