"""Checking a crontab expression (`[schedule] scan_cron`) without the scheduler. Pure: no I/O.

`check_crontab` accepts exactly what APScheduler 3's `CronTrigger.from_crontab` accepts, and
raises the same messages, so the settings can reject a bad expression when the config is
loaded while only `sidecar.scheduler` imports APScheduler (a test compares the two).

Five fields: minute hour day month weekday. Each is a comma-separated list of `*`, `*/step`,
`a`, `a-b`, `a/step`, `a-b/step`; months also by name (`jan-mar`), weekdays by name
(`mon-fri`, 0 is Monday as in APScheduler 3), days also `last`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_LIMITS = {
    "month": (1, 12),
    "day": (1, 31),
    "day_of_week": (0, 6),
    "hour": (0, 23),
    "minute": (0, 59),
}
_SEPARATOR = re.compile(" *, *")
_ALL = re.compile(r"\*(?:/(?P<step>\d+))?$")
_RANGE = re.compile(r"(?P<first>\d+)(?:-(?P<last>\d+))?(?:/(?P<step>\d+))?$")
_NAMES = re.compile(r"(?P<first>[a-z]+)(?:-(?P<last>[a-z]+))?", re.IGNORECASE)  # a prefix
_LAST = re.compile(r"last", re.IGNORECASE)  # a prefix, as in APScheduler

# (first, last, step) of one expression (first None: `*`), or None: no range to check
Parsed = tuple[int | None, int | None, int | None] | None


def check_crontab(expr: str) -> None:
    """Raise ValueError (with APScheduler's message) unless `expr` is a crontab expression."""
    values = expr.split()
    if len(values) != 5:
        raise ValueError(f"Wrong number of fields; got {len(values)}, expected 5")
    minute, hour, day, month, day_of_week = values
    # in APScheduler's order, so the first error is the same one
    fields = {
        "month": month,
        "day": day,
        "day_of_week": day_of_week,
        "hour": hour,
        "minute": minute,
    }
    for name, field in fields.items():
        for part in _SEPARATOR.split(field.strip()):
            _check(name, part)


def _check(name: str, expr: str) -> None:
    compilers: list[tuple[re.Pattern[str], Callable[[re.Match[str]], Parsed]]] = [
        (_ALL, _all),
        (_RANGE, _range),
    ]
    if name == "day":
        # APScheduler's `1st mon`-style positions hold a space, which a crontab field cannot
        compilers.append((_LAST, lambda _: None))
    elif name == "day_of_week":
        compilers.append((_NAMES, lambda m: _names(m, WEEKDAYS, "weekday", 0)))
    elif name == "month":
        compilers.append((_NAMES, lambda m: _names(m, MONTHS, "month", 1)))
    for pattern, compile_ in compilers:
        match = pattern.match(expr)
        if match:
            parsed = compile_(match)
            if parsed is not None:
                try:
                    _check_range(name, *parsed)
                except ValueError as exc:
                    raise ValueError(f"Error validating expression {expr!r}: {exc}") from None
            return
    raise ValueError(f'Unrecognized expression "{expr}" for field "{name}"')


def _step(text: str | None) -> int | None:
    step = int(text) if text is not None else None
    if step == 0:
        raise ValueError("Increment must be higher than 0")
    return step


def _all(match: re.Match[str]) -> Parsed:
    return (None, None, _step(match["step"]))


def _range(match: re.Match[str]) -> Parsed:
    step = _step(match["step"])
    first = int(match["first"])
    last = int(match["last"]) if match["last"] is not None else None
    if last is None and step is None:
        last = first
    if last is not None and first > last:
        raise ValueError("The minimum value in a range must not be higher than the maximum")
    return (first, last, step)


def _names(match: re.Match[str], names: tuple[str, ...], what: str, base: int) -> Parsed:
    numbers = []
    for text in (match["first"], match["last"]):
        if not text:
            continue
        if text.lower() not in names:
            raise ValueError(f'Invalid {what} name "{text}"')
        numbers.append(names.index(text.lower()) + base)
    first, last = numbers[0], numbers[-1]
    if first > last:
        raise ValueError("The minimum value in a range must not be higher than the maximum")
    return (first, last, None)


def _check_range(name: str, first: int | None, last: int | None, step: int | None) -> None:
    low, high = _LIMITS[name]
    _check_step(step, high - low)
    if first is None:  # `*` or `*/step`
        return
    if first < low:
        raise ValueError(f"the first value ({first}) is lower than the minimum value ({low})")
    if last is not None and last > high:
        raise ValueError(f"the last value ({last}) is higher than the maximum value ({high})")
    _check_step(step, (last or high) - first)  # `or`: a last value of 0 counts as none


def _check_step(step: int | None, span: int) -> None:
    if step and step > span:
        raise ValueError(
            f"the step value ({step}) is higher than the total range of the expression ({span})"
        )
