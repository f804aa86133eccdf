"""What the stored analysis results were made from (its basis): the count of changes to the
analysis inputs (kept by triggers, see migration 0016) and the settings, so a run that finds
them unchanged keeps the results; and Immich's own groups (the semantic tier), swapped alone."""

from __future__ import annotations

from collections.abc import Sequence

from sidecar.engine.core.models import Member
from sidecar.engine.store.db import Database
from sidecar.engine.store.members import insert_groups
from sidecar.engine.store.meta import get_meta, input_changes, set_meta

BASIS_KEY = "analysis.basis"


class BasisStore:
    db: Database

    async def input_changes(self) -> int:
        """How many changes were ever made to what the analysis reads (one row)."""
        return await input_changes(self.db)

    async def analysis_basis(self) -> str | None:
        found = await get_meta(self.db, BASIS_KEY)
        return None if found is None else found[0]

    async def set_analysis_basis(self, basis: str) -> None:
        await set_meta(self.db, BASIS_KEY, basis)

    async def replace_semantic(
        self,
        op_id: int,
        groups: Sequence[tuple[str, str, str, list[str], int, int, list[Member]]],
    ) -> None:
        """Swap only the semantic tier (Immich's own groups); the others stay as they are."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM dup_members WHERE group_id IN"
                " (SELECT id FROM dup_groups WHERE tier = 'semantic')"
            )
            await conn.execute("DELETE FROM dup_groups WHERE tier = 'semantic'")
            await insert_groups(conn, op_id, groups)
