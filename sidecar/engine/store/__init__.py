"""The aiosqlite inventory: schema, named migrations, queries."""
