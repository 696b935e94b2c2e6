"""`flywheel eval` end to end against the scripted OpenAI-compatible server: a 60-figure catalog
(perception, instruction and interaction samples of each figure), replies scripted per figure
(correct code, failing code, hostile code, no code, wrong points, a correct answer after two tool
turns), exact scores; resume without repeated calls; the blind baseline; compare; VTBench's JSON."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from PIL import Image

from flywheel.catalog import Catalog
from flywheel.eval.items import catalog_items
from flywheel.eval.protocol import as_png
from flywheel.kinds.points import parse_points
from flywheel.train.data import Split
from tests.conftest import FAST_NODES, flywheel_cli

DRAW = ("from PIL import Image, ImageDraw\nimport os\nimg = Image.open(image_path).convert('RGB')\n"
        "ImageDraw.Draw(img).line([(10, 10), (60, 60)], fill=(255, 0, 0), width=3)\n"
        "p = os.path.join(temp_output_dir, 'out.png')\nimg.save(p)\nprint(p)")
UNCHANGED = ("from PIL import Image\nimport os\np = os.path.join(temp_output_dir, 'out.png')\n"
             "Image.open(image_path).save(p)\nprint(p)")
FAILING = "raise ValueError('no such point')"
HOSTILE = "import socket\nsocket.create_connection(('example.com', 80))"


def code(src: str, note: str = "") -> str:
    # The note stays outside <think>: litellm moves think blocks out of the reply's content.
    return f"{note}\n<code>\n```python\n{src}\n```\n</code>"


def sha(image: bytes) -> str:
    return "image:" + hashlib.sha256(as_png(image)).hexdigest()[:12]


def on(it, *more: str) -> list[str]:
    """Match this item only: its figure (shared by the figure's three tasks) and its question."""
    return [sha(it.image), it.question, *more]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Path:
    from flywheel.run.synthesize import SynthesisConfig, synthesize

    db = tmp_path_factory.mktemp("eval") / "fw.duckdb"
    synthesize(SynthesisConfig(n=180, seed=3, catalog=db, knowledge=FAST_NODES, workers=1,
                               kinds=["interaction", "perception", "instruction"]))
    return db


@pytest.fixture(scope="module")
def scenario(catalog):
    """The rules, and the scores they must give (worked out from the catalog's truth, not by the scorers)."""
    with Catalog(catalog, read_only=True) as cat:
        items = catalog_items(cat, ["perception", "instruction", "reasoning"], Split.all)
        tool_code = dict(cat.query("SELECT id, tool_code FROM samples WHERE kind = 'instruction'")[1])
    by = {t: [i for i in items if i.task == t] for t in ("perception", "instruction", "reasoning")}
    rules, n = [], {t: len(v) for t, v in by.items()}
    # perception: two figures exact, one with every point 10 px off (score 1 - 10/20), the chord
    # figures answered with O right (always the centre) and A, B far off (1/3 each), others no answer.
    # (chosen by their points, not their wording: perception questions come in several frames)
    rect = [i for i in by["perception"] if set(parse_points(i.answer)) == set("ABCD")]
    for it in rect[:2]:
        rules.append({"match": on(it), "content": f"<think>read</think><answer>{it.answer}</answer>"})
    off = {k: (x + 10, y) for k, (x, y) in parse_points(rect[2].answer).items()}
    rules.append({"match": on(rect[2]), "content": f"<answer>{off}</answer>"})
    chord = [i for i in by["perception"] if set(parse_points(i.answer)) == set("OAB")]
    assert all(parse_points(i.answer)["O"] == (224, 224) for i in chord)
    for it in chord:
        rules.append({"match": on(it), "content": "<answer>{'O': (224, 224), 'A': (-50, -50), 'B': (-50, -50)}</answer>"})
    # instruction: two figures drawn with the ground-truth code; hostile, failing and no-op code; others no code.
    ins = by["instruction"]
    for it in ins[:2]:
        rules.append({"match": on(it, "sandbox_output"), "content": "Done.<answer>drawn</answer>"})
        rules.append({"match": on(it), "content": code(tool_code[it.id], "draw it")})
    for it, src in zip(ins[2:5], (HOSTILE, FAILING, UNCHANGED), strict=True):
        rules.append({"match": on(it, "sandbox_output"), "content": "<answer>done</answer>"})
        rules.append({"match": on(it), "content": code(src)})
    # reasoning: two solved after two tool turns, three answered right at once, the rest wrong.
    rea = by["reasoning"]
    for it in rea[:2]:
        rules.append({"match": on(it, "STEP2"), "content": f"<think>so</think><answer>{it.answer}</answer>"})
        rules.append({"match": on(it, "STEP1"), "content": code(DRAW, "STEP2")})
        rules.append({"match": on(it), "content": code(DRAW, "STEP1")})
    for it in rea[2:5]:
        rules.append({"match": on(it), "content": f"<think>easy</think><answer>{it.answer}</answer>"})
    # every other item, whatever its wording: no code, a wrong answer (perception: no points)
    rules.append({"content": "<think>guess</think><answer>0</answer>"})
    expected = {"perception": round((2 + 0.5 + len(chord) / 3) / n["perception"], 4),
                "instruction": round(2 / n["instruction"], 4), "reasoning": round(5 / n["reasoning"], 4)}
    # tool use: items that ran code; sandbox errors: hostile + failing of 2 + 3 instruction calls.
    return rules, expected, n, {it.id for it in rea[:5]}


def _eval(catalog, srv, out: Path, *extra: str):
    return flywheel_cli("eval", "-c", str(catalog), "--model", "openai/scripted", "--api-base", srv.api_base,
                        "--split", "all", "--out", str(out), "--json", str(out / "r.json"), "--max-concurrency", "2", *extra)


def test_eval_scores_resumes_blind_and_compare(catalog, scenario, serve, tmp_path):
    rules, expected, n, solved = scenario
    srv = serve(rules)
    r = _eval(catalog, srv, tmp_path / "run")
    assert r.returncode == 0, r.stderr
    rep = json.loads((tmp_path / "run" / "r.json").read_text())
    assert {t: rep["tasks"][t]["score"] for t in expected} == expected
    assert {t: rep["tasks"][t]["n"] for t in n} == n
    ins, rea, per = rep["tasks"]["instruction"], rep["tasks"]["reasoning"], rep["tasks"]["perception"]
    assert ins["tool_use_rate"] == round(5 / n["instruction"], 4) and ins["sandbox_error_rate"] == 0.4  # 2 of 5 calls
    assert rea["tool_use_rate"] == round(2 / n["reasoning"], 4) and rea["sandbox_error_rate"] == 0.0
    assert per["tool_use_rate"] == 0.0 and per["mean_turns"] == 1.0
    assert rea["mean_turns"] == round((2 * 3 + n["reasoning"] - 2) / n["reasoning"], 3)
    lo, hi = rea["ci95"]
    assert 0 <= lo < expected["reasoning"] < hi <= 1
    with Catalog(catalog, read_only=True) as cat:
        hops = {str(h) for (h,) in cat.query("SELECT DISTINCT difficulty FROM samples WHERE accepted")[1]}
    assert set(rep["by"]["difficulty"]) == hops and set(rep["by"]["version"]) >= {"text_dominant"}
    # the printed table carries the same numbers
    assert f"{expected['reasoning']:.3f}" in r.stdout and f"{expected['perception']:.3f}" in r.stdout
    calls = srv.stats["requests"]
    assert calls == sum(n.values()) + 2 * 2 + 5  # one turn each, two more for two reasoning items, one for each coded instruction
    # transcripts: the hostile code was stopped by the sandbox, the edited figures are on disk
    log = [json.loads(line) for line in (tmp_path / "run" / "transcripts.jsonl").read_text().splitlines()]
    assert len(log) == sum(n.values())
    errors = [t["error"] for rec in log for t in rec["transcript"] if t["ok"] is False]
    assert len(errors) == 2 and any("ValueError" in e for e in errors)
    drawn = [rec for rec in log if rec["task"] == "instruction" and rec["score"] == 1.0]
    assert len(drawn) == 2 and all((tmp_path / "run" / rec["final_image"]).is_file() for rec in drawn)
    png = Image.open(tmp_path / "run" / "chart.png")
    assert png.size[0] > 300

    # an interrupted eval (its last 40 items never logged) resumes with no repeated model call
    lines = (tmp_path / "run" / "transcripts.jsonl").read_text().splitlines()
    (tmp_path / "run" / "transcripts.jsonl").write_text("\n".join(lines[:-40]) + "\n")
    again = _eval(catalog, srv, tmp_path / "run")
    assert again.returncode == 0, again.stderr
    assert srv.stats["requests"] == calls
    assert f"({len(lines) - 40} from an earlier run), 0 model calls" in again.stdout
    assert json.loads((tmp_path / "run" / "r.json").read_text())["tasks"] == rep["tasks"]

    # the blind baseline: a blank figure matches no figure's rules, so only vision-free replies score
    blind = _eval(catalog, srv, tmp_path / "blind", "--blind", "--tasks", "reasoning")
    assert blind.returncode == 0, blind.stderr
    b = json.loads((tmp_path / "blind" / "r.json").read_text())
    assert b["blind"]["reasoning"]["score"] == 0.0 and b["vision_reliance"]["reasoning"] == expected["reasoning"]
    assert "reliance on vision" in blind.stdout

    # compare: the blind report against the full one, per item
    cmp = flywheel_cli("eval", "compare", str(tmp_path / "run" / "r.json"), str(tmp_path / "blind" / "r.json"),
                       "--json", str(tmp_path / "cmp.json"))
    assert cmp.returncode == 0, cmp.stderr
    c = json.loads((tmp_path / "cmp.json").read_text())
    assert c["common_items"] == n["reasoning"] and c["better"] == 0 and c["worse"] == 0
    assert c["tasks"]["reasoning"]["delta"] == 0.0 and c["tasks"]["perception"]["b"] is None
