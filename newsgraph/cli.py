"""The `newsgraph` command: build, check, query and serve the graph."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup

from newsgraph.settings import ENV_PREFIX, Settings, available_cpus, describe


def _create_app():
    from newsgraph.server import create_app

    return create_app()


def _settings_epilog() -> str:
    lines = [
        f"{ENV_PREFIX}{name} (default {default!r}): {text}" for name, default, text in describe()
    ]
    return "Settings, from the environment:\n\n" + "\n\n".join(lines)


@click.group(
    cls=FlaskGroup, create_app=_create_app, add_version_option=False, epilog=_settings_epilog()
)
def cli() -> None:
    """Build the newsgraph knowledge graph from annotated news and serve it as SPARQL."""


def _settings(corpus: str | None, data_dir: str | None) -> Settings:
    overrides = {k: v for k, v in (("CORPUS_DIR", corpus), ("DATA_DIR", data_dir)) if v}
    return Settings.load(overrides)


corpus_option = click.option(
    "--corpus",
    type=click.Path(file_okay=False, exists=True),
    help="Corpus folder (articles/, annotations/, registry/); default: the bundled corpus.",
)
data_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    help="Where stores are built and switched in (default: ./data).",
)


@cli.command("build")
@corpus_option
@data_option
@click.option("--full", is_flag=True, help="Rebuild everything, even if only articles changed.")
@click.option(
    "--record-quads",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also keep every quad loaded in this new or empty folder, as numbered N-Quads files "
    "to concatenate in name order (full builds; for benchmarks).",
)
@click.option(
    "--optimize",
    is_flag=True,
    help="Compact the new store before switching it in: scans read several times faster "
    "on the read-only server, for more build time and disk (docs/build.md).",
)
def build_command(
    corpus: str | None,
    data_dir: str | None,
    full: bool,
    record_quads: Path | None,
    optimize: bool,
) -> None:
    """Validate the corpus, map it to RDF and switch the served store to a new build.

    Only changed articles are re-mapped when nothing else changed; the store being served
    is never written to.
    """
    settings = _settings(corpus, data_dir)
    if record_quads and not full:
        raise click.UsageError("--record-quads records a full build: add --full.")
    if record_quads:
        from newsgraph.graph.store import QuadRecorder

        try:
            QuadRecorder.check_unused(record_quads)
        except FileExistsError as error:
            raise click.UsageError(f"--record-quads: {error}.") from error
    _run_build(lambda: _build(settings, full, record_quads, optimize))


@cli.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
@corpus_option
@data_option
def add_command(paths: tuple[str, ...], corpus: str | None, data_dir: str | None) -> None:
    """Add articles (ARTICLE.txt with ARTICLE.yaml beside it) to the corpus and rebuild.

    If the corpus does not validate with them, the corpus and the store are left as they were.
    """
    from newsgraph.graph.curation import add_articles

    settings = _corpus_settings(corpus, data_dir)
    root, files = Path(settings.CORPUS_DIR), [Path(p) for p in paths]
    _run_build(lambda: add_articles(root, files, lambda: _build(settings, False)))


@cli.command("remove")
@click.argument("article_ids", nargs=-1, required=True)
@corpus_option
@data_option
def remove_command(article_ids: tuple[str, ...], corpus: str | None, data_dir: str | None) -> None:
    """Remove articles from the corpus and rebuild; refused if others still depend on them."""
    from newsgraph.graph.curation import remove_articles

    settings = _corpus_settings(corpus, data_dir)
    root = Path(settings.CORPUS_DIR)
    _run_build(lambda: remove_articles(root, list(article_ids), lambda: _build(settings, False)))


def _corpus_settings(corpus: str | None, data_dir: str | None) -> Settings:
    settings = _settings(corpus, data_dir)
    if not settings.CORPUS_DIR:
        raise click.UsageError(
            "add and remove change a corpus folder: pass --corpus DIR or set "
            f"{ENV_PREFIX}CORPUS_DIR (e.g. a copy of the bundled corpus)."
        )
    return settings


def _build(
    settings: Settings, full: bool, record_quads: Path | None = None, optimize: bool = False
):
    from newsgraph.graph.build import build

    progress = _progress_reporter()
    return build(
        settings, full=full, progress=progress, record_quads=record_quads, optimize=optimize
    )


def _run_build(action) -> None:
    from newsgraph.graph.errors import CorpusError

    try:
        result = action()
    except CorpusError as error:
        _fail(error)
    mode = "full" if result.plan.full else "incremental"
    click.echo(
        f"Built {sum(result.graphs.values())} quads in {result.seconds:.2f} s ({mode}: "
        f"{result.plan.reason}) into {result.store_path}"
    )
    for graph, count in result.graphs.items():
        click.echo(f"  {count:7d}  {graph}")
    _echo_coverage(result.coverage)


def _progress_reporter():
    """Report progress on a terminal (not in CI or when output is piped)."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None
    from newsgraph.graph.progress import TerminalProgress

    return TerminalProgress(sys.stderr)


@cli.command("check")
@corpus_option
@click.option(
    "--reason/--no-reason",
    default=True,
    show_default=True,
    help="Also run HermiT (consistency, satisfiability) on ontology + data.",
)
@click.option("--sentences", is_flag=True, help="List every sentence with its status.")
def check_command(corpus: str | None, reason: bool, sentences: bool) -> None:
    """Validate the corpus and check the graph against the SHACL shapes and HermiT."""
    from newsgraph.graph.build import coverage, load
    from newsgraph.graph.errors import CorpusError
    from newsgraph.graph.mapping import corpus_quads
    from newsgraph.graph.verify import to_rdflib, verify
    from newsgraph.ontology.checks import load_ontology

    settings = _settings(corpus, None)
    try:
        loaded = load(settings)
    except CorpusError as error:
        _fail(error)
    _echo_coverage(coverage(loaded), loaded if sentences else None)
    data = to_rdflib(corpus_quads(loaded, settings.BASE_IRI))
    outcome = verify(data, load_ontology(settings.BASE_IRI), settings.BASE_IRI, reason)
    for line in outcome.summary():
        click.echo(line)
    if not outcome.ok:
        sys.exit(1)


@cli.command("dump")
@data_option
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    help="Directory to write releases into (default: DATA_DIR/dumps).",
)
def dump_command(data_dir: str | None, out: str | None) -> None:
    """Write a release of the served dataset and its ontology, with checksums.

    The dataset as N-Quads and TriG (gzip), the ontology as Turtle and RDF/XML, SHA256SUMS
    and release.json, in <out>/<date>-<content hash>/; an unchanged dataset gives the same
    release, which is left as it is.
    """
    import time

    from newsgraph.graph.dump import DumpError, dumps_dir, write_dumps
    from newsgraph.graph.store import GraphStore, StoreMissing

    settings = _settings(None, data_dir)
    started = time.perf_counter()
    try:
        store = GraphStore.open_read_only(settings.data_dir)
        target = Path(out) if out else dumps_dir(settings)
        release = write_dumps(store, target, settings.BASE_IRI)
    except (StoreMissing, DumpError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Release {release.id}: {release.quads} quads, written in "
        f"{time.perf_counter() - started:.2f} s to {release.path}"
    )
    for f in release.files:
        click.echo(f"  {f.size:10,d}  {f.sha256}  {f.name}")


@cli.command("query")
@click.argument("sparql", required=False)
@click.option(
    "-f",
    "--file",
    "path",
    type=click.Path(dir_okay=False, exists=True),
    help="Read the query from a file.",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A value for a saved query's parameter (repeat for several).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
    help="Output format for SELECT results.",
)
@click.option(
    "--server",
    metavar="URL",
    help="Run a saved query through a running newsgraph server (e.g. http://127.0.0.1:5000).",
)
@click.option("--list", "list_saved", is_flag=True, help="List the saved queries and exit.")
@data_option
def query_command(
    sparql: str | None,
    path: str | None,
    params: tuple[str, ...],
    fmt: str,
    server: str | None,
    list_saved: bool,
    data_dir: str | None,
) -> None:
    """Run a saved query by NAME, or SPARQL text (argument, --file or stdin), on the store."""
    from newsgraph.graph.store import GraphStore, StoreMissing
    from newsgraph.queries.catalog import load_queries
    from newsgraph.queries.params import ParameterError
    from newsgraph.queries.running import RemoteError, fetch, run_locally

    settings = _settings(None, data_dir)
    saved = {q.name: q for q in load_queries(settings.BASE_IRI)}
    if list_saved:
        for q in saved.values():
            names = " ".join(f"--param {p.name}=…" for p in q.parameters)
            click.echo(f"{q.name}  {names}".rstrip())
        return
    query = saved.get(sparql or "")
    given = _parameters(params)
    if query is None and (given or server):
        raise click.ClickException(
            f"{sparql!r} is not a saved query (--param and --server need one); "
            "see `newsgraph query --list`"
        )
    try:
        if query is not None and server:
            _print_remote(fetch(server, query.name, given, fmt), fmt)
            return
        store = GraphStore.open_read_only(settings.data_dir)
        if query is not None:
            result = run_locally(store, query, given, settings.BASE_IRI)
        else:
            result = store.query(sparql or (Path(path).read_text() if path else sys.stdin.read()))
    except (StoreMissing, RemoteError) as error:
        raise click.ClickException(str(error)) from error
    except ParameterError as error:
        raise click.ClickException(f"{error}; see `newsgraph query --list`") from error
    except SyntaxError as error:
        raise click.ClickException(f"query syntax error: {error}") from error
    _print_result(result, fmt)


def _parameters(pairs: tuple[str, ...]) -> dict[str, str]:
    given = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{pair!r}: write NAME=VALUE", param_hint="--param")
        given[name] = value
    return given


def _print_remote(body: bytes, fmt: str) -> None:
    if fmt != "table":
        sys.stdout.buffer.write(body)
        return
    document = json.loads(body)
    if "boolean" in document:
        click.echo("true" if document["boolean"] else "false")
        return
    names = document["head"]["vars"]
    rows = [{k: v["value"] for k, v in b.items()} for b in document["results"]["bindings"]]
    _print_table(names, rows)


WEB_SERVERS = ("granian", "gunicorn")
# client, request line, status, bytes, duration in ms, user agent (the RSGI bridge logs alike)
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, help="Port to listen on.")
@click.option(
    "--server",
    "web_server",
    type=click.Choice(WEB_SERVERS),
    default=WEB_SERVERS[0],
    show_default=True,
    help="Web server: granian (Rust HTTP, our RSGI bridge) or gunicorn (gthread workers).",
)
@click.option(
    "--workers",
    default=0,
    show_default=True,
    help="Web worker processes; 0 = one per CPU this server may run on.",
)
@click.option(
    "--threads", type=int, help="Threads per worker [default: the WEB_THREADS setting, 4]."
)
@click.option("--debug", is_flag=True, help="Use Flask's development server with reloader.")
def serve_command(
    host: str, port: int, web_server: str, workers: int, threads: int | None, debug: bool
) -> None:
    """Serve the built store: SPARQL endpoint and pages, on granian or gunicorn (or --debug)."""
    if debug:
        _create_app().run(host=host, port=port, debug=True)
        return
    workers = workers or available_cpus()
    settings = _settings(None, None)
    # the query processes are shared out over the web workers the server will start
    os.environ[f"{ENV_PREFIX}QUERY_PROCESSES"] = str(settings.query_processes(workers))
    threads = threads or settings.WEB_THREADS
    os.environ[f"{ENV_PREFIX}WEB_THREADS"] = str(threads)
    if web_server == "granian":
        argv = granian_argv(host, port, workers, "newsgraph.server.rsgi:create_rsgi_app")
    else:
        argv = gunicorn_argv(host, port, workers, threads, "newsgraph.server:create_app()")
    os.execvp(sys.executable, [sys.executable, "-m", *argv])


def granian_argv(host: str, port: int, workers: int, factory: str) -> list[str]:
    """Return the granian command line `serve` runs: our RSGI bridge, which logs requests."""
    return [
        "granian",
        "--interface",
        "rsgi",
        "--factory",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--respawn-failed-workers",
        "--no-ws",
        "--no-access-log",
        factory,
    ]


def gunicorn_argv(host: str, port: int, workers: int, threads: int, app: str) -> list[str]:
    """Return the gunicorn command line `serve --server gunicorn` runs."""
    return [
        "gunicorn",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--access-logfile",
        "-",
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        app,
    ]


def _fail(error: Exception) -> None:
    click.echo(str(error), err=True)
    sys.exit(1)


def _echo_coverage(coverage: dict[str, dict[str, int]], corpus=None) -> None:
    click.echo("Sentence coverage (covered + skipped = accounted for):")
    for article_id, counts in coverage.items():
        total = counts["sentences"]
        accounted = counts.get("covered", 0) + counts.get("skipped", 0)
        click.echo(
            f"  {article_id}: {accounted}/{total} ({100 * accounted / max(total, 1):.0f}%), "
            f"{counts.get('covered', 0)} covered, {counts.get('skipped', 0)} skipped"
        )
    if corpus is not None:
        for article in corpus.articles:
            for s in article.sentences:
                click.echo(f"    [{s.status}{':' + s.reason if s.reason else ''}] {s.text[:100]}")


def _print_result(result, fmt: str) -> None:
    if result.kind == "boolean":
        click.echo("true" if bool(result.raw) else "false")
        return
    if result.kind == "graph" or fmt != "table":
        media = {
            "csv": "text/csv",
            "tsv": "text/tab-separated-values",
            "json": "application/sparql-results+json",
        }.get(fmt, "text/turtle")
        result.serialize(sys.stdout.buffer, "text/turtle" if result.kind == "graph" else media)
        return
    _print_table(result.variables, list(result.rows()))


def _print_table(names: list[str], rows: list[dict[str, str]]) -> None:
    widths = {n: max([len(n)] + [len(r.get(n, "")) for r in rows]) for n in names}
    click.echo("  ".join(n.ljust(widths[n]) for n in names))
    click.echo("  ".join("-" * widths[n] for n in names))
    for row in rows:
        click.echo("  ".join(row.get(n, "").ljust(widths[n]) for n in names))
    click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def main() -> None:
    """Run the command line."""
    cli(prog_name="newsgraph")


if __name__ == "__main__":
    main()
