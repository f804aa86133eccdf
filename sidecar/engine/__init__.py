"""The engine: pure core logic, the store, I/O edges and the services that orchestrate them."""
