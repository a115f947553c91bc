"""Date expressions are normalised against the publication window, honestly."""

from datetime import date

import pytest

from newsgraph.graph.dates import DateSyntaxError, Precision, explicit, normalise

JULY_2021 = (date(2021, 7, 16), date(2021, 7, 18))  # Friday 16 to Sunday 18
AUGUST_2020 = (date(2020, 8, 16), date(2020, 8, 20))


@pytest.mark.parametrize(
    ("expression", "window", "direction", "lexical", "precision"),
    [
        ("the White House said Friday"[-6:], JULY_2021, "past", "2021-07-16", Precision.DAY),
        ("on Thursday", AUGUST_2020, "future", "2020-08-20", Precision.DAY),
        ("later this month", JULY_2021, "future", "2021-07", Precision.MONTH),
        ("last month", JULY_2021, "past", "2021-06", Precision.MONTH),
        ("last year", JULY_2021, "past", "2020", Precision.YEAR),
        ("in January", AUGUST_2020, "past", "2020-01", Precision.MONTH),
        ("last December", AUGUST_2020, "past", "2019-12", Precision.MONTH),
        ("on January 3", AUGUST_2020, "past", "2020-01-03", Precision.DAY),
        ("on 26 July", JULY_2021, "future", "2021-07-26", Precision.DAY),
        ("mid-June", AUGUST_2020, "past", "2020-06", Precision.MONTH),
        ("July 20, 2020", None, "past", "2020-07-20", Precision.DAY),
        ("Friday, July 2, 2021", None, "past", "2021-07-02", Precision.DAY),
        ("3 January 2020", None, "past", "2020-01-03", Precision.DAY),
        ("since May 2020", None, "past", "2020-05", Precision.MONTH),
        ("since 1998", None, "past", "1998", Precision.YEAR),
    ],
)
def test_expression_resolves(expression, window, direction, lexical, precision):
    value = normalise(expression, window, direction)
    assert (value.lexical, value.precision) == (lexical, precision)


def test_weekday_drops_to_month_when_the_window_disagrees():
    value = normalise("on Tuesday", AUGUST_2020, "past")  # Aug 11 or Aug 18
    assert (value.lexical, value.precision) == ("2020-08", Precision.MONTH)


def test_weekday_is_unresolved_across_a_year_boundary():
    value = normalise("on Friday", (date(2020, 12, 30), date(2021, 1, 9)), "past")
    assert value.precision is Precision.UNRESOLVED and value.earliest is None


def test_last_week_is_a_week_interval():
    value = normalise("last week", JULY_2021, "past")
    assert (value.earliest, value.latest, value.precision) == (
        date(2021, 7, 5),
        date(2021, 7, 11),
        Precision.WEEK,
    )


def test_relative_expression_without_window_is_unresolved():
    assert normalise("next month", None, "future").precision is Precision.UNRESOLVED


def test_unknown_expression_is_refused():
    with pytest.raises(DateSyntaxError, match="not understood"):
        normalise("in recent months", JULY_2021, "past")


def test_impossible_date_is_refused():
    with pytest.raises(DateSyntaxError, match="does not exist"):
        normalise("February 30, 2021", None, "past")


@pytest.mark.parametrize(
    ("value", "lexical"), [(2003, "2003"), ("2021-01", "2021-01"), (date(2020, 1, 3), "2020-01-03")]
)
def test_explicit_value(value, lexical):
    assert explicit(value).lexical == lexical


def test_explicit_value_must_be_iso():
    with pytest.raises(DateSyntaxError):
        explicit("03/01/2020")
