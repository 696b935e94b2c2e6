"""Rejects cost little: a repeated question is rejected before rendering, and a rejected sample keeps
its row and verdicts but its PNGs only with keep_rejected_images — and neither changes what is accepted."""

from pathlib import Path

from flywheel.catalog import Catalog
from flywheel.core.records import KnowledgeNode
from flywheel.run.build import Task, build
from flywheel.run.pool import WorkerPool
from flywheel.run.stream import NewRun, in_processes, listed, run_stream

NODE = KnowledgeNode("plane.trapezoid_area", "plane_geometry", "trapezoid", generator="plane.trapezoid_area")
FIRST, REPEAT = 39, 41  # two seeds that draw the same trapezoid: the second asks an accepted question


def _run(db: Path, keep: bool) -> None:
    with Catalog(db) as cat, WorkerPool(1) as pool:
        root = str(cat.images.root)
        # The second stream starts with the first one's question accepted, as when a run extends a catalog.
        for stream, seeds in (("a", [FIRST]), ("b", [REPEAT, FIRST + 1000])):
            run_stream(cat, stream, listed(seeds, lambda i, s, st=stream: Task(i, NODE, s, st, image_root=root)),
                       in_processes(pool), run=NewRun("synthesize", {}), batch_size=2, keep_rejected_images=keep)


def test_rejects_keep_rows_and_verdicts_not_images_and_accept_the_same(tmp_path):
    lean, kept = tmp_path / "lean" / "c.duckdb", tmp_path / "kept" / "c.duckdb"
    _run(lean, keep=False)
    _run(kept, keep=True)
    q = "SELECT stream, task_index, id, accepted FROM samples ORDER BY ALL"
    with Catalog(lean, read_only=True) as a, Catalog(kept, read_only=True) as b:
        assert a.query(q)[1] == b.query(q)[1]  # the same samples, the same acceptance
        assert [r[3] for r in a.query(q)[1]] == [True, False, True]

        (early,) = a.query("SELECT s.image, s.edited_image, s.phash, list(v.reason) FROM samples s "
                           "JOIN verdicts v ON v.sample_id = s.id WHERE NOT s.accepted GROUP BY ALL")[1]
        assert early[:3] == ("", None, "")  # nothing was drawn
        assert len(early[3]) == 1 and "before rendering" in early[3][0]  # only the duplicate verdict: nothing else ran
        accepted = a.query("SELECT image, edited_image FROM samples WHERE accepted")[1]
        stored = {p.stem for p in a.images.root.glob("*/*.png")}
        assert stored == {d for row in accepted for d in row if d}  # every accepted PNG, no reject's

        (full,) = b.query("SELECT s.image, list(v.verifier) FROM samples s JOIN verdicts v ON v.sample_id = s.id "
                          "WHERE NOT s.accepted GROUP BY ALL")[1]
        assert b.images.path(full[0]).exists() and len(full[1]) > 1  # rendered, verified, stored


def test_a_worker_rejects_a_known_question_without_rendering(tmp_path):
    """Each MathVerse version of a problem is its own question: only the same version is a repeat."""
    done = build(Task(0, NODE, FIRST, "s"))
    keys = tmp_path / "keys.txt"
    keys.write_text(done.sample.question_key)
    again = build(Task(1, NODE, REPEAT, "s", keys_file=str(keys)))
    assert again.early and again.sample.image == "" and not again.verdicts and "image_code" not in again.timings
    other = build(Task(2, NODE, REPEAT, "s", version="text_lite", keys_file=str(keys)))
    assert not other.early and other.sample.image and other.verdicts
