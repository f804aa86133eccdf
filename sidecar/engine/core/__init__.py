"""Pure logic: plain data in, plain data out. Standard library only, no I/O, no asyncio."""
