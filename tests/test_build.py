"""The build: named graphs, IRIs under the configured base, determinism, checks, the CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest

from newsgraph.graph.build import build, dataset_quads
from newsgraph.graph.mapping import corpus_quads
from newsgraph.graph.store import GraphStore
from newsgraph.graph.verify import to_rdflib, verify
from newsgraph.ontology.checks import load_ontology
from newsgraph.settings import Settings

from .conftest import BASE


def test_one_named_graph_per_article_plus_registry_ontology_and_queries(built, corpus):
    graphs = GraphStore.open_read_only(built.data_dir).named_graphs()
    expected = {BASE + f"graph/{name}" for name in ("ontology", "registry", "inferred", "queries")}
    expected |= {f"{BASE}graph/article/{a.id}" for a in corpus.articles}
    assert set(graphs) == expected


def test_no_triple_lives_in_the_default_graph(built):
    store = GraphStore.open_read_only(built.data_dir)
    result = store.query("ASK { ?s ?p ?o }", default_graphs=[])
    assert bool(result.raw) is False


def test_iris_are_minted_under_the_configured_base(corpus):
    base = "https://example.org/news/"
    quads = dataset_quads(corpus, base)
    ours = {
        t.value
        for q in quads
        for t in (q.subject, q.object, q.graph_name)
        if hasattr(t, "value") and "127.0.0.1" in t.value
    }
    assert ours == set()
    assert any(q.subject.value.startswith(base + "id/") for q in quads)


def test_the_build_is_deterministic(corpus):
    first = {str(q) for q in corpus_quads(corpus, BASE)}
    second = {str(q) for q in corpus_quads(corpus, BASE)}
    assert first == second


def test_a_new_build_switches_the_store(tmp_path):
    settings = Settings.load({"DATA_DIR": str(tmp_path)})
    first, second = build(settings).store_path, build(settings).store_path
    assert first != second
    assert GraphStore.open_read_only(tmp_path).path == second


def test_built_graph_conforms_to_the_shapes(corpus):
    data = to_rdflib(corpus_quads(corpus, BASE))
    outcome = verify(data, load_ontology(BASE), BASE, reason=False)
    assert outcome.shapes.conforms, "\n".join(outcome.summary())


@pytest.mark.slow
def test_built_graph_is_consistent_under_hermit(corpus):
    data = to_rdflib(corpus_quads(corpus, BASE))
    outcome = verify(data, load_ontology(BASE), BASE, reason=True)
    assert outcome.reasoner.consistent and not outcome.reasoner.unsatisfiable


def cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsgraph.cli", *args],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, **env},
        timeout=300,
    )


@pytest.mark.parametrize("command", ["build", "check", "query", "serve"])
def test_every_command_has_help(command):
    result = cli(command, "--help")
    assert result.returncode == 0 and "Usage:" in result.stdout


def test_cli_build_reports_coverage(tmp_path):
    result = cli("build", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("(100%)") == 5


def test_cli_query_prints_csv(built):
    result = cli(
        "query",
        "--data-dir",
        built.DATA_DIR,
        "--format",
        "csv",
        f"SELECT ?a WHERE {{ ?a a <{BASE}ontology#NewsArticle> }} ORDER BY ?a",
    )
    assert result.returncode == 0 and len(result.stdout.strip().splitlines()) == 6


def test_cli_query_without_store_says_how_to_fix(tmp_path):
    result = cli("query", "--data-dir", str(tmp_path / "empty"), "ASK {}")
    assert result.returncode != 0 and "newsgraph build" in result.stderr


def test_cli_build_refuses_a_broken_corpus(tmp_path, corpus_copy):
    notes = corpus_copy / "annotations" / "000_7b50a4910626d003.yaml"
    notes.write_text(notes.read_text().replace("host: donald-trump", "host: donald-trumpp", 1))
    result = cli("build", "--corpus", str(corpus_copy), "--data-dir", str(tmp_path / "d"))
    assert result.returncode == 1 and "donald-trumpp" in result.stderr
    assert not (tmp_path / "d" / "current").exists()


def test_reported_counts_are_the_stored_quads(tmp_path):
    result = build(Settings.load({"DATA_DIR": str(tmp_path)}))
    assert sum(result.graphs.values()) == len(GraphStore.open_read_only(tmp_path))
