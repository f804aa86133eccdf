"""What the services share but is no use case: the engine's errors, lock files, stepping a
blocking iterator from a thread, scan scopes, path mapping of mirrored assets, the worker
process pool. Services import it; it imports no service."""
