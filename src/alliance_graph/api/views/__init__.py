"""The workbench's views, one module each: the SPARQL editor, the timeline, the map and the
network. Each module owns its page (``templates/views/<name>.html``), its script and style
(``static/views/<name>.js``, ``.css``) and the small JSON feeds the page draws from."""

from __future__ import annotations

from fastapi import APIRouter

from ..state import ServiceState
from . import editor, network, timeline, world_map


def routers(state: ServiceState) -> list[APIRouter]:
    return [module.router(state) for module in (editor, timeline, world_map, network)]
