"""The browser page against a real `actorgraph serve`, driven by Playwright in Debian's Chromium
(never a browser download): search, the actor network, the evidence panel, the document view with
the quote highlighted, the time slider, filters, the answer's path view, documents whose text
tries to run script, and the analyst's corrections (judge a quote, the review queue, add a relation
from selected words) on a fresh copy of the demo database. Every test fails on a console error, an uncaught page error or a dialog.
Screenshots go to tests/artifacts/screenshots/ (gitignored)."""
from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
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


def tap_edge(page, edge_id: str) -> None:
    """Tap an edge as a click would. The block returns nothing: Playwright would otherwise serialise
    the Cytoscape collection `emit` returns, gigabytes of it, and the page can crash."""
    page.evaluate("id => { window.actorgraph.cy.$id(id).emit('tap'); }", edge_id)


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
    for path in ("/static/app.js", "/static/judge.js", "/static/app.css", "/vendor/cytoscape.min.js"):
        with urllib.request.urlopen(demo_server.url + path, timeout=30) as response:
            assert response.status == 200 and response.read()


@pytest.mark.parametrize("name", ["app.js", "judge.js"])
def test_page_code_never_parses_data_as_html(name):
    code = (WEB / name).read_text()
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
    tap_edge(page, edge["id"])
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
        tap_edge(page, edge["id"])
        page.wait_for_selector(".evidence-item .quote")
        page.locator(".evidence-item a.doc-link").first.click()
        page.locator("#document-view mark.evidence").first.wait_for(state="visible")
        page.wait_for_timeout(300)  # time for an injected handler to fire, were there one
        text = page.locator("#document-view").inner_text()
        assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(2)>" in text
        assert page.locator("#document-view").get_by_text("<script>alert(1)</script>", exact=False).count() >= 1
        assert page.locator('img[src="x"]').count() == 0 and page.locator("img").count() == 0
        scripts = page.evaluate("() => [...document.scripts].map(s => s.getAttribute('src'))")
        assert scripts == ["/vendor/cytoscape.min.js", "/static/judge.js", "/static/app.js"]
        watched.screenshot("xss-document.png")
        watched.assert_clean()
    finally:
        server.stop()


# ---------- the analyst's corrections: each test writes to its own copy of the demo database ----------

REJECTED = "The court did not rule on whether the UAE supported the RSF."
RELABELLED = "Fighting between the Sudanese Armed Forces (SAF) and the paramilitary Rapid Support Forces (RSF)"
MISSED = "From 2015, RSF fighters also served in Yemen with the coalition led by Saudi Arabia and the United Arab Emirates (UAE)."


@pytest.fixture
def judged_server(demo_db, tmp_path):
    """A server over a fresh copy of the demo database (SQLite's backup, so a shared server's
    open file is copied whole): judgement tests write to it, the shared demo server stays as it was."""
    db = tmp_path / "judged.sqlite"
    with sqlite3.connect(demo_db) as source, sqlite3.connect(db) as target:
        source.backup(target)
    source.close(), target.close()
    server = LiveServer(db)
    yield server
    server.stop()


def actor_id(server, name: str) -> str:
    return get_json(server.url + "/api/actors?q=" + urllib.parse.quote(name))["actors"][0]["id"]


def ask_quotes(server, question: str = SEED) -> set[str]:
    """Every quote the JSON answer to `question` shows, direct and along its paths."""
    answer = get_json(server.url + "/api/ask?q=" + urllib.parse.quote(question))
    claims = answer["direct"] + [c for p in answer["paths"] for c in p["edges"]]
    return {squash(e["text"]) for c in claims for e in c["evidence"]}


def claim_of(server, subject: str, predicate: str, obj: str) -> dict:
    query = urllib.parse.urlencode({"subject": subject, "predicate": predicate, "object": obj})
    return get_json(f"{server.url}/api/claim?{query}")["claim"]


def open_claim(watched: Watched, edge_id: str) -> None:
    """Tap an edge of the graph and wait for its claim's quotes in the evidence panel."""
    page = watched.page
    assert page.evaluate("id => window.actorgraph.cy.$id(id).length", edge_id), f"no edge {edge_id}"
    page.evaluate("() => { const p = document.getElementById('panel'); p.replaceChildren(); }")
    tap_edge(page, edge_id)
    page.wait_for_selector("#panel h3")


def quote_item(watched: Watched, text: str, rejected: bool = False):
    kind = ".rejected-item" if rejected else ".evidence-item:not(.rejected-item)"
    return watched.page.locator(f"#panel {kind}", has=watched.page.locator(".quote", has_text=text))


def select_words(page, needle: str) -> None:
    """Select `needle` in the document view's text as a user would with the mouse (the selection
    may start and end in different text nodes, around highlights), and wait for "Add relation"."""
    page.evaluate("""needle => {
      const body = document.querySelector('#document-view .doc-text');
      const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
      const nodes = []; let all = '';
      for (let n = walker.nextNode(); n; n = walker.nextNode()) { nodes.push([n, all.length]); all += n.data; }
      const at = all.indexOf(needle);
      const point = (i) => nodes.filter(([n, off]) => off <= i && i <= off + n.data.length).pop();
      const [a, aOff] = point(at), [b, bOff] = point(at + needle.length);
      const range = document.createRange();
      range.setStart(a, at - aOff); range.setEnd(b, at + needle.length - bOff);
      getSelection().removeAllRanges(); getSelection().addRange(range);
    }""", needle)
    page.wait_for_function("() => !document.getElementById('add-relation').disabled")


def test_reject_and_relabel_quotes_are_kept_and_leave_the_answer(watched, judged_server):
    page, server = watched.page, judged_server
    rsf, uae, saf = (actor_id(server, name) for name in ("RSF", "UAE", "SAF"))
    supports, cooperates, hostile = f"{uae}|supports|{rsf}", f"{rsf}|cooperates_with|{saf}", f"{saf}|hostile_to|{rsf}"
    assert REJECTED in ask_quotes(server)
    open_actor(watched, server, rsf)

    open_claim(watched, supports)
    total = page.locator("#panel .evidence-item").count()
    assert total == claim_of(server, uae, "supports", rsf)["evidence_total"] >= 2
    for item in page.locator("#panel .evidence-item").all():
        assert [b.inner_text() for b in item.locator(".judge-actions button").all()] == ["Confirm", "Reject", "Edit"]
    assert page.locator("#panel .rejected").count() == 0
    before = watched.renders()
    quote_item(watched, REJECTED).locator("button.judge-reject").click()
    quote_item(watched, REJECTED, rejected=True).wait_for()
    watched.settle(before)  # the graph was drawn again
    assert page.locator("#panel .rejected h3").inner_text() == "Rejected by analyst (1)"
    assert quote_item(watched, REJECTED).count() == 0
    assert page.locator("#panel .evidence-item:not(.rejected-item)").count() == total - 1
    assert "line-through" in quote_item(watched, REJECTED, rejected=True).locator(".quote").evaluate(
        "q => getComputedStyle(q).textDecorationLine")

    # "Fighting between the SAF and the RSF" is no cooperation: relabel it hostile_to.
    open_claim(watched, cooperates)
    item = quote_item(watched, RELABELLED)
    item.locator("button.judge-edit").click()
    form = item.locator("form.judge-form")
    form.wait_for()
    assert form.locator("select[name=predicate]").input_value() == "cooperates_with"
    assert form.locator("select[name=predicate] option").count() == 13
    assert form.locator("select[name=modality] option").count() == 6
    # the instance's own direction, though the (symmetric) claim reads the other way round
    assert form.locator("input[name=subject]").input_value() == "Sudanese Armed Forces"
    assert form.locator("input[name=object]").input_value() == "Rapid Support Forces"
    form.locator("select[name=predicate]").select_option("hostile_to")
    form.locator("input[name=note]").fill("they fight each other")
    watched.screenshot("judge-evidence-panel.png")
    before = watched.renders()
    form.locator("button[type=submit]").click()
    page.locator("#panel .notice", has_text="Relabelled").wait_for()
    watched.settle(before)
    assert quote_item(watched, RELABELLED).count() == 0
    assert "relabelled away" in quote_item(watched, RELABELLED, rejected=True).locator(".meta").inner_text()

    made = get_json(server.url + "/api/judgements")["judgements"]
    assert sorted(j["verdict"] for j in made) == ["reject", "relabel"]
    relabel = next(j for j in made if j["verdict"] == "relabel")
    assert (relabel["new_subject_id"], relabel["new_predicate"], relabel["new_object_id"]) == (saf, "hostile_to", rsf)
    assert (relabel["predicate"], relabel["note"]) == ("cooperates_with", "they fight each other")

    page.reload()
    page.wait_for_selector("body[data-ready]")
    page.wait_for_function("() => window.actorgraph.state.renders > 0 && window.actorgraph.state.loading === 0")
    open_claim(watched, supports)
    kept = quote_item(watched, REJECTED, rejected=True)
    kept.wait_for()
    assert quote_item(watched, REJECTED).count() == 0
    assert kept.locator("button.undo").is_visible()
    kept.scroll_into_view_if_needed()
    watched.screenshot("judge-rejected-after-reload.png")

    open_claim(watched, hostile)
    moved = quote_item(watched, RELABELLED)
    assert moved.locator(".badge.analyst").inner_text() == "relabelled by analyst"
    open_claim(watched, cooperates)
    assert quote_item(watched, RELABELLED).count() == 0 and quote_item(watched, RELABELLED, rejected=True).count() == 1

    answer = get_json(server.url + "/api/ask?q=" + urllib.parse.quote(SEED))
    claims = answer["direct"] + [c for p in answer["paths"] for c in p["edges"]]
    assert REJECTED not in ask_quotes(server)
    assert not [c for c in claims if c["predicate"] == "cooperates_with"
                and any(RELABELLED in e["text"] for e in c["evidence"])]
    assert REJECTED not in squash(json.dumps(claim_of(server, uae, "supports", rsf)["evidence"]))

    open_claim(watched, supports)  # Undo takes the rejection back: the quote counts again
    quote_item(watched, REJECTED, rejected=True).locator("button.undo").click()
    quote_item(watched, REJECTED).wait_for()
    assert page.locator("#panel .rejected").count() == 0
    assert REJECTED in ask_quotes(server)
    assert [j["verdict"] for j in get_json(server.url + "/api/judgements")["judgements"]] == ["relabel"]

    open_claim(watched, hostile)  # and the relabel: the quote is back under its first claim
    quote_item(watched, RELABELLED).locator("button.undo").click()
    page.locator("#panel .notice", has_text="taken back").wait_for()
    assert quote_item(watched, RELABELLED).count() == 0
    open_claim(watched, cooperates)
    assert quote_item(watched, RELABELLED).count() == 1 and page.locator("#panel .rejected").count() == 0
    assert get_json(server.url + "/api/judgements")["judgements"] == []
    watched.assert_clean()


def test_review_queue_is_judged_with_the_keyboard(watched, judged_server):
    page, server = watched.page, judged_server
    watched.open(server.url + "/")
    page.click("#nav-review")
    page.wait_for_selector("#review-view .review-item.selected")
    assert page.evaluate("() => location.hash") == "#review"
    queue = get_json(server.url + "/api/review?limit=100")["relations"]
    items = page.locator("#review-view .review-item")
    assert items.count() == len(queue) > 2
    ids = [int(x) for x in page.eval_on_selector_all("#review-view .review-item", "els => els.map(e => e.dataset.relationId)")]
    assert ids == [r["relation_id"] for r in queue]
    selected = lambda: int(page.locator("#review-view .review-item.selected").get_attribute("data-relation-id"))  # noqa: E731
    assert selected() == ids[0]
    page.keyboard.press("j")
    assert selected() == ids[1]
    page.keyboard.press("ArrowDown")
    assert selected() == ids[2]
    page.keyboard.press("k")
    page.keyboard.press("ArrowUp")
    assert selected() == ids[0]

    page.fill("#search", "")
    page.focus("#search")
    page.keyboard.type("cr e")  # typing in an input is not a shortcut
    page.wait_for_timeout(300)
    assert items.count() == len(queue) and get_json(server.url + "/api/judgements")["judgements"] == []
    assert page.locator("#review-view form").count() == 0
    page.fill("#search", "")
    page.evaluate("() => document.activeElement.blur()")

    page.keyboard.press("e")  # the edit form opens on the selected item, Escape closes it
    form = page.locator("#review-view .review-item.selected form.judge-form")
    form.wait_for()
    page.keyboard.press("r")  # focus is in the form's select: not a shortcut
    page.keyboard.press("Escape")
    form.wait_for(state="detached")
    assert items.count() == len(queue)

    first = queue[0]
    page.keyboard.press("r")
    page.locator(f'#review-view .review-item[data-relation-id="{ids[0]}"]').wait_for(state="detached")
    assert selected() == ids[1]
    made = get_json(server.url + "/api/judgements")["judgements"]
    assert len(made) == 1 and made[0]["verdict"] == "reject"
    assert (made[0]["subject_id"], made[0]["predicate"], made[0]["object_id"], made[0]["evidence_start"]) == (
        first["subject"]["id"], first["predicate"], first["object"]["id"], first["evidence"]["start"])
    assert ids[0] not in [r["relation_id"] for r in get_json(server.url + "/api/review?limit=500")["relations"]]
    page.locator("#panel .judged li", has_text="reject").wait_for()
    watched.screenshot("review-queue.png")

    page.keyboard.press("c")
    page.locator(f'#review-view .review-item[data-relation-id="{ids[1]}"]').wait_for(state="detached")
    assert sorted(j["verdict"] for j in get_json(server.url + "/api/judgements")["judgements"]) == ["confirm", "reject"]
    page.locator("#panel .judged li", has_text="confirm").locator("button.undo").click()  # Undo puts it back
    page.locator(f'#review-view .review-item[data-relation-id="{ids[1]}"]').wait_for()
    assert [j["verdict"] for j in get_json(server.url + "/api/judgements")["judgements"]] == ["reject"]

    # From an answer: review only what it rests on.
    before = watched.renders()
    page.goto(f"{server.url}/#ask={urllib.parse.quote(SEED)}")
    watched.settle(before)
    page.click("#review-answer")
    page.wait_for_function("() => decodeURIComponent(location.hash).startsWith('#review=')")
    page.wait_for_function("() => window.actorgraph.state.review.loaded && window.actorgraph.state.loading === 0")
    behind = get_json(server.url + "/api/review?limit=100&q=" + urllib.parse.quote(SEED))["relations"]
    assert behind and len(behind) < len(queue)
    shown = page.eval_on_selector_all("#review-view .review-item", "els => els.map(e => Number(e.dataset.relationId))")
    assert shown == [r["relation_id"] for r in behind]
    assert SEED in page.locator("#review-view").inner_text()
    watched.assert_clean()


def test_add_a_relation_from_selected_words_of_a_document(watched, judged_server):
    page, server = watched.page, judged_server
    rsf, saudi = actor_id(server, "RSF"), actor_id(server, "Saudi Arabia")
    documents = get_json(server.url + "/api/documents")["documents"]
    doc_id = next(d["id"] for d in documents if d["name"] == "02-rsf-origins")
    doc = get_json(f"{server.url}/api/documents/{doc_id}")
    start = doc["text"].index(MISSED)
    assert not any(r["start"] <= start < r["end"] and {r["subject"], r["object"]} == {"Rapid Support Forces",
                   "Saudi Arabia"} for r in doc["relations"])  # the extractor missed the link it states
    shown = next(r for r in doc["relations"] if r["end"] <= start)  # a quote before it, highlighted: an element
    open_actor(watched, server, rsf)
    page.evaluate("h => { location.hash = h; }", f"#doc={doc_id}&start={shown['start']}&end={shown['end']}")
    page.locator("#document-view mark.evidence").wait_for()
    button = page.locator("#add-relation")
    assert button.is_disabled()

    select_words(page, " " + MISSED)  # with the space before it, in the text after the highlight
    button.click()
    form = page.locator("#panel form.add-form")
    form.wait_for()
    assert squash(page.locator("#panel blockquote.quote").inner_text()) == MISSED
    form.locator("input[name=subject]").fill("Rapid Support Forces")
    form.locator("select[name=predicate]").select_option("mediates")
    assert form.locator("input[name=object2]").is_visible()
    form.locator("select[name=predicate]").select_option("cooperates_with")
    assert not form.locator("input[name=object2]").is_visible()
    form.locator("input[name=object]").fill("Saudi Arabia")
    form.locator("button[type=submit]").click()
    page.locator("#panel h2.title", has_text="Relation added").wait_for()
    page.wait_for_function("() => window.actorgraph.state.loading === 0")
    mark = page.locator("#document-view mark.evidence")
    mark.wait_for()
    assert squash(mark.inner_text()) == MISSED
    watched.screenshot("judge-add-from-span.png")

    made = get_json(f"{server.url}/api/judgements?document={doc_id}")["judgements"]
    assert len(made) == 1
    added = made[0]
    assert added["verdict"] == "add"
    assert (added["evidence_start"], added["evidence_end"]) == (start, start + len(MISSED))
    assert (added["new_subject_id"], added["new_predicate"], added["new_object_id"]) == (rsf, "cooperates_with", saudi)
    claim = claim_of(server, rsf, "cooperates_with", saudi)
    assert [(e["text"], e["judgement"]) for e in claim["evidence"]] == [(MISSED, "added")]
    listed = get_json(f"{server.url}/api/documents/{doc_id}")["relations"]
    assert any(r["judgement"] == "added" and r["start"] == start for r in listed)

    page.locator("#panel button", has_text="Show its evidence").click()
    item = quote_item(watched, MISSED)
    item.wait_for()
    assert item.locator(".badge.analyst").inner_text() == "added by analyst"
    watched.assert_clean()


def test_an_added_relation_may_name_a_new_actor(watched, judged_server):
    page, server = watched.page, judged_server
    documents = get_json(server.url + "/api/documents")["documents"]
    doc_id = next(d["id"] for d in documents if d["name"] == "02-rsf-origins")
    shown = get_json(f"{server.url}/api/documents/{doc_id}")["relations"][0]
    open_actor(watched, server, actor_id(server, "RSF"))
    page.evaluate("h => { location.hash = h; }", f"#doc={doc_id}&start={shown['start']}&end={shown['end']}")
    page.locator("#document-view mark.evidence").wait_for()
    select_words(page, MISSED)
    page.locator("#add-relation").click()
    form = page.locator("#panel form.add-form")
    form.wait_for()
    form.locator("input[name=subject]").fill("Yemen coalition command")
    form.locator("select[name=predicate]").select_option("cooperates_with")
    form.locator("input[name=object]").fill("Rapid Support Forces")
    form.locator("button[type=submit]").click()
    page.locator("#panel .form-status", has_text="give its type").wait_for()
    form.locator("select[name=subject_type]").select_option("armed_group")
    watched.screenshot("judge-add-new-actor-form.png")
    form.locator("button[type=submit]").click()
    page.locator("#panel h2.title", has_text="Relation added").wait_for()
    watched.screenshot("judge-add-new-actor.png")
    found = get_json(server.url + "/api/actors?q=Yemen%20coalition%20command")["actors"]
    assert [(a["name"], a["type"], a["relations"]) for a in found] == [("Yemen coalition command", "armed_group", 1)]
    assert watched.problems == ["console: Failed to load resource: the server responded with a status of 404 "
                                "(Not Found)"], "only the refusal of the unknown name"


def test_added_span_offsets_count_code_points_like_the_server(watched, tmp_path):
    """Python counts characters in code points, JavaScript in UTF-16 units: with emoji before and
    inside the selection the stored span is still the selected words, and is highlighted as such."""
    from actorgraph.graph.store import Store
    from actorgraph.pipeline import ingest

    folder = tmp_path / "docs"
    folder.mkdir()
    sentence = "The Sudanese Armed Forces \U0001FA96 shelled positions of the Rapid Support Forces near the airport."
    text = ("Sudan \U0001F1F8\U0001F1E9 war diary\n\n\U0001F525 Fighting continued in Khartoum on Monday. "
            f"{sentence} \U0001F610 Residents fled.\n")
    (folder / "emoji-diary.txt").write_text(text)
    db = tmp_path / "emoji.sqlite"
    store = Store.open(str(db))
    assert ingest([str(folder)], store).ok
    store.close()
    server = LiveServer(db)
    try:
        page = watched.page
        saf, rsf = actor_id(server, "SAF"), actor_id(server, "RSF")
        doc = get_json(server.url + "/api/documents")["documents"][0]
        stored = get_json(f"{server.url}/api/documents/{doc['id']}")["text"]
        start = stored.index(sentence)  # in code points
        watched.open(f"{server.url}/#doc={urllib.parse.quote(doc['id'], safe='')}")
        page.locator("#document-view .doc-text").wait_for()
        select_words(page, sentence + " ")
        page.click("#add-relation")
        form = page.locator("#panel form.add-form")
        form.wait_for()
        assert page.locator("#panel blockquote.quote").inner_text() == sentence
        form.locator("input[name=subject]").fill("Sudanese Armed Forces")
        form.locator("select[name=predicate]").select_option("hostile_to")
        form.locator("input[name=object]").fill("Rapid Support Forces")
        form.locator("button[type=submit]").click()
        page.locator("#panel h2.title", has_text="Relation added").wait_for()
        added = get_json(f"{server.url}/api/judgements")["judgements"]
        assert [(j["evidence_start"], j["evidence_end"], j["new_subject_id"], j["new_object_id"]) for j in added] == [
            (start, start + len(sentence), saf, rsf)]
        assert stored[added[0]["evidence_start"]:added[0]["evidence_end"]] == sentence
        mark = page.locator("#document-view mark.evidence")
        mark.wait_for()
        assert mark.inner_text() == sentence
        watched.assert_clean()
    finally:
        server.stop()
