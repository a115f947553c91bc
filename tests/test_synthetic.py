"""The synthetic corpus generator: valid, fully covered, deterministic, varied and buildable."""

from __future__ import annotations

import hashlib
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from newsgraph.graph.build import build
from newsgraph.graph.corpus import load_corpus
from newsgraph.graph.model import Corpus
from newsgraph.graph.store import GraphStore
from newsgraph.graph.synthetic import generate, main
from newsgraph.ontology.terms import vocabulary
from newsgraph.settings import Settings

from .conftest import BASE

ARTICLES = 40
SEED = 7


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated corpus of ARTICLES articles."""
    root = tmp_path_factory.mktemp("synthetic")
    generate(root, ARTICLES, seed=SEED)
    return root


@pytest.fixture(scope="module")
def loaded(synthetic: Path) -> Corpus:
    """The generated corpus, validated and resolved."""
    return load_corpus(synthetic, vocabulary(BASE))


def digests(root: Path) -> dict[str, str]:
    """Hash every file under root, by relative path."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_the_corpus_loads_without_errors(loaded):
    assert len(loaded.articles) == ARTICLES


def test_every_sentence_is_covered_or_skipped(loaded):
    statuses = Counter(s.status for a in loaded.articles for s in a.sentences)
    assert statuses["uncovered"] == 0
    assert statuses["covered"] > 10 * ARTICLES
    assert statuses["skipped"] > ARTICLES


def test_articles_have_about_15_to_30_sentences(loaded):
    counts = [len(a.sentences) for a in loaded.articles]
    assert 15 <= statistics.median(counts) <= 30
    assert min(counts) >= 10 and max(counts) <= 35


def test_the_same_seed_gives_the_same_bytes(synthetic, tmp_path):
    generate(tmp_path, ARTICLES, seed=SEED)
    assert digests(tmp_path) == digests(synthetic)


def test_another_seed_gives_another_corpus(synthetic, tmp_path):
    generate(tmp_path, ARTICLES, seed=SEED + 1)
    ours, theirs = digests(synthetic), digests(tmp_path)
    texts = [p for p in theirs if p.startswith("articles/")]
    assert len(texts) == ARTICLES
    assert not set(texts) & {p for p in ours if p.startswith("articles/")}


def test_registry_events_are_reported_by_several_articles(loaded):
    shared = {e.id for e in loaded.registry.values() if e.kind == "event"}
    reports = Counter(i for a in loaded.articles for i in {r.id for r in a.events} & shared)
    assert len(shared) >= 4
    assert sum(1 for n in reports.values() if n >= 2) >= len(shared) // 2
    assert max(reports.values()) >= 3


def test_events_have_varied_types_roles_and_statuses(loaded):
    reports = [r for a in loaded.articles for r in a.events]
    roles = {role for r in reports for role, _ in r.participants}
    assert {"host", "guest", "attacker", "target", "speaker", "negotiatingParty"} <= roles
    types = {t for e in loaded.entities.values() if e.kind == "event" for t in e.types}
    assert len(types) >= 12
    assert {"Happened", "Planned"} <= {r.factuality for r in reports}
    assert any(r.count for r in reports)


def test_dates_are_relative_and_absolute(loaded):
    specs = [s for a in loaded.articles for r in a.events for _, s in r.times]
    assert {True, False} == {s.relative for s in specs}
    assert {"day", "month", "year"} <= {s.value.precision.value for s in specs}
    assert any(a.published and a.published.inferred for a in loaded.articles)


def test_every_other_kind_of_fact_is_present(loaded):
    articles = loaded.articles
    assert {c.types[0] for a in articles for c in a.claims} >= {"Accusation", "Denial"}
    assert any(c.statement for a in articles for c in a.claims)
    assert len({q.qualifier for a in articles for q in a.quantities}) >= 4
    assert {t.status for a in articles for t in a.tenures} == {"Current", "Former"}
    assert any(a.agreements for a in articles) and any(a.relations for a in articles)
    assert any(a.entities for a in articles)
    assert {"photo-credit", "author-bio"} <= {s.reason for a in articles for s in a.skips}


def test_the_registry_has_actors_of_several_kinds(loaded):
    kinds = Counter(t for e in loaded.registry.values() if e.kind == "actor" for t in e.types)
    assert {"Person", "Country", "ArmedGroup", "Government", "NewsOrganisation"} <= set(kinds)
    assert sum(1 for e in loaded.registry.values() if e.kind == "place") > 10


def test_the_corpus_builds_into_a_store(synthetic, tmp_path):
    settings = Settings.load({"DATA_DIR": str(tmp_path / "data"), "CORPUS_DIR": str(synthetic)})
    result = build(settings)
    store = GraphStore.open_read_only(settings.data_dir)
    assert len(store) == sum(result.graphs.values())
    articles = [g for g in store.named_graphs() if "/graph/article/" in g]
    assert len(articles) == ARTICLES
    assert bool(store.query(f"ASK {{ ?d a <{BASE}ontology#Discrepancy> }}").raw)


def test_the_command_line_writes_a_corpus(tmp_path, capsys):
    main([str(tmp_path), "--articles", "3", "--seed", "1"])
    assert len(list((tmp_path / "articles").glob("*.txt"))) == 3
    assert len(list((tmp_path / "annotations").glob("*.yaml"))) == 3
    assert "3 articles" in capsys.readouterr().out


def test_the_module_has_help():
    command = [sys.executable, "-m", "newsgraph.graph.synthetic", "--help"]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "--articles" in result.stdout and "--seed" in result.stdout
