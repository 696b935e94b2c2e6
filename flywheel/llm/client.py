"""The one way flywheel talks to a model: litellm with bounded concurrency, retries, cache and budget.

Any model string litellm accepts works (`openai/gpt-4o`, `anthropic/…`, `ollama/…`); `api_base`
points it at an OpenAI-compatible server (vLLM, llama.cpp, `python tools/llm_server.py`).
API keys come only from the environment, read by litellm itself: the client never stores, logs or
caches one. Every call is counted in `Usage` (calls, cache hits, retries, tokens, dollars), which
callers write to the run's row in `runs`.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

from flywheel.core.errors import FlywheelError
from flywheel.llm.cache import CachedResponse, MemoryCache, ResponseCache, cache_key


@dataclass(frozen=True)
class LLMConfig:
    model: str
    api_base: str | None = None
    max_concurrency: int = 8  # calls in flight at once, across all threads
    budget_usd: float | None = None  # no new call starts once this much was spent in this run
    max_retries: int = 5  # on rate limits, timeouts, connection and 5xx errors
    backoff_s: float = 1.0  # first retry waits this long, doubling each time (with jitter)
    timeout_s: float = 120.0
    temperature: float = 0.7
    max_tokens: int = 2048


class BudgetExceeded(FlywheelError):
    """The run spent its --budget-usd; raised before a call that would start past it."""


class LLMError(Exception):
    """A call that failed for good (after retries, or a non-retryable error); callers record it."""


@dataclass
class Usage:
    calls: int = 0  # requests that got a response from the model (cache hits excluded)
    cache_hits: int = 0
    retries: int = 0
    failures: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["cost_usd"] = round(self.cost_usd, 6)
        return d

    def copy(self) -> Usage:
        return Usage(**asdict(self))

    def add(self, other: Usage) -> None:
        """Count another client's usage into this one (an eval's Ray workers each have their own)."""
        for k, v in asdict(other).items():
            setattr(self, k, getattr(self, k) + v)

    def since(self, before: Usage) -> Usage:
        """What was used after the snapshot `before` (a `copy()` taken earlier)."""
        now, then = asdict(self), asdict(before)
        return Usage(**{k: now[k] - then[k] for k in now})


def _litellm():
    """Import litellm offline-first: its bundled price map (no fetch at import), no help banners."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.suppress_debug_info = True
    return litellm


def _retryable() -> tuple[type[BaseException], ...]:
    litellm = _litellm()
    return (litellm.RateLimitError, litellm.Timeout, litellm.APIConnectionError,
            litellm.InternalServerError, litellm.ServiceUnavailableError)


class LLMClient:
    """`complete(messages)` → the reply text. Thread-safe; share one per run."""

    def __init__(self, cfg: LLMConfig, cache: ResponseCache | MemoryCache | None = None) -> None:
        if not cfg.model.strip():
            raise FlywheelError("--model is empty; give a litellm model string such as openai/gpt-4o")
        self.cfg, self.cache, self.usage = cfg, cache, Usage()
        self._slots = threading.BoundedSemaphore(max(1, cfg.max_concurrency))
        self._lock = threading.Lock()

    def complete(self, messages: list[dict[str, Any]], temperature: float | None = None, **params: Any) -> str:
        """One chat completion; cached by (model, messages, params), retried, counted, budgeted."""
        return self.response(messages, temperature, **params).text

    def response(self, messages: list[dict[str, Any]], temperature: float | None = None, **params: Any) -> CachedResponse:
        """`complete` with the reply's token counts and cost (a cached reply keeps those of its original call)."""
        params = self._params(temperature, params)
        key = cache_key(self.cfg.model, messages, params)
        hit = self.cache.get(key) if self.cache else None
        if hit is not None:
            with self._lock:
                self.usage.cache_hits += 1
            return hit
        resp = self._call(messages, params)
        if self.cache:
            self.cache.put(key, self.cfg.model, messages, params, resp)
        return resp

    def lookup(self, messages: list[dict[str, Any]], temperature: float | None = None,
               **params: Any) -> tuple[str, CachedResponse | None]:
        """The cache key of this call and its cached reply (or None), calling nothing and counting nothing."""
        key = cache_key(self.cfg.model, messages, self._params(temperature, params))
        return key, self.cache.get(key) if self.cache else None

    def _params(self, temperature: float | None, params: dict[str, Any]) -> dict[str, Any]:
        return {"temperature": self.cfg.temperature if temperature is None else temperature,
                "max_tokens": self.cfg.max_tokens, **params}

    def _check_budget(self) -> None:
        budget = self.cfg.budget_usd
        if budget is not None and self.usage.cost_usd >= budget:
            raise BudgetExceeded(f"budget of ${budget:g} spent (${self.usage.cost_usd:.4f} in {self.usage.calls} calls); "
                                 "rerun the same command with a larger --budget-usd to go on (answers so far are cached)")

    def _call(self, messages: list[dict[str, Any]], params: dict[str, Any]) -> CachedResponse:
        litellm = _litellm()

        retryable = _retryable()
        for attempt in range(self.cfg.max_retries + 1):
            with self._slots:
                with self._lock:
                    self._check_budget()
                try:
                    raw = litellm.completion(model=self.cfg.model, messages=messages, **params, **self._endpoint())
                except retryable as exc:
                    error: Exception = exc
                except litellm.BudgetExceededError as exc:  # a proxy's own budget: same as ours
                    raise BudgetExceeded(f"the endpoint refused: {exc}") from None
                except Exception as exc:  # noqa: BLE001 - bad request, auth …: not worth retrying
                    self._count_failure()
                    raise LLMError(f"{type(exc).__name__}: {_one_line(exc)}") from None
                else:
                    return self._account(raw)
            if attempt < self.cfg.max_retries:
                with self._lock:
                    self.usage.retries += 1
                time.sleep(self.cfg.backoff_s * 2**attempt * random.uniform(0.75, 1.25))
        self._count_failure()
        raise LLMError(f"gave up after {self.cfg.max_retries} retries: {type(error).__name__}: {_one_line(error)}")

    def _endpoint(self) -> dict[str, Any]:
        # litellm's and the OpenAI SDK's own retries are off: ours are counted and budgeted.
        kw: dict[str, Any] = {"timeout": self.cfg.timeout_s, "num_retries": 0, "max_retries": 0}
        if self.cfg.api_base:
            kw["api_base"] = self.cfg.api_base
            if not os.environ.get("OPENAI_API_KEY"):
                kw["api_key"] = "no-key"  # local servers ignore it; the SDK insists on one
        return kw

    def _account(self, raw: Any) -> CachedResponse:
        litellm = _litellm()

        text = raw.choices[0].message.content or ""
        usage = getattr(raw, "usage", None)
        p_tok = int(getattr(usage, "prompt_tokens", 0) or 0)
        c_tok = int(getattr(usage, "completion_tokens", 0) or 0)
        try:
            cost = float(litellm.completion_cost(completion_response=raw, model=self.cfg.model))
        except Exception:  # noqa: BLE001 - a model litellm has no price for costs nothing we can count
            cost = 0.0
        with self._lock:
            u = self.usage
            u.calls += 1
            u.prompt_tokens += p_tok
            u.completion_tokens += c_tok
            u.cost_usd += cost
        return CachedResponse(text, p_tok, c_tok, cost)

    def _count_failure(self) -> None:
        with self._lock:
            self.usage.failures += 1


_SECRET_VARS = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD)", re.I)


def scrub(text: str) -> str:
    """Mask the value of every key-like environment variable: error texts end up in verdicts."""
    for name, value in os.environ.items():
        if len(value) >= 8 and _SECRET_VARS.search(name) and value in text:
            text = text.replace(value, "***")
    return text


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return scrub(lines[0] if lines else "")[:300]
