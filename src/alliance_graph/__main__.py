"""``python -m alliance_graph`` runs the CLI."""

from .cli import app

app(prog_name="alliance-graph")
