"""Normalise the date expressions of news text against an article's publication window."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Precision(StrEnum):
    """How precisely a date is known."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    UNRESOLVED = "unresolved"


@dataclass(frozen=True)
class DateValue:
    """A date known to lie within [earliest, latest] at some precision."""

    earliest: date | None
    latest: date | None
    precision: Precision

    @property
    def lexical(self) -> str | None:
        """Return the ISO form matching the precision (2020, 2020-08, 2020-08-20)."""
        if self.earliest is None or self.precision in (Precision.UNRESOLVED, Precision.WEEK):
            return None
        if self.precision is Precision.YEAR:
            return f"{self.earliest.year:04d}"
        if self.precision is Precision.MONTH:
            return f"{self.earliest.year:04d}-{self.earliest.month:02d}"
        return self.earliest.isoformat()

    def overlaps(self, other: DateValue) -> bool:
        """Tell whether two resolved values could be the same date."""
        if None in (self.earliest, self.latest, other.earliest, other.latest):
            return True
        return self.earliest <= other.latest and other.earliest <= self.latest


UNRESOLVED = DateValue(None, None, Precision.UNRESOLVED)


class DateSyntaxError(ValueError):
    """The expression is not one the normaliser understands."""


MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}

_LEADING = re.compile(
    r"^(?:(?:on|in|since|from|by|until|till|at|of|as of|during|the|"
    r"end of|beginning of|start of|early|late|mid|earlier|later)\b[\s-]*|mid-)+"
)
_M = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_PATTERNS = [
    ("full_mdy", re.compile(rf"^(?:\w+,?\s+)?{_M}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})$")),
    ("full_dmy", re.compile(rf"^(?:\w+,?\s+)?(?P<day>\d{{1,2}})\s+{_M},?\s+(?P<year>\d{{4}})$")),
    ("month_day", re.compile(rf"^{_M}\s+(?P<day>\d{{1,2}})$")),
    ("day_month", re.compile(rf"^(?P<day>\d{{1,2}})\s+{_M}$")),
    ("month_year", re.compile(rf"^{_M},?\s+(?P<year>\d{{4}})$")),
    ("rel_month_name", re.compile(rf"^(?P<rel>last|next|this)\s+{_M}$")),
    ("month", re.compile(rf"^{_M}$")),
    ("year", re.compile(r"^(?P<year>\d{4})$")),
    ("rel_weekday", re.compile(r"^(?P<rel>last|next|this)\s+(?P<weekday>[a-z]+day)$")),
    ("weekday", re.compile(r"^(?P<weekday>[a-z]+day)$")),
    ("relative", re.compile(r"^(?P<rel>this|last|next|past)\s+(?P<unit>week|month|year)$")),
    ("deictic", re.compile(r"^(?P<word>today|yesterday|tomorrow)$")),
]


def normalise(expression: str, window: tuple[date, date] | None, direction: str) -> DateValue:
    """Resolve an expression against every day of the window and keep what they agree on."""
    text = _clean(expression)
    kind, match = _match(text, expression)
    if kind in ("full_mdy", "full_dmy", "month_year", "year"):
        return _absolute(kind, match)
    if window is None:
        return UNRESOLVED
    values = {_relative(kind, match, day, direction) for day in _days(window)}
    return _agree(values)


def explicit(value: object) -> DateValue:
    """Turn an explicit YYYY, YYYY-MM or YYYY-MM-DD value into a DateValue."""
    if isinstance(value, date):
        return _day(value)
    text = str(value).strip()
    if re.fullmatch(r"\d{4}", text):
        return _year(int(text))
    if (match := re.fullmatch(r"(\d{4})-(\d{2})", text)) and 1 <= int(match[2]) <= 12:
        return _month(int(match[1]), int(match[2]))
    if match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        return _day(_checked_date(int(match[1]), int(match[2]), int(match[3])))
    raise DateSyntaxError(f"{value!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")


def window_of(value: DateValue) -> tuple[date, date] | None:
    """Return the (earliest, latest) days of a value, if it has them."""
    if value.earliest is None or value.latest is None:
        return None
    return value.earliest, value.latest


def _clean(expression: str) -> str:
    text = expression.lower().strip().strip(".,;:()\"“”‘’'")
    text = re.sub(r"\s+", " ", text.replace("’s", "").replace("'s", ""))
    previous = None
    while previous != text:
        previous, text = text, _LEADING.sub("", text).strip()
    return text


def _match(text: str, expression: str) -> tuple[str, re.Match[str]]:
    for kind, pattern in _PATTERNS:
        if match := pattern.match(text):
            return kind, match
    raise DateSyntaxError(
        f"the date expression {expression!r} is not understood; "
        "quote a plain date expression or give the value with date: YYYY[-MM[-DD]]"
    )


def _absolute(kind: str, match: re.Match[str]) -> DateValue:
    year = int(match["year"])
    if kind == "year":
        return _year(year)
    month = MONTHS[match["month"]]
    if kind == "month_year":
        return _month(year, month)
    return _day(_checked_date(year, month, int(match["day"])))


def _relative(kind: str, match: re.Match[str], ref: date, direction: str) -> DateValue:
    past = direction == "past"
    if kind in ("month_day", "day_month"):
        month, day = MONTHS[match["month"]], int(match["day"])
        years = [ref.year - 1, ref.year] if past else [ref.year, ref.year + 1]
        candidates = [d for y in years if (d := _safe_date(y, month, day))]
        chosen = [d for d in candidates if (d <= ref if past else d >= ref)]
        if not chosen:
            raise DateSyntaxError(f"{match.string!r} is not a valid day")
        return _day(max(chosen) if past else min(chosen))
    if kind in ("month", "rel_month_name"):
        return _month_by_direction(MONTHS[match["month"]], ref, match.groupdict().get("rel"), past)
    if kind in ("weekday", "rel_weekday"):
        return _weekday(match, ref, past)
    if kind == "relative":
        return _relative_unit(match["rel"], match["unit"], ref)
    offset = {"today": 0, "yesterday": -1, "tomorrow": 1}[match["word"]]
    return _day(ref + timedelta(days=offset))


def _month_by_direction(month: int, ref: date, rel: str | None, past: bool) -> DateValue:
    if rel == "last" or (rel is None and past):
        year = (
            ref.year if month < ref.month or (month == ref.month and rel is None) else ref.year - 1
        )
    elif rel == "this":
        year = ref.year
    else:
        year = (
            ref.year if month > ref.month or (month == ref.month and rel is None) else ref.year + 1
        )
    return _month(year, month)


def _weekday(match: re.Match[str], ref: date, past: bool) -> DateValue:
    name = match["weekday"]
    if name not in WEEKDAYS:
        raise DateSyntaxError(f"{name!r} is not a weekday")
    target = WEEKDAYS[name]
    rel = match.groupdict().get("rel")
    if rel == "last" or (rel != "next" and past):
        back = (ref.weekday() - target) % 7 or (7 if rel == "last" else 0)
        return _day(ref - timedelta(days=back))
    ahead = (target - ref.weekday()) % 7 or (7 if rel == "next" else 0)
    return _day(ref + timedelta(days=ahead))


def _relative_unit(rel: str, unit: str, ref: date) -> DateValue:
    step = {"this": 0, "last": -1, "past": -1, "next": 1}[rel]
    if unit == "year":
        return _year(ref.year + step)
    if unit == "month":
        index = ref.year * 12 + ref.month - 1 + step
        return _month(index // 12, index % 12 + 1)
    monday = ref - timedelta(days=ref.weekday()) + timedelta(weeks=step)
    return DateValue(monday, monday + timedelta(days=6), Precision.WEEK)


def _agree(values: set[DateValue]) -> DateValue:
    if len(values) == 1:
        return values.pop()
    earliest = min(v.earliest for v in values if v.earliest)
    latest = max(v.latest for v in values if v.latest)
    if (earliest.year, earliest.month) == (latest.year, latest.month):
        return _month(earliest.year, earliest.month)
    if earliest.year == latest.year:
        return _year(earliest.year)
    return UNRESOLVED


def _days(window: tuple[date, date]) -> list[date]:
    start, end = window
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _day(day: date) -> DateValue:
    return DateValue(day, day, Precision.DAY)


def _month(year: int, month: int) -> DateValue:
    last = calendar.monthrange(year, month)[1]
    return DateValue(date(year, month, 1), date(year, month, last), Precision.MONTH)


def _year(year: int) -> DateValue:
    return DateValue(date(year, 1, 1), date(year, 12, 31), Precision.YEAR)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _checked_date(year: int, month: int, day: int) -> date:
    if (value := _safe_date(year, month, day)) is None:
        raise DateSyntaxError(f"{year:04d}-{month:02d}-{day:02d} does not exist")
    return value
