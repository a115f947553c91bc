"""The OpenAPI 3 description of the API, generated from the saved queries' files."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, json, request

from newsgraph.queries.catalog import Parameter, SavedQuery

from .catalogue import catalogue
from .sparql import GRAPH_TYPES, SOLUTION_TYPES

blueprint = Blueprint("openapi", __name__)
PROBLEM = {"$ref": "#/components/responses/Problem"}
TEXT_RESULT = {"type": "string"}


@blueprint.get("/openapi.json")
def openapi() -> Response:
    """Answer the OpenAPI 3.0 document: one operation per saved query, and the endpoint."""
    document = {
        "openapi": "3.0.3",
        "info": {
            "title": "newsgraph API",
            "version": "1.0.0",
            "description": "Saved queries over a knowledge graph of actors, events and "
            "agreements from annotated news articles; each query is an operation whose "
            "parameters are bound as RDF terms, never pasted into the query text.",
        },
        "servers": [{"url": request.host_url.rstrip("/")}],
        "paths": {
            "/sparql": _sparql_path(),
            "/queries": _catalogue_path(),
            **{f"/queries/{q.name}": {"get": _operation(q)} for q in catalogue().values()},
        },
        "components": {"responses": {"Problem": _problem_response()}},
    }
    return Response(json.dumps(document, indent=1), mimetype="application/json")


def _operation(query: SavedQuery) -> dict[str, Any]:
    types = GRAPH_TYPES if query.form in ("construct", "describe") else SOLUTION_TYPES
    format_names = ["csv", "tsv", "json", "xml"] if types is SOLUTION_TYPES else None
    parameters = [_parameter(p) for p in query.parameters]
    parameters.append(_format_parameter(format_names))
    return {
        "operationId": query.name,
        "summary": query.summary,
        "description": query.description,
        "tags": list(query.tags),
        "parameters": parameters,
        "responses": {
            "200": {
                "description": f"the results ({query.form.upper()})",
                "content": {t: {"schema": _result_schema(t)} for t in types},
            },
            "400": PROBLEM,
            "406": PROBLEM,
            "503": PROBLEM,
            "504": PROBLEM,
        },
    }


def _parameter(parameter: Parameter) -> dict[str, Any]:
    described: dict[str, Any] = {
        "name": parameter.name,
        "in": "query",
        "required": parameter.required and parameter.default is None,
        "description": parameter.description
        + (f" Must be an instance of <{parameter.cls}>." if parameter.cls else ""),
        "schema": _schema(parameter),
    }
    if parameter.example is not None:
        described["example"] = _typed(parameter, parameter.example)
    return described


def _schema(parameter: Parameter) -> dict[str, Any]:
    if parameter.type == "integer":
        schema: dict[str, Any] = {"type": "integer"}
        if parameter.min is not None:
            schema["minimum"] = parameter.min
        if parameter.max is not None:
            schema["maximum"] = parameter.max
    else:
        schema = {"type": "string"}
        formats = {"iri": "uri", "date": "date"}
        if parameter.type in formats:
            schema["format"] = formats[parameter.type]
        if parameter.type == "enum":
            schema["enum"] = list(parameter.values)
    if parameter.default is not None:
        schema["default"] = _typed(parameter, parameter.default)
    return schema


def _typed(parameter: Parameter, value: str) -> str | int:
    return int(value) if parameter.type == "integer" else value


def _format_parameter(names: list[str] | None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if names:
        schema["enum"] = names
    return {
        "name": "format",
        "in": "query",
        "required": False,
        "description": "Result format, overriding the Accept header (for browsers).",
        "schema": schema,
    }


def _result_schema(media_type: str) -> dict[str, Any]:
    if media_type == "application/sparql-results+json":
        return {
            "type": "object",
            "description": "SPARQL 1.1 Query Results JSON Format",
            "properties": {"head": {"type": "object"}, "results": {"type": "object"}},
        }
    return TEXT_RESULT


def _sparql_path() -> dict[str, Any]:
    query = {
        "name": "query",
        "in": "query",
        "required": True,
        "description": "A SPARQL 1.1 query.",
        "schema": {"type": "string"},
    }
    content = {t: {"schema": _result_schema(t)} for t in [*SOLUTION_TYPES, *GRAPH_TYPES]}
    return {
        "get": {
            "operationId": "sparqlQuery",
            "summary": "Run a SPARQL query (SPARQL 1.1 Protocol; POST is accepted too).",
            "tags": ["sparql"],
            "parameters": [query],
            "responses": {
                "200": {"description": "the results", "content": content},
                "400": PROBLEM,
                "406": PROBLEM,
                "413": PROBLEM,
                "503": PROBLEM,
                "504": PROBLEM,
            },
        }
    }


def _catalogue_path() -> dict[str, Any]:
    tag = {
        "name": "tag",
        "in": "query",
        "required": False,
        "description": "Keep only the queries with this tag (repeat: all must match).",
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": True,
    }
    listing = {"type": "object", "properties": {"queries": {"type": "array"}}}
    return {
        "get": {
            "operationId": "listSavedQueries",
            "summary": "List the saved queries with their parameters.",
            "tags": ["catalogue"],
            "parameters": [tag],
            "responses": {
                "200": {
                    "description": "the catalogue",
                    "content": {
                        "application/json": {"schema": listing},
                        "text/html": {"schema": TEXT_RESULT},
                    },
                }
            },
        }
    }


def _problem_response() -> dict[str, Any]:
    problem = {
        "type": "object",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "parameter": {"type": "string", "description": "the parameter at fault, if one"},
        },
    }
    return {
        "description": "An RFC 7807 problem document saying what went wrong and how to fix it.",
        "content": {"application/problem+json": {"schema": problem}},
    }
