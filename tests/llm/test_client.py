"""The litellm client against a real local HTTP server: retries, cache, budget, accounting."""

from __future__ import annotations

import pytest

from flywheel.catalog import Catalog
from flywheel.llm.cache import ResponseCache
from flywheel.llm.client import BudgetExceeded, LLMClient, LLMConfig, LLMError
from tests.llm.scripts import BIG, client, rule

MSGS = [{"role": "user", "content": "TASK: solve\nwhat is 2+3?"}]


def test_rate_limits_are_retried_then_succeed(serve):
    srv = serve([rule("TASK", status=429, times=2, content="slow down"), rule("TASK", content="<answer>5</answer>")])
    c = client(srv)
    assert c.complete(MSGS) == "<answer>5</answer>"
    assert (c.usage.calls, c.usage.retries, c.usage.failures) == (1, 2, 0)
    assert srv.stats["status_429"] == 2 and srv.stats["requests"] == 3


def test_persistent_rate_limit_gives_up_with_a_clear_error(serve):
    srv = serve([rule("TASK", status=429, content="slow down")])
    c = client(srv, max_retries=2)
    with pytest.raises(LLMError, match="gave up after 2 retries: RateLimitError"):
        c.complete(MSGS)
    assert srv.stats["requests"] == 3 and c.usage.failures == 1


def test_bad_request_is_not_retried(serve):
    srv = serve([rule("TASK", status=400, content="bad prompt")])
    with pytest.raises(LLMError, match="BadRequestError"):
        client(srv).complete(MSGS)
    assert srv.stats["requests"] == 1


def test_cache_in_the_catalog_makes_a_repeat_free_and_survives_reopening(serve, tmp_path):
    srv = serve([rule("TASK", content="<answer>5</answer>", usage=BIG)])
    db = tmp_path / "c.duckdb"
    with Catalog(db) as cat:
        c = LLMClient(LLMConfig("openai/gpt-4o", api_base=srv.api_base), ResponseCache(cat))
        assert c.complete(MSGS) == c.complete(MSGS) == "<answer>5</answer>"
        assert (c.usage.calls, c.usage.cache_hits, c.usage.prompt_tokens) == (1, 1, 1000)
        assert c.usage.cost_usd == pytest.approx(0.0125)
        c.complete(MSGS, temperature=0.3)  # other params: another key
    with Catalog(db) as cat:
        again = LLMClient(LLMConfig("openai/gpt-4o", api_base=srv.api_base), ResponseCache(cat))
        again.complete(MSGS)
        assert again.usage.calls == 0 and again.usage.cache_hits == 1
        rows = cat.query("SELECT model, prompt_tokens, completion_tokens, cost_usd FROM llm_cache")[1]
    assert srv.stats["requests"] == 2
    assert len(rows) == 2 and rows[0][:3] == ("openai/gpt-4o", 1000, 1000)


def test_budget_stops_new_calls(serve):
    srv = serve([rule("TASK", content="<answer>5</answer>", usage=BIG)])
    c = client(srv, budget_usd=0.01)
    c.complete(MSGS)
    with pytest.raises(BudgetExceeded, match=r"budget of \$0.01 spent \(\$0.0125 in 1 calls\)"):
        c.complete([{"role": "user", "content": "TASK: solve\nanother"}])
    assert srv.stats["requests"] == 1


def test_error_texts_never_carry_an_api_key(serve, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-live-0123456789abcdef")
    srv = serve([rule("TASK", status=401, content="Incorrect API key provided: sk-live-0123456789abcdef")])
    with pytest.raises(LLMError) as exc:
        client(srv).complete(MSGS)
    assert "AuthenticationError" in str(exc.value) and "sk-live-0123456789abcdef" not in str(exc.value)
    assert "***" in str(exc.value)
