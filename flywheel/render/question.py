"""A question as parts, and the composer that turns (parts, frame, version) into its text.

A generator states *what* its problem says — facts about the figure (no numbers), the givens
("AB = 16"), premises the figure cannot show, the ask (a noun phrase: "the length of AC") and
optional real-world settings — and `compose` decides *how* it is said. Frames differ in structure
(imperative, "What is …?", "Given …, find …", conditional, ask first, a list of data, a setting in
place of the bare figure), not in synonyms, so masked frames can be counted (`mask`).

Versions follow MathVerse (Zhang et al., 2024):
- `text_dominant`: everything in the text (and the figure);
- `text_lite`: what the figure shows (the facts) dropped from the text;
- `vision_dominant`: the givens the figure shows only on the figure;
- `vision_only`: the ask alone (with the premises and givens no figure can show).

The canonical text (frame 0, text_dominant, givens in the generator's order) is the problem's
statement: domain verifiers read it, evolution steps extend it, the duplicate key is made of it,
so the frame a sample happens to draw never makes a repeat look new.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace

from flywheel.core.registry import parse_names

VERSIONS = ("text_dominant", "text_lite", "vision_dominant", "vision_only")
DEFAULT_VERSION = "text_dominant"
VISION_VERSIONS = ("vision_dominant", "vision_only")  # no figure given's value in the text
DEFAULT_VERSIONS = [DEFAULT_VERSION]  # see docs/synthesis.md "Question text": why text_dominant alone by default
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:/\d+)?(?![\w])")


def parse_versions(text: str | None) -> list[str]:
    """`"text_dominant,vision_only"` or `"all"` → the versions, in the order given; unknown names are a user error."""
    return parse_names(text, VERSIONS, "version", DEFAULT_VERSIONS, everything=True)


@dataclass(frozen=True)
class Stated:
    """One given as the text states it. `figure`: the figure shows it too (a length beside its
    segment), so vision versions leave it out of the text; False for what no figure can show
    (g = 10 m/s², "the internal resistance is negligible" with a number)."""

    text: str
    figure: bool = True

    @property
    def values(self) -> list[str]:
        """The numbers the text states: what a vision version's text must not contain."""
        return NUMBER.findall(self.text)


@dataclass(frozen=True)
class Question:
    """The parts of a question; `compose` makes its text."""

    facts: tuple[str, ...]  # sentences on what the figure is, no numbers ("ABCD is a rectangle.")
    givens: tuple[Stated, ...]  # in the generator's order
    ask: str  # a noun phrase ("the length of the diagonal AC"), or a question of its own ("How many …?")
    unit: str = ""  # "in degrees": said after the ask
    premises: tuple[str, ...] = ()  # sentences the figure cannot show (kept in every version)
    context: tuple[str, ...] = ()  # real-world settings that may replace the facts ("A ladder AC leans …")

    def extended(self, facts: tuple[str, ...] = (), givens: tuple[Stated, ...] = (), ask: str | None = None,
                 unit: str | None = None, premises: tuple[str, ...] = ()) -> Question:
        """The question with more parts and, optionally, a new ask (an evolution step)."""
        return replace(self, facts=self.facts + tuple(facts), givens=self.givens + tuple(givens),
                       ask=self.ask if ask is None else ask, unit=self.unit if unit is None else unit,
                       premises=self.premises + tuple(premises), context=() if facts or premises else self.context)

    def mapped(self, fn) -> Question:
        """Every text of the question passed through `fn` (relabelling points)."""
        return Question(tuple(map(fn, self.facts)), tuple(replace(g, text=fn(g.text)) for g in self.givens),
                        fn(self.ask), self.unit, tuple(map(fn, self.premises)), tuple(map(fn, self.context)))


def parts(facts: str | list[str] | tuple[str, ...], givens: list, ask: str, *, unit: str = "",
             premises: str | list[str] = (), context: str | list[str] = ()) -> Question:
    """Shorthand: strings for one sentence, `givens` as texts or Stated."""
    def seq(x):
        return (x,) if isinstance(x, str) else tuple(x)
    return Question(seq(facts), tuple(g if isinstance(g, Stated) else Stated(g.strip().rstrip(".")) for g in givens), ask, unit,
                    seq(premises), seq(context))


@dataclass(frozen=True)
class Composed:
    text: str
    frame: int
    version: str


_MATH_WORDS = {"sin", "cos", "tan", "log", "f", "g", "x", "y"}


def _cap(s: str) -> str:
    """Capitalise a sentence's first word unless it is mathematics (θ = 30°, sin θ, f(x))."""
    head = s.split(" ", 1)[0].split("(", 1)[0]
    if not s or not head.isascii() or head in _MATH_WORDS:
        return s
    return s[:1].upper() + s[1:]


_LEADING = {"The", "A", "An", "In", "On", "At", "Its", "It", "What", "How", "Which", "By", "From", "Reading", "Use"}


_POINT_VERBS = {"is", "lies", "has", "and", "=", "moves", "are", "was"}


def _low(s: str) -> str:
    """Lower the first word of a clause when it is a plain word ("The value …"), never a name (AB, Amy)."""
    head, *rest = s.split(" ", 2)
    if head == "A" and rest and rest[0] in _POINT_VERBS:
        return s  # the point A ("A is the point (1, 2)"), not the article
    return s[0].lower() + s[1:] if head in _LEADING else s


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _sent(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


@dataclass(frozen=True)
class _Say:
    lead: str  # context/facts and premises, as sentences
    givens: list[str]
    ask: str  # a noun phrase with its unit, or a whole question ("How many …?")

    @property
    def asked(self) -> bool:
        """The generator wrote the ask as a question of its own (charts: "How many …?")."""
        return self.ask.endswith(("?", "."))

    def order(self) -> str:  # "Find X." / the question itself
        return self.ask if self.asked else f"Find {self.ask}."

    def query(self) -> str:  # "What is X?" / the question itself
        return self.ask if self.asked else f"What is {self.ask}?"

    def clause(self, lead_in: str) -> str:  # "If …, what is X?" / "If …, how many …?"
        if self.asked:
            return f"{lead_in}, {_low(self.ask)}"
        return f"{lead_in}, what is {self.ask}?"

    def data(self) -> str:
        return f"{_cap(_and(self.givens))}." if self.givens else ""


def _f0(s: _Say) -> str:  # imperative: setting, data, ask
    return _sent(s.lead, s.data(), s.order())


def _f1(s: _Say) -> str:  # "What is …?" after the data
    return _sent(s.lead, s.data(), s.query()) if not s.asked else _sent(s.lead, s.query(), s.data())


def _f2(s: _Say) -> str:  # "Given that …, find …"
    if s.givens:
        g = f"Given that {_and([_low(g) for g in s.givens])}"
        return _sent(s.lead, s.clause(g) if s.asked else f"{g}, find {s.ask}.")
    return _sent(s.lead, s.clause("From the figure") if s.asked else f"From the figure, find {s.ask}.")


def _f3(s: _Say) -> str:  # conditional
    if s.givens:
        return _sent(s.lead, s.clause(f"If {_and([_low(g) for g in s.givens])}"))
    return _sent(s.lead, s.clause("Reading the figure"))


def _f4(s: _Say) -> str:  # the ask first, the data after
    if s.lead or s.givens:
        return _sent(s.order(), s.lead, s.data())
    return f"{s.order()} Answer from the figure."  # never "Find ∠CDE, in degrees from the figure."


def _f5(s: _Say) -> str:  # the data as a list
    if s.givens:
        return _sent(s.lead, f"Known: {'; '.join(_low(g) for g in s.givens)}.", s.order())
    return _sent(s.lead, _sent("Look at the figure.", s.ask) if s.asked else f"Use the figure to work out {s.ask}.")


def _f6(s: _Say) -> str:  # the ask, then its condition
    if s.givens:
        cond = f"given that {_and([_low(g) for g in s.givens])}"
        if s.asked:
            return _sent(s.lead, f"{s.ask[:-1]}, {cond}{s.ask[-1]}")
        return _sent(s.lead, f"Find {s.ask}, {cond}.")
    if s.asked:
        return _sent(s.lead, s.ask, "Use only what the figure shows.")
    return _sent(s.lead, f"Using only what the figure shows, find {s.ask}.")


FRAMES = (_f0, _f1, _f2, _f3, _f4, _f5, _f6)


def compose(q: Question, version: str = DEFAULT_VERSION, seed: int | None = None) -> Composed:
    """The text of `q` in `version`; `seed` draws the frame, the givens' order and a setting
    (None: the canonical text — frame 0, the generator's order, no setting)."""
    if version not in VERSIONS:
        raise ValueError(f"unknown version {version!r}")
    rng = random.Random(seed) if seed is not None else None
    frame = rng.randrange(len(FRAMES)) if rng else 0
    givens = list(q.givens)
    if rng and len(givens) > 1:
        rng.shuffle(givens)
    facts = list(q.facts)
    if rng and q.context and rng.random() < 0.5:
        facts = [rng.choice(q.context)]  # a setting in place of the bare figure
    if version in ("text_lite", "vision_only"):
        facts = []
    if version in VISION_VERSIONS:
        givens = [g for g in givens if not g.figure]
    ask = f"{q.ask}, {q.unit}" if q.unit and not q.ask.endswith(("?", ".")) else q.ask
    say = _Say(_sent(*facts, *q.premises), [g.text for g in givens], ask)
    return Composed(FRAMES[frame](say), frame, version)


def canonical(q: Question) -> str:
    return compose(q).text


_NUM_MASK = re.compile(r"\d+(?:[.,]\d+)*")
_NAME_MASK = re.compile(r"(?<![A-Za-z])[A-Z][A-Z0-9₀-₉′']*(?![a-z])")


def mask(text: str) -> str:
    """A question's frame: numbers → #, point names → @ (what `flywheel stats` counts)."""
    return _NAME_MASK.sub("@", _NUM_MASK.sub("#", text))


def stated_in(text: str, given: Stated, ask: str = "") -> list[str]:
    """The given's numbers that `text` states outside the ask (empty: the text keeps it to the figure)."""
    rest = text.replace(ask, " ") if ask else text
    found = set(NUMBER.findall(rest))
    return [v for v in given.values if v in found]
