"""Settings that would mint broken IRIs are refused when read, saying how to fix them."""

from __future__ import annotations

import pytest

from newsgraph.settings import Settings


@pytest.mark.parametrize(
    "base",
    [
        "127.0.0.1:5000/",  # not absolute
        "ftp://example.org/",  # not http(s)
        "http://example.org/data",  # no trailing slash
        "http://example org/",  # a space cannot be in an IRI
        "http://example.org/<data>/",  # nor angle brackets
    ],
)
def test_unusable_base_iri_is_refused(base):
    with pytest.raises(ValueError, match="BASE_IRI must be"):
        Settings.load({"BASE_IRI": base})


@pytest.mark.parametrize("base", ["http://127.0.0.1:5000/", "https://example.org/news/graph/"])
def test_usable_base_iri_is_kept(base):
    assert base == Settings.load({"BASE_IRI": base}).BASE_IRI
