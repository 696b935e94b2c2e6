"""The `flywheel` command line: one small function per command, parsing and printing only."""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from flywheel.catalog.images import ImageStore
from flywheel.cli import console
from flywheel.cli import llm as llm_cli
from flywheel.cli.console import (
    DEFAULT_CATALOG,
    CatalogOpt,
    Executor,
    Group,
    field,
    out,
    print_code,
    progress,
    table,
    user_errors,
    write,
)
from flywheel.cli.doctor import doctor as doctor_command
from flywheel.cli.eval import eval_app
from flywheel.cli.knowledge import knowledge_app
from flywheel.cli.review import report as report_command
from flywheel.cli.review import review_app
from flywheel.cli.train import train_app
from flywheel.core.errors import FlywheelError
from flywheel.io.limits import limits_help

app = typer.Typer(cls=Group, no_args_is_help=True, add_completion=True, pretty_exceptions_enable=False)
bench_app = typer.Typer(cls=Group, help="Benchmarks that print figures and ratios.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")
app.add_typer(knowledge_app, name="knowledge")
app.add_typer(train_app, name="train")
app.add_typer(review_app, name="review")
app.add_typer(eval_app, name="eval")


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            out.print(f"flywheel {version('flywheel')}")
        except PackageNotFoundError:
            out.print("flywheel (not installed: run `pip install -e .` in the repository)")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.", callback=_print_version,
                                          is_eager=True)] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr (results and errors still print).")]
    = False,
) -> None:
    """Synthesize verified, interactive visual-reasoning data (V-Thinker-style data flywheel).

    Every command works on one catalog file (--catalog/-c; default ./flywheel.duckdb, or $FLYWHEEL_CATALOG
    when set) with its images in images/ beside it (or where `--images` put them). Long commands print progress on stderr, also when
    stderr is a log file (a line every $FLYWHEEL_PROGRESS_EVERY seconds, default 10); stdout holds only results.
    """
    console.QUIET = quiet


class Creator(StrEnum):
    symbolic = "symbolic"
    llm = "llm"


ExecutorOpt = Annotated[Executor, typer.Option(help=(
    "Where the tasks run: local (warm worker processes on this machine) or ray (warm Ray actors, on a local Ray "
    "or a cluster; needs `pip install 'flywheel\\[ray]'`). Both give the same accepted ids; the catalog and the "
    "in-order commit stay on this machine."))]
RayAddressOpt = Annotated[str | None, typer.Option(help=(
    "--executor ray: the cluster to join, e.g. auto (the cluster this machine's `ray start` joined) or "
    "ray://head:10001 (default: start a local Ray with --workers CPUs). Every node must reach the catalog's "
    "image store (see --images)."))]
ImagesOpt = Annotated[str | None, typer.Option("--images", help=(
    "Where the PNGs go: a directory (a shared file system's on a cluster) or an fsspec URL such as "
    "s3://bucket/run (needs `pip install s3fs`) or gs://… (gcsfs). Recorded in the catalog: show, export, "
    "report and later runs read the images from there. Default: the store the catalog records, else "
    "images/ beside the catalog. Workers write into it directly (memory:// only from this process)."))]


def _executor(executor: Executor, ray_address: str | None, creator: Creator | None = None) -> None:
    """Refuse a Ray run that cannot happen before anything starts: one line saying what to do."""
    if executor is Executor.local:
        if ray_address:
            raise FlywheelError("--ray-address needs --executor ray")
        return
    if creator is Creator.llm:
        raise FlywheelError("--executor ray runs the symbolic creator; --creator llm calls the model from this machine")
    from flywheel.run.ray_pool import import_ray

    import_ray()


class QueryFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


VersionsOpt = Annotated[str, typer.Option(help=(
    "Comma-separated MathVerse versions of each problem, or all: text_dominant (everything in the text), text_lite "
    "(what the figure shows left out of the text), vision_dominant (the numeric givens only on the figure), "
    "vision_only (the ask alone). Each version is its own sample, linked to its problem's first one; the default "
    "keeps one sample per problem and the streams of earlier runs."))]


def _refuse_versions(versions: list[str]) -> None:
    """A model's problem is one text, not parts: it has no other version to compose."""
    if versions != ["text_dominant"]:
        raise FlywheelError("--versions other than text_dominant need --creator symbolic (a model's problem is one text)")


def _rate_note(n: int, show: Callable[[int, str], None]) -> Callable[[int, int], None]:
    """Progress of a stream with its accepted samples/s, acceptance and ETA since this run started
    (over a whole Ray cluster too: the driver counts every accepted sample)."""
    t0, start = time.monotonic(), []

    def update(accepted: int, generated: int) -> None:
        if not start:
            start.append(accepted)  # a resumed stream starts with the samples accepted before
        rate = (accepted - start[0]) / max(1e-9, time.monotonic() - t0)
        eta = f" · ETA {(n - accepted) / rate:.0f}s" if rate > 0 else ""
        show(accepted, f"accepted · {generated} generated · {rate:.1f}/s{eta}")

    return update


KeepRejectedOpt = Annotated[bool, typer.Option(
    "--keep-rejected-images", help="Also store the PNGs of rejected samples (default: a reject keeps its row and "
                                   "verdicts only; a repeated question is rejected before it is even rendered).")]


@app.command()
@user_errors
def synthesize(
    n: Annotated[int, typer.Option("--n", help="Accepted samples to reach in this stream (seed + knowledge set); "
                                               "at least 1.")] = 100,
    seed: Annotated[int, typer.Option(help="Stream seed: the same seed draws the same problems.")] = 0,
    catalog: CatalogOpt = DEFAULT_CATALOG,
    seeds: Annotated[Path | None, typer.Option(help="Knowledge seeds YAML/JSON, or a taxonomy tree such as We-Math 2.0's "
                                                    "published JSON (default: the built-in set).")] = None,
    knowledge: Annotated[str | None, typer.Option(help="Comma-separated knowledge ids to use (default: all with a generator). "
                                                       "Ids of a taxonomy imported into --catalog work too; an inner node "
                                                       "(a domain, area or topic) means every mapped point below it.")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (default: one per core).", min=1)] = None,
    batch_size: Annotated[int, typer.Option(help="Samples per catalog transaction (a crash loses at most one batch).", min=1)] = 32,
    kinds: Annotated[str, typer.Option(help=(
        "Comma-separated sample kinds: interaction (question + tool-code trace), perception (pixel coordinates of "
        "the labelled points), instruction (draw what an instruction says; ground-truth overlay). With several "
        "kinds, --n counts accepted samples of all kinds together and the tasks cycle through the kinds figure by "
        "figure, so each kind gets about n/k samples and the kinds of one figure share its image."))] = "interaction",
    domains: Annotated[str | None, typer.Option(help="Comma-separated domains to draw from, e.g. plane_geometry (default: all); "
                                                     "an imported taxonomy's domain or node id draws from its mapped points.")] = None,
    versions: VersionsOpt = "text_dominant",
    choices: Annotated[int, typer.Option(help=(
        "Multiple-choice interaction samples with this many options (2-6): the distractors are the problem's "
        "typical wrong answers (forgot to halve, dropped the square root …) and the answer is the option's "
        "letter. 0: open answers. A multiple-choice stream is another stream of the same seed."))] = 0,
    creator: Annotated[Creator, typer.Option(help="symbolic: exact generators, no model. llm: a model writes each "
                                                  "problem, flywheel verifies it (needs --model).")] = Creator.symbolic,
    model: Annotated[str | None, typer.Option(help="--creator llm: litellm model string, e.g. openai/gpt-4o.")] = None,
    api_base: llm_cli.ApiBaseOpt = None,
    max_concurrency: llm_cli.ConcurrencyOpt = 8,
    budget_usd: llm_cli.BudgetOpt = None,
    request_timeout: llm_cli.TimeoutOpt = 120.0,
    repair_rounds: Annotated[int, typer.Option(help="--creator llm: repair prompts per failing sample, each with "
                                                    "the verifiers' reasons.", min=0)] = 1,
    executor: ExecutorOpt = Executor.local,
    ray_address: RayAddressOpt = None,
    images: ImagesOpt = None,
    keep_rejected_images: KeepRejectedOpt = False,
) -> None:
    """Generate, render, verify and store samples until N are accepted (resumes where a run stopped)."""
    from flywheel.kinds import parse_kinds
    from flywheel.render.question import parse_versions
    from flywheel.run.synthesize import SynthesisConfig, plan
    from flywheel.run.synthesize import synthesize as run

    ids = [knowledge] if knowledge and knowledge.strip() else None  # split by select(): imported ids may hold commas
    doms = [d.strip() for d in domains.split(",") if d.strip()] if domains else None
    cfg = SynthesisConfig(n=n, seed=seed, catalog=catalog, seeds=seeds, knowledge=ids, workers=workers, batch_size=batch_size,
                          kinds=parse_kinds(kinds), domains=doms, versions=parse_versions(versions), choices=choices,
                          executor=executor.value, ray_address=ray_address, images=images,
                          keep_rejected_images=keep_rejected_images)
    _executor(executor, ray_address, creator)
    if creator is Creator.llm:
        _refuse_versions(cfg.versions)
        if images:
            raise FlywheelError("--images needs --creator symbolic (the model's samples go to the catalog's store)")
        if choices:
            raise FlywheelError("--choices needs --creator symbolic: the distractors come from the generators' typical errors")
        llm_cli.run_llm_synthesis(cfg, llm_cli.llm_config(model, api_base, max_concurrency, budget_usd, request_timeout), repair_rounds)
        return
    plan(cfg)  # validate everything before showing progress or touching the catalog
    with progress("synthesize") as bar:
        stats = run(cfg, on_progress=_rate_note(n, lambda acc, note: bar.update(acc, n, note)))
    if stats.generated == 0 and stats.accepted >= n:
        out.print(f"{catalog}: already {stats.accepted} accepted samples in this stream; nothing to do")
        return
    rates = ", ".join(f"{k} {v:.0%}" for k, v in sorted(stats.as_dict()["verifier_pass_rate"].items()))
    out.print(f"{stats.accepted} accepted ({stats.accepted - stats.accepted_before} new) from {stats.generated} generated "
              f"in {stats.seconds:.1f}s → {catalog} (images in {_store_of(catalog)})")
    out.print(f"verifier pass rates: {rates}")
    if stats.failed_tasks:
        out.print(f"{stats.failed_tasks} tasks made no sample (a kind that does not fit a figure, or a worker failure)")
    if stats.accepted < n:
        raise FlywheelError(f"stopped at {stats.accepted}/{n} accepted: generators reject too much; see `flywheel query` on verdicts")


@app.command()
@user_errors
def evolve(
    rounds: Annotated[int, typer.Option(help="Evolve until the catalog has this many finished rounds (synthesize is round 0); "
                                             "an interrupted round resumes, a finished catalog has nothing to do.", min=1)] = 1,
    catalog: CatalogOpt = DEFAULT_CATALOG,
    axes: Annotated[str, typer.Option(help="Comma-separated axes: diversity (composed knowledge, coverage variants), "
                                           "quality (repair rejects), difficulty (sequential and parallel expansion).")]
    = "diversity,quality,difficulty",
    per_round: Annotated[int | None, typer.Option(help="Tasks planned per round across the diversity and difficulty axes "
                                                       "(repairs come on top). Default: 300, with --creator llm 10 "
                                                       "(half new knowledge nodes, half harder variants).", min=1)] = None,
    seed: Annotated[int, typer.Option(help="Seed of the round plans: the same seed and catalog evolve the same way.")] = 1,
    workers: Annotated[int | None, typer.Option(help="Worker processes (default: one per core).", min=1)] = None,
    batch_size: Annotated[int, typer.Option(help="Samples per catalog transaction.", min=1)] = 32,
    report: Annotated[Path | None, typer.Option(help="Directory for PNG plots across rounds and a Markdown summary.")] = None,
    versions: VersionsOpt = "text_dominant",
    creator: Annotated[Creator, typer.Option(help="symbolic: composition, expansion steps and routed repairs, no model. "
                                                  "llm: a model proposes knowledge nodes, writes harder variants and "
                                                  "repairs rejects; flywheel verifies everything (needs --model).")]
    = Creator.symbolic,
    model: Annotated[str | None, typer.Option(help="--creator llm: litellm model string, e.g. openai/gpt-4o.")] = None,
    api_base: llm_cli.ApiBaseOpt = None,
    max_concurrency: llm_cli.EvolveConcurrencyOpt = None,
    budget_usd: llm_cli.BudgetOpt = None,
    request_timeout: llm_cli.EvolveTimeoutOpt = None,
    executor: ExecutorOpt = Executor.local,
    ray_address: RayAddressOpt = None,
    images: ImagesOpt = None,
    keep_rejected_images: KeepRejectedOpt = False,
) -> None:
    """Run rounds of the data flywheel over the catalog: compose knowledge, repair rejects, make harder problems."""
    from functools import partial

    from flywheel.evolve.report import round_table, write_report
    from flywheel.evolve.rounds import EvolveConfig, validate
    from flywheel.evolve.rounds import evolve as run
    from flywheel.render.question import parse_versions

    cfg = EvolveConfig(rounds=rounds, catalog=catalog, axes=tuple(a.strip() for a in axes.split(",") if a.strip()),
                       per_round=per_round or 300, seed=seed, workers=workers, batch_size=batch_size,
                       versions=parse_versions(versions), executor=executor.value, ray_address=ray_address,
                       images=images, keep_rejected_images=keep_rejected_images)
    _executor(executor, ray_address, creator)
    if creator is Creator.llm:
        _refuse_versions(cfg.versions)
        if images:
            raise FlywheelError("--images needs --creator symbolic (the model's samples go to the catalog's store)")
        run, cfg = llm_cli.llm_evolve(cfg, per_round, workers, model, api_base, max_concurrency, budget_usd, request_timeout)
    else:
        llm_cli.refuse_llm_options({"--model": model, "--api-base": api_base, "--max-concurrency": max_concurrency,
                                    "--budget-usd": budget_usd, "--request-timeout": request_timeout})
        run = partial(run, cfg)
    validate(cfg)
    with progress("evolve") as bar:

        def on_round(stats: dict) -> None:
            bar.clear()
            bar.print(round_table(stats))
            for line in llm_cli.round_lines(stats):
                bar.print(line)

        result = run(progress=lambda phase, done, total: bar.update(done, total, phase=f"evolve {phase}"),
                     on_round=on_round)
    if not result.rounds and getattr(result, "status", "done") == "done":
        out.print(f"{catalog}: already {result.done_before} finished rounds; nothing to do (raise --rounds to go on)")
    if getattr(result, "compacted", None):
        before, after = result.compacted
        out.print(f"{catalog}: compacted {before / 2**20:.1f} → {after / 2**20:.1f} MB (free blocks returned)")
    if report:
        from flywheel.catalog import Catalog

        with Catalog(catalog, read_only=True) as cat:
            paths = write_report(cat, report)
        out.print(f"report: {', '.join(str(p) for p in paths)}")
    if creator is Creator.llm:
        llm_cli.end_llm_evolve(result)


TABLES_HELP = ("Tables: samples, verdicts, knowledge, lineage, repairs, runs, llm_cache, human_verdicts, settings, schema_migrations "
               "(`flywheel query --schema` lists their columns; docs/catalog.md explains them).")


@app.command()
@user_errors
def query(
    sql: Annotated[str | None, typer.Argument(help="One read-only SQL statement (SELECT or EXPLAIN). " + TABLES_HELP,
                                              show_default=False)] = None,
    catalog: CatalogOpt = DEFAULT_CATALOG,
    format: Annotated[QueryFormat, typer.Option("--format", "-f", help="table (rich), json (list of objects) or csv.")] = QueryFormat.table,
    schema: Annotated[bool, typer.Option("--schema", help="List every table and its columns instead of running SQL.")] = False,
) -> None:
    """Run read-only SQL against the catalog, or list its tables and columns (--schema)."""
    from flywheel.catalog import Catalog
    from flywheel.catalog.introspect import schema as catalog_schema

    if schema == (sql is not None):
        raise FlywheelError("give one SQL statement or --schema (see `flywheel query --help`)")
    with Catalog(catalog, read_only=True) as cat:
        if schema:
            tables = catalog_schema(cat.con)
            cols = ["table", "column", "type"]
            rows = [(t, c.name, c.type) for t, columns in tables.items() for c in columns]
        else:
            cols, rows = cat.query(sql)
    if format is QueryFormat.json:
        write(json.dumps([dict(zip(cols, r, strict=True)) for r in rows], default=str, indent=1, ensure_ascii=False))
    elif format is QueryFormat.csv:
        w = csv.writer(sys.stdout, lineterminator="\n")  # plain newlines: friendly to shell pipelines
        w.writerow(cols)
        w.writerows(rows)
    elif schema:
        for name, columns in tables.items():
            t = table("column", "type", title=name, title_justify="left", show_header=False, box=None, padding=(0, 2))
            for c in columns:
                t.add_row(c.name, c.type)
            out.print(t)
    else:
        t = table(*cols)
        for r in rows:
            t.add_row(*("" if v is None else str(v) for v in r))
        out.print(t)
        out.print(f"{len(rows)} row(s)")


class VtbenchLayout(StrEnum):
    parquet = "parquet"
    vthinker = "vthinker"


@app.command()
@user_errors
def export(
    format: Annotated[str, typer.Option("--format", "-f", help=(
        "Output format: v-interaction (interaction samples, V-Interaction columns), v-perception (perception "
        "samples, V-Perception columns), vtbench (one row per figure with accepted perception, instruction and "
        "interaction samples: VTBench's three tasks plus machine-checkable ground truth), trl-sft and trl-grpo "
        "(TRL conversational datasets with a train/held-out split, images as `datasets` Image columns), sharegpt "
        "(LLaMA-Factory / ms-swift SFT JSONL with image files and dataset_info.json), swift-grpo (ms-swift GRPO "
        "JSONL: messages, images, solution, question). See docs/exports.md."))],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Directory to write into (created if needed).")],
    catalog: CatalogOpt = DEFAULT_CATALOG,
    where: Annotated[str | None, typer.Option(help="Extra SQL filter on samples, e.g. \"knowledge_id = 'plane.pythagoras'\".")] = None,
    include_human_rejected: Annotated[bool, typer.Option(
        "--include-human-rejected", help="Keep accepted samples whose latest human review (`flywheel review import`) "
                                         "rejected them; by default they are left out.")] = False,
    text_only: Annotated[bool, typer.Option("--text-only", help=(
        "trl-sft, trl-grpo: rows for a text-only model: every message's content is a string and there is no "
        "images column."))] = False,
    layout: Annotated[VtbenchLayout, typer.Option(help=(
        "vtbench: parquet (one file, images inside) or vthinker (V-Thinker's Vtbench.json list with image files "
        "and paths relative to it, for their eval scripts)."))] = VtbenchLayout.parquet,
) -> None:
    """Export accepted samples in a training/benchmark format."""
    from flywheel.catalog import Catalog
    from flywheel.io.registry import ExportOptions, run_export

    options = ExportOptions(text_only=text_only, layout=str(layout))
    if out_dir.exists() and not out_dir.is_dir():
        raise FlywheelError(f"--out {out_dir} is a file, not a directory")
    with Catalog(catalog, read_only=True) as cat, progress(f"export {format}"):
        cat.include_human_rejected = include_human_rejected
        path = run_export(format, cat, out_dir, where, options)
    out.print(f"wrote {_count_rows(path)} rows → {path}")


def _count_rows(path: Path) -> int:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    if path.suffix == ".json":  # a JSON list (vtbench's vthinker layout)
        return len(json.loads(path.read_text()))
    return len(path.read_text().splitlines())


class ImportFormat(StrEnum):
    v_interaction = "v-interaction"
    v_perception = "v-perception"
    vtbench = "vtbench"


@app.command("import", help=(
    "Import external samples: their code is re-run in the hardened sandbox and every row gets verdicts. The file's "
    "columns and their types are checked before anything is created or run; a row that fails any check, or raises "
    "while checked, is a rejected sample with its reason. A row whose id an earlier row had is skipped and counted; "
    f"a row without an id gets one derived from its content. {limits_help()}"))
@user_errors
def import_(
    file: Annotated[Path, typer.Argument(help="Parquet file with V-Interaction columns (and, from `flywheel export`, "
                                              "knowledge_id, domain, generator, difficulty, difficulty_score) or, "
                                              "with --format v-perception, V-Perception columns; with --format vtbench, "
                                              "V-Thinker's Vtbench.json (images beside it) or flywheel's vtbench.parquet.")],
    format: Annotated[ImportFormat, typer.Option("--format", "-f", help=(
        "Input format: v-interaction (figure and tool code re-run, trace and answer checked) or v-perception "
        "(figure code re-run, the answer's named points must lie in the figure) or vtbench (each row's perception, "
        "instruction and interaction sample; images, annotations, ground-truth tool code and answers checked)."))]
    = ImportFormat.v_interaction,
    catalog: CatalogOpt = DEFAULT_CATALOG,
    workers: Annotated[int | None, typer.Option(help="Parallel sandbox processes (default: one per core).", min=1)] = None,
    executor: ExecutorOpt = Executor.local,
    ray_address: RayAddressOpt = None,
) -> None:
    from functools import partial

    from flywheel.catalog import Catalog

    if not file.is_file():
        raise FlywheelError(f"{file} is not a file")
    _executor(executor, ray_address)
    if format is ImportFormat.vtbench:
        from flywheel.io.import_vtbench import import_vtbench, open_vtbench

        source, unit = open_vtbench(file), "samples"
        run_import = partial(import_vtbench, executor=executor.value, ray_address=ray_address)
        rows = len(source.rows)
    else:
        from flywheel.io.importing import import_v_interaction, open_source

        source, unit = open_source(file, str(format)), "rows"
        run_import = partial(import_v_interaction, executor=executor.value, ray_address=ray_address)
        rows = source.rows
    # the whole file was checked (above) before the catalog is touched
    if rows == 0:
        out.print(f"{file}: no rows; nothing to do")
        return
    with Catalog(catalog) as cat, progress("import") as bar:
        res = run_import(source, cat, workers, lambda done, total: bar.update(done, total, unit))
    if res.status == "nothing-to-do":
        out.print(f"{file}: every row is already in {catalog}; nothing to do")
        return
    skipped = "".join([f", {res.repeated} repeated ids skipped" if res.repeated else "",
                       f", {res.known} already in the catalog" if res.known else ""])
    out.print(f"imported {res.rows} rows from {file}: {res.accepted} accepted, {res.rejected} rejected{skipped} "
              "(see verdicts)")


SHOWN_MATCHES = 5


@app.command()
@user_errors
def show(
    sample_id: Annotated[str, typer.Argument(help="Sample id or a unique prefix of one (see `flywheel query \"SELECT id FROM samples\"`).")],
    catalog: CatalogOpt = DEFAULT_CATALOG,
) -> None:
    """Show one sample as stored: question, answer, trace, figure and tool code, image paths, verdicts."""
    from flywheel.catalog import Catalog
    from flywheel.catalog.introspect import sample_ids_with_prefix

    with Catalog(catalog, read_only=True) as cat:
        ids = sample_ids_with_prefix(cat.con, sample_id, SHOWN_MATCHES + 1)
        if not ids:
            raise FlywheelError(f"no sample with id or id prefix {sample_id!r} in {catalog}")
        if ids[0] != sample_id and len(ids) > 1:
            more = ", …" if len(ids) > SHOWN_MATCHES else ""
            raise FlywheelError(f"id prefix {sample_id!r} matches several samples: "
                                f"{', '.join(ids[:SHOWN_MATCHES])}{more}; give more characters")
        s = cat.sample(ids[0])
        verdicts = cat.verdicts(ids[0])
        paths = {k: _image_path(cat.images, s[k]) if s.get(k) else "—" for k in ("image", "edited_image", "overlay")}
    status = Text("accepted", style="green") if s["accepted"] else Text("rejected", style="red")
    out.print(Text.assemble((s["id"], "bold"), f"  {s['knowledge_id']} · {s['kind']} · round {s['round']} · difficulty "
                            f"{s['difficulty']} ({s['difficulty_score']:.2f}) · ", status))
    field("generator", s["generator"] or "—")
    if s["parent_id"]:
        field("parent", s["parent_id"])
    field("question", s["question"] or "")
    field("answer", s["answer"] or "")
    field("image", paths["image"])
    field("edited", paths["edited_image"])
    if s.get("overlay"):
        field("overlay", paths["overlay"])
    if s.get("points"):
        field("points", s["points"])
    for title, key, code in (("trace (cot)", "cot", False), ("figure code (image_code)", "image_code", True),
                             ("tool code (tool_code)", "tool_code", True)):
        out.print(Text(f"\n{title}:", style="bold"))
        value = s[key] or ""
        if not value:
            write("—")
        elif code:
            print_code(value)
        else:
            write(value)
    out.print()
    t = table("verifier", "passed", "score", "reason", title="verdicts", title_justify="left")
    for name, passed, score, reason in verdicts:
        t.add_row(name, Text("yes") if passed else Text("no", style="red"), f"{score:.2f}", reason)
    out.print(t)


def _store_of(catalog: Path) -> str:
    """Where the catalog keeps its images (the store `--images` recorded, or images/ beside it)."""
    from flywheel.catalog import Catalog

    with Catalog(catalog, read_only=True) as cat:
        return cat.images.url


def _image_path(store: ImageStore, digest: str) -> str:
    """The image's path or URL in the store, and say so when it is gone (`flywheel doctor --repair` rebuilds it)."""
    path = store.path(digest)
    return str(path) if store.exists(digest) else f"{path} (missing: `flywheel doctor --repair` rebuilds it)"


@app.command()
@user_errors
def stats(
    catalog: CatalogOpt = DEFAULT_CATALOG,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")] = False,
) -> None:
    """Variety per generator: distinct masked frames, distinct 4-gram ratio, share per version, capacity estimate."""
    from flywheel.catalog import Catalog
    from flywheel.catalog.stats import generator_stats, summary

    with Catalog(catalog, read_only=True) as cat:
        rows = generator_stats(cat)
    head = summary(rows)
    if json_out:
        write(json.dumps({"summary": head, "generators": [r.as_dict() for r in rows]}))
        return
    t = table("generator", "samples", "frames", "4-gram ratio", "versions", "repeats / draws", "capacity")
    for r in rows:
        shares = " ".join(f"{v} {p:.0%}" for v, p in r.versions.items())
        cap = "—" if r.capacity is None else f"{'≥ ' if r.capacity_lower_bound else '≈ '}{r.capacity:,.0f}"
        t.add_row(r.generator, str(r.samples), str(r.frames), f"{r.ngram_ratio:.2f}", shares,
                  f"{r.repeats} / {r.draws}", cap)
    out.print(t)
    if rows:
        out.print(f"{head['generators']} generators, {head['samples']} accepted interaction samples; fewest frames: "
                  f"{head['min_frames']} ({head['min_frames_generator']}); lowest 4-gram ratio {head['min_ngram_ratio']:.2f}")
    else:
        out.print(f"{catalog}: no accepted interaction samples")


@app.command()
@user_errors
def runs(
    catalog: CatalogOpt = DEFAULT_CATALOG,
    last: Annotated[int, typer.Option(help="Show this many runs, newest first.", min=1)] = 20,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object per run, one a line.")] = False,
) -> None:
    """The catalog's runs (synthesize, evolve rounds, import): status, samples, time, and on Ray the tasks and
    CPU seconds of each node."""
    from flywheel.catalog import Catalog
    from flywheel.catalog.runs import run_rows

    with Catalog(catalog, read_only=True) as cat:
        rows = run_rows(cat, last)
    if json_out:
        for r in rows:
            write(json.dumps({**r, "started_at": str(r["started_at"]), "finished_at": str(r["finished_at"] or "")}))
        return
    t = table("started", "command", "status", "accepted / generated", "seconds", "workers")
    for r in rows:
        st = r["stats"]
        what = r["command"] + (f" round {r['round']}" if r["command"] == "evolve" else "")
        t.add_row(f"{r['started_at']:%Y-%m-%d %H:%M}", what, r["status"],
                  f"{st.get('accepted', '—')} / {st.get('generated', '—')}", str(st.get("seconds", "—")),
                  _workers_cell(st.get("executor")))
    out.print(t)
    if not rows:
        out.print(f"{catalog}: no runs yet")


def _workers_cell(ex: dict | None) -> str:
    """Where the tasks ran: the local pool, or each Ray node's tasks and CPU seconds."""
    if not ex:
        return "—"
    if ex["executor"] != "ray":
        return f"local × {ex['workers']}"
    nodes = "; ".join(f"{node}: {n['tasks']} tasks, {n['cpu_s']:.1f} CPU s" for node, n in ex.get("nodes", {}).items())
    reruns = f" ({ex['reruns']} rerun)" if ex.get("reruns") else ""
    return f"ray × {ex['workers']}{reruns}: {nodes or 'no tasks'}"


@bench_app.command("speed")
@user_errors
def bench_speed(
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of tables.")] = False,
    samples: Annotated[int, typer.Option(help="Accepted samples per measurement (the same workload on 1 worker and "
                                              "on all cores).", min=8)] = 200,
    repeats: Annotated[int, typer.Option(help="Rounds of (floor, 1 worker, all cores); medians and their spread are "
                                              "reported.", min=1)] = 5,
    catalog: Annotated[Path | None, typer.Option(help="Also measure extending a copy of this catalog by the same "
                                                      "workload (CPU per accepted sample against a fresh catalog).")]
    = None,
    write_docs: Annotated[Path | None, typer.Option(help="Write the figures into the bench-speed block of this "
                                                         "Markdown file (docs/performance.md).")] = None,
) -> None:
    """Accepted samples/s/core and CPU ms/sample on 1 worker and on all cores, against a minimal Pillow floor."""
    from flywheel.bench import speed

    if catalog is not None and not catalog.is_file():
        raise FlywheelError(f"--catalog {catalog}: no such catalog")
    if write_docs is not None and speed.DOCS_BEGIN not in (write_docs.read_text() if write_docs.is_file() else ""):
        raise FlywheelError(f"--write-docs {write_docs}: no {speed.DOCS_BEGIN} block to replace")
    with progress("bench speed") as bar:
        res = speed.run_speed_bench(samples, repeats, catalog,
                                    on_progress=lambda done, total: bar.update(done, total, "measurements"))
    if write_docs is not None:
        argv = sys.argv[1:]
        # the command as typed, less where its figures went (`--write-docs F` or `--write-docs=F`)
        args = [a for i, a in enumerate(argv)
                if not a.startswith("--write-docs") and (i == 0 or argv[i - 1] != "--write-docs")]
        speed.write_docs(write_docs, res, "flywheel " + " ".join(args))
    if json_out:
        write(json.dumps(res.summary()))
        return
    t = table("measure", "value")
    for k, v in res.summary().items():
        t.add_row(k, f"{v:.3f}" if isinstance(v, float) else str(v))
    out.print(t)
    p = table("stage (1 worker)", "ms / sample", "share")
    total = sum(res.stage_ms.values())
    for k, v in sorted(res.stage_ms.items(), key=lambda kv: -kv[1]):
        p.add_row(k, f"{v:.1f}", f"{v / total:.0%}")
    out.print(p)


@bench_app.command("scale")
@user_errors
def bench_scale(
    n: Annotated[int, typer.Option("--n", help="Accepted samples per executor (V-Interaction-400K scale needs 50K+ "
                                               "to show the cost staying flat).", min=20)] = 2000,
    executor: ExecutorOpt = Executor.ray,
    workers: Annotated[int | None, typer.Option(help="Workers for both executors (default: one per core).", min=1)] = None,
    ray_address: RayAddressOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")] = False,
) -> None:
    """The same synthesis on the local pool and on --executor in one run: samples/s/core, samples per
    CPU-second, the driver's CPU share, and the driver's cost per sample in the first vs the last 10%."""
    from flywheel.bench.scale import run_scale_bench

    _executor(executor, ray_address)
    with progress("bench scale") as bar:
        res = run_scale_bench(n, executor.value, workers, ray_address,
                              on_progress=lambda ex, done, total: bar.update(done, total, f"accepted ({ex})"))
    if json_out:
        write(json.dumps(res))
        return
    keys = [k for k in res["runs"][0] if k != "executor"]
    t = table("measure", *(r["executor"] for r in res["runs"]))
    for k in keys:
        t.add_row(k, *(str(r[k]) for r in res["runs"]))
    out.print(t)
    for k, v in res.items():
        if k != "runs":
            out.print(f"{k}: {v}")


@bench_app.command("dedup")
@user_errors
def bench_dedup(
    size: Annotated[int, typer.Option(help="Accepted samples in the index.", min=1)] = 1_000_000,
    checks: Annotated[int, typer.Option(help="Duplicate checks to time (half are near copies of indexed samples).", min=2)]
    = 100_000,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")] = False,
    catalog: Annotated[Path | None, typer.Option(help="Draw the index's pHashes, answers and kinds from this "
                                                      "catalog's accepted samples (real skew) instead of uniformly.")]
    = None,
) -> None:
    """Near-duplicate checks per second against an index of SIZE accepted samples (what evolve does per sample)."""
    from flywheel.bench.dedup import run_dedup_bench

    if catalog is not None and not catalog.is_file():
        raise FlywheelError(f"--catalog {catalog}: no such catalog")
    with progress("bench dedup"):
        try:
            res = run_dedup_bench(size, checks, catalog=catalog).summary()
        except ValueError as exc:
            raise FlywheelError(str(exc)) from None
    _print_figures(res, json_out)


def _print_figures(res: dict, json_out: bool) -> None:
    """A benchmark's figures, with the load average they were measured at: one JSON object or a table."""
    res["load_avg_1m"] = round(os.getloadavg()[0], 2)
    if json_out:
        write(json.dumps(res))
        return
    t = table("measure", "value")
    for k, v in res.items():
        t.add_row(k, str(v))
    out.print(t)


@bench_app.command("verify")
@user_errors
def bench_verify(
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of tables.")] = False,
    per_generator: Annotated[int, typer.Option("--per-generator", help="Problems drawn per generator (each in every "
                                               "kind that fits it; every defect class is written into each).", min=1)] = 2,
    generator: Annotated[list[str] | None, typer.Option("--generator", "-g", help="Only this generator (repeatable); "
                                                        "default: every registered one.", show_default=False)] = None,
    kinds: Annotated[str, typer.Option(help="Comma-separated sample kinds to draw.")] = "interaction,perception,instruction",
) -> None:
    """Recall of the registered verifiers on defects written into clean samples, per defect class and
    domain, and the share of clean samples they reject (flywheel/bench/defects.py lists the classes)."""
    from flywheel.bench.defects import run_verify_bench
    from flywheel.domains import get_generator
    from flywheel.kinds import KINDS

    wanted = [k.strip() for k in kinds.split(",") if k.strip()]
    if not wanted or set(wanted) - set(KINDS):
        raise FlywheelError(f"--kinds takes a comma-separated list of {', '.join(KINDS)} (got {kinds!r})")
    for g in generator or []:
        get_generator(g)  # an unknown name is one line naming the known ones
    with progress("bench verify") as bar:
        res = run_verify_bench(per_generator, wanted, generators=generator or None,
                               on_progress=lambda done, total: bar.update(done, total, "problems"))
    summary = res.summary()
    if json_out:
        write(json.dumps(summary))
        return
    domains = list(summary["false_reject"])
    t = table("defect class", *domains, "injected", title="recall (share of defective samples rejected)")
    for c, row in summary["recall"].items():
        t.add_row(c, *("—" if row.get(d) is None else f"{row[d]:.3f}" for d in domains), str(summary["injected"][c]))
    t.add_row("false reject (clean)", *("—" if summary["false_reject"][d] is None else f"{summary['false_reject'][d]:.3f}"
                                        for d in domains), str(summary["clean_samples"]))
    out.print(t)
    out.print(f"figure verifier: {summary['figure_cpu_ms_per_sample']:.2f} ms CPU per sample")
    for what, items in (("missed", summary["missed"]), ("rejected clean", summary["rejected_clean"])):
        for line in (items.items() if isinstance(items, dict) else enumerate(items)):
            out.print(f"{what}: {line[0]}: {line[1]}" if isinstance(items, dict) else f"{what}: {line[1]}")


@bench_app.command("export")
@user_errors
def bench_export(
    rows: Annotated[int, typer.Option(help="Accepted samples in the catalog made for the measurement: real samples "
                                           "replicated through the catalog's write path.", min=1)] = 20_000,
    format: Annotated[str, typer.Option("--format", "-f", help="Export format to measure.")] = "v-interaction",
    catalog: Annotated[Path | None, typer.Option(help="Measure exporting this catalog instead of making one.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")] = False,
) -> None:
    """Peak memory (RSS of a fresh export process) of exporting ROWS samples: it should not grow with the catalog."""
    from flywheel.bench.export import run_export_bench
    from flywheel.io import get_exporter

    get_exporter(format)  # an unknown format is a one-line error before the catalog is made
    if catalog is not None and not catalog.is_file():
        raise FlywheelError(f"--catalog {catalog}: no such catalog")
    with progress("bench export") as bar:
        res = run_export_bench(rows, format, catalog, on_progress=lambda d, t: bar.update(d, t, "rows written")).summary()
    _print_figures(res, json_out)


app.command("verify")(llm_cli.verify_command)
app.command("report")(report_command)
app.command("doctor")(doctor_command)


if __name__ == "__main__":
    app()
