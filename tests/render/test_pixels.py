"""The label layout's geometry primitive against a slow, obvious reference."""

import numpy as np

from flywheel.render.scene.pixels import rects_hit_segments


def _touches(rect, seg) -> bool:
    """Does the segment cross or touch the rectangle? Sampled densely, plus both end points exactly."""
    x0, y0, x1, y1 = rect
    t = np.linspace(0.0, 1.0, 4001)[:, None]
    pts = np.asarray(seg[:2]) * (1 - t) + np.asarray(seg[2:]) * t
    return bool(((pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)).any())


def test_rects_hit_segments_matches_a_pair_by_pair_reference():
    """Candidate boxes crowd around one anchor while strokes cover the figure; strokes far from every
    candidate are dropped before the broadcast, which must not change a single answer."""
    rng = np.random.default_rng(7)
    for trial in range(60):
        anchor = rng.uniform(20, 80, 2)
        xy = anchor + rng.normal(0, 6, (12, 2))
        rects = np.concatenate([xy, xy + rng.uniform(1, 10, (12, 2))], axis=1)
        segs = rng.uniform(0, 100, (25, 4))
        segs[:5, 2] = segs[:5, 0]  # vertical strokes
        segs[5:10, 3] = segs[5:10, 1]  # horizontal strokes
        segs[10] = [rects[0, 0] - 5, rects[0, 1], rects[0, 0], rects[0, 1]]  # ends on a box's corner
        got = rects_hit_segments(rects, segs)
        want = [any(_touches(r, s) for s in segs) for r in rects]
        assert got.tolist() == want, trial
    assert not rects_hit_segments(np.asarray([[0.0, 0.0, 1.0, 1.0]]), np.zeros((0, 4))).any()
