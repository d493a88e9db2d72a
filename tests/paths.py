"""Where the tests find the repository and the shared data, wherever a test file sits in the tree."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"  # ../shared/data: skipped when absent (a fresh clone)
