"""Which planned write-back actions the daemon may apply by itself. Pure: no I/O.

`[schedule] auto_apply` lists categories; every action kind falls in at most one:

| action                                 | category                               |
|----------------------------------------|----------------------------------------|
| `create_stack`                         | the stack's own (`raw+jpeg`, `variant`, `burst`) |
| `create_album`, `add_to_album`         | `review-album`                         |
| `create_tag`, `tag_assets`             | `tags`                                 |
| `publish_duplicates`                   | `duplicates`                           |
| `repair_move`                          | `repair-moves`                         |
| `trash`                                | none: trash is never automatic         |
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sidecar.engine.core.writeback import Action, ActionKind

_CATEGORY_OF_KIND: dict[ActionKind, str] = {
    ActionKind.CREATE_ALBUM: "review-album",
    ActionKind.ADD_TO_ALBUM: "review-album",
    ActionKind.CREATE_TAG: "tags",
    ActionKind.TAG_ASSETS: "tags",
    ActionKind.PUBLISH_DUPLICATES: "duplicates",
    ActionKind.REPAIR_MOVE: "repair-moves",
}


def auto_category(action: Action) -> str | None:
    """The `auto_apply` category `action` falls in; None: never applied automatically."""
    if action.kind is ActionKind.CREATE_STACK:
        return action.category
    return _CATEGORY_OF_KIND.get(action.kind)


def auto_applicable(actions: Sequence[Action], categories: Collection[str]) -> list[int]:
    """The positions of the actions in `categories`, in plan order."""
    return [n for n, action in enumerate(actions) if auto_category(action) in categories]
