"""The Flask app: SPARQL endpoint, home page and health check."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from newsgraph.settings import Settings


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app; settings come from defaults, the environment, then `config`."""
    app = Flask(__name__)
    settings = Settings.load(config)
    app.config.from_mapping(settings.as_dict())
    app.config["MAX_CONTENT_LENGTH"] = settings.MAX_QUERY_BYTES
    app.extensions["newsgraph.settings"] = settings
    _register(app)
    return app


def _register(app: Flask) -> None:
    from . import (
        catalogue,
        dumps,
        editor,
        headers,
        home,
        limits,
        ontology_docs,
        openapi,
        problems,
        resources,
        response_cache,
        search,
        sparql,
        views,
        void,
    )

    problems.register(app)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(resources.blueprint)
    app.register_blueprint(ontology_docs.blueprint)
    app.register_blueprint(void.blueprint)
    app.register_blueprint(search.blueprint)
    app.add_template_filter(resources.local, "local_path")
    app.register_blueprint(home.blueprint)
    app.register_blueprint(dumps.blueprint)
    app.register_blueprint(catalogue.blueprint)
    app.register_blueprint(openapi.blueprint)
    app.register_blueprint(editor.blueprint)
    app.register_blueprint(views.blueprint)
    headers.register(app)
    if app.extensions["newsgraph.settings"].WRITE_TOKEN:
        from . import writes

        app.register_blueprint(writes.blueprint)
    limits.register(app)
    response_cache.install(app)
