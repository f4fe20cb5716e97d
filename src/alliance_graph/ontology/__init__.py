"""The ontology: loading it for the build (``schema``), editing it in Python (``editing``),
checking it (``quality``), documenting it (``docs``) and releasing and diffing it (``release``).
"""

from .editing import open, save
from .schema import PropertyInfo, Schema, canonical_turtle, parse_turtle

__all__ = ["PropertyInfo", "Schema", "canonical_turtle", "open", "parse_turtle", "save"]
