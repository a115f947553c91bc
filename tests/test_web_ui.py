"""The web UI in a real browser: headless Chromium (Debian's) driven by Playwright.

Every page loads without console errors and without a request to any host but the server;
saved queries open in the editor and run; the timeline and the network draw one item per row
of their saved query. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from playwright import sync_api as playwright_api

from newsgraph.queries.catalog import load_queries

from .conftest import BASE

CHROMIUM = os.environ.get("NEWSGRAPH_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
# As the machine's own browser check starts it: no first-run, sync or background fetches.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = {
    "home": "",
    "editor": "sparql",
    "timeline": "timeline",
    "network": "network",
    "catalogue": "queries",
    "saved-query": "queries/who-met-whom",
    "search": "search?q=Kadhemi",
    "actor": "id/actor/mustafa-al-kadhimi",
    "ontology": "ontology",
    "void": "void",
}
VIEW_QUERIES = [q for q in load_queries(BASE) if q.view in ("timeline", "graph")]


@dataclass
class Tab:
    """A browser page with what it logged and every request it tried to make."""

    page: object
    server: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        response = self.page.goto(self.server + path, wait_until="networkidle")
        assert response.status == 200, f"{path}: HTTP {response.status}"

    def outside(self) -> list[str]:
        return [u for u in self.requests if urlsplit(u).hostname not in ("127.0.0.1", None)]

    def shoot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        pytest.fail(f"no Chromium at {CHROMIUM}: `make test` installs Debian's chromium")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def tab(browser, server) -> Iterator[Tab]:
    """A fresh browser context; requests to any other host are recorded and refused."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    opened = Tab(page, server)
    page.on("console", lambda m: m.type == "error" and opened.errors.append(m.text))
    page.on("pageerror", lambda e: opened.errors.append(str(e)))

    def guard(route):
        opened.requests.append(route.request.url)
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            route.abort()

    context.route("**/*", guard)
    yield opened
    context.close()


def rows_of(server: str, name: str) -> list[dict[str, str]]:
    """Return a saved query's rows from its API, as plain values."""
    response = requests.get(
        f"{server}queries/{name}", headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200
    bindings = response.json()["results"]["bindings"]
    return [{k: v["value"] for k, v in b.items()} for b in bindings]


def wait_for_status(tab: Tab, element: str) -> None:
    """Wait until a view reports what it drew (or its error)."""
    tab.page.wait_for_function(
        f"() => document.getElementById('{element}').dataset.count !== undefined"
        f" || document.getElementById('{element}').dataset.edges !== undefined"
        " || document.getElementById('status').classList.contains('error')",
        timeout=20000,
    )
    assert "error" not in (tab.page.get_attribute("#status", "class") or "")


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_without_console_errors(tab, name):
    tab.open(PAGES[name])
    tab.page.wait_for_timeout(500)
    tab.shoot(name)
    assert tab.errors == []


@pytest.mark.parametrize("name", PAGES)
def test_page_requests_only_this_server(tab, name):
    tab.open(PAGES[name])
    tab.page.wait_for_timeout(500)
    assert tab.requests
    assert tab.outside() == []


def run_in_editor(tab: Tab) -> int:
    """Wait for the editor's active tab to show results; return how many rows it got."""
    tab.page.wait_for_selector(".yasr table tbody tr, .yasr .boolean", timeout=20000)
    return tab.page.evaluate(
        "() => { const r = window.newsgraphEditor.getTab().getYasr().results;"
        " return r.getBoolean() !== undefined ? -1 : r.getBindings().length; }"
    )


def test_saved_query_page_opens_it_in_the_editor_and_runs_it(tab, server):
    tab.open("queries/who-met-whom")
    tab.page.click("text=Open in the SPARQL editor")
    assert run_in_editor(tab) == len(rows_of(server, "who-met-whom"))
    tab.shoot("editor-saved-query")
    assert tab.errors == [] and tab.outside() == []


def test_home_gallery_opens_a_query_in_the_editor(tab, server):
    tab.open("")
    tab.page.click("li[data-query='groups-iran-backs'] a.open-in-editor")
    assert run_in_editor(tab) == len(rows_of(server, "groups-iran-backs"))


def test_editor_list_opens_a_saved_query_in_a_new_tab(tab, server):
    tab.open("sparql")
    tab.page.click("details.saved summary")
    tab.page.click("a[data-name='who-holds-which-office']")
    assert run_in_editor(tab) == len(rows_of(server, "who-holds-which-office"))
    assert tab.page.locator(".tabsList .tab").count() == 2


def test_editor_runs_the_example_query(tab):
    tab.open("sparql")
    tab.page.click(".yasqe_queryButton")
    assert run_in_editor(tab) > 0
    assert tab.errors == [] and tab.outside() == []


def test_editor_completes_classes_from_this_dataset(tab):
    tab.open("sparql")
    tab.page.evaluate(
        "() => window.newsgraphEditor.getTab().getYasqe().setValue("
        f"'PREFIX ng: <{BASE}ontology#>\\nSELECT * WHERE {{ ?x a ng:Meet')"
    )
    tab.page.evaluate(
        "() => { const y = window.newsgraphEditor.getTab().getYasqe();"
        " y.focus(); y.setCursor(y.lineCount() - 1, 1000); y.autocomplete(); }"
    )
    hints = tab.page.wait_for_selector(".CodeMirror-hints", timeout=10000)
    assert "ng:Meeting" in hints.inner_text()
    assert tab.outside() == []


def test_timeline_draws_one_item_per_row(tab, server):
    tab.open("timeline")
    wait_for_status(tab, "timeline")
    # vis draws only the lanes in view: unfold them all, and show every year
    tab.page.evaluate(
        "() => { const t = window.newsgraphTimeline.timeline;"
        " t.setOptions({maxHeight: 100000}); t.fit({animation: false}); }"
    )
    tab.page.wait_for_timeout(500)
    drawn = tab.page.locator("#timeline .vis-item.vis-point, #timeline .vis-item.vis-range")
    assert drawn.count() == len(rows_of(server, "timeline-of-dated-events"))
    tab.shoot("timeline-all")


def test_timeline_filters_by_actor(tab, server):
    actor = f"{BASE}id/actor/joe-biden"
    expected = [
        r
        for r in rows_of(server, "timeline-of-dated-events")
        if actor in re.findall(r"^(\S+)", r.get("actors", ""), re.MULTILINE)
    ]
    tab.open("timeline")
    wait_for_status(tab, "timeline")
    tab.page.select_option("select[name=actor]", actor)
    assert tab.page.get_attribute("#timeline", "data-count") == str(len(expected))
    assert expected


def test_timeline_filters_by_type_and_source(tab, server):
    article = f"{BASE}id/article/001_a192b53368528f14"
    rows = rows_of(server, "timeline-of-dated-events")
    expected = [r for r in rows if r.get("type") == "Meeting" and r["article"] == article]
    tab.open("timeline")
    wait_for_status(tab, "timeline")
    tab.page.select_option("select[name=type]", "Meeting")
    tab.page.select_option("select[name=source]", article)
    assert tab.page.get_attribute("#timeline", "data-count") == str(len(expected))


def test_timeline_click_opens_the_event_page(tab):
    tab.open("timeline")
    wait_for_status(tab, "timeline")
    tab.page.select_option("select[name=type]", "Meeting")
    with tab.page.expect_navigation():
        tab.page.locator("#timeline .vis-item.vis-point").first.click()
    assert re.search(r"/id/event/[^/]+$", tab.page.url)
    assert tab.page.locator("h1").count() == 1


def test_network_draws_every_actor_and_link(tab, server):
    rows = rows_of(server, "who-met-whom")
    actors = {r["source"] for r in rows} | {r["target"] for r in rows}
    tab.open("network")
    wait_for_status(tab, "network")
    drawn = tab.page.evaluate(
        "() => [window.newsgraphNetwork.nodes().length, window.newsgraphNetwork.edges().length]"
    )
    assert drawn == [len(actors), len(rows)]
    tab.shoot("network-all")


def test_network_edges_are_labelled_by_event_type(tab, server):
    rows = rows_of(server, "who-met-whom")
    tab.open("network")
    wait_for_status(tab, "network")
    labels = tab.page.evaluate("() => window.newsgraphNetwork.edges().map(e => e.data('label'))")
    assert sorted(labels) == sorted(r.get("label", "") for r in rows)


def test_network_filters_by_event_type(tab, server):
    meetings = [r for r in rows_of(server, "who-met-whom") if r.get("label") == "Meeting"]
    tab.open("network")
    wait_for_status(tab, "network")
    tab.page.select_option("select[name=type]", "Meeting")
    assert tab.page.get_attribute("#network", "data-edges") == str(len(meetings))


def test_network_click_opens_the_actor_page(tab):
    iri = f"{BASE}id/actor/mustafa-al-kadhimi"
    tab.open("network")
    wait_for_status(tab, "network")
    box = tab.page.locator("#network").bounding_box()
    where = tab.page.evaluate(
        f"() => window.newsgraphNetwork.getElementById('{iri}').renderedPosition()"
    )
    with tab.page.expect_navigation():
        tab.page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])
    assert tab.page.url.endswith("/id/actor/mustafa-al-kadhimi")


@pytest.mark.parametrize("query", VIEW_QUERIES, ids=lambda q: q.name)
def test_every_view_query_is_drawn(tab, server, query):
    page = "timeline" if query.view == "timeline" else "network"
    tab.open(f"{page}?query={query.name}")
    wait_for_status(tab, page)
    count = "data-count" if page == "timeline" else "data-edges"
    assert tab.page.get_attribute(f"#{page}", count) == str(len(rows_of(server, query.name)))


def test_home_search_tolerates_a_typo(tab):
    tab.open("")
    tab.page.fill("input[name=q]", "Kadimi")
    with tab.page.expect_navigation():
        tab.page.press("input[name=q]", "Enter")
    assert tab.page.locator("a[href='/id/actor/mustafa-al-kadhimi']").count() == 1
    assert "“kadhimi”" in tab.page.inner_text("p.corrected")
