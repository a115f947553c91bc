"""Pictures drawn from saved queries: a timeline of events, a network of actors."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from flask import Blueprint, render_template, request, url_for

from newsgraph.queries.catalog import SavedQuery

from .catalogue import catalogue
from .problems import Problem

blueprint = Blueprint("views", __name__)


@dataclass(frozen=True)
class View:
    """A kind of picture: the saved-query view it draws, its default query and its columns."""

    name: str
    title: str
    template: str
    endpoint: str
    default: str
    required: tuple[str, ...]
    optional: tuple[str, ...]


VIEWS = {
    "timeline": View(
        "timeline",
        "Timeline of events",
        "timeline.html",
        "views.timeline",
        "timeline-of-dated-events",
        ("event", "start"),
        ("end", "label", "type", "article", "articleTitle", "actors"),
    ),
    "graph": View(
        "graph",
        "Network of actors",
        "network.html",
        "views.network",
        "who-met-whom",
        ("source", "target"),
        ("sourceLabel", "targetLabel", "label", "event"),
    ),
}


@blueprint.get("/timeline")
def timeline() -> str:
    """Draw a saved query with view: timeline (events on a time axis, filterable)."""
    return _page(VIEWS["timeline"])


@blueprint.get("/network")
def network() -> str:
    """Draw a saved query with view: graph (actors linked by shared events)."""
    return _page(VIEWS["graph"])


def picture_link(query: SavedQuery, values: dict[str, str] | None = None) -> str | None:
    """Return the page that draws a saved query as its view, if it has a drawn view."""
    view = VIEWS.get(query.view)
    return url_for(view.endpoint, query=query.name, **(values or {})) if view else None


def queries_for(view: View) -> list[SavedQuery]:
    """Return the saved queries drawn by a view, by name."""
    return sorted((q for q in catalogue().values() if q.view == view.name), key=lambda q: q.name)


def _page(view: View) -> str:
    choices = queries_for(view)
    name = request.args.get("query", view.default)
    chosen = next((q for q in choices if q.name == name), None)
    if chosen is None:
        names = ", ".join(q.name for q in choices)
        raise Problem(
            404,
            "No such query for this view",
            f"{name!r} is not a saved query with view: {view.name}; choose one of: {names}.",
        )
    values = {k: v for k, v in request.args.items() if k != "query" and chosen.parameter(k)}
    source = url_for("catalogue.saved_query", name=chosen.name)
    if values:
        source += "?" + urllib.parse.urlencode(values)
    return render_template(
        view.template, view=view, choices=choices, chosen=chosen, source=source, values=values
    )
