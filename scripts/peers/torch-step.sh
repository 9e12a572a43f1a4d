#!/usr/bin/env bash
# PyTorch's step for `dip-bench engine --pytorch`: makes .build/torch-venv (PyTorch and numpy from
# PyPI) on first use, then runs torch_step.py with glibc told to keep freed memory mapped (so
# PyTorch's per-step activations are not returned to the kernel and faulted in again), the
# setting of a tuned PyTorch CPU run. Usage: torch-step.sh '<json list of nets>'.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=.build/torch-venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import torch" 2>/dev/null; then
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install -q torch numpy >&2
fi
MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 exec "$VENV/bin/python" scripts/peers/torch_step.py "$1"
