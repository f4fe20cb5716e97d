"""The HTTP service: SPARQL 1.1 Protocol, named questions, linked data, health.

``app.create_app`` wires small routers, one per concern; none of them holds state of its own
beyond the shared ``ServiceState``.
"""
