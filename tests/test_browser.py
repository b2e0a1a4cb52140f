"""The web app in a real browser (Debian's headless chromium via Playwright), as a reader uses it.

A real uvicorn server on a free loopback port serves a temporary SQLite store filled by the real
pipeline from examples/ and a hostile article of ours. Screenshots go to tests/_artifacts/.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "web"
ARTIFACTS = ROOT / "tests" / "_artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _require_chromium() -> None:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("Debian's chromium is required in CI (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A store filled by the real pipeline, served by uvicorn on loopback."""
    _require_chromium()
    import uvicorn

    from newsfuse.pipeline import analyze
    from newsfuse.serve import create_app
    from newsfuse.store import open_store

    db = tmp_path_factory.mktemp("browser") / "browser.db"
    with open_store(db) as store:
        analysis = analyze([str(ROOT / "examples"), str(FIXTURES / "hostile_council.txt")], store=store)
        assert not [e for e in analysis.errors if "hostile" in e.path], analysis.errors
    app = create_app(db, token="")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not srv.started:
        assert time.time() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield {"base": f"http://127.0.0.1:{port}", "db": db}
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    yield pg
    context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _flood_story_link(page):
    return page.locator("a", has_text="Kessel dam floodgate fails").first


def test_index_story_and_citation(server, page):
    page.goto(server["base"] + "/")
    assert page.title().startswith("Stories")
    assert page.locator(".card").count() >= 2
    shot(page, "index")
    _flood_story_link(page).click()
    page.wait_for_url("**/stories/**")
    assert page.locator("h1").inner_text().startswith("Kessel dam floodgate fails")
    assert page.locator(".badge-corroborated").count() >= 1
    shot(page, "story")
    chip = page.locator(".brief .cite").first
    anchor = chip.get_attribute("href")
    passage = page.locator(f".brief {anchor}")
    assert not passage.is_visible()  # passages stay folded until their citation is clicked
    chip.click()
    passage.wait_for(state="visible")
    cited = passage.locator("mark").inner_text()
    assert len(cited) > 20
    shot(page, "story_citation")
    # the passage's link opens the article with the cited sentence marked
    passage.locator("a", has_text="Read in the article").click()
    page.wait_for_url("**/articles/**")
    assert page.locator("mark#passage").inner_text().strip() == cited.strip()
    shot(page, "article_passage")


def test_search_for_a_name_and_open_the_entity(server, page):
    page.goto(server["base"] + "/")
    page.fill("input[name=q]", "Brenner")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/search?q=Brenner")
    entity_link = page.locator(".hits a[href^='/entities/']").first
    assert "Brenner" in entity_link.inner_text()
    assert page.locator(".snippet mark").count() >= 1
    shot(page, "search")
    entity_link.click()
    page.wait_for_url("**/entities/**")
    assert "Brenner" in page.locator("h1").inner_text()
    assert page.locator(".card a", has_text="Kessel dam floodgate fails").count() == 1
    shot(page, "entity")


def test_upload_an_article_and_see_it_in_its_story(server, page):
    page.goto(server["base"] + "/")
    _flood_story_link(page).click()
    page.wait_for_url("**/stories/**")
    flood_url = page.url
    before = page.locator(".coverage .outlet-list > li").count()
    page.goto(server["base"] + "/upload")
    page.fill("textarea[name=text]", (FIXTURES / "upload_flood_followup.txt").read_text(encoding="utf-8"))
    page.fill("input[name=source]", "Bayside Evening Post")
    page.click("form.upload button[type=submit]")
    # the whole pipeline runs on the upload: give it time on a busy 2-core machine
    page.wait_for_selector(".alert-ok", timeout=180_000)
    assert "1 article analysed" in page.locator(".alert-ok h2").inner_text()
    shot(page, "upload_result")
    page.locator(".result-stories a").first.click()
    page.wait_for_url("**/stories/**")
    assert page.url.split("/stories/")[1] == flood_url.split("/stories/")[1]
    assert page.locator(".coverage h3", has_text="Bayside Evening Post").count() == 1
    assert page.locator(".coverage .outlet-list > li").count() == before + 1
    assert page.locator(".coverage a", has_text="Marrow Bay residents wait for word").count() == 1


def test_a_hostile_article_runs_no_script(server, page):
    page.goto(server["base"] + "/search?q=Harrowgate+night+buses")
    link = page.locator(".hits a[href^='/articles/']").first
    assert '<script>window.pwned = "title"</script><b>exclusive</b>' in link.inner_text()  # as text
    link.click()
    page.wait_for_url("**/articles/**")
    body = page.locator(".article-text .body").inner_text()
    assert '<img src=x onerror="window.pwned = \'img\'">' in body
    assert "<script>window.pwned = \"body\"</script>" in body
    assert page.locator(".article-text a").count() == 0  # the javascript: link is text, not a link
    story_href = page.locator("a[href^='/stories/']").first.get_attribute("href")
    visited = [page.url]
    page.goto(server["base"] + story_href)
    visited.append(page.url)
    page.goto(server["base"] + "/")
    visited.append(page.url)
    for url in visited:
        page.goto(url)
        assert page.evaluate("typeof window.pwned") == "undefined", url
        assert page.locator("script").count() == 0
        assert page.locator("img").count() == 0
    assert page.dialogs == []
    page.goto(visited[0])
    shot(page, "hostile_article")
