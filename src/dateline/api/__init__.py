"""The HTTP API and the web page: `dateline serve` (FastAPI under uvicorn)."""

from dateline.api.app import ServeConfig, create_app

__all__ = ["ServeConfig", "create_app"]
