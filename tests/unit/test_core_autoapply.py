"""The auto-apply policy: which planned actions the daemon may carry out by itself."""

from __future__ import annotations

from typing import get_args

from sidecar.engine.core.autoapply import auto_applicable, auto_category
from sidecar.engine.core.writeback import Action, ActionKind
from sidecar.settings import AutoCategory


def action(kind: ActionKind, category: str = "") -> Action:
    return Action(kind, "owner", ("a", "b"), "reason", category)


def test_every_kind_but_trash_has_a_category_a_config_can_name() -> None:
    named = set(get_args(AutoCategory))
    for kind in ActionKind:
        category = auto_category(action(kind, "raw+jpeg"))
        if kind is ActionKind.TRASH:
            assert category is None
        else:
            assert category in named, kind


def test_a_stack_falls_in_its_own_category() -> None:
    assert auto_category(action(ActionKind.CREATE_STACK, "burst")) == "burst"
    assert auto_category(action(ActionKind.CREATE_STACK, "variant")) == "variant"


def test_only_the_listed_categories_are_chosen_in_plan_order() -> None:
    plan = [
        action(ActionKind.CREATE_STACK, "raw+jpeg"),
        action(ActionKind.TRASH),
        action(ActionKind.CREATE_TAG),
        action(ActionKind.CREATE_STACK, "burst"),
        action(ActionKind.TAG_ASSETS),
        action(ActionKind.CREATE_ALBUM),
    ]
    assert auto_applicable(plan, {"raw+jpeg", "tags"}) == [0, 2, 4]
    assert auto_applicable(plan, {"review-album", "burst"}) == [3, 5]
    assert auto_applicable(plan, set()) == []


def test_trash_is_never_chosen_whatever_is_listed() -> None:
    plan = [action(ActionKind.TRASH, "raw+jpeg")]
    assert auto_applicable(plan, set(get_args(AutoCategory)) | {"trash", ""}) == []


def test_a_stack_of_a_category_no_one_can_list_is_never_chosen() -> None:
    plan = [action(ActionKind.CREATE_STACK, "exact"), action(ActionKind.CREATE_STACK, "")]
    assert auto_applicable(plan, set(get_args(AutoCategory))) == []
