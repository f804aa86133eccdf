"""The widgets of the TUI that are not screens."""
