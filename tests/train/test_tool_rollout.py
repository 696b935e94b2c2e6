"""A tool call a model emits in the format SFT teaches is parsed by TRL, run by flywheel's hardened
sandbox, and the edited figure comes back as the tool's output — checked once with TRL's own parser
on the rendered SFT target, and once through a real GRPO step whose generations are the SFT targets.

The GRPO step runs on a text model, on the tiny LLaVA (the edited figure comes back as an image into
the rollout and the forward pass) and on the tiny SmolVLM (the tool replies in text).
"""

from __future__ import annotations

import io
import json

import pytest

from flywheel.catalog import Catalog
from flywheel.train.data import Split, grpo_row, load_samples, sft_row
from flywheel.train.environment import SandboxEnvironment, changed_share
from flywheel.train.rewards import figure_png

pytest.importorskip("trl")
pytestmark = pytest.mark.train


@pytest.fixture(scope="module")
def tiny_lm(tmp_path_factory) -> str:
    """A 2-layer random Llama with SmolLM2's tokenizer: its generations are scripted below, so only
    the tokenizer, the chat template and TRL's loop matter, and a training step is cheap."""
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    from flywheel.train.models import resolve
    from tools.tiny_models import text_config

    tok = AutoTokenizer.from_pretrained(resolve("local:smollm2-135m"))
    config = LlamaConfig(**{k: v for k, v in text_config(tok).items() if k != "model_type"})
    out = tmp_path_factory.mktemp("tiny-lm")
    LlamaForCausalLM(config).save_pretrained(out)
    tok.save_pretrained(out)
    return str(out)


def _tokenizer(model: str):
    from flywheel.train.models import load

    return load(model).processing_class


def _turns(pc, row: dict) -> tuple[list[dict], str, str]:
    """The GRPO prompt and the SFT conversation's two assistant turns as the model must write them:
    the rendered conversation minus the rendered prompt, cut at each end of turn."""
    messages = row["messages"]
    prompt = pc.apply_chat_template(messages[:2], tools=json.loads(row["tools"]), add_generation_prompt=True,
                                    tokenize=False)
    full = pc.apply_chat_template(messages, tools=json.loads(row["tools"]), tokenize=False)
    assert full.startswith(prompt)
    end = "<|im_end|>"
    first = full[len(prompt): full.index(end, len(prompt)) + len(end)]
    second_start = full.index("<|im_start|>assistant\n", len(prompt) + len(first)) + len("<|im_start|>assistant\n")
    second = full[second_start: full.index(end, second_start) + len(end)]
    return messages[:2], first, second


@pytest.fixture(scope="module")
def interaction(catalog):
    with Catalog(catalog, read_only=True) as cat:
        return load_samples(cat, "interaction", Split.all)


def test_sft_target_parses_as_a_tool_call_that_edits_the_figure(interaction, tiny_lm, tmp_path):
    from trl.chat_template_utils import parse_response

    tok = pc = _tokenizer(tiny_lm)
    s = interaction[0]
    row = sft_row(s, vision=False)
    prompt_messages, first, _ = _turns(pc, row)
    env = SandboxEnvironment(vision=True, log_path=tmp_path / "rollouts.jsonl")
    env.reset(**grpo_row(s, vision=False))
    # GRPOTrainer renders the prompt with the environment's methods as tools and parses each completion so:
    prompt_ids = tok(pc.apply_chat_template(prompt_messages, tools=[env.python], add_generation_prompt=True,
                                            tokenize=False), add_special_tokens=False)["input_ids"]
    parsed = parse_response(tok, tok(first, add_special_tokens=False)["input_ids"], prefix=prompt_ids,
                            tools=[env.python])
    call = parsed["tool_calls"][0]["function"]
    assert call["name"] == "python" and call["arguments"]["code"] == row["messages"][2]["tool_calls"][0][
        "function"]["arguments"]["code"]
    assert parsed["content"].startswith("<think>") and "<tool_call>" not in parsed["content"]
    reply = env.python(**call["arguments"])  # what TRL's tool loop does with a parsed call
    edited = figure_png(reply[0]["image"])
    assert changed_share(s.image, edited) == changed_share(s.image, s.edited_image) > 0
    assert "changed" in reply[1]["text"]
    log = json.loads((tmp_path / "rollouts.jsonl").read_text())
    assert log["ok"] and log["sample_id"] == s.id and log["code"] == call["arguments"]["code"]


def _scripted_rl(model: str, catalog, interaction, out, monkeypatch) -> tuple[dict, list[dict], dict, list, list]:
    """One real GRPO step on `model` whose generated tokens are the SFT targets: TRL parses the call,
    the environment runs it in the sandbox, and its reply joins the sequence. Returns the stage
    summary, the sandbox's call log, the step's TRL metrics, the pixel values of every forward pass
    that computed log-probs, and the token ids (padding dropped) of every sequence the model continued."""
    from transformers.generation.utils import GenerationMixin
    from trl import GRPOTrainer

    from flywheel.train.runner import StageSpec, run_rl

    pc = _tokenizer(model)
    tok = getattr(pc, "tokenizer", pc)
    turns = {}
    for s in interaction:
        _, first, second = _turns(tok, sft_row(s, vision=False))
        turns[s.question] = (tok(first, add_special_tokens=False)["input_ids"],
                             tok(second, add_special_tokens=False)["input_ids"])

    real_generate = GenerationMixin.generate
    contexts = []

    def scripted(self, input_ids=None, **kwargs):
        """The real `generate` for one token (it checks every input TRL passes and runs the model on
        the figures so far), then the scripted turn, padded with end-of-turn as TRL expects."""
        import torch

        real_generate(self, input_ids=input_ids, **{**kwargs, "max_new_tokens": 1})
        rows = []
        for ids, mask in zip(input_ids.tolist(), kwargs["attention_mask"].tolist(), strict=True):
            contexts.append([i for i, m in zip(ids, mask, strict=True) if m])
            text = tok.decode(ids)
            first, second = next(v for q, v in turns.items() if q in text)
            rows.append(second if "<tool_response>" in text[-400:] else first)
        width = max(map(len, rows))
        tail = torch.tensor([r + [tok.eos_token_id] * (width - len(r)) for r in rows])
        return torch.cat([input_ids, tail.to(input_ids.device)], dim=1)

    seen = []
    logps = GRPOTrainer._get_per_token_logps_and_entropies

    def recording(self, *args, pixel_values=None, **kwargs):
        seen.append(pixel_values)
        return logps(self, *args, pixel_values=pixel_values, **kwargs)

    monkeypatch.setattr(GenerationMixin, "generate", scripted)
    monkeypatch.setattr(GRPOTrainer, "_get_per_token_logps_and_entropies", recording)
    spec = StageSpec(catalog, model, out, max_steps=1,
                     config={"num_generations": 2, "max_completion_length": 4096})
    summary = run_rl(spec, ["accuracy", "format", "tool"])
    calls = [json.loads(line) for line in (out / "rollouts.jsonl").read_text().splitlines()]
    history = [json.loads(line) for line in (out / "trl_log.jsonl").read_text().splitlines()]
    return summary, calls, next(h for h in history if "tools/call_frequency" in h), seen, contexts


def _assert_tool_ran(summary: dict, calls: list[dict], step: dict) -> None:
    assert summary["steps"] == 1
    assert len(calls) == 2 and all(c["ok"] and c["changed"] > 0 for c in calls)
    assert step["tools/call_frequency"] == 1.0 and step["tools/failure_frequency"] == 0.0
    assert step["rewards/tool_reward/mean"] == 1.0 and step["rewards/accuracy_reward/mean"] == 1.0


def test_grpo_rollout_runs_the_models_tool_call_in_the_sandbox(catalog, interaction, tiny_lm, tmp_path,
                                                                monkeypatch):
    """Text model: the accuracy and tool rewards see a correct, tool-using completion."""
    summary, calls, step, _, _ = _scripted_rl(tiny_lm, catalog, interaction, tmp_path / "rl", monkeypatch)
    _assert_tool_ran(summary, calls, step)


def test_vlm_rollout_sees_the_edited_figure(catalog, interaction, tiny_vlm, tmp_path, monkeypatch):
    """VLM with a flat pixel layout (LLaVA): the figure the tool edited comes back as an image, and
    GRPO's forward pass gets it after the prompt's figure — the very pixels of the sandbox's edit."""
    from PIL import Image

    from flywheel.train.environment import run_tool

    summary, calls, step, seen, contexts = _scripted_rl(tiny_vlm, catalog, interaction, tmp_path / "rl",
                                                        monkeypatch)
    _assert_tool_ran(summary, calls, step)
    s = next(s for s in interaction if s.id == calls[0]["sample_id"])
    edited = run_tool(calls[0]["code"], s.image)
    assert edited.ok and edited.changed > 0
    images = _tokenizer(tiny_vlm).image_processor
    figure, tool_image = (images(images=[Image.open(io.BytesIO(png)).convert("RGB")], return_tensors="pt")
                          ["pixel_values"][0] for png in (s.image, edited.image_png))
    pixels = seen[0]
    assert pixels.shape[0] == 4  # two rollouts, each: the prompt's figure, then the tool's edited figure
    for row in (0, 2):
        assert torch_allclose(pixels[row], figure) and torch_allclose(pixels[row + 1], tool_image)
    assert not torch_allclose(figure, tool_image)
    # TRL's completion log keeps the rollout, the tool's image turn included
    import pandas as pd

    logged = pd.read_parquet(tmp_path / "rl" / "completions" / "completions_00001.parquet")
    turns = list(logged["completion"][0])
    assert [t["role"] for t in turns] == ["assistant", "tool", "assistant"]
    assert turns[1]["content"].startswith("<image>") and "<answer>" in turns[2]["content"]
    # What the model continues after the tool's reply is, token for token, what interaction SFT trained
    # it on: the same conversation, the edited figure inside the tool turn.
    after_tool = contexts[2]
    assert after_tool.count(_image_token_id(tiny_vlm)) == 2 * 16  # two figures, 16 tokens each
    assert _sft_ids(tiny_vlm, s)[:len(after_tool)] == after_tool


def test_vlm_interaction_sft_shows_the_edited_figure_in_the_tool_turn(catalog, tiny_vlm, tmp_path, monkeypatch):
    """Interaction SFT on the tiny LLaVA trains on the conversation its rollouts will have: the batch
    holds both figures and the tokens `_sft_ids` renders, the edited figure inside the tool's reply."""
    from trl.trainer.sft_trainer import DataCollatorForVisionLanguageModeling

    from flywheel.train.runner import StageSpec, run_sft

    with Catalog(catalog, read_only=True) as cat:
        s = load_samples(cat, "interaction", Split.train)[0]
    batches = []
    collate = DataCollatorForVisionLanguageModeling.torch_call

    def recording(self, examples):
        batches.append(collate(self, examples))
        return batches[-1]

    monkeypatch.setattr(DataCollatorForVisionLanguageModeling, "torch_call", recording)
    run_sft(StageSpec(catalog, tiny_vlm, tmp_path / "sft", where=f"id = '{s.id}'", max_steps=1,
                      config={"max_length": 4096}), "interaction")
    batch = batches[0]
    assert batch["pixel_values"].shape[0] == 2  # the figure and the edited figure
    assert batch["input_ids"][0].tolist() == _sft_ids(tiny_vlm, s)


def test_smolvlm_rollout_calls_the_tool_with_text_replies(catalog, interaction, tiny_smolvlm, tmp_path, monkeypatch):
    """Idefics3/SmolVLM (5-D pixel batches, which TRL 1.16 cannot extend with tool images): the tool
    still runs in the sandbox on the prompt's figure and replies in text; only the prompts' figures
    reach the forward pass. (Before flywheel made its image processor return tensors, TRL's tool loop
    stopped here with "'list' object has no attribute 'size'".)"""
    summary, calls, step, seen, _ = _scripted_rl(tiny_smolvlm, catalog, interaction, tmp_path / "rl",
                                              monkeypatch)
    _assert_tool_ran(summary, calls, step)
    assert tuple(seen[0].shape[:2]) == (2, 1)  # one figure per rollout


def _image_token_id(model: str) -> int:
    pc = _tokenizer(model)
    return pc.tokenizer.convert_tokens_to_ids(pc.image_token)


def _sft_ids(model: str, s) -> list[int]:
    """The token ids interaction SFT trains `model` on for sample `s`, rendered as `run_sft` does."""
    from PIL import Image

    from flywheel.train.chat import with_default_tools
    from flywheel.train.data import EditedFigure, place_images
    from flywheel.train.trace import TOOL_SCHEMA

    pc = _tokenizer(model)
    row = sft_row(s, vision=True, edited=EditedFigure.tool_turn)
    example = place_images({**row, "images": [Image.open(io.BytesIO(i["bytes"])).convert("RGB") for i in row["images"]]})
    return pc.apply_chat_template(example["messages"], chat_template=with_default_tools(pc.chat_template, [TOOL_SCHEMA]),
                                  tokenize=True, return_dict=True)["input_ids"][0]


def torch_allclose(a, b) -> bool:
    import torch

    return bool(torch.allclose(a.float(), b.float(), atol=1e-5))
