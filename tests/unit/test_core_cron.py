"""`scan_cron` is checked without the scheduler: exactly what APScheduler 3 accepts, with its
messages (compared expression by expression, including ten thousand random ones)."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from apscheduler.triggers.cron import CronTrigger

from sidecar.engine.core.cron import check_crontab

KNOWN = [
    "30 3 * * *",
    "*/15 * * * *",
    "0 0 1 jan *",
    "0 9-17/2 * * mon-fri",
    "0 0 last * *",
    "5,10 , * * *",
    "0 0 * JAN-Mar SUN",
    "0 0 * * 7",
    "60 * * * *",
    "* 24 * * *",
    "* * 0 * *",
    "* * 32 * *",
    "* * * 0 *",
    "* * * 13 *",
    "*/0 * * * *",
    "*/60 * * * *",
    "*/59 * * * *",
    "5/0 * * * *",
    "10-5 * * * *",
    "0-0/1 * * * *",
    "1-2/5 * * * *",
    "* * * dec-jan *",
    "* * * janx *",
    "* * * jan5 *",
    "* * * jan-feb/2 *",
    "* * * * last",
    "* * lastx * *",
    "* * * * fri-mon",
    "* * * * 1st",
    "1,,2 * * * *",
    "* * * *",
    "* * * * * *",
    "",
    "   ",
    "a * * * *",
    "*/ * * * *",
    "- * * * *",
    "1- * * * *",
    "\u0661\u0662 * * * *",
    "* * * * mon,wed,5",
    "0 0 29 feb *",
    "00 03 * * *",
]
TOKENS = [
    "*",
    "*/",
    "/",
    "-",
    ",",
    "0",
    "1",
    "5",
    "7",
    "12",
    "31",
    "59",
    "60",
    "jan",
    "dec",
    "mon",
    "sun",
    "last",
    "x",
    "13",
    "24",
    "00",
]


def outcome(check: Callable[[str], object], expr: str) -> str:
    try:
        check(expr)
    except ValueError as exc:
        return f"error: {exc}"
    return "ok"


def apscheduler(expr: str) -> None:
    CronTrigger.from_crontab(expr, timezone="UTC")


@pytest.mark.parametrize("expr", KNOWN)
def test_known_expressions_as_apscheduler_judges_them(expr: str) -> None:
    assert outcome(check_crontab, expr) == outcome(apscheduler, expr)


def test_random_expressions_as_apscheduler_judges_them() -> None:
    rng = random.Random(14)
    accepted = 0
    for _ in range(10000):
        fields = [
            "".join(rng.choices(TOKENS, k=rng.randint(1, 4))) if rng.random() < 0.5 else "*"
            for _ in range(5)
        ]
        expr = " ".join(fields)
        expected = outcome(apscheduler, expr)
        assert outcome(check_crontab, expr) == expected, expr
        accepted += expected == "ok" and expr != "* * * * *"
    assert accepted > 150  # the corpus reaches valid expressions too
