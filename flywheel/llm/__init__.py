"""The LLM path: a litellm client with cache, budget and retries, the prompts, and a local test server."""
