"""Undoing a run, honestly: each done action's handler reverts only what still stands as the
run made it; what a person changed or removed in Immich since is left, and said so. Unless
remaking is allowed, what is undone counts as rejected: later plans never make it again."""

from __future__ import annotations

from sidecar.engine.core.models import ActionStatus, Run, RunStatus
from sidecar.engine.ports import Journal
from sidecar.engine.services.writeback.handlers import handler_of
from sidecar.engine.services.writeback.reports import Clients, UndoReport
from sidecar.engine.services.writeback.wording import kind_word
from sidecar.engine.support.errors import WritebackRefusedError
from sidecar.immich_client import ImmichError


async def undo_run(journal: Journal, clients: Clients, run: Run, allow_remake: bool) -> UndoReport:
    report = UndoReport(run.id)
    if run.status == RunStatus.UNDONE:
        if allow_remake:
            report.lifted = await journal.lift(run_id=run.id)
            report.messages.append(
                f"run #{run.id} was undone before: {report.lifted} rejection(s) "
                "lifted, later plans may make those things again"
            )
        else:
            report.messages.append(f"run #{run.id} was undone before: nothing to do")
        return report
    for action in reversed(await journal.actions(run.id)):
        if action.status != ActionStatus.DONE:
            continue
        handler = handler_of(action.kind)
        made = await journal.made_by_action(action.id)
        try:
            outcome = await handler.revert(clients.get(action.sync_key), action, made)
        except (ImmichError, WritebackRefusedError) as exc:
            await journal.set_status(action.id, ActionStatus.REVERT_FAILED, error=str(exc))
            report.failed += 1
            report.messages.append(f"#{action.seq} {kind_word(action.kind)}: {exc}")
            continue
        await journal.end_made(made, "undone", reject=not allow_remake)
        if not allow_remake:
            await handler.after_undo(journal, made)
        status = ActionStatus.REVERTED if outcome.undone else ActionStatus.LEFT
        await journal.set_status(action.id, status, error=outcome.note)
        if status == ActionStatus.REVERTED:
            report.reverted += 1
        else:
            report.left += 1
        if outcome.note:
            report.messages.append(f"#{action.seq} {kind_word(action.kind)}: {outcome.note}")
    ended = RunStatus.UNDONE if not report.failed else run.status
    summary = {**run.summary, "undo": report.as_json()}
    await journal.finish_run(run.id, ended, summary)
    return report
