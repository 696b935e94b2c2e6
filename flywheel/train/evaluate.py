"""`train eval`: run a model on held-out samples with the same sandbox tool loop as RL rollouts and
report accuracy per domain and the tool-use rate (share of samples where the model called the tool;
`tool_edits` counts calls whose code ran and changed the figure)."""

from __future__ import annotations

import io
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from flywheel.catalog import Catalog
from flywheel.train.data import Split, grpo_row, load_samples, require_samples
from flywheel.train.environment import SandboxEnvironment
from flywheel.train.models import load, tool_replies_with_images
from flywheel.train.rewards import accuracy_reward, format_reward


@dataclass
class DomainScore:
    domain: str
    samples: int = 0
    correct: int = 0
    well_formed: int = 0
    tool_used: int = 0
    tool_edits: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.samples if self.samples else 0.0

    @property
    def tool_use_rate(self) -> float:
        return self.tool_used / self.samples if self.samples else 0.0


@dataclass
class EvalReport:
    model: str
    split: str
    domains: list[DomainScore] = field(default_factory=list)
    seconds: float = 0.0
    examples: list[dict] = field(default_factory=list)  # the first few transcripts, for a look

    def as_dict(self) -> dict:
        total = DomainScore("all", *(sum(getattr(d, k) for d in self.domains)
                                     for k in ("samples", "correct", "well_formed", "tool_used", "tool_edits")))
        rows = [{**asdict(d), "accuracy": round(d.accuracy, 4), "tool_use_rate": round(d.tool_use_rate, 4)}
                for d in [*self.domains, total]]
        return {"model": self.model, "split": self.split, "seconds": round(self.seconds, 2), "domains": rows,
                "examples": self.examples}


def evaluate(catalog: Path, model: str, split: Split = Split.heldout, max_samples: int | None = None,
             where: str | None = None, max_new_tokens: int = 512, tool_iterations: int = 2,
             heldout_fraction: float = 0.2, seed: int = 0) -> EvalReport:
    with Catalog(catalog, read_only=True) as cat:
        samples = load_samples(cat, "interaction", split, where, heldout_fraction, seed, limit=max_samples)
    require_samples(samples, "interaction", f"in the {split} split of {catalog}")
    loaded = load(model)
    image_replies = tool_replies_with_images(loaded)
    report, scores, t0 = EvalReport(model, str(split)), {}, time.perf_counter()
    for s in samples:
        row = grpo_row(s, loaded.vision)
        env = SandboxEnvironment(vision=image_replies)
        env.reset(**row)
        completion = _rollout(loaded, env, row, max_new_tokens, tool_iterations)
        d = scores.setdefault(s.domain, DomainScore(s.domain))
        d.samples += 1
        d.correct += int(accuracy_reward([completion], answer=[s.answer])[0] == 1.0)
        d.well_formed += int(format_reward([completion])[0] == 1.0)
        d.tool_used += int(env.calls > 0)
        d.tool_edits += env.edits
        if len(report.examples) < 3:
            report.examples.append({"id": s.id, "answer": s.answer, "completion": _printable(completion)})
    report.domains = [scores[k] for k in sorted(scores)]
    report.seconds = time.perf_counter() - t0
    return report


def _rollout(loaded, env: SandboxEnvironment, row: dict, max_new_tokens: int, tool_iterations: int) -> list[dict]:
    """Generate; while the model calls the tool (at most `tool_iterations` times), run it and continue."""
    from PIL import Image

    messages = [dict(m) for m in row["prompt"]]
    images = [Image.open(io.BytesIO(row["figure"]["bytes"])).convert("RGB")] if loaded.vision else []
    if loaded.vision:
        messages[-1] = {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": messages[-1]["content"]}]}
    completion: list[dict] = []
    for turn in range(tool_iterations + 1):
        msg = _generate(loaded, messages, images, env, max_new_tokens)
        messages.append(msg)
        completion.append(msg)
        calls = msg.get("tool_calls") or []
        if not calls or turn == tool_iterations:
            break
        for call in calls:
            args = (call.get("function") or {}).get("arguments")
            result = env.python(**args) if isinstance(args, dict) and set(args) == {"code"} else "error: bad arguments"
            if isinstance(result, list):
                images += [p["image"] for p in result if p.get("type") == "image"]
                result = [p if p.get("type") != "image" else {"type": "image"} for p in result]
            tool_msg = {"role": "tool", "name": "python", "content": result}
            messages.append(tool_msg)
            completion.append(tool_msg)
    return completion


def _generate(loaded, messages: list[dict], images: list, env: SandboxEnvironment, max_new_tokens: int) -> dict:
    import torch
    from trl.chat_template_utils import parse_response

    pc = loaded.processing_class
    tokenizer = getattr(pc, "tokenizer", pc)
    text = pc.apply_chat_template(messages, tools=[env.python], add_generation_prompt=True, tokenize=False)
    enc = pc(text=[text], images=[images], return_tensors="pt") if loaded.vision else tokenizer([text], return_tensors="pt")
    enc = enc.to(loaded.model.device)
    with torch.no_grad():
        out = loaded.model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False,
                                    pad_token_id=tokenizer.pad_token_id)
    prompt_ids = enc["input_ids"][0].tolist()
    new_ids = out[0][len(prompt_ids):].tolist()
    try:
        return parse_response(tokenizer, new_ids, prefix=prompt_ids, tools=[env.python])
    except Exception:  # noqa: BLE001 - unparseable output is still an answer (a wrong one)
        return {"role": "assistant", "content": tokenizer.decode(new_ids, skip_special_tokens=True)}


def _printable(completion: list[dict]) -> list[dict]:
    return [{k: (v if isinstance(v, str | list | dict) else str(v)) for k, v in m.items()} for m in completion]
