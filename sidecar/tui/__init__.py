"""The review TUI (Textual): the app, its screens and widgets, over the services."""
