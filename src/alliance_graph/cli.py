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
from .names.collect import load_index
from .names.resolve import needs_index, resolve_names
from .namespaces import GRAPH_ONTOLOGY, PREFIXES, shorten
from .ontology import Schema
from .paths import project
from .queries import NamedQuery, ParameterError, QueryDefinitionError, load_catalogue, run
from .results import carries_evidence, columns_of, evidence_index, explain_text, records, to_csv, to_json, to_table
from .store import QuerySyntaxError, Store, StoreError, open_store, parse_spec

app = typer.Typer(
    help="AI Alliance Graph: a sourced knowledge graph of the international politics of AI.",
    no_args_is_help=True,
    add_completion=False,
)
ontology_app = typer.Typer(help="Ontology engineering: check, docs, release, diff.", no_args_is_help=True)
app.add_typer(ontology_app, name="ontology")
data_app = typer.Typer(help="The data files: their JSON Schema for editors.", no_args_is_help=True)
app.add_typer(data_app, name="data")

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Backend: oxigraph (default, on disk), memory, or sparql+http://host:port/query. "
        "Env: ALLIANCE_GRAPH_STORE.",
    ),
]
FORMATS = ("table", "json", "csv")
EXPORT_FORMATS = ("nquads", "trig", "turtle", "nt", "json-ld", "xml")


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
            triples = prepared.triple_count
        else:
            path, prepared = build_on_disk(project(), progress)
            where = str(path)
            triples = prepared.triple_count
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
    explain: Annotated[bool, typer.Option("--explain", help="Print each row's chain of facts and quotes.")] = False,
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
    values: dict[str, Any] = {}
    try:
        if named is not None:
            values = _named_values(graph, named, list(ctx.args))
            page = run(graph, named, values, limit=limit, offset=offset)
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
    if answer.kind == "CONSTRUCT" and answer.graph is not None:
        for prefix, iri in PREFIXES.items():
            answer.graph.bind(prefix, iri, override=True)
        typer.echo(answer.graph.serialize(format="turtle"))
        return
    has_evidence = carries_evidence(answer) or (named is not None and "sources" in answer.variables)
    shown = columns_of(answer, has_evidence)
    if columns:
        wanted = [c.strip() for c in columns.split(",") if c.strip()]
        unknown = [c for c in wanted if c not in shown]
        if unknown:
            fail(f"no column {unknown[0]!r}; the answer has: {', '.join(shown)}", 2)
        shown = wanted
    evidence = evidence_index(graph, answer) if has_evidence else None
    rows = records(answer, evidence)
    if named is not None and not rows and offset == 0:
        _note_possible_rows(graph, named, values)
    _emit(rows, shown, fmt)
    if explain:
        typer.echo(explain_text(rows))


def _named_values(graph: Store, named: NamedQuery, args: list[str]) -> dict[str, Any]:
    """The question's parameter values, names given for IRIs resolved (each resolution said)."""
    values = _parse_extra(args, named)
    if needs_index(named, values):
        values, notes = resolve_names(named, values, load_index(graph))
        for note in notes:
            typer.echo(note, err=True)
    return values


def _note_possible_rows(graph: Store, named: NamedQuery, values: dict[str, Any]) -> None:
    """An empty certain answer says so when rows are possible (dates unknown or imprecise)."""
    if values.get("certainty", "certain") != "certain" or "certainty" not in {p.name for p in named.parameters}:
        return
    possible = run(graph, named, {**values, "certainty": "possible"}, limit=1000).answer
    if possible.rows:
        typer.echo(
            f"no row is certain; {len(possible.rows)} row(s) are possible (a date unknown or not precise enough): "
            "add --certainty possible",
            err=True,
        )


@app.command()
def search(
    name: Annotated[str, typer.Argument(help="A name in any script: 'Сбер', 'PRC', 'UAE', 'Russie'.")],
    kind: Annotated[str | None, typer.Option(help="State, Institution, Grouping, Person or Technology.")] = None,
    lang: Annotated[str | None, typer.Option(help="Only names in this language (en, ru, zh, ...).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100)] = 10,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
    store: StoreOption = None,
) -> None:
    """Find entities by any of their names, with the score and why each one matched."""
    from .names.collect import KINDS

    if kind is not None and kind not in KINDS:
        fail(f"unknown kind {kind!r}; kinds are {', '.join(KINDS)}", 2)
    found = load_index(_open(store)).search(name, kind=kind, lang=lang, limit=limit)
    rows = [{**m.as_dict(), "iri": shorten(m.entity.iri)} for m in found]
    if not rows and fmt == "table":
        typer.echo(f"no entity is known by the name {name!r}")
        return
    _emit(rows, ["iri", "label", "kind", "score", "how", "matched", "lang"], fmt)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="HTML or text files of articles, or folders of them.")],
    url: Annotated[str | None, typer.Option(help="The article's address (its identity; nothing is fetched).")] = None,
    title: Annotated[str | None, typer.Option(help="The article's title, if the file does not give it.")] = None,
    publisher: Annotated[str | None, typer.Option(help="The outlet, if the file does not give it.")] = None,
    published: Annotated[str | None, typer.Option(help="Publication date: YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    evaluate: Annotated[bool, typer.Option(help="Score the rules on a labelled folder (expected.yaml).")] = False,
    store: StoreOption = None,
) -> None:
    """Propose sourced candidate facts from news articles into data/candidates/ for review."""
    from .ingest.pipeline import evaluate as run_evaluation
    from .ingest.pipeline import ingest_article, read_with
    from .ingest.read import IngestError
    from .ingest.review import write_candidates
    from .names.collect import load_index

    graph = _open(store)
    started = time.perf_counter()
    index = load_index(graph)
    if evaluate:
        for folder in paths:
            result = run_evaluation(folder, index, graph)
            rows = [{"kind": kind, "expected": s.expected, "proposed": s.proposed, "correct": s.correct,
                     "precision": f"{s.precision:.2f}", "recall": f"{s.recall:.2f}"}
                    for kind, s in sorted({**result.facts, "ALL FACTS": result.total(),
                                           "entity linking": result.linking}.items())]  # fmt: skip
            _emit(rows, ["kind", "expected", "proposed", "correct", "precision", "recall"], "table")
        return
    files = [f for p in paths for f in (sorted(p.glob("*.htm*")) + sorted(p.glob("*.txt")) if p.is_dir() else [p])]
    if not files:
        fail("no .html, .htm or .txt files to read", 2)
    failed = 0
    for file in files:
        try:
            article = read_with(file, url=url, title=title, publisher=publisher, published=published)
        except (IngestError, ValueError, OSError) as exc:
            typer.echo(f"skipped {file.name}: {exc}", err=True)
            failed += 1
            continue
        done = ingest_article(article, index, graph, project().data_dir)
        when = article.published.text if article.published else "date unknown"
        typer.echo(f'read "{article.title}" ({article.publisher or "publisher unknown"}, {when})')
        linked = [{"text": m.text, "iri": shorten(m.iri), "how": m.match.how} for m in done.mentions]
        distinct = {m["iri"]: m for m in linked}
        shown = ", ".join(f"{m['text']} → {m['iri']}" for m in list(distinct.values())[:8])
        typer.echo(f"linked {len(distinct)} names: {shown}{' …' if len(distinct) > 8 else ''}")
        if done.new_organisations:
            typer.echo(f"not in the graph (new institutions?): {', '.join(done.new_organisations)}")
        written = write_candidates(project().data_dir, article, done.candidates, list(distinct.values()))
        typer.echo(f"proposed {len(done.candidates)} candidate facts → {written.relative_to(project().home)}")
        for n, c in enumerate(done.candidates, start=1):
            state = {"known": f"already known ({c.matches}): +1 citation",
                     "disagreement": f"disagrees with {c.matches}"}.get(c.status, "new")  # fmt: skip
            typer.echo(f"  {n} {c.kind:12} {c.rule:22} confidence {c.confidence:.2f}  {state}")
        if done.skipped_rejected:
            typer.echo(f"  ({done.skipped_rejected} candidate(s) rejected before were not proposed again)")
    typer.echo(f"done in {time.perf_counter() - started:.1f} s; review with 'alliance-graph review'", err=True)
    if failed == len(files):
        raise typer.Exit(1)


@app.command()
def review(
    accept: Annotated[list[int] | None, typer.Option("--accept", help="Accept candidate N of the list.")] = None,
    reject: Annotated[list[int] | None, typer.Option("--reject", help="Reject candidate N of the list.")] = None,
    reviewer: Annotated[str, typer.Option(help="Who decides (kept with each accepted fact).")] = "curator",
) -> None:
    """List pending candidates; accept or reject them (interactively when no option is given)."""
    from .ingest.review import ReviewError, pending
    from .ingest.review import accept as do_accept
    from .ingest.review import reject as do_reject

    data_dir = project().data_dir
    waiting = pending(data_dir)
    if not waiting:
        typer.echo("no candidates are waiting for review")
        return
    chosen = {n: "accept" for n in accept or []} | {n: "reject" for n in reject or []}
    for n, (path, content, candidate) in enumerate(waiting, start=1):
        typer.echo(f"{n} [{candidate['kind']}] {candidate['status']} {candidate.get('matches') or ''}")
        typer.echo(f"    “{candidate['quote']}” — {content['document']['title']}")
        typer.echo(f"    {dict(candidate['record'])}")
        decision = chosen.get(n)
        if decision is None and not chosen and sys.stdin.isatty():
            decision = {"a": "accept", "r": "reject"}.get(typer.prompt("    accept, reject or skip? [a/r/s]", "s")[:1])
        try:
            if decision == "accept":
                typer.echo("    " + do_accept(data_dir, path, content, candidate, reviewer))
            elif decision == "reject":
                typer.echo("    " + do_reject(data_dir, path, content, candidate))
        except ReviewError as exc:
            fail(f"candidate {n}: {exc}", 2)
    if chosen:
        typer.echo("rebuild with 'alliance-graph build' to serve the accepted facts")


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
def publish(
    source: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="A running SPARQL server to snapshot (the writer, sparql+http://host:port/query); "
            "default: the current build on disk.",
        ),
    ] = None,
    target: Annotated[Path | None, typer.Option("--to", help="The snapshot folder (default: var/snapshots).")] = None,
    keep: Annotated[
        int | None,
        typer.Option(
            help="Delete older snapshots but this many (default: keep all; delete none a replica still serves).",
            min=0,
        ),
    ] = None,
) -> None:
    """Write a read-only snapshot for read replicas and announce it as current (current.json)."""
    from .publish import prune, publish_build, publish_endpoint

    paths = project()
    root = target or Path(paths.var_dir) / "snapshots"
    try:
        if source is None:
            manifest = publish_build(Path(paths.var_dir), root)
        elif parse_spec(source).kind == "remote":
            manifest = publish_endpoint(source, root)
        else:
            fail(f"--from takes a sparql+http:// server, not {source!r}", 2)
    except StoreError as exc:
        fail(str(exc), 3)
    older = sorted(p.stem for p in root.glob("*.json") if p.stem not in {"current", manifest.id})
    removed = [] if keep is None else prune(root, keep=set(older[-keep:]) if keep else set())
    typer.echo(f"published snapshot {manifest.id}: {manifest.triples} triples in {manifest.path}")
    if removed:
        typer.echo(f"removed {len(removed)} older snapshot(s)", err=True)


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
    from .ontology.reasoning import ReasoningError, check_consistency

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


#: Both examples must work in a checkout (a test runs them): a released file, and a git revision.
DIFF_OLD_HELP = "A file (e.g. ontology/releases/0.2.0/alliance-graph.ttl) or a git revision (e.g. HEAD~1)."


@ontology_app.command("diff")
def ontology_diff(
    old: Annotated[str, typer.Argument(help=DIFF_OLD_HELP)],
    new: Annotated[str, typer.Argument(help="A file or a git revision; the working file if absent.")] = "",
) -> None:
    """What changed between two versions of the ontology; a removed term still in use is an error."""
    from .ontology.quality import used_terms
    from .ontology.release import ReleaseError, diff, load_version

    paths = project()
    try:
        before = load_version(old, paths)
        after = load_version(new or str(paths.ontology_file), paths)
    except ReleaseError as exc:
        fail(str(exc), 2)
    compilation = compile_files(Schema.load(paths), paths.data_files())
    if compilation.errors:
        # The terms data/ uses are only known when it compiles; a partial list could let a removal pass.
        for error in compilation.errors:
            typer.echo(str(error), err=True)
        fail(f"data/ does not compile ({len(compilation.errors)} error(s)); fix it to check removed terms")
    changes = diff(before, after, set(used_terms(paths, [c.graph for c in compilation.files])))
    for line in changes.lines():
        typer.echo(line)
    if changes.removed_in_use:
        fail(f"{len(changes.removed_in_use)} removed term(s) still in use")


@data_app.command("schema")
def data_schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (default data/schema.json).")] = None,
) -> None:
    """Write the JSON Schema of data/*.yaml, generated from the ontology.

    Editors running the YAML language server check and complete a data file whose first line is
    ``# yaml-language-server: $schema=./schema.json``.
    """
    import json

    from .datafile import data_schema as generate
    from .states import state_codes

    paths = project()
    target = output or paths.data_dir / "schema.json"
    document = generate(Schema.load(paths), state_codes())
    target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    typer.echo(f"wrote {target}")
