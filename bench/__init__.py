"""Benchmarks of AI Alliance Graph (``make bench``); not part of ``make test``."""
