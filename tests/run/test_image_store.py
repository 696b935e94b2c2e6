"""`--images`: the PNGs go to the store given (another directory, or an fsspec URL), the catalog records it,
and show, export, doctor and later runs read the images from there; a mistaken store is one line."""

from __future__ import annotations

import pytest

from flywheel.catalog import Catalog
from flywheel.catalog.images import sha256
from flywheel.core.errors import FlywheelError
from flywheel.evolve.rounds import EvolveConfig, evolve
from flywheel.run.synthesize import SynthesisConfig, synthesize
from tests.conftest import catalog_rows, flywheel_cli


def image_digests(db) -> set[str]:
    rows = catalog_rows(db, "SELECT image, edited_image FROM samples WHERE accepted")
    return {d for row in rows for d in row if d}


def test_images_in_another_directory_are_written_and_read_there(tmp_path, small_seeds):
    db, store = tmp_path / "cat" / "c.duckdb", tmp_path / "shared" / "png"
    synthesize(SynthesisConfig(n=3, catalog=db, seeds=small_seeds, workers=1, images=str(store)))
    digests = image_digests(db)
    assert len(digests) >= 3 and {p.stem for p in store.glob("*/*.png")} >= digests
    assert not (db.parent / "images").exists()  # nothing beside the catalog
    with Catalog(db, read_only=True) as cat:
        assert cat.images.url == str(store) and all(cat.images.get(d) for d in digests)
    # a later run without --images keeps to the recorded store; another store for this catalog is refused
    synthesize(SynthesisConfig(n=4, catalog=db, seeds=small_seeds, workers=1))
    assert {p.stem for p in store.glob("*/*.png")} >= image_digests(db) and not (db.parent / "images").exists()
    with pytest.raises(FlywheelError, match="keeps its images in"):
        synthesize(SynthesisConfig(n=5, catalog=db, seeds=small_seeds, workers=1, images=str(tmp_path / "other")))
    evolve(EvolveConfig(rounds=1, catalog=db, per_round=2, workers=1, images=str(store)))  # evolve: the same store
    assert catalog_rows(db, "SELECT count(*) FROM samples WHERE round = 1 AND accepted")[0][0] > 0
    assert {p.stem for p in store.glob("*/*.png")} >= image_digests(db) and not (db.parent / "images").exists()
    sid = catalog_rows(db, "SELECT id FROM samples WHERE accepted LIMIT 1")[0][0]
    shown = flywheel_cli("show", sid, "-c", str(db))
    assert shown.returncode == 0 and str(store) in shown.stdout and "missing" not in shown.stdout
    exported = flywheel_cli("export", "-f", "sharegpt", "-o", str(tmp_path / "out"), "-c", str(db))
    assert exported.returncode == 0, exported.stderr
    assert {sha256(p.read_bytes()) for p in (tmp_path / "out").rglob("*.png")} & digests  # read from the store
    assert flywheel_cli("doctor", "-c", str(db)).returncode == 0


@pytest.mark.parametrize(("url", "said"), [("nosuch://bucket/run", "unknown protocol 'nosuch'"),
                                           ("s3://bucket/run", "needs an optional package: Install s3fs")])
def test_an_unknown_protocol_or_a_missing_package_is_one_line(tmp_path, small_seeds, url, said):
    pytest.importorskip("fsspec")
    if "s3" in url and _installed("s3fs"):
        pytest.skip("s3fs is installed")
    r = flywheel_cli("synthesize", "--n", "2", "-c", str(tmp_path / "c.duckdb"), "--seeds", str(small_seeds),
                     "--images", url)
    assert r.returncode != 0 and said in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "c.duckdb").exists()  # nothing half-written


def _installed(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None
