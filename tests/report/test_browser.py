"""The report in a real browser: headless Chromium (Debian's `chromium` package) driven by Playwright
opens the pages from disk, and a reviewer's decisions go from the page to the export."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import catalog_rows, clone_catalog, flywheel_cli
from tools.bench_report import CHROMIUM, CHROMIUM_FLAGS

pytestmark = pytest.mark.browser
if not CHROMIUM.exists():
    pytest.skip("browser tests need Debian's chromium: apt-get install chromium chromium-driver "
                "(make test installs it when it can)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the [browser] extra: "
                                                             "pip install -e '.[browser]'")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page (its own localStorage) that records every console error and uncaught exception."""
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    ctx.close()


def match_count(pg) -> int:
    return int(pg.locator("#match-count").inner_text())


@pytest.mark.slow
def test_pages_show_the_catalog_and_review_reaches_the_export(report_catalog, tmp_path, page):
    db = clone_catalog(report_catalog, tmp_path / "cat")
    site = tmp_path / "site"
    assert flywheel_cli("report", "-c", str(db), "--out", str(site), "--max-per-page", "12").returncode == 0
    count = lambda sql: catalog_rows(db, sql)[0][0]  # noqa: E731

    # overview: the tiles are the catalog's counts, every chart loads
    page.goto((site / "index.html").as_uri())
    tiles = dict(zip(page.locator(".tile span").all_inner_texts(), page.locator(".tile b").all_inner_texts(), strict=True))
    assert int(tiles["samples"]) == count("SELECT count(*) FROM samples")
    assert int(tiles["rejected"]) == count("SELECT count(*) FROM samples WHERE NOT accepted")
    widths = page.eval_on_selector_all(".chart img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
    assert len(widths) == 6 and min(widths) > 0

    # gallery: counts, paging, a filter and a search, each against SQL
    page.goto((site / "gallery-plane_geometry.html").as_uri())
    assert match_count(page) == count("SELECT count(*) FROM samples")
    assert page.locator(".card").count() == 12
    page.select_option("select[name=kind]", "perception")
    assert match_count(page) == count("SELECT count(*) FROM samples WHERE kind = 'perception'")
    page.select_option("select[name=kind]", "")
    page.select_option("select[name=round]", "1")
    assert match_count(page) == count("SELECT count(*) FROM samples WHERE round = 1")
    page.select_option("select[name=round]", "")
    page.fill("input[name=q]", "perpendicular")
    assert match_count(page) == count("SELECT count(*) FROM samples WHERE question ILIKE '%perpendicular%'") > 0
    page.fill("input[name=q]", "")
    page.click(".pager button >> text=next")
    assert "page 2 of" in page.locator(".pager .where").first.inner_text()

    # click through to a sample: both images, every verdict
    page.goto((site / "gallery-plane_geometry.html").as_uri() + "#kind=interaction&round=1&outcome=accepted")
    first = page.locator(".card").first
    sid = first.get_attribute("data-id")
    first.locator("a.imgs").click()
    page.wait_for_url(f"**/s/{sid}.html")
    assert sid in page.locator("h1").inner_text()
    sizes = page.eval_on_selector_all(".figs img", "imgs => imgs.map(i => i.naturalWidth)")
    assert len(sizes) == 2 and min(sizes) > 0
    assert page.locator("table tbody tr").first.is_visible()
    assert page.locator("td", has_text="duplicate").count() == 1
    parent = catalog_rows(db, f"SELECT parent_id FROM samples WHERE id = '{sid}'")[0][0]
    assert page.locator(f".lineage a[href='{parent}.html']").count() >= 1

    # review: reject that sample with a note on its page, accept another on the gallery, download
    page.fill(".review .note", "the answer is off by a factor of two")
    page.click(".review button[data-decision=reject]")
    assert "1 decision" in page.locator("#review-count").inner_text()
    page.goto((site / "gallery-plane_geometry.html").as_uri() + "#kind=perception")
    other = page.locator(".card").first.get_attribute("data-id")
    page.locator(f".card[data-id='{other}'] button[data-decision=accept]").click()
    assert "2 decisions" in page.locator("#review-count").inner_text()
    with page.expect_download() as dl:
        page.click("#download-decisions")
    decisions = tmp_path / "decisions.json"
    dl.value.save_as(decisions)
    got = {d["id"]: d for d in json.loads(decisions.read_text())["decisions"]}
    assert {k: v["decision"] for k, v in got.items()} == {sid: "reject", other: "accept"}
    assert got[sid]["note"] == "the answer is off by a factor of two"

    # import: the export leaves the human-rejected sample out (unless asked), stats count agreement
    r = flywheel_cli("review", "import", str(decisions), "-c", str(db), "--reviewer", "ana")
    assert r.returncode == 0, r.stderr
    assert "stored 2 human verdicts by ana: 1 accept, 1 reject" in r.stdout
    assert catalog_rows(db, "SELECT sample_id, reviewer, decision, note FROM human_verdicts ORDER BY decision") == [
        (other, "ana", "accept", ""), (sid, "ana", "reject", "the answer is off by a factor of two")]
    exported = lambda *a: set(pq.read_table(  # noqa: E731
        Path(flywheel_cli("export", "-c", str(db), "-f", "v-interaction", "--out", str(tmp_path / "x"), *a)
             .stdout.split("→")[-1].strip())).column("id").to_pylist())
    assert sid not in exported() and sid in exported("--include-human-rejected")
    assert exported("--include-human-rejected") - exported() == {sid}
    r = flywheel_cli("review", "stats", "-c", str(db))
    assert r.returncode == 0, r.stderr
    assert "agreement: 1/2 accept/reject decisions (50.0%)" in r.stdout
    assert "1 machine-accepted samples rejected by a human" in r.stdout

    # the rebuilt report shows the reject note in the rejected view, filterable by verifier
    assert flywheel_cli("report", "-c", str(db), "--out", str(site)).returncode == 0
    page.goto((site / "rejected.html").as_uri())
    assert match_count(page) == count("SELECT count(*) FROM samples WHERE NOT accepted") + 1
    card = page.locator(f".card[data-id='{sid}']")
    assert "the answer is off by a factor of two" in card.inner_text()
    verifier = catalog_rows(db, "SELECT min(verifier) FROM verdicts WHERE NOT passed")[0][0]
    page.select_option("select[name=outcome]", f"fails:{verifier}")
    assert match_count(page) == count(f"SELECT count(DISTINCT sample_id) FROM verdicts WHERE NOT passed "
                                      f"AND verifier = '{verifier}'")
    assert page.errors == []


def test_every_page_opens_without_console_errors(report_catalog, tmp_path, browser):
    """The benchmark's console check (tools/bench_report.py --check-console) on every view and five
    sample pages; then it must catch a site whose thumbnails are gone."""
    from tools.bench_report import console_problems

    site = tmp_path / "site"
    assert flywheel_cli("report", "-c", str(report_catalog), "--out", str(site)).returncode == 0
    pages = ["index.html", "galleries.html", "rejected.html", *[p.name for p in site.glob("gallery-*.html")]]
    pages += [f"s/{p.name}" for p in sorted((site / "s").glob("*.html"))[:5]]
    assert console_problems(site, pages, browser=browser) == {p: [] for p in pages}
    shutil.rmtree(site / "thumb")
    problems = console_problems(site, ["gallery-plane_geometry.html"], browser=browser)["gallery-plane_geometry.html"]
    failed = [p for p in problems if p.startswith("request failed")]
    assert failed and all("/thumb/" in p and "ERR_FILE_NOT_FOUND" in p for p in failed)
    shutil.rmtree(site)
