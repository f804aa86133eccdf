"""What takes the space in an inventory: every table and index by its pages on disk (SQLite's
`dbstat`), largest first, with rows and bytes per row for tables.

    .venv/bin/python bench/inventory_size.py STATE_DIR/inventory.db [more.db ...]
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path


def sizes(db: Path) -> list[tuple[str, int, int | None]]:
    """(table or index, bytes on disk, rows for a table) of `db`, largest first."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        found = conn.execute(
            "SELECT d.name, sum(d.pgsize), m.type FROM dbstat d"
            " LEFT JOIN sqlite_master m ON m.name = d.name GROUP BY d.name ORDER BY 2 DESC"
        ).fetchall()
        out = []
        for name, size, kind in found:
            rows = None
            if kind == "table":
                rows = conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            out.append((name, int(size), rows))
        return out
    finally:
        conn.close()


def show(db: Path, top: int = 12) -> None:
    found = sizes(db)
    total = sum(size for _, size, _ in found)
    print(f"{db} ({total / 1e6:,.0f} MB in tables and indexes):")
    for name, size, rows in found[:top]:
        per = f"{rows:>10,} rows, {size / rows:6.0f} B/row" if rows else ""
        print(f"  {name:<32} {size / 1e6:9,.1f} MB {100 * size / total:5.1f}%  {per}")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        show(Path(arg))
