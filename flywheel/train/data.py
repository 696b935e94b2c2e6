"""Catalog → training rows: accepted samples filtered by SQL, split by knowledge node and lineage,
shaped as TRL conversational data (`messages` + `images` for SFT; `prompt` + `images` + `answer`
and the columns rewards read for GRPO). Plain dicts with image structs `{bytes, path}`: the
exporters write them to parquet as they are and `datasets` decodes them to PIL images.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from flywheel.catalog import Catalog
from flywheel.catalog.samples import knowledge_lineage_pairs, sample_knowledge_ids, training_rows
from flywheel.core.errors import FlywheelError
from flywheel.render.scene.emit import unique_output
from flywheel.train.environment import changed_share, tool_note
from flywheel.train.trace import SYSTEM_PROMPT, TOOL_SCHEMA, Segment, split_trace, tool_call

STAGE_KINDS = {"perception": "perception", "interaction": "interaction"}
EDITED_NOTE = "The edited figure."
TOOLS_JSON = json.dumps([TOOL_SCHEMA])  # TRL's SFT reads a `tools` column (JSON text keeps arrow happy)


class Split(StrEnum):
    train = "train"
    heldout = "heldout"
    all = "all"


class EditedFigure(StrEnum):
    """Where a vision conversation shows the figure the tool edited. `tool_turn` is what GRPO rollouts
    of LLaVA/Qwen-VL see (the tool's reply is the image and its note); `none` is what Idefics3/SmolVLM
    rollouts see (the note only); `user_turn` is for stock TRL SFT, whose collator fills images only
    into user turns (the exports use it)."""

    user_turn = "user_turn"
    tool_turn = "tool_turn"
    none = "none"


@dataclass(frozen=True)
class CatalogSample:
    """The columns training needs from one accepted sample."""

    id: str
    kind: str
    domain: str
    knowledge_id: str
    question: str
    answer: str
    cot: str
    image: bytes
    edited_image: bytes | None
    version: str = ""  # an interaction sample's MathVerse version (render/question.py)


def _groups(cat: Catalog) -> dict[str, str]:
    """knowledge id → split group: knowledge nodes joined by any lineage edge (parent_id or the
    lineage table) share a group, so an evolved child never lands on the other side of its parent."""
    edges = knowledge_lineage_pairs(cat)
    nodes = sample_knowledge_ids(cat)
    parent = {n: n for n in nodes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {n: find(n) for n in nodes}


def heldout_groups(groups: dict[str, str], fraction: float, seed: int = 0) -> set[str]:
    """A stable, seed-dependent choice of groups to hold out: about `fraction` of them, at least
    one when there are two or more (and never all of them)."""
    roots = sorted(set(groups.values()), key=lambda g: hashlib.sha256(f"{seed}:{g}".encode()).hexdigest())
    if len(roots) < 2 or fraction <= 0:
        return set()
    k = min(len(roots) - 1, max(1, round(fraction * len(roots))))
    return set(roots[:k])


def load_samples(cat: Catalog, kind: str, split: Split = Split.all, where: str | None = None,
                 heldout_fraction: float = 0.2, seed: int = 0, limit: int | None = None) -> list[CatalogSample]:
    """Accepted samples of one kind on one side of the split, ordered by id."""
    found = iter_samples(cat, (kind,), split, where, heldout_fraction, seed)
    return [s for _, s in itertools.islice(found, limit)]


def iter_samples(cat: Catalog, kinds: Sequence[str], split: Split = Split.all, where: str | None = None,
                 heldout_fraction: float = 0.2, seed: int = 0) -> Iterator[tuple[Split, CatalogSample]]:
    """Accepted samples of `kinds` on one side of the split (or both), each with its side, ordered by
    id and read one batch of rows and one sample's PNGs at a time: an export's memory follows the
    batch, not the catalog."""
    found = training_rows(cat, kinds, where)  # a bad --where is a one-line user error, before any work
    groups = _groups(cat)
    held = heldout_groups(groups, heldout_fraction, seed)

    def samples() -> Iterator[tuple[Split, CatalogSample]]:
        for sid, k, domain, kid, q, a, cot, img, edited, version in found:
            side = Split.heldout if groups[kid] in held else Split.train
            if split is not Split.all and side is not split:
                continue
            yield side, CatalogSample(sid, k, domain, kid, q, a, unique_output(cot or "", sid), cat.images.get(img),
                                      cat.images.get(edited) if edited else None, version or "")

    return samples()


def require_samples(samples: list[CatalogSample], kind: str, where_text: str) -> list[CatalogSample]:
    if not samples:
        raise FlywheelError(f"the catalog has no accepted {kind} samples {where_text}".strip())
    return samples


def _image(data: bytes, name: str) -> dict:
    return {"bytes": data, "path": name}


def _user(question: str, vision: bool) -> dict:
    content = [{"type": "image"}, {"type": "text", "text": question}] if vision else question
    return {"role": "user", "content": content}


def _text(text: str, vision: bool) -> str | list[dict]:
    # A vision conversation keeps every content a list of parts: arrow cannot mix strings and lists.
    return [{"type": "text", "text": text}] if vision else text


def _tool_reply(s: CatalogSample) -> str:
    """What the rollout tool says after running this trace's code (its stored edit)."""
    try:
        return tool_note(changed_share(s.image, s.edited_image)) if s.edited_image else tool_note(0.0)
    except ValueError:  # a stored edit of another size: say only that it ran
        return tool_note(0.0)


def sft_row(s: CatalogSample, vision: bool, edited: EditedFigure = EditedFigure.user_turn) -> dict:
    """One conversation: the trace's code blocks become `python` tool calls, their outputs tool turns
    (a one-line note, and for a vision model the edited image where `edited` puts it). `tools` lists
    the tool, so the rendered system turn is the one GRPO rollouts see."""
    messages = [{"role": "system", "content": _text(SYSTEM_PROMPT, vision)}, _user(s.question, vision)]
    images = [_image(s.image, f"{s.id}.png")] if vision else []
    segments = split_trace(s.cot) if s.cot else [Segment("", None)]
    if "<answer>" not in segments[-1].text:  # perception samples may carry no trace: supervise the answer
        segments[-1] = Segment(f"{segments[-1].text}\n<answer>{s.answer}</answer>".strip(), None)
    show = vision and s.edited_image is not None and edited != EditedFigure.none
    for seg in segments:
        msg = {"role": "assistant", "content": _text(seg.text, vision)}
        if seg.code is not None:
            msg["tool_calls"] = [tool_call(seg.code)]
        messages.append(msg)
        if seg.code is None:
            continue
        reply = _text(_tool_reply(s), vision)
        if show and edited == EditedFigure.tool_turn:
            reply = [{"type": "image"}, *reply]
        messages.append({"role": "tool", "name": "python", "content": reply})
        if show and edited == EditedFigure.user_turn:
            messages.append({"role": "user", "content": [{"type": "image"}, {"type": "text", "text": EDITED_NOTE}]})
        if show:
            images.append(_image(s.edited_image, f"{s.id}-edited.png"))
    row = {"id": s.id, "messages": messages, "tools": TOOLS_JSON}
    if vision:
        row["images"] = images
    return row


def place_images(example: dict) -> dict:
    """`example` with its `images` put into the image parts of its messages, in order, tool turns
    included, and an empty `images` list. TRL's vision SFT collator fills user turns only; a row
    built with `EditedFigure.tool_turn` goes through this first."""
    pictures = iter(example.get("images") or [])
    messages = []
    for message in example["messages"]:
        content = message.get("content")
        if isinstance(content, list):
            content = [{**part, "image": next(pictures)} if part.get("type") == "image" else part for part in content]
        messages.append({**message, "content": content})
    return {**example, "messages": messages, "images": []}


def grpo_row(s: CatalogSample, vision: bool) -> dict:
    """A prompt plus what the rewards and the tool read: `answer`, `kind`, `domain`, and `figure`
    (the PNG the tool edits). Only a vision row has `images`: TRL treats that column as model input."""
    row = {"id": s.id, "prompt": [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": s.question}],
           "answer": s.answer, "kind": s.kind, "domain": s.domain, "knowledge_id": s.knowledge_id,
           "figure": _image(s.image, f"{s.id}.png")}
    if vision:
        row["images"] = [_image(s.image, f"{s.id}.png")]
    return row
