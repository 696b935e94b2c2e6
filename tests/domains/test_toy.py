"""A domain from one folder, end to end: synthesize, export and evolve it with the library API."""

from __future__ import annotations

import pyarrow.parquet as pq

from flywheel.catalog import Catalog
from flywheel.evolve.rounds import EvolveConfig, evolve
from flywheel.io import get_exporter
from flywheel.run.synthesize import SynthesisConfig, synthesize
from tests.conftest import catalog_rows


def test_toy_samples_are_synthesized_verified_by_its_verifiers_and_exported(toy, tmp_path):
    db = tmp_path / "toy.duckdb"
    stats = synthesize(SynthesisConfig(n=5, seed=1, catalog=db, knowledge=["toy.square_diagonal"], workers=1))
    assert stats.accepted == 5
    samples = catalog_rows(db, "SELECT id, domain, generator FROM samples WHERE accepted ORDER BY id")
    assert len(samples) == 5 and {(d, g) for _, d, g in samples} == {("toy", "toy.square_diagonal")}
    verdicts = catalog_rows(db, "SELECT DISTINCT verifier FROM verdicts v JOIN samples s ON s.id = v.sample_id "
                                "WHERE s.accepted AND v.passed ORDER BY 1")
    # a third-party generator's plain-string question is text_dominant: `modality` passes it as such
    assert [v for (v,) in verdicts] == ["answer.toy", "duplicate", "figure", "format", "image", "image.labels", "image.toy", "modality",
                                       "question", "tool", "trace"]
    with Catalog(db, read_only=True) as cat:
        path = get_exporter("v-interaction")(cat, tmp_path / "out", None)
    table = pq.read_table(path).to_pylist()
    assert sorted(r["id"] for r in table) == sorted(i for i, _, _ in samples)
    assert all(r["answer"].endswith(r"\sqrt{2}") and r["image"]["bytes"][:4] == b"\x89PNG" for r in table)


def test_toy_evolves_through_what_its_domain_offers(toy, tmp_path):
    """Evolution has no domain code: the toy's steps, distractors and variants come from its Evolution."""
    db = tmp_path / "toy.duckdb"
    synthesize(SynthesisConfig(n=4, seed=2, catalog=db, knowledge=["toy.square_diagonal"], workers=1))
    evolve(EvolveConfig(rounds=1, catalog=db, per_round=8, seed=3, workers=1))
    grown = catalog_rows(db, """SELECT l.relation, bool_or(s.accepted) FROM lineage l JOIN samples s ON s.id = l.child_id
                                WHERE s.domain = 'toy' GROUP BY 1 ORDER BY 1""")
    assert {"extend", "distract", "variant"} <= {rel for rel, ok in grown if ok}, grown
    judged = catalog_rows(db, """SELECT v.verifier, bool_and(v.passed) FROM verdicts v JOIN samples s ON s.id = v.sample_id
                                 WHERE s.round = 1 AND s.accepted GROUP BY 1 ORDER BY 1""")
    assert ("answer.toy", True) in judged and ("image.toy", True) in judged
