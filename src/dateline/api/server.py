"""Running the app under uvicorn: in this process, or in worker processes sharing one listening socket."""

from __future__ import annotations

from functools import partial
from typing import Callable

from dateline.api.app import ServeConfig, create_app
from dateline.store.query import attach_store


def run(config: ServeConfig, host: str, port: int, workers: int = 1,
        announce: Callable[[], None] = lambda: None) -> None:
    """Serve `config` on host:port until interrupted, calling `announce` once the store is known to open.

    With `workers` > 1, uvicorn's supervisor starts that many processes, each building its own
    snapshot of the store (DuckDB lets several processes attach one file read-only) and answering on
    the shared socket; a worker that dies is replaced."""
    import uvicorn

    if workers == 1:
        app = create_app(config)  # a store that cannot be read fails here, before listening
        announce()
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
        return
    from uvicorn.supervisors import Multiprocess

    attach_store(config.db).close()  # fail here, not in every worker
    announce()
    # uvicorn starts workers with multiprocessing's spawn: the app travels as a picklable factory
    settings = uvicorn.Config(partial(create_app, config), factory=True, host=host, port=port, workers=workers,
                              log_level="warning", server_header=False)
    Multiprocess(settings, sockets=[settings.bind_socket()]).run()
