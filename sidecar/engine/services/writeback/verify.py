"""Reading back what a write-back run made, and making again what Immich itself dropped.

Immich answers a tag write with success and can still lose it moments later: an asset update
(publishing a duplicate group, a repair) queues a metadata write that races tag writes to the
same asset (API-NOTES §16: 17-29 of ~130 tags gone on real 2.7.5 and 3.1.0). So entries of
the kinds in `READ_BACK` are recorded unverified, read back after the run, made again when
missing, and marked verified once seen. Only a verified entry that is gone later counts as a
person's rejection.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sidecar.engine.core.models import JournalAction, Made, MadeKind
from sidecar.engine.core.writeback import stack_key
from sidecar.engine.ports import Journal
from sidecar.immich_client import ImmichClient

READ_BACK = frozenset({MadeKind.STACK, MadeKind.ALBUM_ASSET, MadeKind.TAG_ASSET})
# a vanished stack is left to the next plan
REMAKE = frozenset({MadeKind.ALBUM_ASSET, MadeKind.TAG_ASSET})
ROUNDS = 3
NAMES: dict[str, str] = {
    MadeKind.STACK: "stack(s)",
    MadeKind.ALBUM_ASSET: "album entries",
    MadeKind.TAG_ASSET: "tag entries",
}


@dataclass(slots=True)
class Verified:
    seen: int = 0
    remade: dict[str, int] = field(default_factory=dict)  # kind -> entries made again
    missing: dict[str, int] = field(default_factory=dict)  # kind -> still not seen

    def messages(self) -> list[str]:
        out = [
            f"re-made {n} {NAMES[k]} Immich dropped after they were written"
            for k, n in sorted(self.remade.items())
        ]
        out += [
            f"{n} {NAMES[k]} still missing in Immich after {ROUNDS} tries; the next plan "
            f"makes them again (not taken for a person's removal)"
            for k, n in sorted(self.missing.items())
        ]
        return out


Group = tuple[str, str, str]  # (API key label, kind, container id)


async def verify_run(
    journal: Journal,
    run_id: int,
    client_of: Callable[[str], ImmichClient],
    settle: float,
) -> Verified:
    """Read back the run's unverified entries; make missing album and tag entries again
    (up to `ROUNDS` times, `settle` seconds apart) and mark what is seen verified."""
    actions = {a.id: a for a in await journal.actions(run_id)}
    pending = [
        m for m in await journal.made_by_run(run_id) if not m.verified and m.kind in READ_BACK
    ]
    out = Verified()
    for attempt in range(ROUNDS):
        if not pending:
            break
        if attempt:
            await asyncio.sleep(settle)  # let Immich's queued writes settle first
        missing = []
        for (label, kind, container), items in _grouped(pending, actions).items():
            present = await _present(client_of(label), kind, container, items)
            await journal.verify([m for m in items if m.id in present])
            out.seen += len(present)
            missing += [m for m in items if m.id not in present]
        pending = missing
        if attempt == ROUNDS - 1:
            break
        for (label, kind, container), items in _grouped(pending, actions).items():
            if kind in REMAKE:
                n = await _remake(client_of(label), kind, container, items)
                out.remade[kind] = out.remade.get(kind, 0) + n
        pending = [m for m in pending if m.kind in REMAKE]
    for m in pending:
        out.missing[m.kind] = out.missing.get(m.kind, 0) + 1
    return out


def _grouped(made: Sequence[Made], actions: dict[int, JournalAction]) -> dict[Group, list[Made]]:
    out: dict[Group, list[Made]] = {}
    for m in made:
        container = "" if m.kind == MadeKind.STACK else m.immich_id or ""
        out.setdefault((actions[m.action_id].sync_key, m.kind, container), []).append(m)
    return out


async def _present(
    client: ImmichClient, kind: str, container: str, items: Sequence[Made]
) -> set[int]:
    if kind == MadeKind.STACK:
        live = {s.id: stack_key(a.id for a in s.assets) for s in await client.stacks()}
        return {m.id for m in items if live.get(m.immich_id or "") == m.key}
    read = client.tag_asset_ids if kind == MadeKind.TAG_ASSET else client.album_asset_ids
    members = await read(container)
    return {m.id for m in items if m.key.split(":", 1)[1] in members}


async def _remake(client: ImmichClient, kind: str, container: str, items: Sequence[Made]) -> int:
    ids = [m.key.split(":", 1)[1] for m in items]
    add = client.tag_assets if kind == MadeKind.TAG_ASSET else client.add_to_album
    return sum(1 for r in await add(container, ids) if r.success)
