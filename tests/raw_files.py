"""Real DNG files for tests (the writer lives with the evaluation corpus)."""

from sidecar.cli.dng import write_dng

__all__ = ["write_dng"]
