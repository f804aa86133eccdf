"""Use cases, one per module; they orchestrate the store, the client and the I/O edges."""
