"""Async client for Immich's REST API (filled by the client issue)."""
