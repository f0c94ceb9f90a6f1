"""SIGKILL a real ingest many times, at random moments and at every crash point, and count survivals.

    python bench/crash_kill.py [--kills 50] [--docs 8] [--seed 1] [--keep DIR]

Each kill is followed by the checks of tests/test_robustness.py: the database passes
`PRAGMA integrity_check`, the index loads and holds one vector per committed chunk, a
search works, a re-run completes, and the final documents, chunks and vectors equal those
of an uninterrupted run. Half of the kills land at random times; the rest cycle through
the named crash points of pipeline/faults.py (after a random number of earlier hits,
on an index that already holds part of the corpus). Uses the fake embedder.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.testhooks import POINTS  # noqa: E402
from tests.helpers import crash  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=50)
    ap.add_argument("--docs", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", type=Path, help="work here and keep the indexes")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    base = args.keep or Path(tempfile.mkdtemp(prefix="tb-crash-"))
    corpus = base / "corpus"
    half = args.docs // 2
    crash.make_corpus(corpus / "a", half)
    crash.make_corpus(corpus / "b", args.docs - half, start=half)

    t0 = time.monotonic()
    done = crash.run(crash.ingest_cmd(base / "full", corpus), crash.proc_env())
    seconds = time.monotonic() - t0
    if done.returncode != 0:
        print(done.stderr.decode()[-2000:], file=sys.stderr)
        return 1
    full = crash.check_index(base / "full")
    crash.run(crash.ingest_cmd(base / "a_only", corpus / "a"), crash.proc_env())
    print(f"uninterrupted run: {seconds:.1f} s, {len(full.documents)} documents, {len(full.chunks)} chunks")

    survived, failures, fired = 0, [], 0
    for i in range(args.kills):
        index = base / f"k{i:03d}"
        if i % 2 == 0:
            delay = rng.uniform(0.3, seconds)
            how = f"random {delay:.2f} s"
            crash.kill_after(crash.ingest_cmd(index, corpus), crash.proc_env(), delay)
        else:
            fault = POINTS[(i // 2) % len(POINTS)]
            shutil.copytree(base / "a_only", index)
            skip = rng.randrange(args.docs - half)
            how = f"{fault} after {skip} earlier hits"
            env = crash.proc_env(fault, THREATBRIEF_FAULT_SKIP=str(skip))
            rc = crash.run_to_fault(crash.ingest_cmd(index, corpus), env)
            fired += rc == -9
        try:
            crash.check_index(index)
            rerun = crash.run(crash.ingest_cmd(index, corpus), crash.proc_env())
            assert rerun.returncode == 0, rerun.stderr.decode()[-500:]
            assert crash.check_index(index) == full, "final state differs from an uninterrupted run"
            crash.check_committed_generation(index)
            survived += 1
            status = "ok"
        except Exception as exc:  # noqa: BLE001 - the tally is the point
            failures.append((how, traceback.format_exc()))
            status = f"FAILED: {exc}"
        print(f"kill {i + 1:3d}/{args.kills} ({how}): {status}", flush=True)
        if not args.keep:
            shutil.rmtree(index, ignore_errors=True)
    print(f"\nsurvived {survived}/{args.kills} kills ({fired} at named crash points)")
    for how, tb in failures:
        print(f"\n--- {how}\n{tb}", file=sys.stderr)
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0 if survived == args.kills else 1


if __name__ == "__main__":
    sys.exit(main())
