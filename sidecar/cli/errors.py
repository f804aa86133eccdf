"""Failures of the command line's own making, apart from the modules that raise them (the
entry point maps them to exit codes without importing those modules' libraries)."""

from __future__ import annotations


class SamplesUnavailableError(Exception):
    """scikit-image (the source of the photographs) is not installed."""
