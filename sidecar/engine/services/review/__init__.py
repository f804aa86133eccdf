"""What the review TUI reads and decides, through the same services the daemon uses:
`service.py` decisions and lists (`ReviewService`), `views.py` the view of the groups and the
home screen's numbers, `previews.py` what a member is drawn with (`Previews`)."""

from sidecar.engine.services.review.previews import Previews
from sidecar.engine.services.review.service import ReviewService
from sidecar.engine.services.review.views import GroupQuery, Overview, Shown

__all__ = ["GroupQuery", "Overview", "Previews", "ReviewService", "Shown"]
