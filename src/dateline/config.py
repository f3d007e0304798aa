"""One settings object: defaults <- dateline.toml <- DATELINE_* environment <- command-line flags."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from dateline.nlp import MODEL


@dataclass(frozen=True)
class Settings:
    """Every knob of a run, with the reason for its default in `HELP`."""

    model: str = MODEL
    batch_size: int = 32
    n_process: int = 0
    published: str | None = None
    min_confidence: float = 0.0
    max_chars: int = 1_000_000
    overlay: Path | None = None
    db: Path = Path("dateline.duckdb")
    store_batch: int = 64
    cluster_window_days: int = 1
    cluster_distance_km: float = 50.0
    cluster_match: str = "type"
    extra: dict[str, Any] = field(default_factory=dict)

    def processes(self) -> int:
        """Worker processes to code with: `n_process`, or one per CPU core when it is 0."""
        return self.n_process if self.n_process > 0 else (os.cpu_count() or 1)

    def merged(self, **overrides: Any) -> "Settings":
        return replace(self, **{key: value for key, value in overrides.items() if value is not None})


HELP = {
    "model": "spaCy pipeline package to load (en_core_web_sm 3.8.0 as installed by make).",
    "batch_size": "Documents per spaCy batch; 32 keeps memory flat on long wire stories.",
    "n_process": "Worker processes that code documents (spaCy and every stage); each loads the models once "
                 "(about 450 MB each). 0 (the default) is one per CPU core; an input shorter than one chunk "
                 "per worker is coded in the main process.",
    "published": "Publication date (YYYY-MM-DD) for documents that carry none; relative dates are read against it.",
    "min_confidence": "Drop events whose confidence is below this (0..1).",
    "max_chars": "Documents longer than this many characters are reported as too large, not coded (spaCy's own limit).",
    "overlay": "YAML or CSV file of your own actors and role words, layered over the built knowledge base.",
    "db": "DuckDB file the run stores documents and events in.",
    "cluster_window_days": "Reports of one event: their dates at most this many days apart (default 1).",
    "cluster_distance_km": "Reports of one event: their geocoded places at most this many km apart (default 50).",
    "cluster_match": "Reports of one event share their PLOVER type ('type', the default) or only the quad class "
                     "('quad').",
    "store_batch": "Documents per database transaction; a killed run loses at most this many documents' work.",
    "extra": "Settings not known to this version, kept so a newer config file does not fail.",
}


def _coerce(name: str, value: Any) -> Any:
    kinds = {f.name: f.type for f in fields(Settings)}
    kind = str(kinds[name])
    if "int" in kind and "Path" not in kind:
        return int(value)
    if "float" in kind:
        return float(value)
    if "Path" in kind:
        return Path(value)
    return value


def load_settings(path: Path | None = None, environ: dict[str, str] | None = None, **flags: Any) -> Settings:
    """Build the settings for a run; later sources win, unknown config keys are kept in `extra`."""
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    path = path or (Path("dateline.toml") if Path("dateline.toml").exists() else None)
    names = {f.name for f in fields(Settings)} - {"extra"}
    if path is not None:
        for key, value in tomllib.loads(path.read_text("utf-8")).items():
            if key in names:
                values[key] = _coerce(key, value)
            else:
                extra[key] = value
    environ = os.environ if environ is None else environ
    for name in names:
        raw = environ.get(f"DATELINE_{name.upper()}")
        if raw not in (None, ""):
            values[name] = _coerce(name, raw)
    values.update({key: value for key, value in flags.items() if value is not None})
    return Settings(**values, extra=extra)
