"""Benchmarks: `flywheel bench speed` (throughput against a Pillow floor)."""
