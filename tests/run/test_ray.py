"""`--executor ray`: the same accepted ids as the local pool on a two-node Ray cluster, also when an
actor or a whole node is lost mid-run or the driver is SIGKILLed, and a bounded number of finished
results held by the driver. One simulated cluster (`ray.cluster_utils.Cluster`) serves every test:
Ray's start-up is the slow part."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flywheel.run.pool import TaskFailure
from flywheel.run.synthesize import SynthesisConfig, synthesize
from tests.conftest import catalog_rows, flywheel_cli

ray = pytest.importorskip("ray", reason="the [ray] extra is not installed")
from ray.cluster_utils import Cluster  # noqa: E402

from flywheel.run import ray_pool  # noqa: E402
from flywheel.run.ray_pool import RayPool  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
N = 16


@pytest.fixture(scope="module")
def cluster(local_ids):  # the local pool runs first: forking workers from a Ray driver can deadlock (gRPC)
    """A head without CPUs and two one-CPU worker nodes, as two machines would be."""
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), old) if p)  # workers import flywheel and tests
    c = Cluster(initialize_head=True, head_node_args={"num_cpus": 0, "include_dashboard": False})
    for _ in range(2):
        c.add_node(num_cpus=1)
    ray.init(address=c.address, log_to_driver=False)
    c.wait_for_nodes()
    try:
        yield c
    finally:
        ray.shutdown()
        c.shutdown()
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> Path:
    import yaml

    from tests.conftest import FAST_NODES

    path = tmp_path_factory.mktemp("seeds") / "seeds.yaml"
    path.write_text(yaml.safe_dump({"nodes": [
        {"id": g, "domain": "plane_geometry", "name": g, "generator": g} for g in FAST_NODES]}))
    return path


@pytest.fixture(scope="module")
def local_db(tmp_path_factory, seeds) -> Path:
    """The command's catalog made on this machine's warm pool."""
    db = tmp_path_factory.mktemp("local") / "c.duckdb"
    synthesize(SynthesisConfig(n=N, seed=3, catalog=db, seeds=seeds, workers=2, batch_size=4))
    return db


@pytest.fixture(scope="module")
def local_ids(local_db) -> set[str]:
    """The accepted ids of the command on this machine's warm pool."""
    return ids(local_db)


def ids(db: Path) -> set[str]:
    return {r[0] for r in catalog_rows(db, "SELECT id FROM samples WHERE accepted")}


def no_duplicates(db: Path) -> bool:
    return catalog_rows(db, "SELECT count(*) - count(DISTINCT id) FROM samples")[0][0] == 0


def run_on_ray(db: Path, seeds: Path, pool: RayPool, on_progress=None):
    return synthesize(SynthesisConfig(n=N, seed=3, catalog=db, seeds=seeds, batch_size=4), on_progress, pool=pool)


def test_a_two_node_cluster_accepts_the_ids_of_the_local_pool(cluster, seeds, local_ids, tmp_path):
    db = tmp_path / "c.duckdb"
    with RayPool(task_timeout=60, warmup="flywheel.run.build:warm") as pool:
        assert pool.size == 2
        run_on_ray(db, seeds, pool)
    assert ids(db) == local_ids
    stats = json.loads(catalog_rows(db, "SELECT stats FROM runs")[0][0])["executor"]
    nodes = stats["nodes"]
    assert stats["executor"] == "ray" and len(nodes) == 2 and sum(n["tasks"] for n in nodes.values()) >= N
    assert all(n["tasks"] > 0 and n["cpu_s"] > 0 for n in nodes.values())  # each node did work, and took CPU for it
    shown = flywheel_cli("runs", "-c", str(db))
    assert shown.returncode == 0 and all(f"{node}: {n['tasks']} tasks" in " ".join(shown.stdout.split())
                                         for node, n in nodes.items())


def test_failures_come_back_as_on_the_local_pool(cluster):
    """A crash (after reruns), a hang and an exception are that task's failure; the run goes on
    (tests/run/test_pool.py: the local pool gives the same)."""
    with RayPool(task_timeout=3) as pool:
        got = dict(pool.imap("tests.run.pool_tasks:misbehave", range(10)))
    assert {i: got[i] for i in (0, 1, 2, 4, 6, 8, 9)} == {i: i * i for i in (0, 1, 2, 4, 6, 8, 9)}
    assert all(isinstance(got[i], TaskFailure) for i in (3, 5, 7))
    assert "lost" in got[3].reason and "timed out" in got[5].reason and "bad input 7" in got[7].reason


def test_the_driver_holds_a_bounded_number_of_finished_results(cluster):
    with RayPool() as pool:
        order = [i for i, _ in pool.imap("tests.run.pool_tasks:slow_first", range(40))]
    assert sorted(order) == list(range(40))
    assert order.index(0) <= ray_pool.WINDOW * pool.size  # later tasks waited for the slow first one


def test_an_actor_killed_mid_run_has_its_tasks_rerun(cluster, seeds, local_ids, tmp_path):
    db = tmp_path / "c.duckdb"
    with RayPool(task_timeout=60, warmup="flywheel.run.build:warm") as pool:
        def kill_once(accepted: int, _generated: int) -> None:
            if accepted == 5 and not pool.replaced:
                ray.kill(pool.actors()[0], no_restart=True)

        run_on_ray(db, seeds, pool, kill_once)
        assert pool.replaced == 1 and pool.reruns >= 1
    assert ids(db) == local_ids and no_duplicates(db)


def test_a_node_lost_mid_run_has_its_tasks_rerun_elsewhere(cluster, seeds, local_ids, tmp_path):
    db = tmp_path / "c.duckdb"
    lost = []
    with RayPool(task_timeout=60, warmup="flywheel.run.build:warm") as pool:
        def lose_a_node(accepted: int, _generated: int) -> None:
            if accepted == 5 and not lost:
                node = cluster.list_all_nodes()[1]
                lost.append(node)
                cluster.remove_node(node)  # its raylet and its actor die; the other node goes on

        run_on_ray(db, seeds, pool, lose_a_node)
    cluster.add_node(num_cpus=1)  # back to two nodes for the next test
    cluster.wait_for_nodes()
    assert lost and ids(db) == local_ids and no_duplicates(db)


def test_sigkilled_driver_resumes_to_the_local_ids(cluster, seeds, local_ids, tmp_path):
    db = tmp_path / "c.duckdb"
    cmd = [sys.executable, "-m", "flywheel.cli", "-q", "synthesize", "--catalog", str(db), "--n", str(N), "--seed", "3",
           "--seeds", str(seeds), "--batch-size", "4", "--executor", "ray", "--ray-address", cluster.address]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None and len(list(db.parent.glob("images/*/*.png"))) < 12:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the driver only: the cluster and its nodes live on
    proc.wait()
    partial = ids(db) if db.exists() else set()
    assert len(partial) < N, "kill should land mid-run"
    subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    assert ids(db) == local_ids and no_duplicates(db)


@pytest.mark.parametrize("store", ["memory://flywheel-test/png", "shared"])
def test_images_go_to_the_store_given_on_ray(cluster, seeds, local_ids, tmp_path, store):
    """A second directory (as a shared file system would be): the actors write into it. A process-local
    memory:// store: the actors send the PNGs back and the driver writes them through fsspec."""
    from flywheel.catalog import Catalog

    db, url = tmp_path / "c.duckdb", store if "://" in store else str(tmp_path / store)
    with RayPool(task_timeout=60, warmup="flywheel.run.build:warm") as pool:
        synthesize(SynthesisConfig(n=N, seed=3, catalog=db, seeds=seeds, batch_size=4, images=url), pool=pool)
    assert ids(db) == local_ids and not (tmp_path / "images").exists()
    digests = {d for row in catalog_rows(db, "SELECT image, edited_image FROM samples WHERE accepted") for d in row if d}
    with Catalog(db, read_only=True) as cat:
        assert cat.images.url == url and len(digests) >= N and all(cat.images.get(d) for d in digests)


def test_import_checks_rows_on_ray_and_accepts_what_the_local_run_accepted(cluster, local_db, local_ids, tmp_path):
    """`flywheel import --executor ray`: the row checks (sandboxed figure and tool code, verifiers) run on
    the actors; the exported samples come back accepted under their ids, every node's tasks recorded."""
    from flywheel.catalog import Catalog
    from flywheel.io.importing import import_v_interaction, open_v_interaction
    from flywheel.io.v_interaction import export_v_interaction

    with Catalog(local_db, read_only=True) as cat:
        parquet = export_v_interaction(cat, tmp_path / "export")
    db = tmp_path / "c.duckdb"
    with Catalog(db) as cat:
        res = import_v_interaction(open_v_interaction(parquet), cat, workers=2, executor="ray")
    assert (res.accepted, res.rejected) == (N, 0) and ids(db) == local_ids
    nodes = json.loads(catalog_rows(db, "SELECT stats FROM runs")[0][0])["executor"]["nodes"]
    assert sum(n["tasks"] for n in nodes.values()) == N
