"""A toy domain from one folder: one generator, its own answer and image verifiers, knowledge and
rules, and evolution (it borrows plane geometry's step, distractor and variant mechanics).

Everything a domain needs is here: the Domain record, registered from this `__init__.py`, names the
modules that register its generators and verifiers. A real plugin would list this package under
the `flywheel.domains` entry point group instead of being imported by a test.
"""

from pathlib import Path

from flywheel.core.registry import Registry
from flywheel.domains.base import Domain, Evolution, Step
from flywheel.domains.plane_geometry import steps as plane_steps
from flywheel.domains.plane_geometry import variants as plane_variants
from flywheel.domains.registry import register_domain

STEPS: Registry[Step] = Registry("toy expansion step", "flywheel.toy_steps", [])
STEPS.add("toy_right_triangle", Step("toy_right_triangle", "toy.square_diagonal", frozenset({"length"}), "length",
                                     plane_steps.right_triangle))

_HERE = Path(__file__).parent
DOMAIN = Domain(
    name="toy", title="Toy squares",
    modules=(f"{__name__}.squares", f"{__name__}.verifiers"),
    knowledge=_HERE / "knowledge.yaml", rules=_HERE / "rules.yaml",
    evolution=Evolution(steps=STEPS, target_kind=plane_steps.target_kind, parallel=plane_variants.distract,
                        surface=plane_variants.vary, reshapable=True),
)
register_domain(DOMAIN)
