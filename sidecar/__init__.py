"""immich-sidecar: keeps an Immich photo library tidy without ever losing a photo."""

__version__ = "0.1.0"
