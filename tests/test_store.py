"""The store's write discipline: which writes need a flush before the store is switched in."""

from __future__ import annotations

import pyoxigraph as ox

from newsgraph.graph.store import GraphStore, write_new_store

QUAD = ox.Quad(
    ox.NamedNode("http://example.org/s"),
    ox.NamedNode("http://example.org/p"),
    ox.Literal("o"),
    ox.NamedNode("http://example.org/g"),
)


def test_bulk_loads_are_not_transactional_writes():
    store = GraphStore.in_memory()
    store.bulk_load([QUAD])
    store.add_unless_asserted([], "http://example.org/inferred", [QUAD.triple])
    assert not store.transactional_writes


def test_an_update_is_a_transactional_write():
    store = GraphStore.in_memory()
    store.update("INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }")
    assert store.transactional_writes


def test_replacing_a_graph_is_a_transactional_write():
    store = GraphStore.in_memory()
    store.replace_graph("http://example.org/g", [QUAD])
    assert store.transactional_writes


def test_a_store_filled_by_bulk_loads_only_is_complete_when_switched_in(tmp_path):
    write_new_store(tmp_path, lambda store: store.bulk_load([QUAD]), {})
    assert list(GraphStore.open_read_only(tmp_path).quads()) == [QUAD]


def test_a_store_changed_by_an_update_is_complete_when_switched_in(tmp_path):
    update = "PREFIX e: <http://example.org/> INSERT DATA { GRAPH e:g { e:s e:p 'o' } }"
    write_new_store(tmp_path, lambda store: store.update(update), {})
    assert list(GraphStore.open_read_only(tmp_path).quads()) == [QUAD]
