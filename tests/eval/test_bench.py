"""`flywheel eval --bench`: V-Thinker's VTBench layout (a JSON list with `image`, `annotation_*` paths
and `interactive_reasoning_question` / `interactive_reasoning_answer`), scored by the same loop."""

from __future__ import annotations

import json

from PIL import Image, ImageDraw

from flywheel.eval.report import summarize
from flywheel.eval.run import EvalConfig, evaluate
from tests.conftest import flywheel_cli


def line_code(xy: tuple[int, int, int, int]) -> str:
    return ("<code>\n```python\nfrom PIL import Image, ImageDraw\nimport os\n"
            "img = Image.open(image_path).convert('RGB')\n"
            f"ImageDraw.Draw(img).line({list(xy)}, fill=(255, 0, 0), width=3)\n"
            "p = os.path.join(temp_output_dir, 'out.png')\nimg.save(p)\nprint(p)\n```\n</code>")


def write_bench(root):
    """Two figures: a PNG and a JPEG, each with its ground-truth annotation images."""
    records = []
    for k, ext in enumerate(("png", "jpg")):
        img = Image.new("RGB", (160, 120), "white")
        ImageDraw.Draw(img).rectangle([20, 20, 140, 100], outline="black", width=2)
        img.save(root / f"fig{k}.{ext}")
        truth = img.copy()
        ImageDraw.Draw(truth).line([20, 20, 140, 100], fill=(255, 0, 0), width=3)
        truth.save(root / f"ins{k}.png")
        dot = img.copy()
        ImageDraw.Draw(dot).ellipse([135, 15, 145, 25], fill=(255, 0, 0))
        dot.save(root / f"per{k}.png")
        records.append({"id": k, "domain": "geometry", "image": f"fig{k}.{ext}",
                        "question_perception": f"Mark the top-right corner of figure {k}.", "annotation_perception": f"per{k}.png",
                        "question_instruction": f"Draw the diagonal of rectangle {k}.", "annotation_instruction": f"ins{k}.png",
                        "interactive_reasoning_question": f"Rectangle {k}: what is half of one?",
                        "interactive_reasoning_answer": "\\frac{1}{2}"})
    (root / "vtbench.json").write_text(json.dumps(records))
    return root / "vtbench.json"


def test_bench_file_is_scored_with_the_same_loop(serve, tmp_path):
    bench = write_bench(tmp_path)
    srv = serve([
        {"match": ["diagonal of rectangle 0", "sandbox_output"], "content": "<answer>done</answer>"},
        {"match": "diagonal of rectangle 0", "content": line_code((20, 20, 140, 100))},  # exactly the truth
        {"match": ["diagonal of rectangle 1", "sandbox_output"], "content": "<answer>done</answer>"},
        {"match": "diagonal of rectangle 1", "content": line_code((20, 100, 140, 20))},  # the other diagonal
        {"match": "top-right corner", "content": "<answer>(140, 20)</answer>"},  # no mark drawn: no score
        {"match": "Rectangle 0", "content": "<answer>0.5</answer>"},  # equivalent to \frac{1}{2}
        {"match": "Rectangle 1", "content": "<answer>1/3</answer>"},
    ])
    run = evaluate(EvalConfig("openai/scripted", tmp_path / "out", bench=bench, api_base=srv.api_base, max_concurrency=1))
    rep = summarize(run.results, "openai/scripted")
    scores = {r["id"]: r["score"] for r in run.results}
    assert scores["0:instruction"] == 1.0 and 0.0 < scores["1:instruction"] < 0.5  # crossing diagonals overlap at the centre
    assert scores["0:perception"] == scores["1:perception"] == 0.0
    assert scores["0:reasoning"] == 1.0 and scores["1:reasoning"] == 0.0
    assert rep["tasks"]["reasoning"]["score"] == 0.5 and rep["tasks"]["perception"]["tool_use_rate"] == 0.0
    assert (tmp_path / "out" / "cache.duckdb").is_file() and srv.stats["requests"] == 8


def test_bench_user_errors_are_one_line(tmp_path):
    (tmp_path / "bad.json").write_text('{"image": "x.png"}')
    r = flywheel_cli("eval", "--bench", str(tmp_path / "bad.json"), "--model", "openai/x", "--out", str(tmp_path / "o"))
    assert r.returncode == 1 and r.stderr.strip().splitlines()[-1].startswith("error: --bench") and "Traceback" not in r.stderr
    r = flywheel_cli("eval", "--model", "openai/x", "--tasks", "drawing", "--bench", str(tmp_path / "bad.json"))
    assert r.returncode == 1 and "unknown task(s) drawing" in r.stderr
    assert not (tmp_path / "o").exists()
