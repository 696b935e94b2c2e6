"""A small real catalog for the training tests, built once per module by the synthesizer, and the
random tiny VLMs of tools/tiny_models.py (built once per machine)."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from flywheel.catalog import Catalog
from flywheel.core.records import Sample, Verdict
from tests.conftest import FAST_NODES

os.environ["HF_HUB_OFFLINE"] = "1"  # the tests never download anything
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def make_catalog(path: Path, n: int = 9) -> Path:
    from flywheel.run.synthesize import SynthesisConfig, synthesize

    synthesize(SynthesisConfig(n=n, seed=3, catalog=path, knowledge=FAST_NODES, workers=1))
    return path


def add_perception(path: Path, count: int = 2) -> None:
    """Perception rows (point-dict answers) made from accepted samples' figures."""
    with Catalog(path) as cat:
        cur = cat.con.execute("SELECT * FROM samples WHERE accepted ORDER BY id LIMIT ?", [count])
        cols = [d[0] for d in cur.description]
        fields = {f.name for f in dataclasses.fields(Sample)}
        samples = []
        for i, row in enumerate(cur.fetchall()):
            d = {k: v for k, v in zip(cols, row, strict=True) if k in fields}
            d.update(id=f"perc{i}", kind="perception", question="Where are points A and B? Give pixel coordinates.",
                     answer="{'A': (40.0, 60.0), 'B': (200.5, 80.0)}", cot="", edited_image=None, tool_code="",
                     params={}, stream="test-perception", task_index=i)
            samples.append(Sample(**d))
        cat.write_batch(samples, [Verdict(s.id, "answer", True, 1.0, "test") for s in samples], {}, "test")


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Path:
    return make_catalog(tmp_path_factory.mktemp("cat") / "flywheel.duckdb")


@pytest.fixture(scope="session")
def tiny_vlm() -> str:
    """The directory of the random tiny LLaVA (tool replies carry the edited figure)."""
    from tools.tiny_models import tiny_vlm

    return str(tiny_vlm())


@pytest.fixture(scope="session")
def tiny_smolvlm() -> str:
    """The directory of the random tiny Idefics3/SmolVLM (tool replies stay text)."""
    from tools.tiny_models import tiny_smolvlm

    return str(tiny_smolvlm())
