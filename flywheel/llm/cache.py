"""Response cache in the catalog (table `llm_cache`, read and written by catalog/llm_cache.py): a rerun
of the same prompt costs nothing.

The key is sha256 of (model, messages, params); API keys and endpoints are never part of it, so
nothing secret is written. Entries are committed one by one, as soon as a response arrives: a
paid-for response survives a crash or a budget stop and is free on the next run.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from typing import Any

from flywheel.catalog import Catalog
from flywheel.catalog.llm_cache import cached_response, store_response


def cache_key(model: str, messages: list[dict[str, Any]], params: dict[str, Any]) -> str:
    blob = json.dumps([model, messages, params], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


@dataclass(frozen=True)
class CachedResponse:
    text: str
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float


class ResponseCache:
    """Thread-safe get/put over its own DuckDB cursor (outside the catalog's batch transactions)."""

    def __init__(self, cat: Catalog) -> None:
        # Model calls run on threads while the main one commits batches: the catalog keeps its
        # connection open (no release between batches) for as long as this cache lives.
        cat.pin()
        self._cat = cat
        self._con = cat.con.cursor()
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedResponse | None:
        with self._lock:
            row = cached_response(self._con, key)
        return None if row is None else CachedResponse(row[0], row[1] or 0, row[2] or 0, row[3] or 0.0)

    def put(self, key: str, model: str, messages: list[dict[str, Any]], params: dict[str, Any],
            resp: CachedResponse) -> None:
        with self._lock:
            store_response(self._con, key, model, json.dumps(messages, default=str), json.dumps(params, default=str),
                           resp.text, resp.prompt_tokens, resp.completion_tokens, resp.cost_usd)

    def close(self) -> None:
        self._con.close()
        self._cat.unpin()


class MemoryCache:
    """The cache of a worker away from the catalog (`flywheel eval --executor ray`): the entries its
    driver found for the task, and the new ones, which go back with the result to be stored there."""

    def __init__(self, known: dict[str, CachedResponse] | None = None) -> None:
        self._known = dict(known or {})
        self.new: list[tuple[str, list[dict[str, Any]], dict[str, Any], CachedResponse]] = []
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedResponse | None:
        return self._known.get(key)

    def put(self, key: str, model: str, messages: list[dict[str, Any]], params: dict[str, Any],
            resp: CachedResponse) -> None:
        with self._lock:
            self._known[key] = resp
            self.new.append((key, messages, params, resp))
