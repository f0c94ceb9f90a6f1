"""A real ingest in its own process, with the fake embedder, for the crash and concurrency tests.

    python -m tests.helpers.ingest_proc INDEX_DIR PATH...

Settings come from THREATBRIEF_* variables (e.g. THREATBRIEF_VECTOR_SAVE_INTERVAL_S=0 to
commit a vector generation after every document); THREATBRIEF_FAULT picks a crash point.
Exit codes as the CLI: 0 ok, 3 some files quarantined, 75 locked.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.errors import IndexLockedError
from pipeline.ingest import ingest
from pipeline.settings import load_settings
from tests.conftest import FakeEmbedder


def main(argv: list[str]) -> int:
    settings = load_settings(index_dir=Path(argv[1]))
    try:
        report = ingest([Path(p) for p in argv[2:]], settings, embedder=FakeEmbedder(), tagger=lambda doc: [])
    except IndexLockedError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 75
    return 3 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
