"""Figure nits of issue 13: regular axis scales (or none), construction labels in the figure's own font."""

from __future__ import annotations

import math

import pytest
import sympy as sp

from flywheel.domains import get_generator
from flywheel.domains.registry import GENERATORS
from flywheel.domains.solid_geometry.common import box
from flywheel.render.draft import draw
from flywheel.render.scene.coords import tick_text
from flywheel.render.scene.layout import label_box
from flywheel.render.scene.model import Construction
from flywheel.render.scene.solid import Projection, Space, crowding, solid_scene
from flywheel.render.scene.values import TEXT_GAP_PX, WORD_GAP_PX
from flywheel.run.build import execute
from tests.conftest import rendered

ANALYTIC = [g for g in GENERATORS.names() if g.startswith("analytic.")]


@pytest.mark.parametrize("generator", ANALYTIC)
def test_tick_labels_form_a_regular_scale_or_none(generator):
    """Every k-th tick is labelled (or none is); a tick may go unlabelled only where a named point or the origin
    sits; the labels of one axis all sit on one side of it (a lone "−2" above the x-axis beside the y-axis read as
    a y label)."""
    for seed in range(3):
        r = rendered(generator, seed)
        lay, scene = r.layout, r.draft.scene
        step = scene.coordinate_plane.tick_step(lay)
        xt, yt = scene.coordinate_plane.ticks(lay)
        named = [lay.to_px(*scene.floats()[n]) for n in scene.labeled + scene.construction.points] + [lay.to_px(0, 0)]
        texts = [t for t in lay.plane_texts if t.tick]
        xs, ys = {v: lay.to_px(v, 0) for v in xt}, {v: lay.to_px(0, v) for v in yt}
        for here in (xs, ys):
            ticks = list(here)
            shown = {v for v, (x, y) in here.items() for t in texts
                     if t.text == tick_text(v) and (abs(t.cx - x) < 1 or abs(t.cy - y) < 1)}
            if not shown:
                continue  # no scale at all is allowed
            k = min(b - a for a, b in zip(sorted(shown | {0}), sorted(shown | {0})[1:], strict=False)) // step
            every_kth = {v for v in ticks if (v // step) % k == 0}
            excused = {v for v, (x, y) in here.items() if any(math.dist((x, y), p) < 40 for p in named)}
            assert shown <= every_kth and every_kth - shown <= excused, (seed, sorted(shown), k)  # not 1, 3, 6, 7, 9
            along = 0 if here is xs else 1  # the coordinate a tick label shares with its tick
            across = {getattr(t, "cy" if along == 0 else "cx") > lay.to_px(0, 0)[1 - along] for v, p in here.items()
                      for t in texts if t.text == tick_text(v) and abs((t.cx, t.cy)[along] - p[along]) < 1}
            assert len(across) <= 1, (seed, "tick labels on both sides of an axis")


def test_construction_labels_use_the_figures_serif():
    r = rendered("plane.chord_distance", 0)
    assert r.draft.scene.construction.points  # the tool labels a new point
    assert "DejaVuSerif-Italic.ttf" in r.tool_code and "load_default" not in r.tool_code
    ctx, _ = execute("t", r, None, "plane_geometry")
    assert ctx.tool.error is None and ctx.tool.png


def test_curves_are_named_when_there_is_more_than_one():
    for generator, seed in (("analytic.log_reflection", 0), ("analytic.circle_chord", 1), ("analytic.area_parabola_line", 2)):
        r = rendered(generator, seed)
        curves = {c.name for c in r.draft.scene.coordinate_plane.curves}
        names = {t.text.split(":")[0] for t in r.layout.plane_texts if not t.tick}  # "l" or "l: 3x − 2y = 9"
        assert len(curves) > 1 and curves <= names, (generator, curves, names)
    single = rendered("analytic.tangent_length", 0)  # one curve (and a tangent the tool draws): no name needed
    assert len(single.draft.scene.coordinate_plane.curves) == 1
    assert {t.text for t in single.layout.plane_texts if not t.tick} - {"x", "y", "O"} == {"y = −x²/2 + x − 4"}


def _equations(stated: str) -> list[str]:
    """The equations a stated given holds: "the parabola is y = x² − 1" → ["y = x² − 1"]; the pieces of a
    piecewise rule ("y = 2x + 1 for −3 ≤ x ≤ 0; …") one by one, without their conditions."""
    body = stated.split(" is ", 1)[-1].split(" are ", 1)[-1]
    return [part.split(" for ")[0].strip() for part in body.split("; ")]


@pytest.mark.parametrize("generator", ANALYTIC)
def test_every_stated_equation_is_printed_on_the_figure(generator):
    """A vision_only question ("Find the area of triangle ABV.") drops the parabola's equation from the text,
    so the figure must carry it beside its curve, as a textbook prints it; it once carried none."""
    for seed in range(3):
        r = rendered(generator, seed)
        shown = [t.text for t in r.layout.plane_texts if not t.tick]
        for g in r.draft.text.givens:
            if g.figure and "=" in g.text:
                for eq in _equations(g.text):
                    assert any(eq in t for t in shown), (seed, eq, shown)


SOLID = [g for g in GENERATORS.names() if g.startswith("solid.")]


@pytest.mark.parametrize("generator", SOLID)
def test_solid_views_keep_points_clear_of_strokes_they_are_not_on(generator):
    """No vertex a few px from an edge it is not on (a hidden rhombus-prism vertex 3 px from a visible edge
    made four points look collinear), no point beside a crossing of two circles of a sphere, no two points
    nearly coinciding; the seeds include views the old choice drew that way (prism 2 and 10, sphere 1 and 2)."""
    for seed in range(40):
        scene = draw(get_generator(generator).fn, seed).scene
        assert crowding(scene) == [], (seed, crowding(scene))


def test_crowding_sees_a_vertex_beside_an_edge():
    """The check itself: a cuboid seen so that the hidden vertex D lies 3 px below the visible edge EF."""
    pts, faces = box(40, 10, 40)
    r = sp.Rational(3, 46)  # D at 10·(1, 4 − r): 10·r units = 3 px below EF at this scale (4.6 px a unit)
    view = Projection("test", (sp.Integer(1), sp.Integer(0)), (sp.Integer(1), sp.Integer(4) - r), (sp.Integer(0), sp.Integer(1)))
    scene = solid_scene(Space(pts, view, faces), list("ABCDEFGH"), Construction(""))
    assert any(c.startswith("D ") and c.endswith("from EF") for c in crowding(scene)), crowding(scene)


def _gaps(a, b) -> tuple[float, float]:
    """Horizontal and vertical clearance between two boxes (0 where their extents overlap)."""
    return max(b[0] - a[2], a[0] - b[2], 0.0), max(b[1] - a[3], a[1] - b[3], 0.0)


@pytest.mark.parametrize("generator", ["solid.cube_section", "solid.prism_lateral_area", "solid.sphere_section",
                                       "physics.thin_lens", "physics.lever_balance", "plane.inscribed_angle",
                                       "analytic.sine_reading"])
def test_values_of_different_quantities_read_apart(generator):
    """Two values beside one edge once read "65 96" (AM = 65, AB = 96 with a few px between them): side by
    side they keep two digits apart, one above the other a clear gap; a value keeps a gap from the letters too."""
    for seed in range(6):
        lay = rendered(generator, seed).layout
        vs = lay.values
        for i, a in enumerate(vs):
            for b in vs[i + 1 :]:
                dx, dy = _gaps(a.box, b.box)
                assert (dy > 0 or dx >= WORD_GAP_PX - 2) and max(dx, dy) >= TEXT_GAP_PX - 2, (seed, a.text, b.text, dx, dy)
            for name, xy in lay.labels.items():  # a value's box carries 1 px of padding each side
                assert max(_gaps(a.box, label_box(*xy, name))) >= TEXT_GAP_PX - 1, (seed, a.text, name)


@pytest.mark.parametrize("generator", ["solid.cube_section", "plane.parallelogram_area", "plane.trapezoid_area",
                                       "plane.power_of_point"])
def test_a_bare_length_labels_a_segment_with_no_named_point_inside(generator):
    """A bare "103" beside AB with the feet H and K on it reads as HK = 103 (and "96" beside AB with M on it as
    AM or MB): such a length names its segment ("AB = 103"); a bare number labels a segment with nothing inside."""
    for seed in range(6):
        r = rendered(generator, seed)
        scene, px = r.draft.scene, r.layout.points_px(r.draft.scene)
        for v in r.layout.values:
            a, b = v.measure.points[0], v.measure.points[-1]
            if v.measure.kind != "length" or "=" in v.text:
                continue
            inside = [n for n in scene.labeled + scene.construction.points if n not in (a, b)
                      and math.dist(px[a], px[n]) + math.dist(px[n], px[b]) < math.dist(px[a], px[b]) + 0.01]
            assert not inside, (seed, v.text, a + b, inside)


def test_a_curve_name_never_reads_as_a_points_letter_nor_touches_a_curve():
    """"f" beside B reads as B's name (the perception check rejected such figures), and an italic f's
    hooks overhang its advance box: names are kept NAME_CLEAR_PX from every named point, by their ink."""
    from flywheel.render.scene import text
    from flywheel.render.scene.coords import AXIS_FONT, NAME_CLEAR_PX, _rect_gap, plane_strokes_px
    from flywheel.render.scene.pixels import rect_hits_segments

    font = text.Font("DejaVu Serif", "italic", float(AXIS_FONT))
    # Seeds whose figures had a curve name beside an intersection point or across the parabola.
    for generator, seed in (("analytic.area_parabola_line", 20261211), ("analytic.area_parabola_line", 20261212),
                            ("analytic.area_parabola_line", 304870805306774984), ("analytic.circle_chord", 20261216)):
        r = rendered(generator, seed)
        scene, lay = r.draft.scene, r.layout
        named = [lay.to_px(*scene.floats()[n]) for n in scene.labeled]
        curves = {c.name for c in scene.coordinate_plane.curves}
        names = [t for t in lay.plane_texts if t.text in curves or t.text.split(":")[0] in curves]  # "f" or "f: y = …"
        assert names, (generator, seed)
        strokes = plane_strokes_px(scene.coordinate_plane, lay)
        for t in names:
            box = text.ink_box(t.text, font, t.cx, t.cy)
            assert min(_rect_gap(p, box) for p in named) >= NAME_CLEAR_PX, (generator, seed, t.text)
            assert not rect_hits_segments(box, strokes), (generator, seed, t.text)


def test_a_value_is_placed_by_the_box_it_is_drawn_in():
    """"39°" has no descender: matplotlib centres it in a box as deep as "lp", so its ink sits 1.5 px
    above its own extent. Placed by the extent, it touched line CD and failed its read-back."""
    from flywheel.render.scene import text
    from tests.conftest import failures, verdicts

    r = rendered("plane.parallel_transversal", 20261210)
    v = verdicts(r)
    assert v["image.labels"].passed and v["image"].passed, failures(v)
    ink_h = text.ink("39°", text.VALUE_FONT).shape[0]
    assert text.drawn_size("39°", text.VALUE_FONT)[1] >= ink_h + 3  # the drawn box holds the ink with room
