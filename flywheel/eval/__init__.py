"""`flywheel eval`: benchmark any model on VTBench's three tasks (perception, instruction-guided
interaction, interactive reasoning) with flywheel's hardened sandbox in the loop.

items.py reads the tasks (a catalog, or V-Thinker's VTBench JSON), protocol.py is the one
interactive loop and its deterministic scorers, run.py drives it (cache, transcripts, resume,
blind baseline) and report.py aggregates (bootstrap CIs, table, JSON, chart, compare).
"""
