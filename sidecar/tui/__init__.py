"""Textual review app (filled by the TUI issue)."""
