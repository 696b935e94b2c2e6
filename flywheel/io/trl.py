"""Training exports: `trl-sft`, `trl-grpo` (TRL), `sharegpt` (LLaMA-Factory, ms-swift SFT) and
`swift-grpo` (ms-swift GRPO, V-Thinker's RL layout): the rows `flywheel train` trains on, as files
that each consumer's stock loader reads with no hand edits (docs/exports.md).

The TRL formats are parquet with a `split` column (train/heldout by knowledge node and lineage)
and `datasets` features in the file's metadata, so `images` / `figure` load as `Image` columns;
`--text-only` rows have string `content` and no `images`. The JSONL formats write image files
beside the rows, one path per `<image>` token, and `dataset_info.json` for LLaMA-Factory.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from flywheel.catalog import Catalog
from flywheel.io.parquet import write_inferred
from flywheel.io.registry import DEFAULT_OPTIONS, ExportOptions, register_exporter
from flywheel.train.data import TOOLS_JSON, CatalogSample, Split, grpo_row, iter_samples, sft_row
from flywheel.train.trace import SANDBOX_OUT, SYSTEM_PROMPT

KINDS = ("interaction", "perception")
SANDBOX_IMAGE = "<sandbox_output><image></sandbox_output>"  # what a tool call returns, in V-Thinker's traces


def _samples(cat: Catalog, where: str | None) -> Iterator[tuple[Split, CatalogSample]]:
    """Every accepted sample of KINDS with its split, by id, one at a time (bounded memory)."""
    return iter_samples(cat, KINDS, Split.all, where)


def _split_rows(cat: Catalog, where: str | None, make: Callable[[CatalogSample], dict]) -> Iterator[dict]:
    return ({**make(s), "version": s.version, "split": str(split)} for split, s in _samples(cat, where))


@register_exporter("trl-sft", options=("text_only",))
def export_trl_sft(cat: Catalog, out: Path, where: str | None = None, options: ExportOptions = DEFAULT_OPTIONS) -> Path:
    rows = _split_rows(cat, where, lambda s: sft_row(s, vision=not options.text_only))
    return write_inferred(Path(out) / "trl-sft.parquet", rows)


@register_exporter("trl-grpo", options=("text_only",))
def export_trl_grpo(cat: Catalog, out: Path, where: str | None = None, options: ExportOptions = DEFAULT_OPTIONS) -> Path:
    rows = _split_rows(cat, where, lambda s: grpo_row(s, vision=not options.text_only))
    return write_inferred(Path(out) / "trl-grpo.parquet", rows)


def _turns(s: CatalogSample) -> list[tuple[str, str]]:
    """The trace as sharegpt turns: each `<sandbox_output>` becomes an `observation` turn holding
    the edited figure (`<image>`), so the figure is model input, never a training target; perception
    samples, which carry no trace, answer in one turn."""
    if not s.cot:
        return [("gpt", f"<answer>{s.answer}</answer>")]
    turns: list[tuple[str, str]] = []
    pos = 0
    for m in SANDBOX_OUT.finditer(s.cot):
        turns += [("gpt", s.cot[pos:m.start()].rstrip()), ("observation", SANDBOX_IMAGE)]
        pos = m.end()
    return turns + [("gpt", s.cot[pos:].lstrip())]


def _write_jsonl(out: Path, name: str, lines: Iterator[dict]) -> Path:
    """Lines to `out/name` atomically: a failed export (a damaged image, a full disk) leaves no half file."""
    path, tmp = out / name, out / f"{name}.tmp"
    try:
        with open(tmp, "w") as fh:
            for line in lines:
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _image_files(out: Path, s: CatalogSample, edited: bool = False) -> tuple[str, str | None]:
    """The figure (and, when `edited`, the edited figure) as files under `out/images`, by relative path."""
    (out / "images").mkdir(parents=True, exist_ok=True)
    (out / "images" / f"{s.id}.png").write_bytes(s.image)
    if not edited or s.edited_image is None:
        return f"images/{s.id}.png", None
    (out / "images" / f"{s.id}-edited.png").write_bytes(s.edited_image)
    return f"images/{s.id}.png", f"images/{s.id}-edited.png"


# LLaMA-Factory reads a dataset by its entry in dataset_info.json: this one names our columns and role tags.
SHAREGPT_INFO = {"file_name": "sharegpt.jsonl", "formatting": "sharegpt",
                 "columns": {"messages": "conversations", "system": "system", "images": "images"},
                 "tags": {"role_tag": "from", "content_tag": "value", "user_tag": "human", "assistant_tag": "gpt",
                          "observation_tag": "observation"}}


@register_exporter("sharegpt")
def export_sharegpt(cat: Catalog, out: Path, where: str | None = None) -> Path:
    out = Path(out)

    def lines() -> Iterator[dict]:
        for split, s in _samples(cat, where):
            turns = [("human", f"<image>{s.question}"), *_turns(s)]
            shown = sum(v.count("<image>") for _, v in turns[1:])
            figure, edited = _image_files(out, s, edited=shown > 0)
            yield {"id": s.id, "split": str(split), "system": SYSTEM_PROMPT,
                   "conversations": [{"from": f, "value": v} for f, v in turns],
                   "images": [figure] + [edited or figure] * shown, "answer": s.answer, "version": s.version}

    out.mkdir(parents=True, exist_ok=True)
    path = _write_jsonl(out, "sharegpt.jsonl", lines())
    _dataset_info(out, "flywheel_sharegpt", SHAREGPT_INFO)
    return path


@register_exporter("swift-grpo")
def export_swift_grpo(cat: Catalog, out: Path, where: str | None = None) -> Path:
    """ms-swift GRPO rows as V-Thinker's RL trains on them: `messages` (system + the question with its
    figure), `images`, `solution` (what ms-swift passes a reward as `f(completions, solution, **kwargs)`)
    and `question`, `kind`, `tools` for rewards that read them."""
    out = Path(out)

    def lines() -> Iterator[dict]:
        for split, s in _samples(cat, where):
            figure, _ = _image_files(out, s)
            yield {"id": s.id, "split": str(split), "messages": [
                {"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": f"<image>{s.question}"}],
                "images": [figure], "solution": s.answer, "question": s.question, "kind": s.kind,
                "domain": s.domain, "knowledge_id": s.knowledge_id, "tools": TOOLS_JSON}

    out.mkdir(parents=True, exist_ok=True)
    return _write_jsonl(out, "swift-grpo.jsonl", lines())


def _dataset_info(out: Path, name: str, entry: dict) -> None:
    """Add (or replace) our entry in `out/dataset_info.json`, keeping entries the user put there."""
    path = out / "dataset_info.json"
    try:
        info = json.loads(path.read_text()) if path.is_file() else {}
    except ValueError:
        info = {}
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({**(info if isinstance(info, dict) else {}), name: entry}, indent=2) + "\n")
    os.replace(tmp, path)
