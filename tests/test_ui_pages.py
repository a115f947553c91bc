"""The UI's server side: vendored assets, no CDN, page headers, home page, editor vocabulary."""

from __future__ import annotations

import hashlib
import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from SPARQLWrapper import JSON, SPARQLWrapper

from newsgraph.queries.catalog import load_queries
from newsgraph.server.search import correct
from newsgraph.server.views import VIEWS

from .conftest import BASE, NG

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "server" / "static" / "vendor"
MANIFEST = json.loads((VENDOR / "MANIFEST.json").read_text())
LOCK = json.loads((ROOT / "frontend" / "package-lock.json").read_text())
PAGES = ["", "sparql", "timeline", "network", "queries", "queries/who-met-whom", "search?q=Iraq"]
VIEW_QUERIES = [q for q in load_queries(BASE) if q.view in ("timeline", "graph")]


class Resources(HTMLParser):
    """Collect what a page loads: scripts, stylesheets, images, frames."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("script", "img", "iframe") and found.get("src"):
            self.loaded.append(found["src"])
        if tag == "link" and found.get("href"):
            self.loaded.append(found["href"])


def resources_of(html: str) -> list[str]:
    parser = Resources()
    parser.feed(html)
    return parser.loaded


@pytest.mark.parametrize("package", MANIFEST)
def test_vendored_version_is_the_locked_one(package):
    assert MANIFEST[package]["version"] == LOCK["packages"][f"node_modules/{package}"]["version"]


@pytest.mark.parametrize("package", MANIFEST)
def test_vendored_files_are_the_ones_recorded(package):
    folder = VENDOR / MANIFEST[package]["dir"]
    for name, digest in MANIFEST[package]["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("package", MANIFEST)
def test_vendored_package_carries_its_license(package):
    text = (VENDOR / MANIFEST[package]["dir"] / "LICENSE").read_text()
    assert "MIT" in text or "Apache" in text


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_nothing_from_another_host(server, path):
    page = requests.get(server + path, headers={"Accept": "text/html"})
    loaded = resources_of(page.text)
    assert loaded
    assert [u for u in loaded if urlsplit(u).netloc or u.startswith("//")] == []


@pytest.mark.parametrize("path", PAGES)
def test_page_forbids_other_hosts_and_inline_scripts(server, path):
    page = requests.get(server + path, headers={"Accept": "text/html"})
    policy = dict(
        part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["default-src"] == "'self'"


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_only_files_the_server_has(server, path):
    page = requests.get(server + path, headers={"Accept": "text/html"})
    for url in resources_of(page.text):
        if not url.startswith("data:"):
            assert requests.get(server + url.lstrip("/")).status_code == 200, url


def test_vendored_script_is_served_as_javascript(server):
    response = requests.get(server + "static/vendor/yasgui/yasgui.min.js")
    assert response.headers["Content-Type"].split(";")[0] in (
        "text/javascript",
        "application/javascript",
    )


def test_home_counts_match_the_endpoint(server, endpoint):
    client = SPARQLWrapper(endpoint, returnFormat=JSON)
    client.setQuery(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a a <{NG}NewsArticle> }}")
    articles = client.query().convert()["results"]["bindings"][0]["n"]["value"]
    page = requests.get(server).text
    assert f"<strong>{articles}</strong> articles" in page


def test_home_lists_every_saved_query(server):
    page = requests.get(server).text
    for query in load_queries(BASE):
        assert f'data-query="{query.name}"' in page


def test_editor_vocabulary_has_our_prefixes(server):
    prefixes = requests.get(server + "sparql/vocabulary").json()["prefixes"]
    assert prefixes["ng"] == NG
    assert prefixes["actor"] == f"{BASE}id/actor/"


def test_editor_vocabulary_has_every_class_the_data_uses(server, endpoint):
    client = SPARQLWrapper(endpoint, returnFormat=JSON)
    client.setQuery("SELECT DISTINCT ?c WHERE { ?s a ?c }")
    used = {b["c"]["value"] for b in client.query().convert()["results"]["bindings"]}
    classes = set(requests.get(server + "sparql/vocabulary").json()["classes"])
    assert used <= classes
    assert f"{NG}Meeting" in classes


def test_editor_vocabulary_has_the_ontology_properties(server):
    properties = requests.get(server + "sparql/vocabulary").json()["properties"]
    assert f"{NG}hasParticipant" in properties


def test_search_answers_the_corrected_spelling(server):
    found = requests.get(server + "search", params={"q": "Soleimanni", "format": "json"}).json()
    assert found["corrected"] == "soleimani"
    assert any(hit["href"] == "/id/actor/qasem-soleimani" for hit in found["results"])


def test_search_matches_every_word_in_any_order(server):
    found = requests.get(server + "search", params={"q": "kadhimi mustafa", "format": "json"})
    assert found.json()["results"][0]["href"] == "/id/actor/mustafa-al-kadhimi"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("kadimi", "kadhimi"), ("iraq", "iraq"), ("xq", "xq"), ("zzzzzzzz", "zzzzzzzz")],
)
def test_correct_replaces_only_unknown_words(text, expected):
    assert correct(text, ["al", "iraq", "kadhimi", "mustafa"]) == expected


@pytest.mark.parametrize("path", ["timeline", "network"])
def test_view_of_an_unknown_query_is_404(server, path):
    response = requests.get(f"{server}{path}", params={"query": "no-such-query"})
    assert response.status_code == 404


def test_view_of_a_query_with_another_view_is_404(server):
    response = requests.get(f"{server}timeline", params={"query": "who-met-whom"})
    assert response.status_code == 404


@pytest.mark.parametrize("query", VIEW_QUERIES, ids=lambda q: q.name)
def test_view_query_selects_the_columns_its_view_needs(server, query):
    response = requests.get(
        f"{server}queries/{query.name}", headers={"Accept": "application/sparql-results+json"}
    )
    columns = set(response.json()["head"]["vars"])
    assert set(VIEWS[query.view].required) <= columns


@pytest.mark.parametrize("query", VIEW_QUERIES, ids=lambda q: q.name)
def test_view_query_page_links_to_its_picture(server, query):
    page = requests.get(f"{server}queries/{query.name}", headers={"Accept": "text/html"}).text
    assert f"?query={query.name}" in page
