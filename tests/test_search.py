"""Label search: other spellings find the resource, ranking, bound parameters, both formats."""

from __future__ import annotations

import pytest
import requests


def search(server: str, q: str) -> list[dict]:
    response = requests.get(
        server + "search", params={"q": q}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200
    return response.json()["results"]


def test_another_spelling_finds_the_actor(server):
    hits = search(server, "al-Kazemi")
    assert hits[0]["href"] == "/id/actor/mustafa-al-kadhimi"
    assert hits[0]["matched"] == "al-Kazemi"


def test_exact_label_ranks_first(server):
    assert search(server, "Iraq")[0]["label"] == "Iraq"


@pytest.mark.parametrize("hostile", ['" } ; DROP ALL ; #', "> . ?s ?p ?o <", "')) } #"])
def test_hostile_text_is_only_text(server, hostile):
    assert search(server, hostile) == []
    assert requests.get(server + "search", params={"q": "Iraq"}).status_code == 200


def test_html_results_link_to_pages(server):
    page = requests.get(server + "search", params={"q": "Kadhimi"}, headers={"Accept": "text/html"})
    assert 'href="/id/actor/mustafa-al-kadhimi"' in page.text


def test_overlong_search_is_400(server):
    response = requests.get(server + "search", params={"q": "x" * 500})
    assert response.status_code == 400
