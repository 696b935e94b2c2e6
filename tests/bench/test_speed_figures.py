"""`bench speed`'s figures: medians with their spread, scaling from the same workload, CPU per sample,
and the docs block it writes (the docs show the bench's own output, nothing typed by hand)."""

from flywheel.bench.speed import DOCS_BEGIN, DOCS_END, Run, SpeedResult, write_docs


def _result() -> SpeedResult:
    one = [Run(1, 100, 125, wall, 8.0, {"image_code": 2.0}) for wall in (10.0, 9.0, 11.0)]
    two = [Run(2, 100, 125, wall, 8.4, {"image_code": 2.0}) for wall in (6.0, 5.5, 6.5)]
    ext = [Run(1, 100, 130, 10.0, 9.6, {}) for _ in range(3)]
    return SpeedResult({"1": one, "2": two, "extend": ext}, [200.0, 190.0, 210.0], 2, (0.4, 0.6), 20_000,
                       {"image_code": 20.0})


def test_summary_is_medians_spreads_same_workload_scaling_and_cpu_per_sample():
    s = _result().summary()
    assert s["samples_per_s_per_core"] == 10.0 and s["spread"] == round((100 / 9 - 100 / 11) / 10, 3)
    assert s["scaling_2_cores"] == round((100 / 6) / 10, 3)  # total rates of the same 100 samples
    assert s["ratio"] == 0.05 and s["floor_per_s_per_core"] == 200.0
    assert s["cpu_ms_per_generated"] == 64.0 and s["cpu_ms_per_accepted"] == 80.0
    assert s["cpu_ms_per_accepted_extending"] == 96.0 and s["extend_cost_ratio"] == 1.2
    assert s["load_avg_before"] == 0.4 and s["catalog_rows"] == 20_000


def test_write_docs_replaces_only_its_block(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text(f"# Perf\n\nbefore\n{DOCS_BEGIN}\nold figures\n{DOCS_END}\nafter\n")
    write_docs(doc, _result(), "flywheel bench speed --write-docs docs/performance.md")
    text = doc.read_text()
    assert text.startswith("# Perf\n\nbefore\n") and text.endswith(f"{DOCS_END}\nafter\n")
    assert "old figures" not in text and "samples_per_s_per_core" in text and "10.0" in text
    assert "load average 0.4 → 0.6" in text and "scaling_2_cores" in text and "$ flywheel bench speed" in text
