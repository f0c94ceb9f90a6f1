#!/usr/bin/env bash
# Install and run the whole test suite (offline; uses the real model and spaCy pipeline).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
.venv/bin/python -m pytest -q "$@"
