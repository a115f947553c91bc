"""The parallel full build produces exactly the dataset of the serial reference path."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from newsgraph.graph.build import build, coverage, dataset_quads, load
from newsgraph.graph.errors import CorpusError
from newsgraph.graph.inference import inferred_graph, materialise
from newsgraph.graph.pipeline import WORKER_NICENESS, prepare, worker_pool, write_all
from newsgraph.graph.store import GraphStore
from newsgraph.graph.synthetic import generate
from newsgraph.ontology.terms import vocabulary
from newsgraph.settings import Settings

from .conftest import BASE, graphs_of

LATER = "004_d599a7f96cdcabca"
EARLIER_LOCAL = "naftali-bennett"  # an actor article 001 defines under entities:


def settings_for(corpus: Path, data: Path, workers: int) -> Settings:
    return Settings.load(
        {"CORPUS_DIR": str(corpus), "DATA_DIR": str(data), "BUILD_WORKERS": workers}
    )


def serial_reference(settings: Settings) -> dict[str, rdflib.Graph]:
    """Build the dataset the reference way: whole corpus in memory, SPARQL inference."""
    store = GraphStore.in_memory(dataset_quads(load(settings), settings.BASE_IRI))
    materialise(store, settings.BASE_IRI)
    return graphs_of(store)


def assert_same_graphs(built: dict[str, rdflib.Graph], expected: dict[str, rdflib.Graph]):
    assert built.keys() == expected.keys()
    differing = [g for g in built if not isomorphic(built[g], expected[g])]
    assert differing == []


def built_graphs(settings: Settings) -> dict[str, rdflib.Graph]:
    build(settings, full=True)
    return graphs_of(GraphStore.open_read_only(settings.data_dir))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("synthetic")
    generate(root, 40, seed=7)
    return root


@pytest.mark.parametrize("workers", [1, 2])
def test_bundled_corpus_builds_like_the_serial_reference(corpus_copy, tmp_path, workers):
    settings = settings_for(corpus_copy, tmp_path / "data", workers)
    assert_same_graphs(built_graphs(settings), serial_reference(settings))


@pytest.mark.parametrize("workers", [1, 2])
def test_synthetic_corpus_builds_like_the_serial_reference(synthetic, tmp_path, workers):
    settings = settings_for(synthetic, tmp_path / "data", workers)
    assert_same_graphs(built_graphs(settings), serial_reference(settings))


def test_reported_graph_sizes_match_the_store(synthetic, tmp_path):
    settings = settings_for(synthetic, tmp_path / "data", 2)
    result = build(settings, full=True)
    store = GraphStore.open_read_only(settings.data_dir)
    sizes: dict[str, int] = defaultdict(int)
    for quad in store.quads():
        sizes[quad.graph_name.value] += 1
    assert result.graphs == dict(sizes)


def refer_to_earlier_local(corpus: Path) -> None:
    """Make article 004 state a fact about an actor only article 001 defines."""
    notes = corpus / "annotations" / f"{LATER}.yaml"
    fact = (
        f"  - {{subject: brett-mcgurk, property: partnerOf, object: {EARLIER_LOCAL}, "
        'quote: "Iraq\'s prime minister to meet Joe Biden on 26 July"}\n'
    )
    notes.write_text(notes.read_text().replace("relations:\n", "relations:\n" + fact, 1))


def test_article_naming_another_articles_entity_builds_like_the_reference(corpus_copy, tmp_path):
    refer_to_earlier_local(corpus_copy)
    settings = settings_for(corpus_copy, tmp_path / "data", 2)
    built = built_graphs(settings)
    assert_same_graphs(built, serial_reference(settings))
    later = built[f"{settings.BASE_IRI}graph/article/{LATER}"]
    assert any(EARLIER_LOCAL in str(o) for o in later.objects())


def test_id_defined_by_two_articles_names_the_second(corpus_copy, tmp_path):
    notes = corpus_copy / "annotations" / f"{LATER}.yaml"
    notes.write_text(notes.read_text().replace("- id: brett-mcgurk", f"- id: {EARLIER_LOCAL}"))
    with pytest.raises(CorpusError) as caught:
        build(settings_for(corpus_copy, tmp_path / "data", 2), full=True)
    errors = [e for e in caught.value.errors if "already defined" in e.message]
    assert [e.file for e in errors] == [f"annotations/{LATER}.yaml"]
    assert errors[0].line is not None


@pytest.mark.parametrize("workers", [1, 2])
def test_recorded_quads_load_into_the_same_dataset(synthetic, tmp_path, workers):
    settings = settings_for(synthetic, tmp_path / "data", workers)
    record = tmp_path / "quads"
    build(settings, full=True, record_quads=record)
    reloaded = GraphStore.in_memory()
    reloaded.bulk_load_file(concatenated(sorted(record.iterdir()), tmp_path / "all.nq"))
    assert_same_graphs(graphs_of(reloaded), graphs_of(settings.data_dir))


def test_recording_needs_a_full_build(built, tmp_path):
    from click.testing import CliRunner

    from newsgraph.cli import cli

    args = ["build", "--data-dir", built.DATA_DIR, "--record-quads", str(tmp_path / "q")]
    outcome = CliRunner().invoke(cli, args)
    assert outcome.exit_code == 2 and "add --full" in outcome.output


def test_recording_refuses_a_folder_in_use(built, tmp_path):
    from click.testing import CliRunner

    from newsgraph.cli import cli

    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "notes.txt").write_text("kept")
    args = ["build", "--data-dir", built.DATA_DIR, "--full", "--record-quads", str(tmp_path / "q")]
    outcome = CliRunner().invoke(cli, args)
    assert outcome.exit_code == 2 and "not empty" in outcome.output
    assert [p.name for p in (tmp_path / "q").iterdir()] == ["notes.txt"]


def concatenated(parts: list[Path], target: Path) -> Path:
    with target.open("wb") as out:
        for part in parts:
            out.write(part.read_bytes())
    return target


def test_pipe_writes_survive_signals(tmp_path):
    """A write interrupted by a signal (a profiler attaching) still delivers every byte."""
    data = bytes(range(256)) * 40_000  # 10 MB, far more than a pipe holds
    reader, writer = os.pipe()
    received = bytearray()

    def drain() -> None:
        while chunk := os.read(reader, 4096):
            received.extend(chunk)
            time.sleep(0.0002)

    thread = threading.Thread(target=drain)
    thread.start()
    previous = signal.signal(signal.SIGALRM, lambda *_: None)
    signal.setitimer(signal.ITIMER_REAL, 0.001, 0.001)
    try:
        write_all(writer, data)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        os.close(writer)
        thread.join()
        os.close(reader)
    assert bytes(received) == data


def test_synthetic_corpus_has_chains_for_the_closure_to_add(synthetic, tmp_path):
    """The reference comparison covers the transitive closure only if there is a chain."""
    settings = settings_for(synthetic, tmp_path / "data", 2)
    build(settings, full=True)
    store = GraphStore.open_read_only(settings.data_dir)
    ng = f"{settings.BASE_IRI}ontology#"
    chained = f"""
        SELECT ?a ?c WHERE {{
          GRAPH <{inferred_graph(settings.BASE_IRI)}> {{ ?a <{ng}partOf>|<{ng}locatedIn> ?c }}
          FILTER NOT EXISTS {{
            GRAPH ?g {{ ?a ?p ?c }}
            FILTER(?g != <{inferred_graph(settings.BASE_IRI)}>)
          }}
        }}"""
    assert len(list(store.query(chained).rows())) > 0


def test_build_reports_the_coverage_of_the_reference(synthetic, tmp_path):
    settings = settings_for(synthetic, tmp_path / "data", 2)
    built = build(settings, full=True)
    assert built.coverage == coverage(load(settings))


def test_failed_build_removes_its_scratch_folder(corpus_copy, tmp_path):
    notes = corpus_copy / "annotations" / f"{LATER}.yaml"
    notes.write_text(notes.read_text().replace("- id: brett-mcgurk", f"- id: {EARLIER_LOCAL}"))
    with pytest.raises(CorpusError):
        build(settings_for(corpus_copy, tmp_path / "data", 2), full=True)
    assert not list((tmp_path / "data" / "stores").glob(".building-*"))


def test_workers_run_below_the_loaders_priority(corpus_copy):
    shared = prepare(corpus_copy, vocabulary(BASE), BASE)[0]
    parent = os.nice(0)
    with worker_pool(shared, 2) as pool:
        niceness = pool.map(os.nice, [0, 0])
    assert niceness == [min(parent + WORKER_NICENESS, 19)] * 2
    assert os.nice(0) == parent


def test_a_build_without_workers_keeps_the_parents_priority(corpus_copy, tmp_path):
    parent = os.nice(0)
    build(settings_for(corpus_copy, tmp_path, 1), full=True)
    assert os.nice(0) == parent
