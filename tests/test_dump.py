"""Data dumps: files that parse back to the store's quads, checksums, release ids, downloads."""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
import shutil
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests
from flask import Flask
from flask.testing import FlaskClient

from newsgraph.graph import dump
from newsgraph.graph.dump import (
    RELEASE_JSON,
    SUMS,
    DumpError,
    Release,
    latest_release,
    write_dumps,
)
from newsgraph.graph.store import GraphStore
from newsgraph.server import create_app
from newsgraph.settings import Settings

from .conftest import BASE

DAY = date(2021, 7, 26)
ONTOLOGY_GRAPH = BASE + "graph/ontology"
OWL_ONTOLOGY = rdflib.URIRef("http://www.w3.org/2002/07/owl#Ontology")
RDFC = ox.CanonicalizationAlgorithm.RDFC_1_0


@pytest.fixture(scope="module")
def store(built: Settings) -> GraphStore:
    """The built bundled corpus, read-only."""
    return GraphStore.open_read_only(built.data_dir)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding only dumps (the download routes need no store)."""
    return tmp_path_factory.mktemp("dumpdata")


@pytest.fixture(scope="module")
def release(store: GraphStore, data_dir: Path) -> Release:
    """A release of the bundled corpus written into data_dir/dumps."""
    return write_dumps(store, data_dir / "dumps", BASE, today=DAY)


def path_of(release: Release, suffix: str) -> Path:
    (name,) = [f.name for f in release.files if f.name.endswith(suffix)]
    return release.path / name


def canonical(quads) -> ox.Dataset:
    dataset = ox.Dataset(quads)
    dataset.canonicalize(RDFC)
    return dataset


def parse_gz(path: Path, fmt: ox.RdfFormat) -> list[ox.Quad]:
    with gzip.open(path, "rb") as data:
        return list(ox.parse(data, format=fmt))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def relabelled(store: GraphStore) -> list[ox.Quad]:
    """Return the store's quads with fresh blank node labels, shuffled."""
    fresh: dict[str, ox.BlankNode] = {}

    def term(t):
        return fresh.setdefault(t.value, ox.BlankNode()) if isinstance(t, ox.BlankNode) else t

    quads = [
        ox.Quad(term(q.subject), q.predicate, term(q.object), q.graph_name) for q in store.quads()
    ]
    random.Random(7).shuffle(quads)
    return quads


# --- the files -------------------------------------------------------------------------


def test_nquads_dump_has_the_store_quad_count_with_pyoxigraph(release, store):
    assert len(parse_gz(path_of(release, ".nq.gz"), ox.RdfFormat.N_QUADS)) == len(store)


def test_nquads_dump_has_the_store_quad_count_with_rdflib(release, store):
    dataset = rdflib.Dataset()
    with gzip.open(path_of(release, ".nq.gz"), "rb") as data:
        dataset.parse(data, format="nquads")
    assert len(list(dataset.quads((None, None, None, None)))) == len(store)


def test_nquads_dump_holds_the_store_quads_up_to_blank_node_labels(release, store):
    parsed = parse_gz(path_of(release, ".nq.gz"), ox.RdfFormat.N_QUADS)
    assert canonical(parsed) == canonical(store.quads())


def test_trig_dump_holds_the_same_quads_as_the_nquads_dump(release):
    trig = parse_gz(path_of(release, ".trig.gz"), ox.RdfFormat.TRIG)
    nquads = parse_gz(path_of(release, ".nq.gz"), ox.RdfFormat.N_QUADS)
    assert canonical(trig) == canonical(nquads)


def test_trig_dump_has_the_store_count_per_graph_with_rdflib(release, store):
    dataset = rdflib.Dataset()
    with gzip.open(path_of(release, ".trig.gz"), "rb") as data:
        dataset.parse(data, format="trig")
    counts = {str(g.identifier): len(g) for g in dataset.graphs() if len(g)}
    expected = {
        g: len(list(store.query(f"SELECT * {{ GRAPH <{g}> {{ ?s ?p ?o }} }}").raw))
        for g in store.named_graphs()
    }
    assert counts == expected


@pytest.mark.parametrize("suffix, fmt", [(".ttl", "turtle"), (".rdf", "xml")])
def test_ontology_dump_parses_with_rdflib_and_declares_an_owl_ontology(release, suffix, fmt):
    graph = rdflib.Graph().parse(path_of(release, suffix), format=fmt)
    assert (rdflib.URIRef(BASE + "ontology"), rdflib.RDF.type, OWL_ONTOLOGY) in graph


@pytest.mark.parametrize("suffix, fmt", [(".ttl", "turtle"), (".rdf", "xml")])
def test_ontology_dump_is_the_whole_ontology_graph(release, suffix, fmt):
    graph = rdflib.Graph().parse(path_of(release, suffix), format=fmt)
    assert len(graph) == release.graphs[ONTOLOGY_GRAPH]


def test_ontology_turtle_uses_the_ontology_prefixes(release):
    text = path_of(release, ".ttl").read_text()
    assert f"@prefix ng: <{BASE}ontology#> ." in text
    assert "@prefix owl: <http://www.w3.org/2002/07/owl#> ." in text


def test_sha256sums_match_the_files(release):
    lines = (release.path / SUMS).read_text().splitlines()
    sums = dict(reversed(re.fullmatch(r"([0-9a-f]{64})  (\S+)", line).groups()) for line in lines)
    assert sums == {f.name: sha256(release.path / f.name) for f in release.files}


def test_release_json_lists_every_file_with_size_checksum_and_media_type(release):
    data = json.loads((release.path / RELEASE_JSON).read_text())
    listed = {f["name"]: (f["size"], f["sha256"]) for f in data["files"]}
    actual = {
        f.name: ((release.path / f.name).stat().st_size, sha256(release.path / f.name))
        for f in release.files
    }
    assert listed == actual
    assert {f["media_type"] for f in data["files"]} == {
        "application/n-quads",
        "application/trig",
        "text/turtle",
        "application/rdf+xml",
    }


def test_release_json_records_the_release_base_and_quad_count(release, store):
    data = json.loads((release.path / RELEASE_JSON).read_text())
    assert (data["release"], data["date"], data["base_iri"], data["quads"]) == (
        release.id,
        "2021-07-26",
        BASE,
        len(store),
    )


def test_release_files_are_named_after_the_release(release):
    assert sorted(p.name for p in release.path.iterdir()) == sorted(
        [
            f"newsgraph-{release.id}.nq.gz",
            f"newsgraph-{release.id}.trig.gz",
            f"ontology-{release.id}.ttl",
            f"ontology-{release.id}.rdf",
            SUMS,
            RELEASE_JSON,
        ]
    )


def test_gzip_files_have_no_timestamp_or_name_in_their_header(release):
    for suffix in (".nq.gz", ".trig.gz"):
        header = path_of(release, suffix).read_bytes()[:10]
        assert header[3] & 0x08 == 0 and header[4:8] == b"\0\0\0\0"  # no FNAME, mtime 0


# --- release identifiers ------------------------------------------------------------------


def test_release_id_is_the_date_then_twelve_hex_of_the_content_hash(release):
    assert release.id == f"2021-07-26-{release.content_sha256[:12]}"


def test_content_hash_is_the_sha256_of_the_uncompressed_nquads(release):
    with gzip.open(path_of(release, ".nq.gz"), "rb") as data:
        assert hashlib.sha256(data.read()).hexdigest() == release.content_sha256


def test_same_store_gives_the_same_release_and_byte_identical_files(release, store, tmp_path):
    again = write_dumps(store, tmp_path, BASE, today=DAY)
    assert again.id == release.id
    for f in release.files:
        assert (again.path / f.name).read_bytes() == (release.path / f.name).read_bytes()


def test_same_data_in_another_order_with_other_blank_nodes_gives_the_same_release(
    release, store, tmp_path
):
    copy = GraphStore.in_memory(relabelled(store))
    assert write_dumps(copy, tmp_path, BASE, today=DAY).id == release.id


def test_changed_store_gives_a_different_release(release, store, tmp_path):
    extra = ox.Quad(
        ox.NamedNode(BASE + "id/x"),
        ox.NamedNode(BASE + "ontology#about"),
        ox.Literal("x"),
        ox.NamedNode(BASE + "graph/registry"),
    )
    changed = GraphStore.in_memory([*store.quads(), extra])
    assert write_dumps(changed, tmp_path, BASE, today=DAY).id != release.id


def test_another_day_gives_another_release_with_the_same_content_hash(release, store, tmp_path):
    later = write_dumps(store, tmp_path, BASE, today=date(2021, 7, 27))
    assert (later.id[:10], later.content_sha256) == ("2021-07-27", release.content_sha256)


def test_existing_release_is_left_as_it_is(release, store, data_dir):
    before = {p.name: p.stat().st_mtime_ns for p in release.path.iterdir()}
    again = write_dumps(store, data_dir / "dumps", BASE, today=DAY)
    assert (again.created, {p.name: p.stat().st_mtime_ns for p in again.path.iterdir()}) == (
        release.created,
        before,
    )


def test_latest_release_follows_the_last_dump(store, tmp_path):
    first = write_dumps(store, tmp_path, BASE, today=DAY)
    later = write_dumps(store, tmp_path, BASE, today=date(2021, 7, 27))
    assert latest_release(tmp_path).id == later.id
    write_dumps(store, tmp_path, BASE, today=DAY)
    assert latest_release(tmp_path).id == first.id


def test_latest_release_without_the_pointer_is_the_newest_release(store, tmp_path):
    write_dumps(store, tmp_path, BASE, today=DAY)
    later = write_dumps(store, tmp_path, BASE, today=date(2021, 7, 27))
    (tmp_path / dump.LATEST).unlink()
    assert latest_release(tmp_path).id == later.id


def test_latest_release_is_none_without_dumps(tmp_path):
    assert latest_release(tmp_path / "dumps") is None


def test_no_staging_directory_is_left_behind(store, tmp_path):
    write_dumps(store, tmp_path, BASE, today=DAY)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_failed_dump_leaves_no_release(store, tmp_path, monkeypatch):
    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(dump, "_write_sums", fail)
    with pytest.raises(OSError, match="disk full"):
        write_dumps(store, tmp_path, BASE, today=DAY)
    assert list(tmp_path.iterdir()) == []


def test_store_without_the_ontology_graph_of_the_base_is_refused(store, tmp_path):
    with pytest.raises(DumpError, match="BASE_IRI"):
        write_dumps(store, tmp_path, "http://example.org/", today=DAY)


# --- the blueprint, through Flask's test client ---------------------------------------------


def app_for(data_dir: Path) -> Flask:
    """Create the app for data_dir with the dumps blueprint (registered here until wired)."""
    from newsgraph.server import dumps

    app = create_app({"DATA_DIR": str(data_dir)})
    if "dumps" not in app.blueprints:
        app.register_blueprint(dumps.blueprint)
    return app


@pytest.fixture(scope="module")
def client(release: Release, data_dir: Path) -> FlaskClient:
    """A test client of an app serving the release."""
    return app_for(data_dir).test_client()


def url_of(release: Release, suffix: str) -> str:
    return f"/dumps/{release.id}/{path_of(release, suffix).name}"


def test_dumps_json_lists_the_latest_release_files_with_sizes_and_checksums(client, release):
    body = client.get("/dumps", headers={"Accept": "application/json"}).get_json()
    files = {f["name"]: (f["size"], f["sha256"]) for f in body["files"]}
    assert (body["release"], files) == (
        release.id,
        {f.name: (f.size, f.sha256) for f in release.files},
    )


def test_dumps_json_links_every_file(client, release):
    body = client.get("/dumps", headers={"Accept": "application/json"}).get_json()
    assert [client.head(f["url"]).status_code for f in body["files"]] == [200] * 4


def test_dumps_page_for_browsers_links_every_file_with_its_checksum(client, release):
    response = client.get("/dumps", headers={"Accept": "text/html,*/*;q=0.8"})
    page = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    for f in release.files:
        assert f'/dumps/{release.id}/{f.name}"' in page and f.sha256 in page


def test_dumps_page_escapes_what_it_shows(release, tmp_path):
    target = tmp_path / "dumps" / release.id
    shutil.copytree(release.path, target)
    data = json.loads((target / RELEASE_JSON).read_text())
    (target / RELEASE_JSON).write_text(json.dumps({**data, "base_iri": "<script>x</script>"}))
    page = app_for(tmp_path).test_client().get("/dumps?format=html").get_data(as_text=True)
    assert "<script>x" not in page and "&lt;script&gt;x" in page


def test_dumps_without_a_dump_is_a_problem_saying_to_run_newsgraph_dump(tmp_path):
    response = app_for(tmp_path).test_client().get("/dumps")
    assert (response.status_code, response.mimetype) == (404, "application/problem+json")
    assert "newsgraph dump" in response.get_json()["detail"]


def test_gzip_dump_is_sent_as_a_gzip_attachment_without_content_encoding(client, release):
    response = client.get(url_of(release, ".nq.gz"))
    assert response.mimetype == "application/gzip"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "Content-Encoding" not in response.headers
    assert response.data == path_of(release, ".nq.gz").read_bytes()


@pytest.mark.parametrize(
    "suffix, media_type", [(".ttl", "text/turtle"), (".rdf", "application/rdf+xml")]
)
def test_ontology_dump_is_sent_with_its_media_type(client, release, suffix, media_type):
    assert client.get(url_of(release, suffix)).mimetype == media_type


def test_checksums_file_is_sent_as_plain_text(client, release):
    response = client.get(f"/dumps/{release.id}/{SUMS}")
    assert (response.mimetype, response.data) == ("text/plain", (release.path / SUMS).read_bytes())


def test_download_answers_a_matching_if_none_match_with_304(client, release):
    etag = client.get(url_of(release, ".trig.gz")).headers["ETag"]
    response = client.get(url_of(release, ".trig.gz"), headers={"If-None-Match": etag})
    assert response.status_code == 304


def test_download_etag_is_the_file_sha256(client, release):
    response = client.get(url_of(release, ".trig.gz"))
    assert response.headers["ETag"] == f'"{sha256(path_of(release, ".trig.gz"))}"'


def test_head_of_a_download_sends_headers_without_a_body(client, release):
    response = client.head(url_of(release, ".nq.gz"))
    assert response.status_code == 200 and response.data == b""
    assert int(response.headers["Content-Length"]) == path_of(release, ".nq.gz").stat().st_size


@pytest.mark.parametrize("name", ["nope.nq.gz", "..%2Frelease.json", "..", "%2Fetc%2Fpasswd"])
def test_unknown_file_is_a_404_problem(client, release, name):
    response = client.get(f"/dumps/{release.id}/{name}")
    assert (response.status_code, response.mimetype) == (404, "application/problem+json")


@pytest.mark.parametrize("release_id", ["2000-01-01-000000000000", "latest", "..", "x"])
def test_unknown_release_is_a_404_problem(client, release_id):
    response = client.get(f"/dumps/{release_id}/{SUMS}")
    assert (response.status_code, response.mimetype) == (404, "application/problem+json")


# --- live, over HTTP (needs the blueprint wired into create_app) ----------------------------


@pytest.fixture(scope="module")
def live_release(built: Settings, store: GraphStore) -> Release:
    """A release written where the shared live server looks: built DATA_DIR/dumps."""
    return write_dumps(store, built.data_dir / "dumps", BASE)


def test_live_dumps_lists_the_latest_release(server, live_release):
    response = requests.get(server + "dumps", headers={"Accept": "application/json"}, timeout=10)
    assert response.status_code == 200
    assert response.json()["release"] == live_release.id


def test_live_download_matches_its_published_checksum(server, live_release):
    listed = requests.get(server + "dumps", timeout=10).json()["files"]
    for entry in listed:
        response = requests.get(entry["url"], timeout=30)
        assert hashlib.sha256(response.content).hexdigest() == entry["sha256"]


def test_live_gzip_download_is_an_attachment_without_content_encoding(server, live_release):
    url = server + url_of(live_release, ".nq.gz").lstrip("/")
    response = requests.get(url, timeout=30)
    assert response.headers["Content-Type"] == "application/gzip"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "Content-Encoding" not in response.headers


def test_live_conditional_get_is_answered_with_304(server, live_release):
    url = server + url_of(live_release, ".trig.gz").lstrip("/")
    etag = requests.head(url, timeout=10).headers["ETag"]
    assert requests.get(url, headers={"If-None-Match": etag}, timeout=10).status_code == 304


def test_live_head_sends_the_length_without_a_body(server, live_release):
    url = server + url_of(live_release, ".ttl").lstrip("/")
    response = requests.head(url, timeout=10)
    assert response.status_code == 200 and response.content == b""
    assert int(response.headers["Content-Length"]) == path_of(live_release, ".ttl").stat().st_size
