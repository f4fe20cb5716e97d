"""Moved to :mod:`alliance_graph.ontology.reasoning` (reasoning is a step of the ontology workflow);
this name keeps old imports working."""

from .ontology.reasoning import (
    EXPECTED_ENTAILMENTS,
    Reasoned,
    ReasonerUnavailableError,
    ReasoningError,
    check_consistency,
    reasoner_view,
    run_hermit,
)

__all__ = [
    "EXPECTED_ENTAILMENTS",
    "Reasoned",
    "ReasonerUnavailableError",
    "ReasoningError",
    "check_consistency",
    "reasoner_view",
    "run_hermit",
]
