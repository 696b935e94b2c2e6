"""A scripted OpenAI-compatible server on a free 127.0.0.1 port, for the real litellm client."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tools.llm_server import ChatServer, Scripted


@pytest.fixture
def serve() -> Iterator[Callable[[list[dict]], ChatServer]]:
    servers: list[ChatServer] = []

    def start(rules: list[dict]) -> ChatServer:
        srv = ChatServer(Scripted(rules)).start()
        servers.append(srv)
        return srv

    yield start
    for s in servers:
        s.stop()
