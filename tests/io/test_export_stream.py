"""Exports stream their rows a batch at a time, still in id order, and `bench export` measures them."""

import json
import subprocess
import sys

import pyarrow.parquet as pq

from flywheel.bench.export import make_catalog
from flywheel.catalog import Catalog
from flywheel.io import get_exporter


def test_v_interaction_export_streams_every_row_in_id_order(tmp_path):
    db = tmp_path / "c.duckdb"
    make_catalog(db, 600)  # more rows than one fetch batch (256): the batches must join up exactly
    with Catalog(db, read_only=True) as cat:
        ids = sorted(r[0] for r in cat.query("SELECT id FROM samples WHERE accepted")[1])
        path = get_exporter("v-interaction")(cat, tmp_path / "out", None)
        some = get_exporter("v-interaction")(cat, tmp_path / "some", "task_index < 300")
    table = pq.read_table(path, columns=["id", "image"])
    assert table.column("id").to_pylist() == ids and len(ids) == 600
    assert all(cell["bytes"][:4] == b"\x89PNG" for cell in table.column("image").to_pylist()[:5])
    assert pq.read_table(some, columns=["id"]).num_rows == 300


def test_bench_export_reports_peak_memory_of_a_fresh_process(tmp_path):
    db = tmp_path / "c.duckdb"
    make_catalog(db, 100)
    r = subprocess.run([sys.executable, "-m", "flywheel.cli", "bench", "export", "--catalog", str(db), "--json"],
                       capture_output=True, text=True, check=True)
    got = json.loads(r.stdout)
    assert got["rows"] == 100 and got["format"] == "v-interaction" and 50 < got["peak_rss_mb"] < 2000
    assert "load_avg_1m" in got
