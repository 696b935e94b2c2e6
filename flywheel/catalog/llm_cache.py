"""Reads and writes of the `llm_cache` table (created by the `llm_cache` migration in schema.py).

They take a DuckDB cursor, not a Catalog: the LLM client's cache works on its own cursor, outside
the catalog's batch transactions, so a response is kept the moment it arrives.
"""

from __future__ import annotations

import duckdb


def cached_response(cur: duckdb.DuckDBPyConnection, key: str) -> tuple[str, int | None, int | None, float | None] | None:
    """(response text, prompt tokens, completion tokens, cost in USD) stored under `key`, or None."""
    return cur.execute(
        "SELECT response, prompt_tokens, completion_tokens, cost_usd FROM llm_cache WHERE key = ?", [key]
    ).fetchone()


def store_response(cur: duckdb.DuckDBPyConnection, key: str, model: str, messages_json: str, params_json: str,
                   text: str, prompt_tokens: int, completion_tokens: int, cost_usd: float) -> None:
    """Store (or replace) the response under `key`, committed at once."""
    cur.execute(
        "INSERT OR REPLACE INTO llm_cache (key, model, messages, params, response, prompt_tokens, "
        "completion_tokens, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [key, model, messages_json, params_json, text, prompt_tokens, completion_tokens, cost_usd],
    )
