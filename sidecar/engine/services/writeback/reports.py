"""What plan, apply and undo hand back, their errors, and the clients a command uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sidecar.engine.core.writeback import Plan
from sidecar.engine.ports import ClientFactory
from sidecar.engine.support.errors import WritebackRefusedError
from sidecar.immich_client import ImmichClient
from sidecar.settings import Settings


@dataclass(slots=True)
class WritePlan:
    plan: Plan
    keys: list[str] = field(default_factory=list)  # the API key label acting, per action
    errors: list[str] = field(default_factory=list)
    unavailable: bool = False  # Immich did not answer for at least one owner (see `errors`)

    def as_json(self) -> dict[str, Any]:
        return {
            "actions": [
                {**a.as_json(), "api_key": k}
                for a, k in zip(self.plan.actions, self.keys, strict=True)
            ],
            "summary": self.plan.summary(),
            "warnings": self.plan.warnings,
            "notes": self.plan.notes,
            "errors": self.errors,
        }

    def subset(self, positions: list[int]) -> WritePlan:
        """Only the actions at `positions` (with their keys and this plan's errors)."""
        out = WritePlan(type(self.plan)(), errors=list(self.errors))
        out.plan.actions = [self.plan.actions[n] for n in positions]
        out.keys = [self.keys[n] for n in positions]
        return out


@dataclass(slots=True)
class ApplyReport:
    run_id: int | None
    applied: int = 0
    failed: int = 0
    skipped: int = 0
    remade: int = 0  # entries Immich dropped after the run wrote them, written again
    messages: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "applied": self.applied,
            "failed": self.failed,
            "skipped": self.skipped,
            "remade": self.remade,
            "messages": self.messages,
        }


@dataclass(slots=True)
class UndoReport:
    run_id: int
    reverted: int = 0  # actions with something reverted
    left: int = 0  # actions with nothing to revert: already gone, or changed by a person
    failed: int = 0
    lifted: int = 0  # rejections lifted (`--allow-remake` on a run undone before)
    messages: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "reverted": self.reverted,
            "left": self.left,
            "failed": self.failed,
            "lifted": self.lifted,
            "messages": self.messages,
        }


class Clients:
    """One client per API key label, for the duration of a command."""

    def __init__(self, settings: Settings, connect: ClientFactory) -> None:
        self.keys = dict(settings.user_keys())
        self.connect = connect
        self.open: dict[str, ImmichClient] = {}

    def get(self, label: str) -> ImmichClient:
        if label not in self.open:
            key = self.keys.get(label)
            if key is None:
                raise WritebackRefusedError(f"no API key named '{label}' is configured any more")
            self.open[label] = self.connect(key)
        return self.open[label]

    async def aclose(self) -> None:
        for client in self.open.values():
            await client.aclose()
