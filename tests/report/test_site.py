"""`flywheel report` without a browser: the files of the site against the catalog's rows, the
version facet, and the one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pytest
from PIL import Image

from flywheel.catalog import Catalog
from flywheel.catalog import report as report_queries
from flywheel.report import assets
from tests.conftest import catalog_rows, clone_catalog, flywheel_cli


def data_records(site: Path, name: str) -> list[dict]:
    text = (site / "data" / name).read_text(encoding="utf-8")
    prefix = "window.FW_SAMPLES = "
    assert text.startswith(prefix)
    return json.loads(text[len(prefix):].rstrip().rstrip(";"))


@pytest.mark.slow
def test_report_has_a_page_per_sample_and_the_catalog_counts(report_catalog, tmp_path):
    site = tmp_path / "site"
    r = flywheel_cli("report", "-c", str(report_catalog), "--out", str(site))
    assert r.returncode == 0, r.stderr
    index = Path(r.stdout.strip().splitlines()[-1])
    assert index == (site / "index.html").resolve() and index.is_file()
    ids = {i for (i,) in catalog_rows(report_catalog, "SELECT id FROM samples")}
    assert {p.stem for p in (site / "s").glob("*.html")} == ids
    records = data_records(site, "samples-plane_geometry.js")
    assert {x["i"] for x in records} == ids
    rejected = {i for (i,) in catalog_rows(report_catalog, "SELECT id FROM samples WHERE NOT accepted")}
    assert rejected and {x["i"] for x in data_records(site, "rejected.js")} == rejected
    # every card's thumbnails and every page's images are in the site
    for x in records:
        for sha in (x["im"], x["ed"]):
            if sha:
                assert (site / "thumb" / sha[:2] / f"{sha}.jpg").stat().st_size > 0
                assert (site / "img" / sha[:2] / f"{sha}.png").is_file()
    # a failing verifier's reason is on the rejected sample's card and page
    sid, verifier, reason = catalog_rows(report_catalog, "SELECT sample_id, verifier, reason FROM verdicts "
                                                         "WHERE NOT passed ORDER BY 1, 2 LIMIT 1")[0]
    card = next(x for x in data_records(site, "rejected.js") if x["i"] == sid)
    assert card["fr"][card["f"].index(verifier)] == reason
    page = (site / "s" / f"{sid}.html").read_text(encoding="utf-8")
    assert verifier in page and "rejected" in page
    # an evolved sample's page walks back to its round-0 ancestor
    child, parent = catalog_rows(report_catalog, "SELECT c.id, p.id FROM samples c JOIN samples p ON p.id = c.parent_id "
                                                 "WHERE p.round = 0 ORDER BY 1 LIMIT 1")[0]
    assert f'href="{parent}.html"' in (site / "s" / f"{child}.html").read_text(encoding="utf-8")
    overview = index.read_text(encoding="utf-8")
    assert all((site / "charts" / f).stat().st_size > 1000 for f in
               ("samples.svg", "rates.svg", "difficulty.svg", "coverage.svg", "dups_repairs.svg"))
    assert "evolution/evolution.png" in overview and (site / "evolution" / "evolution.png").is_file()
    assert "version" in overview.split("Counts by domain")[1].split("</thead>")[0]  # the MathVerse version facet

    # a rebuild into the same directory makes no thumbnail again and reuses the unchanged catalog's
    # evolution history; --where narrows the report
    drawn = (site / "evolution" / "evolution.png").stat().st_mtime_ns
    r = flywheel_cli("report", "-c", str(report_catalog), "--out", str(site), "--where", "kind = 'perception'")
    assert r.returncode == 0, r.stderr
    assert "0 new thumbnails" in r.stdout
    assert (site / "evolution" / "evolution.png").stat().st_mtime_ns == drawn
    assert {x["k"] for x in data_records(site, "samples-plane_geometry.js")} == {"perception"}
    perception = {i for (i,) in catalog_rows(report_catalog, "SELECT id FROM samples WHERE kind = 'perception'")}
    assert {p.stem for p in (site / "s").glob("*.html")} == perception  # no page left of the wider build


@pytest.mark.parametrize("use_cv2", [True, False], ids=["opencv", "pillow"])
def test_thumbnail_is_the_figure_at_half_size(report_catalog, tmp_path, use_cv2):
    """Either codec (OpenCV with the [report] extra, else Pillow) makes the same half-size box reduction."""
    if use_cv2 and assets.cv2 is None:
        pytest.skip("OpenCV is the [report] extra: pip install -e '.[report]'")
    with Catalog(report_catalog, read_only=True) as cat:
        src = cat.images.path(cat.query("SELECT image FROM samples ORDER BY id LIMIT 1")[1][0][0])
    assets.thumb(src, tmp_path / "t.jpg", use_cv2=use_cv2)
    with Image.open(src) as im, Image.open(tmp_path / "t.jpg") as small:
        assert small.format == "JPEG" and small.mode == "RGB" and small.size == (im.width // 2, im.height // 2)
        expected = np.asarray(im.convert("RGB").reduce(2), dtype=int)
        assert np.abs(np.asarray(small, dtype=int) - expected).mean() < 2  # JPEG noise only


def test_catalog_state_changes_with_what_the_history_reads(report_catalog, tmp_path):
    """The key under which a report keeps the evolution history: a changed sample, verdict or run is a new key."""
    db = clone_catalog(report_catalog, tmp_path / "cat")
    state = lambda: catalog_rows_state(db)  # noqa: E731
    keys = [state()]
    for sql in ["UPDATE samples SET accepted = NOT accepted WHERE id = (SELECT min(id) FROM samples)",
                "UPDATE samples SET question = question || '?' WHERE id = (SELECT max(id) FROM samples)",
                "DELETE FROM verdicts WHERE sample_id = (SELECT min(id) FROM samples)",
                "UPDATE runs SET stats = '{}' WHERE id = (SELECT max(id) FROM runs)"]:
        with duckdb.connect(str(db)) as con:
            con.execute(sql)
        keys.append(state())
    assert len(set(keys)) == len(keys)
    assert state() == keys[-1]  # and only a change is


def catalog_rows_state(db: Path) -> str:
    with Catalog(db, read_only=True) as cat:
        return report_queries.catalog_state(cat)


def test_version_facet_shows_each_samples_version(report_catalog, tmp_path):
    db = clone_catalog(report_catalog, tmp_path / "v")
    with duckdb.connect(str(db)) as con:  # versions the small catalog does not have (it is all text_dominant)
        con.execute("UPDATE samples SET version = CASE WHEN kind = 'interaction' THEN 'vision_dominant' ELSE 'text_lite' END")
    site = tmp_path / "site"
    r = flywheel_cli("report", "-c", str(db), "--out", str(site))
    assert r.returncode == 0, r.stderr
    records = data_records(site, "samples-plane_geometry.js")
    assert {x["v"] for x in records if x["k"] == "interaction"} == {"vision_dominant"}
    head = (site / "index.html").read_text(encoding="utf-8").split("Counts by domain")[1].split("</thead>")[0]
    assert "<th>version</th>" in head


def test_report_errors_are_one_line(report_catalog, tmp_path):
    stranger = tmp_path / "notes"
    stranger.mkdir()
    (stranger / "todo.txt").write_text("mine")
    for args, words in [(["--where", "no_such_column = 1"], "bad SQL"),
                        (["--where", "round > 99"], "no samples to report match"),
                        (["--out", str(stranger)], "not a flywheel report")]:
        out = args if "--out" in args else [*args, "--out", str(tmp_path / "site")]
        r = flywheel_cli("report", "-c", str(report_catalog), *out)
        assert r.returncode == 1, r.stdout
        assert words in r.stderr and "Traceback" not in r.stderr
    assert (stranger / "todo.txt").read_text() == "mine" and sorted(p.name for p in stranger.iterdir()) == ["todo.txt"]
    assert not (tmp_path / "site" / "index.html").exists()
