"""Searches in a loop in their own process while an ingest writes; prints a JSON tally.

    python -m tests.helpers.search_proc INDEX_DIR STOP_FILE

Each round opens the index afresh (as a new `threatbrief search` would), checks that what
it sees is a committed state, and runs a few queries. Stops when STOP_FILE exists.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path

from pipeline.index.search import Searcher
from pipeline.settings import Settings
from tests.conftest import FakeEmbedder

QUERIES = ("state actors phishing", "routers critical infrastructure", '"unbalanced', "NEAR(a b")


def _chunk_ids(searcher: Searcher) -> set[int]:
    return {int(r[0]) for r in searcher.store.db.execute("SELECT chunk_id FROM chunks")}


def main(argv: list[str]) -> int:
    settings = Settings(index_dir=Path(argv[1]))
    stop = Path(argv[2])
    tally = {"rounds": 0, "searches": 0, "hits": 0, "errors": [], "inconsistent": []}
    embedder = FakeEmbedder()
    while not stop.exists():
        if not settings.db_path.exists():
            time.sleep(0.05)
            continue
        try:
            searcher = Searcher.open(settings, embedder=embedder)
            try:
                ids = [int(i) for i in searcher.index.ids()]
                after = _chunk_ids(searcher)
                # chunks are only added during the test: the index must hold no duplicate and
                # no id the database does not have (a half-written state would break either)
                if len(ids) != len(set(ids)) or not set(ids) <= after:
                    tally["inconsistent"].append(f"{len(ids)} ids, {len(set(ids))} distinct")
                for q in QUERIES:
                    hits = searcher.search(q, 5)
                    tally["searches"] += 1
                    tally["hits"] += len(hits)
                    if any(not h.text or h.page_start < 1 for h in hits):
                        tally["inconsistent"].append(f"bad hit for {q!r}")
            finally:
                searcher.close()
            tally["rounds"] += 1
        except Exception:  # noqa: BLE001 - the tally is the point
            tally["errors"].append(traceback.format_exc()[-800:])
    sys.stdout.write(json.dumps(tally) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
