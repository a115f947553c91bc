"""Check the values given for a saved query's parameters and turn them into bound RDF terms.

Values are never pasted into the query text: each becomes an RDF term that pyoxigraph
substitutes for the variable (an IRI, a plain string, or a typed literal), so a value such
as `" } ; DROP ALL ; #` is only ever a string.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from .catalog import Parameter, SavedQuery

XSD = "http://www.w3.org/2001/XMLSchema#"
MAX_STRING = 200
INTEGER = re.compile(r"^[+-]?\d{1,15}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# an instance of the class, through the materialised types of graph/inferred
CLASS_CHECK = "ASK { ?value a ?class }"


class ParameterError(ValueError):
    """A value given for a parameter is unknown, missing or invalid."""

    def __init__(self, parameter: str, reason: str):
        super().__init__(f"parameter {parameter!r}: {reason}")
        self.parameter, self.reason = parameter, reason


@dataclass
class Bound:
    """The values to bind: IRIs, plain strings and typed literals, by variable name."""

    iris: dict[str, str] = field(default_factory=dict)
    strings: dict[str, str] = field(default_factory=dict)
    typed: dict[str, tuple[str, str]] = field(default_factory=dict)  # (lexical, datatype)
    class_checks: list[tuple[str, str, str]] = field(default_factory=list)  # name, iri, class

    def values(self) -> dict[str, str]:
        """Return every bound value as text, by parameter name."""
        return {**self.iris, **self.strings, **{k: v[0] for k, v in self.typed.items()}}


def bind(query: SavedQuery, given: Mapping[str, str], base_iri: str) -> Bound:
    """Validate the given values (defaults filling the gaps) and return what to bind."""
    known = {p.name for p in query.parameters}
    for name in given:
        if name not in known:
            takes = ", ".join(sorted(known)) or "no parameters"
            raise ParameterError(name, f"{query.name} has no such parameter; it takes {takes}")
    bound = Bound()
    for parameter in query.parameters:
        value = given.get(parameter.name, "")
        if value == "":  # an empty form field means not given
            value = parameter.default or ""
        if value == "":
            if parameter.required:
                raise ParameterError(parameter.name, "is required; " + _hint(parameter))
            continue
        _bind_one(parameter, value, base_iri, bound)
    return bound


def _bind_one(parameter: Parameter, value: str, base_iri: str, bound: Bound) -> None:
    name = parameter.name
    if parameter.type == "iri":
        iri = _our_iri(parameter, value, base_iri)
        bound.iris[name] = iri
        if parameter.cls:
            bound.class_checks.append((name, iri, parameter.cls))
    elif parameter.type == "string":
        if len(value) > MAX_STRING:
            raise ParameterError(name, f"is longer than {MAX_STRING} characters")
        bound.strings[name] = value
    elif parameter.type == "enum":
        if value not in parameter.values:
            raise ParameterError(name, f"must be one of {', '.join(parameter.values)}")
        bound.strings[name] = value
    elif parameter.type == "date":
        bound.typed[name] = (_date(parameter, value), XSD + "date")
    else:
        bound.typed[name] = (str(_integer(parameter, value)), XSD + "integer")


def _our_iri(parameter: Parameter, value: str, base_iri: str) -> str:
    iri = value if "://" in value else base_iri + value.lstrip("/")
    if not iri.startswith(base_iri) or re.search(r"[\s<>\"{}|\\^`]", iri):
        raise ParameterError(
            parameter.name, f"must be an IRI of this dataset, under {base_iri}; {_hint(parameter)}"
        )
    return iri


def _date(parameter: Parameter, value: str) -> str:
    try:
        if not DATE.match(value):
            raise ValueError(value)
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ParameterError(
            parameter.name, f"must be a date as YYYY-MM-DD, not {value!r}"
        ) from None


def _integer(parameter: Parameter, value: str) -> int:
    if not INTEGER.match(value):
        raise ParameterError(parameter.name, f"must be a whole number, not {value!r}")
    number = int(value)
    if parameter.min is not None and number < parameter.min:
        raise ParameterError(parameter.name, f"must be at least {parameter.min}")
    if parameter.max is not None and number > parameter.max:
        raise ParameterError(parameter.name, f"must be at most {parameter.max}")
    return number


def _hint(parameter: Parameter) -> str:
    example = parameter.example or parameter.default
    return f"for example {example}" if example else parameter.description


def class_error(name: str, iri: str, cls: str) -> ParameterError:
    """Return the error for an IRI that is not an instance of its parameter's class."""
    return ParameterError(name, f"{iri} is not an instance of <{cls}> in this dataset")


def terms(bound: Bound) -> dict[str, ox.NamedNode | ox.Literal]:
    """Return the bound values as pyoxigraph terms, by variable name."""
    return rdf_terms(bound.iris, bound.strings, bound.typed)


def rdf_terms(
    iris: Mapping[str, str] | None,
    strings: Mapping[str, str] | None,
    typed: Mapping[str, tuple[str, str]] | None,
) -> dict[str, ox.NamedNode | ox.Literal]:
    """Return IRIs, plain strings and (lexical form, datatype) pairs as pyoxigraph terms."""
    found: dict[str, ox.NamedNode | ox.Literal] = {
        k: ox.NamedNode(v) for k, v in (iris or {}).items()
    }
    found.update({k: ox.Literal(v) for k, v in (strings or {}).items()})
    found.update(
        {k: ox.Literal(v, datatype=ox.NamedNode(t)) for k, (v, t) in (typed or {}).items()}
    )
    return found
