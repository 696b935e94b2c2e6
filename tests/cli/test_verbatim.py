"""Values are shown as stored: rich markup, emoji codes and highlighting never touch data."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from flywheel.catalog import Catalog
from flywheel.core.records import KnowledgeNode, Sample, Verdict
from tests.conftest import flywheel_cli

QUESTION = "Find [a, b] on d.line([p, q], …) :x: :smile: [/] [bold]not bold[/bold] [red] and \\[escaped]"
LONG_LINE = "d.line([p, q], fill=(255, 0, 0), width=3)  # " + "[x] :x: " * 60
TOOL = f"from PIL import Image\n{LONG_LINE}\n\tindented = [/]\nprint('edited.png')\n"
COT = f"<think>Draw [p, q] :x:\n<code>\n```python\n{TOOL}```\n</code>\n<sandbox_output><image></sandbox_output></think>\n<answer>[/]</answer>"
REASON = "re-measured [1, 2] :x: [/] [link=x]y[/link]"
NAME = "Markup [bold]name[/bold] :x: [/]"


@pytest.fixture(scope="module")
def odd_catalog(tmp_path_factory) -> tuple[Path, str]:
    """One sample and one knowledge node whose text is full of rich markup and emoji codes."""
    db = tmp_path_factory.mktemp("verbatim") / "odd.duckdb"
    sid = "0dd5a3b1e0000001"
    sample = Sample(id=sid, kind="interaction", domain="plane_geometry", knowledge_id="odd.node", question=QUESTION,
                    answer="[/]", answer_expr=None, image="", image_code=TOOL, tool_code=TOOL, edited_image=None,
                    cot=COT, difficulty=1, difficulty_score=1.0, params={}, seed=0, generator="test", accepted=True)
    with Catalog(db) as cat:
        cat.upsert_knowledge([KnowledgeNode(id="odd.node", domain="plane_geometry", name=NAME, description=":x: [/]",
                                            generator="plane.pythagoras")])
        cat.write_batch([sample], [Verdict(sid, "answer", True, 1.0, REASON)], {}, "test-run")
    return db, sid


def test_query_table_json_csv_give_values_back(odd_catalog):
    db, sid = odd_catalog
    sql = f"SELECT question, answer, tool_code FROM samples WHERE id = '{sid}'"
    j = flywheel_cli("query", "-c", str(db), "-f", "json", sql)
    assert j.returncode == 0, j.stderr
    assert json.loads(j.stdout) == [{"question": QUESTION, "answer": "[/]", "tool_code": TOOL}]
    c = flywheel_cli("query", "-c", str(db), "-f", "csv", sql)
    assert list(csv.reader(io.StringIO(c.stdout)))[1] == [QUESTION, "[/]", TOOL]
    t = flywheel_cli("query", "-c", str(db), f"SELECT question, answer FROM samples WHERE id = '{sid}'")
    assert t.returncode == 0 and "Traceback" not in t.stderr, t.stderr
    assert QUESTION in t.stdout  # piped: one line per row, nothing cut, nothing interpreted
    lines = flywheel_cli("query", "-c", str(db), f"SELECT tool_code FROM samples WHERE id = '{sid}'").stdout
    assert LONG_LINE in lines


def test_show_prints_question_trace_and_code_verbatim(odd_catalog):
    db, sid = odd_catalog
    r = flywheel_cli("show", "-c", str(db), sid[:6])  # a unique prefix names the sample
    assert r.returncode == 0, r.stderr
    assert f"question: {QUESTION}\n" in r.stdout
    assert "answer: [/]\n" in r.stdout
    assert COT in r.stdout and TOOL in r.stdout  # tabs, brackets and the long line exactly as stored
    assert REASON in r.stdout


def test_knowledge_list_and_show_keep_markup_in_names(odd_catalog):
    db, _ = odd_catalog
    r = flywheel_cli("knowledge", "list", "-c", str(db))
    assert r.returncode == 0, r.stderr
    assert NAME in r.stdout
    r = flywheel_cli("knowledge", "show", "odd.node", "-c", str(db))
    assert r.returncode == 0 and NAME in r.stdout and ":x: [/]" in r.stdout, r.stderr


def test_show_id_prefix(evolved_catalog, tmp_path):
    ids = json.loads(flywheel_cli("query", "-c", str(evolved_catalog), "-f", "json",
                                  "SELECT id FROM samples ORDER BY id").stdout)
    ids = [row["id"] for row in ids]
    unique = next(i[:4] for i in ids if sum(j.startswith(i[:4]) for j in ids) == 1)
    r = flywheel_cli("show", "-c", str(evolved_catalog), unique)
    assert r.returncode == 0 and next(i for i in ids if i.startswith(unique)) in r.stdout
    r = flywheel_cli("show", "-c", str(evolved_catalog), "")  # every id starts with ""
    assert r.returncode == 1 and "matches several samples" in r.stderr and ids[0] in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
