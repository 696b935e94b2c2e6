"""Near-duplicate keys: signs of an equation count, kinds do not collide, figures tell instructions apart."""

import math

from flywheel.domains import generator_names
from flywheel.render.scene.layout import label_box
from flywheel.run.build import figure_key
from flywheel.verify.duplicate import DuplicateIndex, question_key
from tests.conftest import rendered


def test_question_key_keeps_signs_and_powers_but_not_names_or_spacing():
    a = "The parabola y = x² − 5x/2 − 3/2 meets the x-axis at A and B. Find the area of triangle ABV."
    flipped = "The parabola y = −x² − 5x/2 + 3/2 meets the x-axis at A and B. Find the area of triangle ABV."
    assert question_key(a) != question_key(flipped)
    assert question_key(a) != question_key(a.replace("x²", "x"))
    relabelled = "The parabola y = x²−5x/2−3/2 meets the x-axis at P and Q. Determine the area of triangle PQW."
    assert question_key(a) == question_key(relabelled)


def test_same_answer_and_figure_is_a_duplicate_only_within_one_kind():
    idx = DuplicateIndex()
    answer = "{'A': (86, 339), 'B': (178, 339)}"
    idx.add("k1", "adc48339c43f3e94", answer, "perception")
    # The instruction "Draw the segment AB" on the same figure has the same answer string by chance.
    assert idx.check("k2", "adc48339c43f3e94", answer, "instruction")[0]
    ok, reason = idx.check("k3", "adc48339c43f3e94", answer, "perception")
    assert not ok and "pHash distance 0" in reason


def test_figure_key_tells_apart_figures_that_differ_beyond_the_instruction():
    keys = {}
    for seed in range(40):
        r = rendered("analytic.ellipse_focal_radius", seed)
        keys.setdefault(figure_key(r), set()).add(tuple(r.draft.params["P"]))
    # Each key is one figure: the same foci pixels with P elsewhere give another key.
    assert all(len(ps) == 1 for ps in keys.values())
    r = rendered("analytic.ellipse_focal_radius", 3)
    assert figure_key(r) == figure_key(rendered("analytic.ellipse_focal_radius", 3))


def test_no_tick_label_is_nearer_a_labelled_point_than_its_own_label():
    for name in [g for g in generator_names() if g.startswith("analytic.")]:
        for seed in range(12):
            r = rendered(name, seed)
            lay, pts = r.layout, r.draft.scene.floats()
            for n in r.draft.scene.labeled:
                p = lay.to_px(*pts[n])
                own = _gap(p, label_box(*lay.labels[n], n))
                for t in lay.plane_texts:
                    if t.tick:
                        assert _gap(p, t.box) > own, (name, seed, n, t.text)


def _gap(p, r) -> float:
    return math.hypot(max(r[0] - p[0], 0.0, p[0] - r[2]), max(r[1] - p[1], 0.0, p[1] - r[3]))
