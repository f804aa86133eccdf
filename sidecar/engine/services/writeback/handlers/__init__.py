"""One handler per write-back action kind, in one table: adding a kind is one module and one
line here."""

from sidecar.engine.core.writeback import ActionKind
from sidecar.engine.services.writeback.handlers.album import AddToAlbumHandler, CreateAlbumHandler
from sidecar.engine.services.writeback.handlers.base import Context, Handler, Outcome, Reverted
from sidecar.engine.services.writeback.handlers.duplicates import DuplicatesHandler
from sidecar.engine.services.writeback.handlers.repair import RepairHandler
from sidecar.engine.services.writeback.handlers.stack import StackHandler
from sidecar.engine.services.writeback.handlers.tag import CreateTagHandler, TagAssetsHandler
from sidecar.engine.services.writeback.handlers.trash import TrashHandler

HANDLERS: dict[ActionKind, Handler] = {
    ActionKind.CREATE_STACK: StackHandler(),
    ActionKind.CREATE_ALBUM: CreateAlbumHandler(),
    ActionKind.ADD_TO_ALBUM: AddToAlbumHandler(),
    ActionKind.PUBLISH_DUPLICATES: DuplicatesHandler(),
    ActionKind.CREATE_TAG: CreateTagHandler(),
    ActionKind.TAG_ASSETS: TagAssetsHandler(),
    ActionKind.TRASH: TrashHandler(),
    ActionKind.REPAIR_MOVE: RepairHandler(),
}


def handler_of(kind: str) -> Handler:
    """The handler of a journaled action's kind (an unknown kind: a plain error)."""
    try:
        return HANDLERS[ActionKind(kind)]
    except ValueError:
        return Handler()


__all__ = ["HANDLERS", "Context", "Handler", "Outcome", "Reverted", "handler_of"]
