"""What a generator returns (Draft) and how a Draft becomes code, trace and layout (Rendered)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from flywheel.core.answers import to_latex
from flywheel.core.records import Difficulty
from flywheel.render.question import Question, Stated, canonical, parts  # noqa: F401 - generators import them here
from flywheel.render.scene import emit, layout, values
from flywheel.render.scene.model import Measure, Scene, rational_rotation


@dataclass
class Given:
    """A quantity stated in the question; the answer verifier re-measures it in the scene."""

    measure: Measure
    value: sp.Expr


def length(segment: str, value) -> Given:
    """`length("AB", 5)`: the question states AB = 5."""
    return Given(Measure("length", (segment[0], segment[1])), sp.sympify(value))


def angle(vertices: str, degrees) -> Given:
    """`angle("ACB", 40)`: the question states ∠ACB = 40°."""
    return Given(Measure("angle", tuple(vertices)), sp.sympify(degrees))


@dataclass(frozen=True)
class Slip:
    """A typical wrong answer of a problem and the mistake that gives it ("forgot to halve the chord"):
    the distractors of its multiple-choice form."""

    why: str
    value: sp.Expr


@dataclass(frozen=True)
class Choices:
    """The multiple-choice form of a draft: the options (LaTeX, in order A, B, …) and the right letter."""

    options: tuple[str, ...]
    letter: str
    why: tuple[str, ...]  # the mistake behind each option ("" for the right one)

    @property
    def index(self) -> int:
        return ord(self.letter) - ord("A")

    @property
    def listing(self) -> str:
        """The options as the question lists them after its ask."""
        return "Choose one: " + " ".join(f"({chr(ord('A') + i)}) {o}" for i, o in enumerate(self.options)) + "."


@dataclass
class Draft:
    """A problem built by construction: the answer comes from the theorem, the figure from the scene."""

    title: str
    scene: Scene
    # A generator passes a Question (render/question.py): the draft keeps its parts in `text` and its
    # canonical statement here, which domain verifiers read; the sample's text is composed in the build.
    # A plain string (an LLM's or an imported problem) is the only text the draft has.
    question: str
    answer: sp.Expr
    target: Measure
    givens: list[Given]
    reasoning: list[str]  # before the tool call: what to look at, why the construction helps
    conclusion: list[str]  # after the tool call: the theorem applied to reach the answer
    difficulty: Difficulty
    params: dict[str, Any] = field(default_factory=dict)
    # Data the figure shows but the question does not state (a graph's weights, a board's blocked
    # cells): part of the near-duplicate key, since there the same words ask different problems.
    figure_key: str = ""
    text: Question | None = None
    frame_seed: int | None = None  # draws the frame of the sample's text (draw() sets it from the task's rng)
    slips: list[Slip] = field(default_factory=list)  # typical wrong answers (render/choices.py adds generic ones)
    choices: Choices | None = None  # set when the sample is multiple choice: its answer is the letter

    def __post_init__(self) -> None:
        if isinstance(self.question, Question):
            self.text, self.question = self.question, canonical(self.question)

    @property
    def answer_latex(self) -> str:
        return to_latex(self.answer)

    @property
    def statement(self) -> str:
        """The question without its multiple-choice options: what the question and trace verifiers bind
        (the options are numbers of the answer's kind, not givens)."""
        return self.question.removesuffix(f" {self.choices.listing}") if self.choices else self.question

    @property
    def final_answer(self) -> str:
        """What the trace's <answer> and the sample's answer say: the letter of a multiple-choice draft."""
        return self.choices.letter if self.choices else self.answer_latex


@dataclass
class Rendered:
    draft: Draft
    layout: layout.Layout
    image_code: str
    tool_code: str
    cot: str


MIN_STROKE_ANGLE = 15.0  # degrees; below this two lines read as one (a sliver)
MAX_DRAWS = 30


def draw(fn, seed: int) -> Draft:
    """Call a generator with a seeded rng until its scene is well conditioned (no slivers).

    The retries continue the same random stream, so a seed always yields the same draft.
    """
    rng = random.Random(seed)
    for _ in range(MAX_DRAWS):
        draft = fn(rng)
        if draft.scene.min_stroke_angle() >= MIN_STROKE_ANGLE:
            break
    # Drawn after the problem, from the same stream: the frame never changes which problem a seed makes.
    draft.frame_seed = rng.getrandbits(32)
    return draft  # a sliver left after MAX_DRAWS: the image verifier rejects it with the reason


def orient(scene: Scene, rng: random.Random) -> Scene:
    """Random exact rotation/mirror: the same problem in a new orientation (surface variety)."""
    cos, sin = rational_rotation(rng)
    return scene.transformed(cos, sin, mirror=rng.random() < 0.5)


def render(draft: Draft) -> Rendered:
    # A scene kind with its own figure model and emitter (e.g. charts) renders itself.
    custom = getattr(draft.scene, "render_draft", None)
    if custom is not None:
        return custom(draft)
    values.mark_given_angles(draft.scene, draft.givens)
    lay = layout.place_labels(draft.scene, layout.fit_view(draft.scene), draft.givens, draft.question)
    tool = emit.tool_code(draft.scene, lay)
    return Rendered(draft, lay, emit.image_code(draft.scene, lay, draft.title), tool, trace(draft, tool))


def trace(draft: Draft, tool: str) -> str:
    """The V-Thinker trace: reasoning, the tool call, its output, reasoning on the edited image, answer."""
    construction = draft.scene.construction.description
    before = " ".join(draft.reasoning + [f"I will {construction} on the figure."])
    after = " ".join(draft.conclusion)
    if draft.choices:
        after += f" {draft.answer_latex} is option ({draft.choices.letter})."
    return (
        f"<think>{before}\n<code>\n```python\n{tool.rstrip()}\n```\n</code>\n"
        f"<sandbox_output><image></sandbox_output>\n{after}</think>\n"
        f"<answer>{draft.final_answer}</answer>"
    )
