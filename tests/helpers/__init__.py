"""What the test modules share: test modules never import each other, and conftest.py holds
fixtures only.

- `settings`: settings for a state folder (`make_settings`)
- `process`: the real `immich-sidecar` process, once (`run_process`) or as a daemon (`Daemon`)
- `scan`, `sync`, `analysis`, `writeback`: one engine step through a fresh runtime, and the
  test Immich's libraries those steps run against
- `tui`: driving the app with Textual's pilot; `terminal`: a pseudo-terminal that answers
  graphics queries like a real one
"""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LIB = "/mnt/photos/family"  # the Immich path of the test libraries
