"""What an eval scores: one `EvalItem` per (figure, task), from a catalog or from VTBench's JSON.

Catalog items come from accepted samples on one side of the training split (the split of
`train.data`, so `eval --split heldout` scores exactly what training never saw): perception
samples (truth: the point dict), instruction samples (truth: the ground-truth edited figure) and
interaction samples (truth: the answer). VTBench items come from V-Thinker's layout: a JSON list
of records with an `image` path, `question_perception` / `annotation_perception`,
`question_instruction` / `annotation_instruction` and `interactive_reasoning_question` (or
`question_reasoning`) / `interactive_reasoning_answer` (or `answer_reasoning`); its perception
truth is an annotated image, so it is scored like instruction (overlay F1 of the model's edit).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from flywheel.catalog import Catalog
from flywheel.catalog.samples import sample_facets
from flywheel.core.errors import FlywheelError
from flywheel.train.data import Split, load_samples

TASKS = ("perception", "instruction", "reasoning")
TASK_KIND = {"perception": "perception", "instruction": "instruction", "reasoning": "interaction"}


@dataclass(frozen=True)
class EvalItem:
    id: str
    task: str  # perception | instruction | reasoning
    domain: str
    question: str
    image: bytes  # the figure (PNG or JPEG bytes)
    answer: str = ""  # perception: the point dict; reasoning: the reference answer
    truth_image: bytes | None = None  # instruction (and VTBench perception): the ground-truth edited figure
    difficulty: str = "-"
    version: str = "-"  # text_dominant … vision_only, where the catalog has that column

    @property
    def scored_by_overlay(self) -> bool:
        return self.truth_image is not None


def parse_tasks(text: str) -> list[str]:
    tasks = [t.strip() for t in text.split(",") if t.strip()]
    bad = [t for t in tasks if t not in TASKS]
    if bad or not tasks:
        raise FlywheelError(f"unknown task(s) {', '.join(bad) or '(none)'}; known: {', '.join(TASKS)}")
    return tasks


def catalog_items(cat: Catalog, tasks: list[str], split: Split = Split.heldout, versions: list[str] | None = None,
                  max_samples: int | None = None, heldout_fraction: float = 0.2, seed: int = 0,
                  where: str | None = None) -> list[EvalItem]:
    """Up to `max_samples` items per task, ordered by sample id; `where` is an SQL filter on samples."""
    items: list[EvalItem] = []
    for task in tasks:
        samples = load_samples(cat, TASK_KIND[task], split, where, heldout_fraction, seed)
        facets = sample_facets(cat, [s.id for s in samples])
        picked = []
        for s in samples:
            difficulty, version = facets.get(s.id, ("-", "-"))
            if versions and version not in versions:
                continue
            truth = s.edited_image if task == "instruction" else None
            if task == "instruction" and truth is None:
                continue
            picked.append(EvalItem(s.id, task, s.domain, s.question, s.image, s.answer, truth, difficulty, version))
            if max_samples is not None and len(picked) >= max_samples:
                break
        items += picked
    if not items:
        raise FlywheelError(f"the catalog has no accepted samples for {', '.join(tasks)} in the {split} split"
                            + (f" of version {', '.join(versions)}" if versions else ""))
    return items


def bench_items(path: Path, tasks: list[str], max_samples: int | None = None) -> list[EvalItem]:
    """Items of a local VTBench copy (V-Thinker's JSON list; image paths relative to the file's folder)."""
    try:
        records = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise FlywheelError(f"--bench {path}: no such file") from None
    except ValueError as exc:
        raise FlywheelError(f"--bench {path}: not JSON ({exc})") from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise FlywheelError(f"--bench {path}: expected a JSON list of records (V-Thinker's VTBench layout)")
    root = Path(path).parent
    items: list[EvalItem] = []
    for task in tasks:
        count = 0
        for i, rec in enumerate(records):
            item = _bench_item(rec, i, task, root, path)
            if item is None:
                continue
            items.append(item)
            count += 1
            if max_samples is not None and count >= max_samples:
                break
    if not items:
        raise FlywheelError(f"--bench {path}: no record has the fields of {', '.join(tasks)}")
    return items


def _bench_item(rec: dict, i: int, task: str, root: Path, path: Path) -> EvalItem | None:
    rid = str(rec.get("id", rec.get("index", i)))
    domain = str(rec.get("domain") or "-")
    if task == "reasoning":
        q = rec.get("interactive_reasoning_question") or rec.get("question_reasoning")
        a = rec.get("interactive_reasoning_answer") or rec.get("answer_reasoning")
        if not q or a is None:
            return None
        return EvalItem(f"{rid}:{task}", task, domain, str(q), _read(root, rec.get("image"), path), str(a))
    q, ann = rec.get(f"question_{task}"), rec.get(f"annotation_{task}")
    if not q or not ann or ann == "null":
        return None
    return EvalItem(f"{rid}:{task}", task, domain, str(q), _read(root, rec.get("image"), path),
                    truth_image=_read(root, ann, path))


def _read(root: Path, rel, path: Path) -> bytes:
    if not rel:
        raise FlywheelError(f"--bench {path}: a record has no `image`")
    f = Path(rel) if Path(rel).is_absolute() else root / rel
    if not f.is_file():
        raise FlywheelError(f"--bench {path}: image {rel} not found (paths are read relative to {root})")
    return f.read_bytes()
