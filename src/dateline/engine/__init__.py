"""Engines: where documents are coded (local worker processes, or a Ray cluster)."""
