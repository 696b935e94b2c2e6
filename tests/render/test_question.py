"""The question composer: what each MathVerse version keeps, the frames it draws, the canonical text."""

import re

import pytest

from flywheel.core.errors import FlywheelError
from flywheel.render.question import FRAMES, VERSIONS, Stated, compose, mask, parse_versions, parts

RECT = parts("ABCD is a rectangle.", ["AB = 16", "BC = 12", Stated("g = 10 m/s²", figure=False)],
             "the length of the diagonal AC", premises="The bar is straight.",
             context=["A rectangular gate ABCD is braced by a bar AC."])


def test_canonical_text_is_facts_givens_then_the_ask():
    assert compose(RECT).text == ("ABCD is a rectangle. The bar is straight. AB = 16, BC = 12 and g = 10 m/s². "
                                  "Find the length of the diagonal AC.")


@pytest.mark.parametrize("seed", range(12))
def test_each_version_keeps_what_it_claims(seed):
    texts = {v: compose(RECT, v, seed).text for v in VERSIONS}
    for v, t in texts.items():
        assert "the length of the diagonal AC" in t and "The bar is straight." in t  # the ask and premises stay
        assert "g = 10 m/s²" in t  # no figure shows it: every version states it
        has_givens = "AB = 16" in t and "BC = 12" in t
        assert has_givens == (v in ("text_dominant", "text_lite"))
        assert not re.search(r"\b1[62]\b", t) or v in ("text_dominant", "text_lite")
    assert "rectangle" not in texts["text_lite"] and "rectangle" not in texts["vision_only"]
    assert "rectangle" in texts["vision_dominant"] or "gate" in texts["vision_dominant"]


def test_frames_are_drawn_from_the_seed_and_all_appear():
    seen = {mask(compose(RECT, "text_dominant", s).text) for s in range(300)}
    # seven frames, some with the setting in place of the facts
    assert len(FRAMES) == 7 and len(seen) >= 7
    assert compose(RECT, "vision_only", 5) == compose(RECT, "vision_only", 5)
    bare = parts((), [], "the area of ABCD")
    assert len({compose(bare, "vision_only", s).text for s in range(300)}) == len(FRAMES)


def test_an_ask_written_as_a_question_stays_a_question_in_every_frame():
    q = parts("The bar chart shows the rainfall of 5 months.", ["In May, 40 mm of rain fell."],
              "How many more mm of rain fell in June than in May?")
    texts = {compose(q, v, s).text for v in VERSIONS for s in range(200)}
    assert all(t.count("?") == 1 and "ow many more mm of rain fell in June than in May" in t for t in texts)
    assert any("If in May, 40 mm of rain fell, how many" in t for t in texts)


def test_mask_hides_numbers_and_point_names_only():
    assert mask("In triangle ABC, AB = 16 and ∠ACB = 40°. Find F₁P.") == "In triangle @, @ = # and ∠@ = #°. Find @."


def test_parse_versions():
    assert parse_versions(None) == ["text_dominant"]
    assert parse_versions("all") == list(VERSIONS)
    assert parse_versions("vision_only, text_lite,vision_only") == ["vision_only", "text_lite"]
    with pytest.raises(FlywheelError, match="unknown version"):
        parse_versions("text_dominant,vision_heavy")


def test_a_point_named_a_keeps_its_capital_in_every_frame():
    q = parts("The line l passes through A and B.", ["A is the point (1, 2)", "B is the point (3, 5)"], "the length AB")
    texts = {compose(q, "text_dominant", seed).text for seed in range(40)}
    assert not any(" a is the point" in t for t in texts)
    assert any("given that A is the point (1, 2)" in t or "If A is the point (1, 2)" in t for t in texts)
