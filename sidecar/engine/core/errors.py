"""Errors the engine's layers share: raised at an edge, caught by services and entry points."""

from __future__ import annotations


class StoreError(Exception):
    """The inventory cannot be used; the message says why and what to do."""
