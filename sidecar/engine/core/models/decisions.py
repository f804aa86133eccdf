"""What people decide in the review and on the command line, as names. The store keeps the
value (the same strings inventories always held); rows read back as these enums."""

from __future__ import annotations

from enum import StrEnum


class GroupDecision(StrEnum):
    """About a set of members, honoured by every later analysis."""

    NOT_DUPLICATES = "not_duplicates"  # never grouped with each other again
    KEEP_TOGETHER = "keep_together"  # a group of (a subset of) them is settled


class PairDecision(StrEnum):
    """About a RAW+JPEG pair or a burst."""

    ACCEPT = "accept"  # stacked by the next plan (primary on top) whatever its kind
    REJECT = "reject"  # not a pair: never formed again
    PRIMARY = "primary"  # this member is the primary (not accepted as such)


class TrashDecision(StrEnum):
    """About Immich assets: may go to Immich's trash (recoverable), or not after all."""

    TRASH = "trash"
    KEEP = "keep"


class MemberVerdict(StrEnum):
    """What was decided about one member of a duplicate group, as the review shows it."""

    KEEP = "keep"  # kept (undecided: the suggested keeper)
    TRASH = "trash"  # in the trash queue
    OUT = "out"  # taken out of the group: no duplicate of the others
    STACK = "stack"  # the group is to be stacked instead
    NOT_DUP = "not dup"  # the group is no duplicates
    UNDECIDED = ""
