"""`bench scale` on the local pool alone: every figure a user reads is there and consistent."""

from flywheel.bench.scale import run_scale_bench


def test_scale_bench_reports_per_core_cpu_and_driver_figures():
    res = run_scale_bench(20, "local", workers=1)
    (run,) = res["runs"]
    assert run["executor"] == "local" and run["accepted"] == 20 and run["workers"] == 1
    assert run["driver_cpu_s"] > 0 and run["worker_cpu_s"] > 0
    assert 0 < run["driver_cpu_share"] < 1
    assert abs(run["samples_per_cpu_s"] - 20 / (run["driver_cpu_s"] + run["worker_cpu_s"])) < 0.05
    assert run["first_ms"] > 0 and run["last_ms"] > 0 and len(res["load_average_before"]) == 3
