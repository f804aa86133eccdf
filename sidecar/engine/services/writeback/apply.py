"""Applying a plan as a journaled run: each action is marked `intent` before its call and
its outcome (and what it made) after, by its kind's handler. A run killed mid-way is settled
on the next plan, apply or undo (`settle_interrupted`): what Immich shows its last action
made is recorded as made, the rest is marked. After its actions a run reads back what it made
(`verify`)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sidecar.engine.core.models import ActionStatus, JournalAction, RunStatus
from sidecar.engine.core.writeback import Action, ActionKind
from sidecar.engine.ports import Journal
from sidecar.engine.services.writeback.handlers import Context, handler_of
from sidecar.engine.services.writeback.reports import ApplyReport, Clients
from sidecar.engine.services.writeback.verify import READ_BACK, verify_run
from sidecar.engine.services.writeback.wording import kind_word
from sidecar.engine.support.errors import WritebackRefusedError
from sidecar.immich_client import (
    ImmichError,
    ImmichNotFoundError,
    ImmichPermissionError,
    ImmichUnavailableError,
)
from sidecar.settings import Settings

INTERRUPTED = "interrupted before Immich answered; it shows nothing made"


class Applier:
    def __init__(self, journal: Journal, settings: Settings) -> None:
        self.journal = journal
        self.settings = settings

    async def run(self, run_id: int, clients: Clients, report: ApplyReport) -> None:
        """Execute the run's actions, then read back what they made."""
        updated_and_tagged = await self._actions(run_id, clients, report)
        await self._verify(run_id, clients, report, updated_and_tagged)

    async def _actions(self, run_id: int, clients: Clients, report: ApplyReport) -> bool:
        """Execute the run's actions in order, pausing before tagging assets it has just
        updated. True when it both updated assets and tagged: Immich's queued metadata writes
        can still drop tags, so reading back waits for them to settle first."""
        # albums and tags made earlier in this run: (owner, album name or tag) -> id
        created: dict[tuple[str, str], str] = {}
        blocked: dict[tuple[str, str], str] = {}  # (api key, kind) -> why
        stop: str | None = None
        # assets updated since the last pause: Immich queues a metadata write per asset
        updated: set[str] = set()
        any_update = any_tags = False
        for action in await self.journal.actions(run_id):
            why = stop or blocked.get((action.sync_key, action.kind))
            if why is not None:
                await self.journal.set_status(action.id, ActionStatus.SKIPPED, error=why)
                report.skipped += 1
                continue
            handler = handler_of(action.kind)
            touched = set(handler.updates(action))
            if action.kind == ActionKind.TAG_ASSETS and updated & set(action.payload["asset_ids"]):
                await asyncio.sleep(self.settings.writeback.settle_seconds)  # let them settle
                updated.clear()
            updated |= touched
            any_update |= bool(touched)
            any_tags |= handler.tags
            await self.journal.set_status(action.id, ActionStatus.INTENT)
            try:
                ctx = Context(clients.get(action.sync_key), self.journal, created)
                result, made = await handler.execute(ctx, action)
            except ImmichPermissionError as exc:
                blocked[(action.sync_key, action.kind)] = str(exc)
                await self._failed(action, str(exc), report)
            except ImmichNotFoundError as exc:  # an id went stale since the plan
                stale = f"stale: {exc}"
                await self.journal.set_status(action.id, ActionStatus.SKIPPED, error=stale)
                report.skipped += 1
                report.messages.append(f"#{action.seq} skipped, an asset is gone: {exc}")
            except ImmichUnavailableError as exc:
                if exc.status is None:  # cannot reach Immich: the rest would fail alike
                    stop = f"not attempted: {exc}"
                await self._failed(action, str(exc), report)
            except (ImmichError, WritebackRefusedError) as exc:
                await self._failed(action, str(exc), report)
            else:
                await self.journal.done(action, result, made, unverified=READ_BACK)
                report.applied += 1
                if dropped := result.get("dropped"):
                    report.messages.append(
                        f"#{action.seq} {kind_word(action.kind)}: Immich did not add "
                        + ", ".join(f"{a} ({why.replace('_', ' ')})" for a, why in dropped.items())
                    )

        return any_update and any_tags

    async def _verify(
        self, run_id: int, clients: Clients, report: ApplyReport, settle_first: bool
    ) -> None:
        """Read back what the run made; make again what Immich itself dropped, and say so."""
        if settle_first:
            await asyncio.sleep(self.settings.writeback.settle_seconds)
        try:
            settle = self.settings.writeback.settle_seconds
            verified = await verify_run(self.journal, run_id, clients.get, settle)
        except (ImmichError, WritebackRefusedError) as exc:
            report.messages.append(
                f"could not read back what the run made: {exc}; the next plan makes again "
                f"whatever is missing"
            )
            return
        report.remade = sum(verified.remade.values())
        report.messages += verified.messages()

    async def _failed(self, action: JournalAction, error: str, report: ApplyReport) -> None:
        await self.journal.set_status(action.id, ActionStatus.FAILED, error=error)
        report.failed += 1
        report.messages.append(f"#{action.seq} {kind_word(action.kind)} failed: {error}")

    async def settle_interrupted(self, clients: Clients) -> None:
        """A run still 'running' was killed: record what Immich shows its last action made,
        mark the rest, and close the run as interrupted."""
        for run in await self.journal.runs(RunStatus.RUNNING):
            created: dict[tuple[str, str], str] = {}
            for action in await self.journal.actions(run.id):
                if action.status == ActionStatus.DONE:
                    for field in ("album", "tag"):
                        if f"{field}_id" in action.result:
                            name = action.payload.get(field) or ""
                            created[(action.owner, name)] = action.result[f"{field}_id"]
                if action.status == ActionStatus.PLANNED:
                    await self.journal.set_status(
                        action.id, ActionStatus.SKIPPED, error="run interrupted"
                    )
                elif action.status == ActionStatus.INTENT:
                    ctx = Context(clients.get(action.sync_key), self.journal, created)
                    settled = await handler_of(action.kind).settle(ctx, action)
                    if settled is None:
                        await self.journal.set_status(
                            action.id, ActionStatus.FAILED, error=INTERRUPTED
                        )
                    else:
                        await self.journal.done(action, *settled)
            await self.journal.finish_run(run.id, RunStatus.INTERRUPTED, {})


def payload(action: Action) -> dict[str, Any]:
    """What the journal keeps of an action; ids the call will use are chosen here, before the
    call, so a run killed mid-call can be settled."""
    out = action.as_json()
    if action.kind is ActionKind.PUBLISH_DUPLICATES:
        out["duplicate_id"] = str(uuid.uuid4())  # Immich needs a UUID (recorded 87)
    return out
