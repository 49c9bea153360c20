"""The browser page against a real `actorgraph serve`, driven by Playwright in Debian's Chromium
(never a browser download): search, the actor network, the evidence panel, the document view with
the quote highlighted, the time slider, filters, the answer's path view, and documents whose text
tries to run script. Every test fails on a console error, an uncaught page error or a dialog.
Screenshots go to tests/artifacts/screenshots/ (gitignored)."""
from __future__ import annotations

import json
import os
import re
import shutil
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import LiveServer

SEED = "What is the relationship between the RSF and the United Arab Emirates?"
WEB = Path(__file__).resolve().parents[2] / "src" / "actorgraph" / "serve" / "web"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SETTLED = "n => window.actorgraph.state.renders > n && window.actorgraph.state.loading === 0"


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("ACTORGRAPH_CHROMIUM") or shutil.which("chromium")
    if not executable:
        pytest.skip("Chromium not found: run scripts/setup (Debian package chromium) or set ACTORGRAPH_CHROMIUM")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Watched:
    """A page with every console error, page error and dialog recorded (dialogs are dismissed)."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1440, "height": 900})
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.problems.append(f"dialog: {dialog.type} {dialog.message}")
        dialog.dismiss()

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_selector("body[data-ready]")

    def renders(self) -> int:
        return self.page.evaluate("() => window.actorgraph.state.renders")

    def settle(self, before: int) -> None:
        """Wait until the graph was drawn again after `before` and nothing is loading."""
        self.page.wait_for_function(SETTLED, arg=before)

    def edges(self) -> list[dict]:
        return self.page.evaluate("() => window.actorgraph.cy.edges().map(e => e.data())")

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / name))

    def assert_clean(self) -> None:
        assert not self.problems, self.problems


@pytest.fixture
def watched(browser):
    item = Watched(browser)
    yield item
    item.context.close()


@pytest.fixture(scope="module")
def rsf(demo_server) -> str:
    found = get_json(demo_server.url + "/api/actors?q=RSF")["actors"]
    assert found and found[0]["name"] == "Rapid Support Forces"
    return found[0]["id"]


def open_actor(watched: Watched, server, actor_id: str) -> None:
    watched.open(f"{server.url}/#actor={urllib.parse.quote(actor_id, safe='')}")
    watched.page.wait_for_function(
        "id => window.actorgraph.state.actor === id && window.actorgraph.state.renders > 0"
        " && window.actorgraph.state.loading === 0", arg=actor_id)


def test_page_is_served_with_a_strict_content_security_policy(demo_server):
    with urllib.request.urlopen(demo_server.url + "/", timeout=30) as response:
        policy = response.headers["Content-Security-Policy"]
        html = response.read().decode()
    assert "default-src 'none'" in policy and "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"\sstyle=|\son[a-z]+=", html), "inline style or event handler attribute"
    for path in ("/static/app.js", "/static/app.css", "/vendor/cytoscape.min.js"):
        with urllib.request.urlopen(demo_server.url + path, timeout=30) as response:
            assert response.status == 200 and response.read()


def test_page_code_never_parses_data_as_html():
    code = (WEB / "app.js").read_text()
    for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                  "setAttribute('style'", 'setAttribute("style"'):
        assert risky not in code, risky


def test_search_an_actor_and_see_its_network(watched, demo_server, rsf):
    page = watched.page
    watched.open(demo_server.url + "/")
    page.fill("#search", "RSF")
    page.click("#search-button")
    result = page.locator(f'li.search-result[data-actor-id="{rsf}"]')
    result.wait_for()
    assert "Rapid Support Forces" in result.inner_text()
    before = watched.renders()
    result.click()
    watched.settle(before)
    assert page.evaluate("() => window.actorgraph.state.actor") == rsf
    assert page.evaluate("() => location.hash") == f"#actor={rsf}"
    assert page.evaluate("() => window.actorgraph.cy.edges().length") > 0
    assert page.evaluate("id => window.actorgraph.cy.$id(id).hasClass('center')", rsf)
    assert len(page.evaluate("() => window.actorgraph.cy.nodes().map(n => n.id())")) > 2
    page.locator("#panel h2.title", has_text="Rapid Support Forces").wait_for()
    watched.screenshot("graph.png")
    watched.assert_clean()


def test_edge_evidence_links_to_the_highlighted_span(watched, demo_server, rsf):
    page = watched.page
    open_actor(watched, demo_server, rsf)
    edge = max(watched.edges(), key=lambda e: e["evidence_total"])
    page.evaluate("id => window.actorgraph.cy.$id(id).emit('tap')", edge["id"])
    page.wait_for_selector(".evidence-item .quote")
    items = page.locator(".evidence-item")
    assert items.count() == edge["evidence_total"]
    first = items.first
    quote = first.locator(".quote").inner_text()
    meta = first.locator(".meta").inner_text()
    assert squash(quote) and edge["modality"] in page.locator("#panel").inner_text()
    assert "grade" in meta
    href = first.locator("a.doc-link").get_attribute("href")
    doc_id = urllib.parse.parse_qs(href.lstrip("#"))["doc"][0]
    document = get_json(f"{demo_server.url}/api/documents/{urllib.parse.quote(doc_id, safe='')}")
    assert squash(quote) in squash(document["text"])
    watched.screenshot("evidence.png")

    first.locator("a.doc-link").click()
    mark = page.locator("#document-view mark.evidence")
    mark.first.wait_for(state="visible")
    assert squash(quote) in squash(" ".join(mark.all_inner_texts()))
    assert page.locator("#document-view").is_visible()
    assert (document["title"] or document["name"]) in page.locator("#document-view").inner_text()
    watched.screenshot("document.png")

    page.go_back()
    page.wait_for_selector("#document-view", state="hidden")
    assert page.evaluate("() => location.hash") == f"#actor={rsf}"
    assert page.locator(".evidence-item").count() == edge["evidence_total"]
    watched.assert_clean()


def test_document_view_marks_rhetoric_with_its_technique(watched, demo_server):
    page = watched.page
    documents = get_json(demo_server.url + "/api/documents")["documents"]
    with_rhetoric = [d for d in documents
                     if get_json(f"{demo_server.url}/api/documents/{urllib.parse.quote(d['id'], safe='')}")["rhetoric"]]
    if not with_rhetoric:
        pytest.skip("no demo document has rhetoric spans")
    doc = get_json(f"{demo_server.url}/api/documents/{urllib.parse.quote(with_rhetoric[0]['id'], safe='')}")
    watched.open(f"{demo_server.url}/#doc={urllib.parse.quote(doc['id'], safe='')}")
    marks = page.locator("#document-view mark.rhetoric")
    marks.first.wait_for()
    labels = {span["label"] for span in doc["rhetoric"]}
    titles = [marks.nth(i).get_attribute("title") for i in range(marks.count())]
    assert titles and all(titles) and any(label in title for title in titles for label in labels)
    assert squash(page.locator("#document-view .doc-text").inner_text()) == squash(doc["text"])
    watched.assert_clean()


def test_time_slider_filters_by_date(watched, demo_server, rsf):
    page = watched.page
    open_actor(watched, demo_server, rsf)
    everything = len(watched.edges())
    dates = page.evaluate("() => window.actorgraph.state.dates")
    assert dates["min"] and dates["max"] and page.locator("#time-label").inner_text() == "all dates"

    before = watched.renders()
    page.focus("#time-slider")
    page.keyboard.press("Home")
    watched.settle(before)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", dates["min"]) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", dates["max"])
    assert page.locator("#time-label").inner_text() == dates["min"]
    assert page.evaluate("() => window.actorgraph.state.asOf") == dates["min"]
    earliest = len(watched.edges())
    assert earliest <= everything
    if dates["min"] < dates["max"]:
        assert earliest < everything

    before = watched.renders()
    page.keyboard.press("End")
    watched.settle(before)
    assert page.locator("#time-label").inner_text() == "all dates"
    assert len(watched.edges()) == everything
    watched.assert_clean()


def test_predicate_filter_keeps_only_that_predicate(watched, demo_server, rsf):
    page = watched.page
    open_actor(watched, demo_server, rsf)
    everything = watched.edges()
    predicates = sorted({e["predicate"] for e in everything})
    assert len(predicates) > 1
    keep = max(predicates, key=lambda p: sum(e["predicate"] == p for e in everything))
    before = watched.renders()
    for box in page.locator('#predicate-filters input[type="checkbox"]').all():
        if box.get_attribute("value") != keep:
            box.uncheck()
    watched.settle(before)
    remaining = watched.edges()
    assert remaining and {e["predicate"] for e in remaining} == {keep}
    assert len(remaining) == sum(e["predicate"] == keep for e in everything)

    before = watched.renders()
    page.click("#predicates-all")
    watched.settle(before)
    assert len(watched.edges()) == len(everything)
    watched.assert_clean()


def test_question_shows_the_answer_and_its_paths(watched, demo_server):
    page = watched.page
    watched.open(demo_server.url + "/")
    page.fill("#search", SEED)
    before = watched.renders()
    page.press("#search", "Enter")
    watched.settle(before)
    assert page.evaluate("() => decodeURIComponent(location.hash)") == f"#ask={SEED}"
    summary = page.locator("#panel .summary")
    assert "Rapid Support Forces" in summary.inner_text() and "United Arab Emirates" in summary.inner_text()
    caveats = page.locator("#panel .caveats")
    assert caveats.locator("h3").inner_text() == "Read with care" and caveats.locator("li").count() >= 1
    assert page.locator(".path-item").count() + page.locator(".claim-item").count() >= 1
    assert page.evaluate("() => window.actorgraph.cy.edges().length") > 0
    if page.locator(".path-item").count():
        page.locator(".path-item").first.click()
        assert page.evaluate("() => window.actorgraph.cy.$('.highlight').length") >= 3
        assert page.locator(".path-item.active").count() == 1
    watched.screenshot("path.png")

    page.locator(".claim-item button").first.click()
    page.wait_for_selector(".evidence-item .quote")

    before = watched.renders()
    page.go_back()
    watched.settle(before)
    assert page.evaluate("() => [location.hash, window.actorgraph.state.view]") == ["", "actor"]
    page.locator("#panel h2.title", has_text="Most connected actors").wait_for()
    watched.assert_clean()


def test_banner_and_edge_list_when_cytoscape_does_not_load(watched, demo_server, rsf):
    page = watched.page
    page.route("**/vendor/cytoscape.min.js",
               lambda route: route.fulfill(status=200, content_type="text/javascript", body="/* missing */"))
    open_actor(watched, demo_server, rsf)
    banner = page.locator("#banner")
    assert banner.is_visible() and "Cytoscape" in banner.inner_text()
    assert page.evaluate("() => window.actorgraph.cy") is None
    listed = page.locator("#graph .edge-list li button")
    assert listed.count() > 0
    listed.first.click()
    page.wait_for_selector(".evidence-item .quote")
    watched.assert_clean()


def test_document_text_cannot_run_script(watched, tmp_path):
    from actorgraph.pipeline import ingest
    from actorgraph.graph.store import Store

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "xss-report.txt").write_text(
        "M23 advance on Goma <script>alert(0)</script>\n\n"
        "Rwanda backs the M23 <img src=x onerror=alert(2)> rebels, according to UN experts. "
        "<script>alert(1)</script> The M23 controls Goma.\n")
    db = tmp_path / "xss.sqlite"
    store = Store.open(str(db))
    report = ingest([str(folder)], store)
    store.close()
    assert report.ok and report.relations >= 1
    server = LiveServer(db)
    try:
        page = watched.page
        m23 = get_json(server.url + "/api/actors?q=M23")["actors"][0]["id"]
        open_actor(watched, server, m23)
        edges = watched.edges()
        assert edges
        edge = next((e for e in edges if e["predicate"] == "supports"), edges[0])
        page.evaluate("id => window.actorgraph.cy.$id(id).emit('tap')", edge["id"])
        page.wait_for_selector(".evidence-item .quote")
        page.locator(".evidence-item a.doc-link").first.click()
        page.locator("#document-view mark.evidence").first.wait_for(state="visible")
        page.wait_for_timeout(300)  # time for an injected handler to fire, were there one
        text = page.locator("#document-view").inner_text()
        assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(2)>" in text
        assert page.locator("#document-view").get_by_text("<script>alert(1)</script>", exact=False).count() >= 1
        assert page.locator('img[src="x"]').count() == 0 and page.locator("img").count() == 0
        scripts = page.evaluate("() => [...document.scripts].map(s => s.getAttribute('src'))")
        assert scripts == ["/vendor/cytoscape.min.js", "/static/app.js"]
        watched.screenshot("xss-document.png")
        watched.assert_clean()
    finally:
        server.stop()
