"""Time re-extracting every document's claims from the stored pages (what `repair` does after a model upgrade).

python bench/reclaim_speed.py INDEX_DIR [--work /tmp/reclaim-bench]

The index is copied (never modified), every document is marked as decided by another claims
model, and `threatbrief repair` runs on the copy in a new process, as an analyst would run it.
Prints documents, claims before and after, the re-extraction's seconds and the whole command's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("index", type=Path)
    ap.add_argument("--work", type=Path, default=Path("/tmp/reclaim-bench"))
    args = ap.parse_args()
    copy = args.work / "index"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(args.index, copy)
    con = sqlite3.connect(copy / "threatbrief.db")
    if "claims_model" in {r[1] for r in con.execute("PRAGMA table_info(documents)")}:
        con.execute("UPDATE documents SET claims_model = 'claims-0000000000000000'")  # all stale
        con.commit()
    con.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "repair", str(copy), "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    wall = time.perf_counter() - t0
    claims = json.loads(proc.stdout)["claims"] or {}
    print(json.dumps({**claims, "command_seconds": round(wall, 1)}, indent=2))


if __name__ == "__main__":
    main()
