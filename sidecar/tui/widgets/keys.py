"""The footer of every screen: Textual's, made again only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

Key = tuple[str, str, str, str]  # key, label, action, tooltip
Shown = tuple[tuple[Key, bool], ...]  # each key shown, enabled or dimmed


def keys_shown(screen: Screen[object]) -> Shown:
    """The keys a footer shows on `screen`, each with whether it is enabled."""
    return tuple(
        ((binding.key, binding.description, binding.action, tooltip), enabled)
        for _, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show
    )


class Keys(Footer):
    """Textual's footer, which is made again (mounted and laid out) each time the screen's
    bindings are said to change: on every focus move, page read or key. Here only when a key
    it does not show yet is to be shown; a key that is not available now (e.g. the list's
    letters while its path field takes the text) is dimmed in place, and lit again after.
    Leaving a list's path field then costs one repaint, not a new footer and three."""

    shown: Shown | None = None  # what it shows now
    made: list[Key] | None = None  # the keys it was made with

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = keys_shown(screen)
        if shown == self.shown:
            return
        here = screen.app.app_focus and self.is_attached and screen is self.screen
        if not here:
            super().bindings_changed(screen)  # Footer waits for the focus to come back
            return
        self.shown = shown
        enabled = dict(shown)
        if self.made is not None and enabled.keys() <= set(self.made):
            self.dim({k: enabled.get(k, False) for k in self.made})
            return
        self.made = list(enabled)
        super().bindings_changed(screen)

    def dim(self, enabled: dict[Key, bool]) -> None:
        """Dim or light the keys shown, as Footer draws them (its `-disabled` class; its click
        handler reads `_disabled`)."""
        by_key = {(k[0], k[2]): on for k, on in enabled.items()}
        for key in self.query(FooterKey):
            on = by_key.get((key.key, key.action), False)
            key._disabled = not on
            key.set_class(not on, "-disabled")
