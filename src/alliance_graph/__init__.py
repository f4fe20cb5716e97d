"""AI Alliance Graph: a sourced knowledge graph of the international politics of AI.

The data flows one way: ``data/`` + ``ontology/`` → compile → validate → infer → store → query.
Each step is its own module of this package, named after the step.
"""

__version__ = "0.1.0"
