"""The ``alliance-graph`` command line: build, validate, query, export, stats, serve, ontology.

Errors end in one line on stderr and a non-zero exit code: 1 for a failed check or build, 2 for a
usage error (bad option or parameter), 3 when no graph has been built yet.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from . import stats as stats_module
from .build import BuildError, build_in_memory, build_on_disk, build_remote, check
from .compile import compile_files
from .namespaces import GRAPH_ONTOLOGY, PREFIXES
from .ontology import Schema
from .paths import project
from .queries import NamedQuery, ParameterError, QueryDefinitionError, load_catalogue, run
from .results import columns_of, evidence_index, records, to_csv, to_json, to_table
from .store import QuerySyntaxError, Store, StoreError, open_store, parse_spec

app = typer.Typer(
    help="AI Alliance Graph: a sourced knowledge graph of the international politics of AI.",
    no_args_is_help=True,
    add_completion=False,
)
ontology_app = typer.Typer(help="Ontology engineering: check, docs, release, diff.", no_args_is_help=True)
app.add_typer(ontology_app, name="ontology")

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Backend: oxigraph (default, on disk), memory, or sparql+http://host:port/query. "
        "Env: ALLIANCE_GRAPH_STORE.",
    ),
]
FORMATS = ("table", "json", "csv")
EXPORT_FORMATS = {
    "turtle": "ttl",
    "nt": "nt",
    "nquads": "nq",
    "trig": "trig",
    "json-ld": "jsonld",
    "xml": "rdf",
}


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def progress(message: str) -> None:
    typer.echo(message, err=True)


def _open(store_name: str | None) -> Store:
    try:
        return open_store(store_name, project())
    except BuildError as exc:
        fail(f"{exc}: {exc.problems[0]}")
    except StoreError as exc:
        fail(str(exc), 3)


@app.command()
def build(store: StoreOption = None) -> None:
    """Compile data/, validate it (SHACL), infer, and load a fresh store; swap it in atomically."""
    started = time.perf_counter()
    try:
        spec = parse_spec(store)
        if spec.kind == "memory":
            mem, prepared = build_in_memory(project(), progress)
            where = "memory (not kept)"
            triples = len(mem)
        elif spec.kind == "remote":
            _remote, prepared = build_remote(project(), str(spec), progress)
            where = str(spec)
            triples = sum(len(g) for g in prepared.graphs.values())
        else:
            path, prepared = build_on_disk(project(), progress)
            where = str(path)
            triples = sum(len(g) for g in prepared.graphs.values())
    except BuildError as exc:
        for problem in exc.problems:
            typer.echo(problem, err=True)
        fail(f"build stopped: {exc}; the previous graph is unchanged")
    except StoreError as exc:
        fail(str(exc))
    warnings = [v for v in prepared.violations if v.severity != "Violation"]
    for warning in warnings:
        typer.echo(str(warning), err=True)
    _render_docs()
    typer.echo(f"built {triples} triples in {time.perf_counter() - started:.1f}s into {where}")


def _render_docs() -> None:
    """Refresh the ontology docs with every build, so /ontology follows a schema change at once.
    A failure here is reported but does not undo the build."""
    from .ontology.docs import render

    paths = project()
    try:
        render(paths.ontology_file, paths.var_dir / "docs")
    except Exception as exc:  # pyLODE or Graphviz trouble must not cost the analysts their graph
        typer.echo(f"warning: ontology docs not rendered: {exc}", err=True)


@app.command()
def validate() -> None:
    """Compile data/ and run the SHACL shapes, without building."""
    try:
        _schema, compilation, violations, _states = check(project(), progress)
    except BuildError as exc:
        for problem in exc.problems:
            typer.echo(problem, err=True)
        fail(str(exc))
    for v in violations:
        typer.echo(str(v), err=True)
    records_count = sum(len(c.records) for c in compilation.files)
    typer.echo(f"valid: {len(compilation.files)} file(s), {records_count} records and sources")


def _parse_extra(args: list[str], query: NamedQuery) -> dict[str, Any]:
    values: dict[str, Any] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--"):
            fail(f"unexpected argument {arg!r}; parameters are given as --name value", 2)
        key, sep, value = arg[2:].partition("=")
        if not sep:
            if i + 1 >= len(args):
                fail(f"parameter --{key} needs a value", 2)
            value = args[i + 1]
            i += 1
        name = key.replace("-", "_")
        try:
            param = query.parameter(name)
        except ParameterError as exc:
            fail(f"{exc} (it has: {', '.join(p.name for p in query.parameters) or 'none'})", 2)
        if param.many:
            values.setdefault(name, []).append(value)
        else:
            values[name] = value
        i += 1
    return values


def _emit(rows: list[dict[str, Any]], columns: list[str], fmt: str) -> None:
    if fmt == "json":
        typer.echo(to_json(rows))
    elif fmt == "csv":
        sys.stdout.write(to_csv(rows, columns))
    else:
        typer.echo(to_table(rows, columns))


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def query(
    ctx: typer.Context,
    what: Annotated[str, typer.Argument(help="A named question, a .rq file, or SPARQL text.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
    limit: Annotated[int, typer.Option(help="Rows per page of a named question.")] = 100,
    offset: Annotated[int, typer.Option(help="Rows to skip of a named question.")] = 0,
    columns: Annotated[str | None, typer.Option(help="Comma-separated columns to show.")] = None,
    store: StoreOption = None,
) -> None:
    """Ask a named question (``--param value`` for its parameters) or run SPARQL."""
    if fmt not in FORMATS:
        fail(f"unknown format {fmt!r}: use {', '.join(FORMATS)}", 2)
    try:
        catalogue = load_catalogue(project().queries_dir)
    except QueryDefinitionError as exc:
        fail(str(exc))
    named = catalogue.get(what)
    if named is None and ctx.args:
        fail(f"no named question {what!r}; see 'alliance-graph queries'", 2)
    graph = _open(store)
    try:
        if named is not None:
            page = run(graph, named, _parse_extra(list(ctx.args), named), limit=limit, offset=offset)
            answer = page.answer
            if page.has_more:
                typer.echo(f"more rows: add --offset {offset + limit}", err=True)
        else:
            path = Path(what)
            text = path.read_text(encoding="utf-8") if what.endswith(".rq") and path.is_file() else what
            answer = graph.query(text)
    except ParameterError as exc:
        fail(str(exc), 2)
    except QuerySyntaxError as exc:
        fail(f"SPARQL syntax error: {exc}", 2)
    if answer.kind == "ASK":
        typer.echo("true" if answer.boolean else "false")
        return
    if answer.kind == "CONSTRUCT":
        assert answer.graph is not None
        for prefix, iri in PREFIXES.items():
            answer.graph.bind(prefix, iri, override=True)
        typer.echo(answer.graph.serialize(format="turtle"))
        return
    has_evidence = "sources" in answer.variables
    shown = columns_of(answer, has_evidence)
    if columns:
        wanted = [c.strip() for c in columns.split(",") if c.strip()]
        unknown = [c for c in wanted if c not in shown]
        if unknown:
            fail(f"no column {unknown[0]!r}; the answer has: {', '.join(shown)}", 2)
        shown = wanted
    evidence = evidence_index(graph, answer) if has_evidence else None
    _emit(records(answer, evidence), shown, fmt)


@app.command()
def queries() -> None:
    """List the named questions and their parameters."""
    try:
        catalogue = load_catalogue(project().queries_dir)
    except QueryDefinitionError as exc:
        fail(str(exc))
    for q in catalogue.values():
        typer.echo(f"{q.name}: {q.title}")
        for p in q.parameters:
            default = f" (default {p.default})" if p.default is not None else ""
            typer.echo(f"    --{p.name.replace('_', '-')} <{p.type}>{default}  {p.description}")


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help=", ".join(EXPORT_FORMATS))] = "nquads",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write; stdout if absent.")] = None,
    store: StoreOption = None,
) -> None:
    """Write the whole graph (named graphs kept in N-Quads and TriG) for loading elsewhere."""
    if fmt not in EXPORT_FORMATS:
        fail(f"unknown export format {fmt!r}: use {', '.join(EXPORT_FORMATS)}", 2)
    data = _open(store).dump(fmt)
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)
        typer.echo(f"wrote {len(data)} bytes to {output}", err=True)


@app.command()
def stats(
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    store: StoreOption = None,
) -> None:
    """Counts per class, sources and their quality, and the last build."""
    figures = stats_module.collect(_open(store))
    typer.echo(to_json(figures) if fmt == "json" else stats_module.render(figures))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    store: StoreOption = None,
) -> None:
    """Serve the web UI, the SPARQL endpoint and the API with uvicorn."""
    import uvicorn

    from .api.app import create_app
    from .api.config import Settings

    try:
        application = create_app(Settings(store=parse_spec(store)))
    except StoreError as exc:
        fail(str(exc), 2)
    uvicorn.run(application, host=host, port=port, log_level="info")


@ontology_app.command("check")
def ontology_check(
    reasoner: Annotated[bool, typer.Option(help="Run HermiT (needs Java).")] = True,
) -> None:
    """Quality report, competency questions, and HermiT reasoning; errors fail the command."""
    from .build import build_in_memory
    from .ontology.competency import run_checks
    from .ontology.quality import report
    from .reasoning import ReasoningError, check_consistency

    paths = project()
    try:
        store, prepared = build_in_memory(paths, progress)
    except BuildError as exc:
        for problem in exc.problems:
            typer.echo(problem, err=True)
        fail(str(exc))
    findings = report(prepared.graphs[GRAPH_ONTOLOGY], paths, [c.graph for c in prepared.compilation.files])
    for finding in findings:
        typer.echo(str(finding))
    errors = [f for f in findings if f.level == "error"]
    results = run_checks(store, paths.ontology_dir / "checks")
    for result in results:
        typer.echo(f"{'PASS' if result.passed else 'FAIL'}  {result.name}: {result.title} ({result.detail})")
    failed = [r for r in results if not r.passed]
    if reasoner:
        try:
            for line in check_consistency(paths, progress, prepared.checked):
                typer.echo(line)
        except ReasoningError as exc:
            fail(str(exc))
    if errors or failed:
        fail(f"{len(errors)} quality error(s), {len(failed)} failed competency question(s)")
    typer.echo(f"ontology check passed: {len(findings)} finding(s) below error, {len(results)} competency questions")


@ontology_app.command("docs")
def ontology_docs(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Folder (default var/docs).")] = None,
) -> None:
    """Render HTML documentation (pyLODE) and a class diagram; the service serves it at /ontology."""
    from .ontology.docs import render

    paths = project()
    page = render(paths.ontology_file, output or paths.var_dir / "docs")
    typer.echo(f"wrote {page}")


@ontology_app.command("release")
def ontology_release(version: Annotated[str, typer.Argument(help="The new version, X.Y.Z.")]) -> None:
    """Stamp a new version, write the release artefacts and a changelog entry."""
    from .ontology.release import ReleaseError, release

    paths = project()
    try:
        _schema, compilation, _violations, _states = check(paths, progress)
        target = release(paths, version, [c.graph for c in compilation.files])
    except BuildError as exc:
        fail(f"{exc}: {exc.problems[0]}")
    except ReleaseError as exc:
        fail(str(exc), 2)
    typer.echo(f"released ontology {version} into {target}")


@ontology_app.command("diff")
def ontology_diff(
    old: Annotated[str, typer.Argument(help="A file or a git revision (e.g. HEAD~1, v0.1.0).")],
    new: Annotated[str, typer.Argument(help="A file or a git revision; the working file if absent.")] = "",
) -> None:
    """What changed between two versions of the ontology; a removed term still in use is an error."""
    from .ontology.quality import used_terms
    from .ontology.release import ReleaseError, diff, load_version

    paths = project()
    try:
        before = load_version(old, paths)
        after = load_version(new or str(paths.ontology_file), paths)
        compilation = compile_files(Schema.load(paths), paths.data_files())
    except ReleaseError as exc:
        fail(str(exc), 2)
    except BuildError as exc:
        fail(f"{exc}: {exc.problems[0]}")
    changes = diff(before, after, set(used_terms(paths, [c.graph for c in compilation.files])))
    for line in changes.lines():
        typer.echo(line)
    if changes.removed_in_use:
        fail(f"{len(changes.removed_in_use)} removed term(s) still in use")


def main() -> None:  # pragma: no cover - console entry point
    app()
