"""The build's on-disk index of which article defined each id."""

from __future__ import annotations

import pytest

from newsgraph.graph.owners import Owners

MEETING = ("a1-meeting", "event", ("Meeting",))
ACTOR = ("omar-urban", "actor", ("Person", "Politician"))


@pytest.fixture
def owners(tmp_path):
    index = Owners(tmp_path / "owners.sqlite")
    yield index
    index.close()


def test_first_claim_owns_every_id(owners):
    assert owners.claim("a1", [MEETING, ACTOR]) == []
    assert len(owners) == 2


def test_owner_gives_article_kind_and_types(owners):
    owners.claim("a1", [MEETING, ACTOR])
    assert owners["omar-urban"] == ("a1", "actor", ("Person", "Politician"))
    assert owners.get("a1-meeting") == ("a1", "event", ("Meeting",))


def test_claim_of_an_owned_id_names_the_first_owner(owners):
    owners.claim("a1", [MEETING])
    assert owners.claim("a2", [ACTOR, MEETING]) == [("a1-meeting", "a1")]


def test_lost_claim_keeps_the_first_owner(owners):
    owners.claim("a1", [MEETING])
    owners.claim("a2", [("a1-meeting", "agreement", ("Treaty",))])
    assert owners["a1-meeting"] == ("a1", "event", ("Meeting",))


def test_later_ids_of_a_claim_are_owned_despite_a_lost_one(owners):
    owners.claim("a1", [MEETING])
    owners.claim("a2", [MEETING, ACTOR])
    assert owners["omar-urban"][0] == "a2"


def test_unknown_id_is_absent(owners):
    owners.claim("a1", [MEETING])
    assert "a1-talks" not in owners
    assert owners.get("a1-talks") is None
    with pytest.raises(KeyError):
        owners["a1-talks"]


def test_non_string_key_is_absent(owners):
    owners.claim("a1", [MEETING])
    assert 42 not in owners


def test_index_lives_in_the_given_file(tmp_path, owners):
    owners.claim("a1", [MEETING])
    assert (tmp_path / "owners.sqlite").stat().st_size > 0


def test_same_kind_and_types_are_stored_once(owners):
    owners.claim("a1", [MEETING, ("a1-talks", "event", ("Meeting",))])
    owners.claim("a2", [("a2-meeting", "event", ("Meeting",)), ACTOR])
    assert len(owners.shapes) == 2


def test_in_memory_index_works_without_a_file():
    index = Owners()
    assert index.claim("a1", [MEETING]) == []
    assert index.claim("a2", [MEETING]) == [("a1-meeting", "a1")]
    index.close()
