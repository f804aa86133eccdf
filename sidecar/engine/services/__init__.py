"""Use cases, one module or package each (a package when the use case has private parts:
`analyze/`, `scan/`, `sync/`, `writeback/`); they orchestrate the store, the client and the
I/O edges. A service never imports another: one that needs another at run time receives it
as a protocol from `engine.ports`, plugged in by `sidecar.runtime`."""
