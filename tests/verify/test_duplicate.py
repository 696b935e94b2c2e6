
"""Near-duplicates: question keys keep signs and powers but not names or spacing, the index finds every
near figure with the same answer, kinds do not collide, figures tell instructions apart, and the fast
perceptual hash is imagehash's."""

import json
import random

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


def test_duplicate_index_same_question_or_same_answer_and_figure():
    idx = DuplicateIndex()
    idx.add(question_key("In rectangle ABCD, AB = 3 and BC = 4.  Find AC."), "c3a5b1e0f0f0f0f0", "5")
    # the same question with other point names, spacing or verb of the ask is the same problem
    assert not idx.check(question_key("In rectangle PQRS,  PQ = 3 and QR = 4. Determine PR."), "0000000000000000", "5")[0]
    assert idx.check(question_key("In rectangle PQRS, PQ = 3 and QR = 5. Find PR."), "0000000000000000", "5")[0]
    other = question_key("In rectangle ABCD, AB = 4 and BC = 3. Find AC.")
    # another question with the same answer and a figure 3 bits away: near-duplicate
    ok, reason = idx.check(other, "c3a5b1e0f0f0f0f7", "5")
    assert not ok and "distance 3" in reason
    # same answer but a clearly different figure, or a near figure with another answer: fine
    assert idx.check(other, "3c5a4e1f0f0f0f0f", "5")[0]
    assert idx.check(other, "c3a5b1e0f0f0f0f1", "6")[0]


def test_duplicate_index_finds_every_near_neighbour():
    rng = random.Random(0)
    idx = DuplicateIndex()
    stored = [rng.getrandbits(64) for _ in range(2000)]
    for i, h in enumerate(stored):
        idx.add(f"q{i}", f"{h:016x}", "1")
    for h in stored[:200]:
        flipped = h
        for bit in rng.sample(range(64), 4):  # 4 bits away: must be found
            flipped ^= 1 << bit
        assert not idx.check("new", f"{flipped:016x}", "1")[0]


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


def test_fast_phash_matches_imagehash_on_the_same_thumbnail():
    import imagehash
    import numpy as np
    from PIL import Image

    from flywheel.verify.duplicate import phash_hex

    rng = np.random.default_rng(1)
    for _ in range(20):
        a = np.full((448, 448, 3), 255, np.uint8)
        for _ in range(6):
            x, y = rng.integers(0, 400, 2)
            a[y : y + rng.integers(2, 40), x : x + rng.integers(2, 40)] = 0
        thumb = np.floor(a[..., 1].reshape(32, 14, 32, 14).mean(axis=(1, 3))).astype(np.uint8)
        assert phash_hex(a) == str(imagehash.phash(Image.fromarray(thumb)))


def test_a_catalog_loaded_at_once_finds_what_samples_added_one_by_one_find():
    """A run loads the catalog with add_many and adds new samples one by one: both must index alike."""
    import random

    from flywheel.verify.duplicate import DuplicateIndex

    rng = random.Random(4)
    rows = [(f"{rng.getrandbits(64):016x}", f"{rng.getrandbits(64):016x}", str(rng.randint(1, 9)), "interaction")
            for _ in range(3000)]
    bulk, single = DuplicateIndex(), DuplicateIndex()
    bulk.add_many(rows)
    for r in rows:
        single.add(*r)
    near = [(f"new{i}", f"{int(p, 16) ^ (1 << rng.randrange(64)) ^ (1 << rng.randrange(64)):016x}", a, k)
            for i, (_, p, a, k) in enumerate(rows[:200])]
    other_answer = [(k, p, "other", kind) for k, p, _, kind in near]
    for idx in (bulk, single):
        assert len(idx) == 3000
        assert all(not idx.check(*r)[0] for r in near)  # within 2 bits, same answer: near-duplicates
        assert all(idx.check(*r)[0] for r in other_answer)  # the same figure with another answer is new
        assert not idx.check(rows[7][0], "0" * 16, "x")[0]  # the same question
def test_an_accepted_question_with_sentences_added_and_the_same_answer_is_a_duplicate():
    idx = DuplicateIndex()
    parent = "In rectangle ABCD, AB = 3 and BC = 4. Find the length of the diagonal AC."
    idx.add(question_key(parent), "c3a5b1e0f0f0f0f0", "5", "interaction", parent)
    appended = "In rectangle PQRS, PQ = 3 and QR = 4. Point E lies on PQ, and SE is drawn. Find the length of the diagonal PR."
    ok, reason = idx.check(question_key(appended), "0f0f0f0f0f0f0f0f", "5", "interaction", appended)
    assert not ok and "sentences added" in reason
    # the same added sentence with another answer, or on new numbers, is a new problem
    assert idx.check(question_key(appended), "0f0f0f0f0f0f0f0f", "6", "interaction", appended)[0]
    renumbered = appended.replace("PQ = 3", "PQ = 6").replace("QR = 4", "QR = 8")
    assert idx.check(question_key(renumbered), "0f0f0f0f0f0f0f0f", "5", "interaction", renumbered)[0]
    # perception and instruction questions are set phrases: only interaction questions are compared so
    assert idx.check(question_key(appended), "0f0f0f0f0f0f0f0f", "5", "perception", appended)[0]


def test_an_accepted_recipe_with_ops_added_and_the_same_answer_is_a_duplicate_in_any_frame():
    """The frame-proof form of the rule: the child keeps the parent's whole problem (its parameters) and only
    adds an evolution op, while its text is composed in another sentence frame the sentence rule cannot match."""
    idx = DuplicateIndex()
    parent = "In rectangle ABCD, AB = 3 and BC = 4. Find the length of the diagonal AC."
    params = {"w": 3, "h": 4, "ask": "diagonal"}
    idx.add(question_key(parent), "c3a5b1e0f0f0f0f0", "5", "interaction", parent, "plane.rect", "r1", params)
    child = "Find PR, given that PQ = 3, QR = 4 and E lies on PQ with PE = 1, in rectangle PQRS."
    grown = {**params, "ops": [["distract", 12345]]}
    ok, reason = idx.check(question_key(child), "0f0f0f0f0f0f0f0f", "5", "interaction", child, "plane.rect", "r2", grown)
    assert not ok and "sentences added" in reason
    # the catalog's JSON of the same recipe, a grown recipe with another op seed: the same copy
    assert not idx.check(question_key(child), "0f0f0f0f0f0f0f0f", "5", "interaction", child, "plane.rect", "r2",
                         json.dumps({**params, "ops": [["distract", 99]]}))[0]
    # a distractor on fresh numbers, another answer, another version or another generator: a new problem
    fresh = {"w": 6, "h": 8, "ask": "diagonal", "ops": [["distract", 12345]]}
    assert idx.check(question_key(child), "0f0f0f0f0f0f0f0f", "10", "interaction", child, "plane.rect", "r3", fresh)[0]
    assert idx.check(question_key(child), "0f0f0f0f0f0f0f0f", "6", "interaction", child, "plane.rect", "r2", grown)[0]
    assert idx.check(question_key(child), "0f0f0f0f0f0f0f0f", "5", "interaction:vision_only", child, "plane.rect", "r2",
                     grown)[0]
    assert idx.check(question_key(child), "0f0f0f0f0f0f0f0f", "5", "interaction", child, "plane.other", "r2", grown)[0]


def test_look_alike_figures_of_one_generator_from_different_recipes_are_different_problems():
    idx = DuplicateIndex()
    idx.add("k1", "c3a5b1e0f0f0f0f0", "7", "interaction", "How many points?", "stats.scatter_region", "recipe-1")
    # another scatter plot with other data and the same count: alike at pHash resolution, another problem
    assert idx.check("k2", "c3a5b1e0f0f0f0f1", "7", "interaction", "How many?", "stats.scatter_region", "recipe-2")[0]
    # the same recipe (the problem reworded), or another generator's look-alike figure: near-duplicates
    assert not idx.check("k3", "c3a5b1e0f0f0f0f1", "7", "interaction", "Count them.", "stats.scatter_region", "recipe-1")[0]
    assert not idx.check("k4", "c3a5b1e0f0f0f0f1", "7", "interaction", "How many?", "stats.bar_mean", "recipe-2")[0]


def _brute_force(accepted: list[tuple], key, phash, answer, kind, question, generator, recipe) -> tuple[bool, str]:
    """The duplicate rules as their definition, against every accepted sample one by one."""
    from flywheel.verify.duplicate import MAX_HAMMING, sentence_keys

    sents = sentence_keys(question) if question and kind.split(":")[0] == "interaction" else frozenset()
    if any(a[0] == key for a in accepted):
        return False, "same question"
    if sents and any(a[2:4] == (answer, kind) and a[4] and sentence_keys(a[4]) < sents for a in accepted):
        return False, "sentences added"
    for _, a_ph, a_ans, a_kind, _, a_gen, a_rec in accepted:
        if (a_ans, a_kind) != (answer, kind) or (generator and a_gen == generator and a_rec != recipe):
            continue
        if (int(a_ph, 16) ^ int(phash, 16)).bit_count() <= MAX_HAMMING:
            return False, "near-identical figure"
    return True, ""


def test_the_index_decides_as_the_rules_on_real_samples_and_their_near_copies():
    """A few hundred probes made from real samples (themselves, relabelled or reworded, with sentences
    appended, figures a few bits off, other answers, another recipe of the generator, another kind) are
    accepted or rejected by the index exactly as by checking the rules against every accepted sample."""
    from flywheel.knowledge.seeds import load_seeds
    from flywheel.run.build import Task, build, task_seed
    from flywheel.verify.duplicate import duplicate_kind, recipe_digest

    nodes = [n for n in load_seeds(None) if n.generator]
    real = []
    for i in range(64):
        kind = "perception" if i % 9 == 8 else "interaction"
        s = build(Task(i, nodes[i % len(nodes)], task_seed("dedup", i), "dedup", kind=kind)).sample
        if s is not None and s.phash:
            real.append((s.question_key, s.phash, s.answer, duplicate_kind(s.kind, s.version), s.question,
                         s.generator, recipe_digest(s.params)))
    assert len(real) > 50
    rng = random.Random(7)
    probes = list(real)
    for key, ph, ans, kind, question, gen, rec in real:
        near = f"{int(ph, 16) ^ sum(1 << b for b in rng.sample(range(64), rng.randint(0, 6))):016x}"
        appended = f"{question} Point Q lies on the figure, and AQ is drawn."
        other = rng.choice(real)
        probes += [(question_key(question.replace("A", "P")), near, ans, kind, question.replace("A", "P"), gen, rec),
                   (question_key(appended), near, ans, kind, appended, gen, rec),
                   (question_key(appended), near, ans + "0", kind, appended, gen, rec),
                   (f"{key}*", near, ans, kind, "", gen, other[6]),
                   (f"{key}+", ph, ans, "perception" if kind == "interaction" else "interaction", question, gen, rec),
                   (f"{key}~", near, other[2], other[3], other[4] + " Find the answer.", other[5], rec)]
    rng.shuffle(probes)
    idx, accepted, decided = DuplicateIndex(), [], set()
    idx.add_many([(*p[:5], p[5], "{}") for p in probes[:40]])  # a catalog loaded at once, then new samples
    accepted += [(*p[:6], recipe_digest("{}")) for p in probes[:40]]
    for p in probes[40:]:
        ok, reason = idx.check(*p)
        expected_ok, why = _brute_force(accepted, *p)
        assert (ok, why in reason) == (expected_ok, True), p
        decided.add((ok, why))
        if ok:
            idx.add(*p)
            accepted.append(p)
    assert len(probes) > 300 and {why for _, why in decided} == {"", "same question", "sentences added",
                                                                 "near-identical figure"}
