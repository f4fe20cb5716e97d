"""One shape for every error the service returns: a status and a readable message."""

from __future__ import annotations

from fastapi.responses import JSONResponse, PlainTextResponse


def problem(status: int, message: str, *, plain: bool = False, headers: dict[str, str] | None = None):
    """Plain text for SPARQL protocol clients (their libraries print the body), JSON otherwise."""
    if plain:
        return PlainTextResponse(message + "\n", status_code=status, headers=headers)
    return JSONResponse({"detail": message}, status_code=status, headers=headers)
