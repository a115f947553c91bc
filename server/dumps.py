"""Data dumps for download: the latest release's files, checksums and release description."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    jsonify,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from newsgraph.graph.dump import (
    RELEASE_JSON,
    SUMS,
    DumpFile,
    Release,
    dumps_dir,
    find_release,
    latest_release,
)

from .db import settings
from .problems import Problem

blueprint = Blueprint("dumps", __name__)
PAGE_TYPES = ["application/json", "text/html"]
IMMUTABLE = 365 * 24 * 3600  # a release's files never change: its name is its content hash
SIDE_FILES = {SUMS: "text/plain", RELEASE_JSON: "application/json"}


@blueprint.after_request
def _cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blueprint.get("/dumps")
def index() -> Response:
    """Describe the latest release: JSON for machines, a page for browsers."""
    release = latest_release(dumps_dir(settings()))
    if release is None:
        raise Problem(
            404,
            "No data dump yet",
            "no release of the dataset has been written; run `newsgraph dump` on the server "
            "(it writes DATA_DIR/dumps/<release>/), then reload this page.",
        )
    if _wants_html():
        response = Response(render_template("dumps.html", release=release, files=_files(release)))
    else:
        response = jsonify(describe(release))
    response.vary.add("Accept")
    return response


@blueprint.get("/dumps/<release_id>/<filename>")
def download(release_id: str, filename: str) -> Response:
    """Send one file of a release (conditional and range requests, HEAD)."""
    release = find_release(dumps_dir(settings()), release_id)
    if release is None:
        raise Problem(404, "Unknown release", f"there is no release {release_id!r}; see /dumps.")
    entry, media_type = release.file(filename), SIDE_FILES.get(filename)
    if entry is None and media_type is None:
        names = ", ".join([f.name for f in release.files] + list(SIDE_FILES))
        raise Problem(
            404, "Unknown file", f"release {release.id} has no {filename!r}; it has {names}."
        )
    response = send_from_directory(
        release.path,
        filename,
        mimetype=_download_type(entry) if entry else media_type,
        as_attachment=bool(entry and entry.compress_format),
        etag=entry.sha256 if entry else True,
        max_age=IMMUTABLE,
    )
    response.cache_control.immutable = True
    return response


def describe(release: Release) -> dict[str, Any]:
    """Return the release as JSON, with the download URL of every file."""
    data = release.to_json()
    for item in data["files"]:
        item["url"] = _url(release, item["name"])
    data["checksums"] = _url(release, SUMS)
    data["description"] = _url(release, RELEASE_JSON)
    return data


def _files(release: Release) -> list[dict[str, Any]]:
    return [{**vars(f), "url": _url(release, f.name)} for f in release.files]


def _url(release: Release, filename: str) -> str:
    return url_for("dumps.download", release_id=release.id, filename=filename, _external=True)


def _download_type(entry: DumpFile) -> str:
    return entry.compress_format or entry.media_type


def _wants_html() -> bool:
    forced = request.args.get("format")
    if forced in ("json", "html"):
        return forced == "html"
    best = request.accept_mimetypes.best_match(PAGE_TYPES) if request.accept_mimetypes else None
    if request.accept_mimetypes and best is None:
        raise Problem(406, "Not Acceptable", f"/dumps is offered as {', '.join(PAGE_TYPES)}.")
    return best == "text/html"
