"""Catalog → training rows: split by knowledge node and lineage, trace → tool-call turns, exports."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from flywheel.catalog import Catalog
from flywheel.core.errors import FlywheelError
from flywheel.train.data import (
    EditedFigure,
    Split,
    _groups,
    grpo_row,
    heldout_groups,
    load_samples,
    place_images,
    sft_row,
)
from tests.conftest import clone_catalog, flywheel_cli
from tests.train.conftest import add_perception


def test_split_holds_out_whole_knowledge_nodes(catalog):
    with Catalog(catalog, read_only=True) as cat:
        train = load_samples(cat, "interaction", Split.train, heldout_fraction=0.34)
        held = load_samples(cat, "interaction", Split.heldout, heldout_fraction=0.34)
        every = load_samples(cat, "interaction", Split.all)
    assert train and held and len(train) + len(held) == len(every)
    assert not {s.knowledge_id for s in train} & {s.knowledge_id for s in held}


def test_lineage_never_crosses_the_split(catalog, tmp_path):
    path = clone_catalog(catalog, tmp_path / "cat")
    with Catalog(path) as cat:
        ids = dict(cat.con.execute("SELECT knowledge_id, min(id) FROM samples GROUP BY 1").fetchall())
        a, b, c = sorted(ids)
        # an evolved child of a node-b sample that belongs to node c, and a lineage edge c → a
        cat.con.execute("UPDATE samples SET parent_id = ? WHERE id = ?", [ids[b], ids[c]])
        cat.con.execute("INSERT INTO lineage VALUES (?, ?, 'harder')", [ids[a], ids[c]])
        groups = _groups(cat)
    assert groups[a] == groups[b] == groups[c]
    assert heldout_groups(groups, 0.5) == set()  # one group: nothing can be held out without leaking


def test_sft_row_turns_code_blocks_into_tool_calls(catalog):
    with Catalog(catalog, read_only=True) as cat:
        s = load_samples(cat, "interaction", Split.all, limit=1)[0]
    text = sft_row(s, vision=False)["messages"]
    assert [m["role"] for m in text] == ["system", "user", "assistant", "tool", "assistant"]
    assert text[2]["content"].startswith("<think>") and "<code>" not in text[2]["content"]
    assert "print(path)" in text[2]["tool_calls"][0]["function"]["arguments"]["code"]
    assert text[4]["content"].endswith(f"<answer>{s.answer}</answer>") and "<sandbox_output>" not in text[4]["content"]
    assert text[3]["content"].startswith("the code ran; it changed") and "0.00%" not in text[3]["content"]
    assert json.loads(sft_row(s, vision=False)["tools"])[0]["function"]["name"] == "python"
    vision = sft_row(s, vision=True)
    assert len(vision["images"]) == 2 and vision["images"][1]["bytes"] == s.edited_image
    assert [m["role"] for m in vision["messages"]] == ["system", "user", "assistant", "tool", "user", "assistant"]
    assert vision["messages"][4]["content"][0] == {"type": "image"}
    in_tool = sft_row(s, vision=True, edited=EditedFigure.tool_turn)  # what LLaVA/Qwen-VL rollouts see
    assert [m["role"] for m in in_tool["messages"]] == ["system", "user", "assistant", "tool", "assistant"]
    assert in_tool["messages"][3]["content"][0] == {"type": "image"} and len(in_tool["images"]) == 2
    placed = place_images({**in_tool, "images": ["figure", "edited"]})
    assert placed["images"] == [] and placed["messages"][3]["content"][0]["image"] == "edited"
    assert placed["messages"][1]["content"][0]["image"] == "figure"
    unseen = sft_row(s, vision=True, edited=EditedFigure.none)  # Idefics3 rollouts: the note only
    assert len(unseen["images"]) == 1 and unseen["messages"][3]["content"] == [{"type": "text", "text": text[3]["content"]}]
    row = grpo_row(s, vision=False)
    assert row["answer"] == s.answer and "images" not in row and row["figure"]["bytes"] == s.image


def test_bad_where_is_a_user_error(catalog):
    with Catalog(catalog, read_only=True) as cat, pytest.raises(FlywheelError, match="bad SQL"):
        load_samples(cat, "interaction", where="no_such_column = 1")


def test_exports_write_the_training_rows(catalog, tmp_path):
    path = clone_catalog(catalog, tmp_path / "cat")
    add_perception(path)
    for fmt, name in [("trl-sft", "trl-sft.parquet"), ("trl-grpo", "trl-grpo.parquet"), ("sharegpt", "sharegpt.jsonl")]:
        r = flywheel_cli("export", "-c", str(path), "-f", fmt, "-o", str(tmp_path / "out"))
        assert r.returncode == 0, r.stderr
        assert "wrote 11 rows" in r.stdout and (tmp_path / "out" / name).is_file()
    sft = pq.read_table(tmp_path / "out" / "trl-sft.parquet").to_pylist()
    assert {r["split"] for r in sft} == {"train", "heldout"}
    perc = next(r for r in sft if r["id"] == "perc0")
    assert perc["messages"][-1]["content"][0]["text"] == "<answer>{'A': (40.0, 60.0), 'B': (200.5, 80.0)}</answer>"
    line = json.loads((tmp_path / "out" / "sharegpt.jsonl").read_text().splitlines()[0])
    assert (tmp_path / "out" / line["images"][0]).is_file() and line["conversations"][0]["value"].startswith("<image>")
