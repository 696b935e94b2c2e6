"""Shared fixtures and helpers: small seed files and catalogs the tests build themselves, rendered
samples judged by every verifier of their domain, and the scripted chat server."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
import sympy as sp
import yaml

from flywheel.catalog import Catalog
from flywheel.core.records import Verdict
from flywheel.domains import get_generator
from flywheel.render.draft import Rendered, draw, render, trace
from flywheel.run.build import execute
from flywheel.verify.registry import VerifyContext, run_verifiers
from tools.llm_server import ChatServer, Scripted

FAST_NODES = ["plane.pythagoras", "plane.chord_distance", "plane.triangle_area_altitude"]


@pytest.fixture
def small_seeds(tmp_path: Path) -> Path:
    """A seeds file with three built-in knowledge points."""
    path = tmp_path / "seeds.yaml"
    nodes = [
        {"id": g, "domain": "plane_geometry", "name": g.split(".")[1].replace("_", " "), "generator": g}
        for g in FAST_NODES
    ]
    path.write_text(yaml.safe_dump({"nodes": nodes}))
    return path


@pytest.fixture
def serve() -> Iterator[Callable[[list[dict]], ChatServer]]:
    """Start scripted OpenAI-compatible servers on free 127.0.0.1 ports, for the real litellm client."""
    servers: list[ChatServer] = []

    def start(rules: list[dict]) -> ChatServer:
        srv = ChatServer(Scripted(rules)).start()
        servers.append(srv)
        return srv

    yield start
    for s in servers:
        s.stop()


# -- samples and their verdicts ---------------------------------------------------------------------
def rendered(generator: str, seed: int = 0) -> Rendered:
    return render(draw(get_generator(generator).fn, seed))


def with_draft(r: Rendered, **changes) -> Rendered:
    """The same rendered sample with fields of its draft changed; its code and trace are kept."""
    return dataclasses.replace(r, draft=dataclasses.replace(r.draft, **changes))


def with_answer(r: Rendered, answer) -> Rendered:
    """The same sample claiming another answer, its trace rewritten to match (so only the answer is wrong)."""
    d = dataclasses.replace(r.draft, answer=sp.sympify(answer))
    return dataclasses.replace(r, draft=d, cot=trace(d, r.tool_code))


def shift_point(r: Rendered, name: str, dx=0, dy=0) -> Rendered:
    """Move point `name` of the sample's scene in place (the figure code is not redrawn)."""
    scene = r.draft.scene
    x, y = scene.points[name]
    scene.points[name] = (x + dx, y + dy)
    scene.__dict__.pop("_floats", None)
    return r


def unrendered(r: Rendered, domain: str) -> VerifyContext:
    """A context whose figure never ran: enough for the answer verifiers, which read the draft and trace."""
    return VerifyContext("t", r, None, None, None, domain)


def judged(ctx: VerifyContext) -> dict[str, Verdict]:
    """Every verifier that applies to the context's domain and kind: name → verdict."""
    return {v.verifier: v for v in run_verifiers(ctx)}


def verdicts(r: Rendered, domain: str = "plane_geometry") -> dict[str, Verdict]:
    """Run the sample's figure and tool code in the sandbox as the pipeline does, then judge it."""
    ctx, _ = execute("t", r, None, domain)
    return judged(ctx)


def failures(v: dict[str, Verdict]) -> dict[str, str]:
    """The failed verdicts' reasons, for assertion messages."""
    return {k: x.reason for k, x in v.items() if not x.passed}


def assert_every_verifier_passes(generator: str, seeds: Iterable[int], expected: set[str],
                                 absent: Iterable[str] = ()) -> set[str]:
    """Render `generator` at each seed and judge it with every verifier of its domain: the `expected`
    verifiers are among them, none of `absent` is, and every verdict passes. Returns the questions."""
    domain = get_generator(generator).domain
    questions = set()
    for seed in seeds:
        r = rendered(generator, seed)
        v = verdicts(r, domain)
        assert expected <= set(v), (seed, sorted(v))
        assert not set(absent) & set(v), (seed, sorted(v))
        assert not failures(v), (seed, r.draft.question, failures(v))
        questions.add(r.draft.question)
    return questions


# -- the CLI and catalogs ----------------------------------------------------------------------------
def flywheel_cli(*args: str, cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run the real console entry point in a subprocess (exit codes and stderr as a user sees them)."""
    return subprocess.run(
        [sys.executable, "-m", "flywheel.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=timeout
    )


def clone_catalog(db: Path, to: Path) -> Path:
    """A copy of a catalog and its image store, so a module-scoped catalog can be changed by one test."""
    to.mkdir(parents=True, exist_ok=True)
    shutil.copy(db, to / db.name)
    shutil.copytree(db.parent / "images", to / "images")
    return to / db.name


def catalog_rows(db: Path, sql: str) -> list[tuple]:
    with Catalog(db, read_only=True) as cat:
        return cat.query(sql)[1]
