#!/usr/bin/env bash
# The main job on the shipped sample corpus: ingest, search, brief.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
INDEX=${THREATBRIEF_INDEX:-index}
.venv/bin/threatbrief ingest corpora --index "$INDEX"
.venv/bin/threatbrief search "state hackers hiding in critical infrastructure networks" --index "$INDEX" -k 5
.venv/bin/threatbrief brief "How do China and Russia use AI-enabled propaganda, censorship and cyber operations abroad?" \
  --index "$INDEX" -o reports/sample-briefing.md
echo "Briefing written to reports/sample-briefing.md"
