"""Scripted replies for the local test server (valid, malformed, wrong, hostile candidates) and the
client that talks to it."""

from __future__ import annotations

import json

from flywheel.llm.client import LLMClient, LLMConfig

BIG = {"prompt_tokens": 1000, "completion_tokens": 1000}  # $0.0125 a call at gpt-4o prices

FIGURE = """import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
A, B, C = (0.0, 0.0), ({a}.0, 0.0), ({a}.0, {b}.0)
fig, ax = plt.subplots(figsize=(3, 3), dpi=100)
ax.plot([A[0], B[0], C[0], A[0]], [A[1], B[1], C[1], A[1]], color="black")
for name, (x, y) in {{"A": A, "B": B, "C": C}}.items():
    ax.text(x, y, name)
ax.set_aspect("equal")
ax.axis("off")
fig.savefig("image.png")
"""

TOOL = """from PIL import Image, ImageDraw
img = Image.open(image_path).convert("RGB")
d = ImageDraw.Draw(img)
d.line([(60, 60), (200, 200)], fill=(255, 0, 0), width=3)
img.save("edited.png")
print("edited.png")"""

HOSTILE_TOOL = """import socket
s = socket.socket()
s.connect(("127.0.0.1", 80))
print("edited.png")"""


def candidate(a: int = 3, b: int = 4, answer: str | None = None, tool: str = TOOL, measure: str | None = "math.dist(A, C)") -> dict:
    """A right triangle with legs a, b; asks for the hypotenuse AC."""
    ans = answer or f"{(a * a + b * b) ** 0.5:g}"
    fig = FIGURE.format(a=a, b=b)
    if measure:
        fig = "import math\n" + fig
    cot = (f"<think>Draw the hypotenuse to see the right triangle.\n<code>\n```python\n{tool}\n```\n</code>\n"
           f"<sandbox_output><image></sandbox_output>\nBy Pythagoras AC = sqrt({a}^2 + {b}^2).</think>\n<answer>{ans}</answer>")
    return {"question": f"In right triangle ABC, AB = {a} and BC = {b} with the right angle at B. Find AC.",
            "answer": ans, "figure_code": fig, "tool_code": tool, "cot": cot, "measure": measure}


def solve(answer: str) -> str:
    return f"By the Pythagorean theorem the hypotenuse is {answer}.\n<answer>{answer}</answer>"


def rule(match: list[str] | str, obj: dict | None = None, content: str | None = None, **kw) -> dict:
    r = {"match": match, **kw}
    if obj is not None:
        r["content"] = json.dumps(obj)
    elif content is not None:
        r["content"] = content
    return r


def client(srv, **kw) -> LLMClient:
    """A real litellm client for the scripted server `srv` (retries back off for 10 ms only)."""
    return LLMClient(LLMConfig("openai/gpt-4o", api_base=srv.api_base, backoff_s=0.01, **kw))
