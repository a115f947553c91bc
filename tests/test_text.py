"""Quotes resolve to exact, unique spans; text splits into sentences."""

import pytest

from newsgraph.graph.model import Span
from newsgraph.graph.quotes import QuoteError, find_quote
from newsgraph.graph.sentences import split_sentences

TEXT = "Mr Al Kadhimi met Trump. Trump said “yes”. Trump left."


def test_quote_resolves_to_its_offsets():
    span = find_quote(TEXT, "met Trump")
    assert TEXT[span.start : span.end] == "met Trump"


def test_missing_quote_is_refused():
    with pytest.raises(QuoteError, match="not in the article"):
        find_quote(TEXT, "met Biden")


def test_straight_quotes_get_a_hint_about_curly_ones():
    with pytest.raises(QuoteError, match="uses"):
        find_quote(TEXT, 'said "yes"')


def test_ambiguous_quote_is_refused():
    with pytest.raises(QuoteError, match="occurs 3 times"):
        find_quote(TEXT, "Trump")


def test_occurrence_picks_one():
    assert find_quote(TEXT, "Trump", occurrence=3).start == TEXT.rindex("Trump")


def test_subquote_is_found_inside_its_passage_first():
    passage = find_quote(TEXT, "Trump left.")
    assert find_quote(TEXT, "Trump", within=passage).start == passage.start


def test_sentences_keep_abbreviations_together():
    texts = [s.text for s in split_sentences("Mr. Smith met the U.S. envoy. He left.\nA headline")]
    assert texts == ["Mr. Smith met the U.S. envoy.", "He left.", "A headline"]


def test_sentence_offsets_point_into_the_text():
    text = "  • First point.\n\nSecond one. Third!"
    assert all(text[s.start : s.end] == s.text for s in split_sentences(text))


def test_span_is_a_value():
    assert Span(1, 2, "a") == Span(1, 2, "a")
