"""The README documents every configuration key."""

from __future__ import annotations

from pydantic import BaseModel

from sidecar.settings import ImmichUser, LibrarySettings, Settings
from tests.helpers import REPO

README = (REPO / "README.md").read_text()


def test_every_settings_key_is_in_the_readme_table() -> None:
    rows = [line for line in README.splitlines() if line.startswith("| `[")]
    missing = []
    sections: dict[str, type[BaseModel]] = {
        "[[libraries]]": LibrarySettings,
        "[[immich.users]]": ImmichUser,
    }
    for name, field in Settings.model_fields.items():
        model = field.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            sections[f"[{name}]"] = model
    for section, model in sections.items():
        for key in model.model_fields:
            if section == "[immich]" and key == "users":
                continue  # documented as the rows of [[immich.users]]
            if not any(section + " " in r and key in r for r in rows):
                missing.append(f"{section} {key}")
    assert missing == []


def test_the_keeper_rules_and_copy_names_are_in_the_readme() -> None:
    from typing import get_args

    from sidecar.engine.core.copynames import COPY_NAMES
    from sidecar.engine.core.keeper import DEFAULT_KEEPER_RULES, KEEPER_RULES, KeeperRule

    assert set(KEEPER_RULES) == set(get_args(KeeperRule))  # every rule a setting may name
    section = README.split("## Which copy is kept", 1)[1].split("\n## ", 1)[0]
    assert [r for r in KEEPER_RULES if f"| `{r}` |" not in section] == []
    assert [r.name for r in COPY_NAMES if f"| `{r.name}` | `{r.example}` |" not in section] == []
    defaults = ", ".join(DEFAULT_KEEPER_RULES)
    assert f"| `[analysis] keeper_rules` | `{defaults}` |" in README
