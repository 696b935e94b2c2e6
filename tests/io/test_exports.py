"""Every export loads in its consumer with no hand edits: TRL (stock `datasets` loader, SFTTrainer's
dataset and collator, GRPOTrainer, the rewards on loaded columns), LLaMA-Factory (its own parser and
converter where it is importable; else, like ms-swift, the rules their converters apply: both pin
trl<1.0 and cannot be installed beside flywheel's [train] extra), V-Thinker's eval scripts
(Vtbench.json fields and relative paths), and the imports that read V-Perception and VTBench back."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from flywheel.catalog import Catalog
from flywheel.core.errors import FlywheelError
from flywheel.io import ExportOptions, run_export
from flywheel.run.synthesize import SynthesisConfig, synthesize
from tests.conftest import FAST_NODES, flywheel_cli

os.environ["HF_HUB_OFFLINE"] = "1"  # the tests never download anything
KINDS = ["interaction", "perception", "instruction"]


@pytest.fixture(scope="module")
def cat_path(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("exports") / "c.duckdb"
    synthesize(SynthesisConfig(n=6, seed=3, catalog=db, knowledge=FAST_NODES, workers=1, kinds=KINDS))
    return db


def export(cat_path: Path, fmt: str, out: Path, **options) -> Path:
    with Catalog(cat_path, read_only=True) as cat:
        return run_export(fmt, cat, out, None, ExportOptions(**options))


# -- V-Thinker's eval layout ------------------------------------------------------------------------

VTBENCH_FIELDS = {"image", "question_perception", "annotation_perception", "question_instruction",
                  "annotation_instruction", "question_reasoning", "answer_reasoning", "interactive_reasoning_answer"}


def test_vtbench_vthinker_layout_is_a_json_list_with_relative_image_paths(cat_path, tmp_path):
    path = export(cat_path, "vtbench", tmp_path / "vt", layout="vthinker")
    items = json.loads(path.read_text())
    assert path.name == "Vtbench.json" and isinstance(items, list) and len(items) >= 2
    for item in items:
        assert set(item) >= VTBENCH_FIELDS
        for field in ("image", "annotation_perception", "annotation_instruction"):
            assert not Path(item[field]).is_absolute() and (path.parent / item[field]).is_file()
        # V-Thinker's IR judge keeps rows whose interactive_reasoning_answer is set, scoring answer_reasoning
        assert item["interactive_reasoning_answer"] == item["answer_reasoning"]
    # their scripts open the paths from their working directory: the export folder works as one
    moved = tmp_path / "elsewhere"
    (tmp_path / "vt").rename(moved)
    assert all((moved / i["image"]).is_file() for i in items)


def test_every_tool_code_writes_its_own_file_in_a_shared_output_dir(cat_path, tmp_path):
    """V-Thinker's sandbox gives every item one `temp_output_dir`: each row's edit must survive."""
    path = export(cat_path, "vtbench", tmp_path / "vt", layout="vthinker")
    items = json.loads(path.read_text())
    shared = tmp_path / "aux"
    shared.mkdir()
    printed = []
    for item in items:
        script = (f"image_path = {str(path.parent / item['image'])!r}\ntemp_output_dir = {str(shared)!r}\n"
                  + item["tool_code_instruction"])
        run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
        printed.append(run.stdout.strip().splitlines()[-1])
    assert len(set(printed)) == len(items) and all(Path(p).is_file() for p in printed)
    assert len(list(shared.iterdir())) == len(items)


def test_legacy_tool_code_gets_a_unique_output_name():
    from flywheel.render.scene.emit import unique_output

    old = 'x = 1\npath = os.path.join(out_dir, "edited_image.png")\nimg.save(path)\n'
    assert '"s1_edited.png"' in unique_output(old, "s1") and "edited_image.png" not in unique_output(old, "s1")


# -- LLaMA-Factory and ms-swift ---------------------------------------------------------------------

def _llamafactory_checks(row: dict, info: dict, root: Path) -> None:
    """What LLaMA-Factory's SharegptDatasetConverter and mm_plugin check, by their documented rules:
    roles alternate (human|observation) / (gpt|function_call), an even number of turns, and as many
    images as `<image>` tokens in the whole conversation, every image a file."""
    tags = info["tags"]
    turns = row[info["columns"]["messages"]]
    odd, even = {tags["user_tag"], tags["observation_tag"]}, {tags["assistant_tag"]}
    assert all(t[tags["role_tag"]] in (odd if i % 2 == 0 else even) for i, t in enumerate(turns))
    assert len(turns) % 2 == 0
    images = row[info["columns"]["images"]]
    assert sum(t[tags["content_tag"]].count("<image>") for t in turns) == len(images)
    assert all((root / p).is_file() for p in images)


def test_sharegpt_lists_an_image_for_every_image_token_and_writes_dataset_info(cat_path, tmp_path):
    path = export(cat_path, "sharegpt", tmp_path / "sg")
    info = json.loads((path.parent / "dataset_info.json").read_text())["flywheel_sharegpt"]
    assert info["file_name"] == path.name and info["formatting"] == "sharegpt"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    with_tool = [r for r in rows if any(t["from"] == "observation" for t in r["conversations"])]
    assert with_tool and len(with_tool) < len(rows)  # interaction traces, and perception answers without a tool
    for row in rows:
        _llamafactory_checks(row, info, path.parent)
    row = with_tool[0]
    # the edited figure is the observation's image, after the figure the question shows
    assert row["images"][1].endswith("-edited.png") and row["conversations"][2]["value"].count("<image>") == 1
    assert "<sandbox_output>" not in row["conversations"][1]["value"]  # the gpt turn ends at its code


def test_llamafactory_own_parser_and_converter_read_the_export(cat_path, tmp_path, monkeypatch):
    """With LLaMA-Factory importable (`pip install --no-deps llamafactory` beside the suite: its pins
    cannot be installed with flywheel's [train]), its dataset_info parser and sharegpt converter run
    on the export unmodified. Its `llamafactory.data` package init (collators, torchaudio) is skipped:
    only the package path is registered."""
    import importlib
    import importlib.util
    import types
    from types import SimpleNamespace

    spec = importlib.util.find_spec("llamafactory")
    if spec is None:
        pytest.skip("llamafactory is not importable here")
    monkeypatch.setenv("DISABLE_VERSION_CHECK", "1")
    data = types.ModuleType("llamafactory.data")
    data.__path__ = [str(Path(spec.origin).parent / "data")]
    monkeypatch.setitem(sys.modules, "llamafactory.data", data)
    parser = importlib.import_module("llamafactory.data.parser")
    converter = importlib.import_module("llamafactory.data.converter")

    path = export(cat_path, "sharegpt", tmp_path / "sg")
    attr = parser.get_dataset_list(["flywheel_sharegpt"], str(path.parent))[0]
    convert = converter.get_dataset_converter("sharegpt", attr, SimpleNamespace(dataset_dir=str(path.parent),
                                                                                 media_dir=str(path.parent)))
    for line in path.read_text().splitlines():
        out = convert(json.loads(line))
        turns = out["_prompt"] + out["_response"]
        assert turns, "LLaMA-Factory skipped the row as abnormal"
        assert sum(t["content"].count("<image>") for t in turns) == len(out["_images"])
        assert all(Path(p).is_file() for p in out["_images"])


def test_swift_grpo_rows_fit_v_thinker_reward_signature(cat_path, tmp_path):
    """V-Thinker's ms-swift rewards are `f(completions, solution, **kwargs)` and read `question`."""
    from flywheel.train.rewards import accuracy_reward

    path = export(cat_path, "swift-grpo", tmp_path / "sw")
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert rows and all({"messages", "images", "solution", "question"} <= set(r) for r in rows)
    for r in rows:
        assert r["messages"][-1]["content"].count("<image>") == len(r["images"]) == 1
        assert (path.parent / r["images"][0]).is_file()

    def v_thinker_style_reward(completions, solution, **kwargs):  # their signature, our equivalence
        assert len(kwargs["question"]) == len(completions)
        return accuracy_reward(completions, answer=solution, kind=kwargs.get("kind"))

    batch = {k: [r[k] for r in rows] for k in rows[0] if k != "messages"}
    completions = [f"<think>.</think><answer>{s}</answer>" for s in batch["solution"]]
    scores = v_thinker_style_reward(completions, **batch)
    assert all(s == 1.0 for s, k in zip(scores, batch["kind"], strict=True) if k == "interaction")


# -- TRL ----------------------------------------------------------------------------------------------

@pytest.mark.train
def test_trl_exports_load_as_image_features_with_no_cast(cat_path, tmp_path):
    datasets = pytest.importorskip("datasets")
    sft = datasets.load_dataset("parquet", data_files=str(export(cat_path, "trl-sft", tmp_path / "t")))["train"]
    grpo = datasets.load_dataset("parquet", data_files=str(export(cat_path, "trl-grpo", tmp_path / "t")))["train"]
    assert isinstance(sft.features["images"], list) or type(sft.features["images"]).__name__ in {"List", "Sequence"}
    row = sft[0]
    assert all(hasattr(img, "size") for img in row["images"])  # PIL images, decoded by `datasets`
    assert isinstance(row["messages"], list) and row["messages"][0]["role"] == "system"
    g = grpo[0]
    assert hasattr(g["figure"], "size") and all(hasattr(img, "size") for img in g["images"])


@pytest.mark.train
def test_trl_text_only_rows_have_string_content(cat_path, tmp_path):
    datasets = pytest.importorskip("datasets")
    path = export(cat_path, "trl-sft", tmp_path / "t", text_only=True)
    ds = datasets.load_dataset("parquet", data_files=str(path))["train"]
    assert "images" not in ds.column_names
    assert all(isinstance(m["content"], str) for row in ds for m in row["messages"])


def _tiny_text_model():
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    from flywheel.train.chat import prepare_chat
    from tools.tiny_models import text_config, tiny_vlm

    tok = prepare_chat(AutoTokenizer.from_pretrained(tiny_vlm()))
    return LlamaForCausalLM(LlamaConfig(**text_config(tok))), tok


@pytest.mark.train
def test_stock_sft_trainer_tokenizes_text_rows_with_the_tool_list(cat_path, tmp_path):
    pytest.importorskip("trl")
    import datasets
    from trl import SFTConfig, SFTTrainer

    ds = datasets.load_dataset("parquet", data_files=str(export(cat_path, "trl-sft", tmp_path / "t", text_only=True)))
    model, tok = _tiny_text_model()
    args = SFTConfig(output_dir=str(tmp_path / "o"), max_steps=1, report_to=[], max_length=2048, bf16=False,
                     use_cpu=True, gradient_checkpointing=False)
    trainer = SFTTrainer(model=model, args=args, train_dataset=ds["train"], processing_class=tok)
    text = tok.decode(trainer.train_dataset[0]["input_ids"])
    assert '"name": "python"' in text and "<tool_call>" in text  # the tools column reached the template


@pytest.mark.train
def test_stock_vision_collator_batches_rows_with_images_and_the_tool_list(cat_path, tmp_path):
    """TRL's vision collator drops the `tools` column; the documented workaround (docs/exports.md)
    makes the template list the tool when no tools are passed."""
    pytest.importorskip("trl")
    import datasets
    from transformers import AutoModelForImageTextToText, AutoProcessor
    from trl import SFTConfig, SFTTrainer

    from flywheel.train.chat import prepare_chat, with_default_tools
    from flywheel.train.trace import TOOL_SCHEMA
    from tools.tiny_models import tiny_vlm

    ds = datasets.load_dataset("parquet", data_files=str(export(cat_path, "trl-sft", tmp_path / "t")))["train"]
    processor = prepare_chat(AutoProcessor.from_pretrained(tiny_vlm()))
    processor.chat_template = with_default_tools(processor.chat_template, [TOOL_SCHEMA])  # the workaround
    model = AutoModelForImageTextToText.from_pretrained(tiny_vlm())
    args = SFTConfig(output_dir=str(tmp_path / "o"), max_steps=1, report_to=[], max_length=None, bf16=False,
                     use_cpu=True, gradient_checkpointing=False)
    trainer = SFTTrainer(model=model, args=args, train_dataset=ds, processing_class=processor)
    batch = trainer.data_collator([ds[i] for i in range(2)])
    assert batch["pixel_values"].shape[0] == sum(len(ds[i]["images"]) for i in range(2))
    assert '"name": "python"' in processor.tokenizer.decode(batch["input_ids"][0])


@pytest.mark.train
def test_stock_grpo_trainer_takes_the_export_and_rewards_read_its_columns(cat_path, tmp_path):
    pytest.importorskip("trl")
    import datasets
    from transformers import AutoModelForImageTextToText, AutoProcessor
    from trl import GRPOConfig, GRPOTrainer

    from flywheel.train.chat import prepare_chat
    from flywheel.train.rewards import accuracy_reward, tool_reward
    from tools.tiny_models import tiny_vlm

    ds = datasets.load_dataset("parquet", data_files=str(export(cat_path, "trl-grpo", tmp_path / "g")))["train"]
    processor = prepare_chat(AutoProcessor.from_pretrained(tiny_vlm()))
    args = GRPOConfig(output_dir=str(tmp_path / "o"), max_steps=1, report_to=[], bf16=False, use_cpu=True,
                      per_device_train_batch_size=2, num_generations=2, max_completion_length=8)
    trainer = GRPOTrainer(model=AutoModelForImageTextToText.from_pretrained(tiny_vlm()), args=args,
                          reward_funcs=[accuracy_reward], train_dataset=ds, processing_class=processor)
    rows = [r for r in trainer.train_dataset if r["kind"] == "interaction"][:2]
    completions = [f"<think>.</think><answer>{r['answer']}</answer>" for r in rows]
    assert accuracy_reward(completions, answer=[r["answer"] for r in rows]) == [1.0, 1.0]
    draw = "<think><code>\n```python\nfrom PIL import Image, ImageDraw\nimg = Image.open(image_path)\n" \
           "ImageDraw.Draw(img).line([(0, 0), (60, 60)], fill='red', width=3)\nimg.save('o.png')\nprint('o.png')\n" \
           "```\n</code></think><answer>1</answer>"
    assert tool_reward([draw], figure=[rows[0]["figure"]]) == [1.0]  # the decoded PIL figure reaches the tool


def test_export_options_are_checked_per_format(cat_path, tmp_path):
    with pytest.raises(FlywheelError, match="--text-only applies to the trl-grpo, trl-sft"):
        export(cat_path, "sharegpt", tmp_path / "x", text_only=True)
    r = flywheel_cli("export", "-c", str(cat_path), "-f", "v-interaction", "-o", str(tmp_path / "y"), "--layout",
                     "vthinker")
    assert r.returncode != 0 and "--layout applies to the vtbench format(s)" in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "y").exists()
    r = flywheel_cli("export", "-c", str(cat_path), "-f", "vtbench", "-o", str(tmp_path / "z"), "--layout", "vthinker")
    assert r.returncode == 0 and re.search(r"wrote \d+ rows → .*Vtbench.json", r.stdout)


# -- import ---------------------------------------------------------------------------------------------

def test_v_perception_export_imports_back_with_its_points(cat_path, tmp_path):
    import pyarrow.parquet as pq

    path = export(cat_path, "v-perception", tmp_path / "vp")
    rows = pq.read_table(path).to_pylist()[:2]
    pq.write_table(pq.read_table(path).slice(0, 2), tmp_path / "two.parquet")
    other = tmp_path / "other.duckdb"
    r = flywheel_cli("import", str(tmp_path / "two.parquet"), "-f", "v-perception", "-c", str(other), "--workers", "1")
    assert r.returncode == 0, r.stderr
    assert "2 accepted, 0 rejected" in r.stdout
    with Catalog(other, read_only=True) as cat:
        for row in rows:
            s = cat.sample(row["id"])
            assert s["kind"] == "perception" and s["answer"] == row["answer"] and s["accepted"]
            assert json.loads(s["points"]) and json.loads(s["elements"]) == row["element_arrtibute"]
    r = flywheel_cli("import", str(tmp_path / "two.parquet"), "-f", "v-perception", "-c", str(other))
    assert "nothing to do" in r.stdout
    r = flywheel_cli("import", str(path), "-f", "v-interaction", "-c", str(tmp_path / "x.duckdb"))
    assert r.returncode != 0 and "lacks V-Interaction columns" in r.stderr and not (tmp_path / "x.duckdb").exists()


@pytest.mark.parametrize("layout", ["vthinker", pytest.param("parquet", marks=pytest.mark.slow)])
def test_vtbench_export_imports_back_as_three_samples_per_row(cat_path, tmp_path, layout):
    path = export(cat_path, "vtbench", tmp_path / "vt", layout=layout)
    if layout == "vthinker":  # one row keeps the test short: three samples, one sandbox run
        path.write_text(json.dumps(json.loads(path.read_text())[:1]))
    else:
        import pyarrow.parquet as pq

        pq.write_table(pq.read_table(path).slice(0, 1), path)
    other = tmp_path / "other.duckdb"
    r = flywheel_cli("import", str(path), "-f", "vtbench", "-c", str(other), "--workers", "1")
    assert r.returncode == 0, r.stderr
    assert "imported 1 rows" in r.stdout and "3 accepted, 0 rejected" in r.stdout
    with Catalog(cat_path, read_only=True) as src, Catalog(other, read_only=True) as cat:
        for kind in ("perception", "instruction", "interaction"):
            sid = cat.con.execute("SELECT id FROM samples WHERE kind = ?", [kind]).fetchone()[0]
            theirs, ours = src.sample(sid), cat.sample(sid)  # the ids round-trip
            assert (ours["question"], ours["answer"], ours["image"]) == (theirs["question"], theirs["answer"],
                                                                          theirs["image"])
    assert "nothing to do" in flywheel_cli("import", str(path), "-f", "vtbench", "-c", str(other)).stdout


def test_vtbench_import_rejects_a_row_whose_image_is_missing(cat_path, tmp_path):
    path = export(cat_path, "vtbench", tmp_path / "vt", layout="vthinker")
    items = json.loads(path.read_text())[:1]
    items[0]["image"] = "images/gone.png"
    bad = tmp_path / "vt" / "bad.json"
    bad.write_text(json.dumps(items))
    r = flywheel_cli("import", str(bad), "-f", "vtbench", "-c", str(tmp_path / "o.duckdb"), "--workers", "1")
    assert r.returncode == 0 and "0 accepted, 3 rejected" in r.stdout
    r = flywheel_cli("import", str(path.parent / "images"), "-f", "vtbench", "-c", str(tmp_path / "p.duckdb"))
    assert r.returncode != 0 and "is not a file" in r.stderr
    (tmp_path / "list.json").write_text('{"a": 1}')
    r = flywheel_cli("import", str(tmp_path / "list.json"), "-f", "vtbench", "-c", str(tmp_path / "q.duckdb"))
    assert r.returncode != 0 and "JSON list of objects" in r.stderr and not (tmp_path / "q.duckdb").exists()
