#!/usr/bin/env bash
# Replays this saved case from the repository root: ./permcheck replay <this folder> --backend 'exec:python3 adapters/python/te_torch_port.py' (needs PERMCHECK_TE_PATH or an installed TE, torch and a GPU)
# Set PERMCHECK to the permcheck script (and PERMCHECK_CWD to the directory the run started in)
# when this bundle has moved to another machine or checkout.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
permcheck=${PERMCHECK:-}
if [ -z "$permcheck" ]; then permcheck="$(cd "$here/../../../.." && pwd)/permcheck"; fi
cwd=${PERMCHECK_CWD:-}
if [ -z "$cwd" ]; then cwd="$(cd "$here/../../../.." && pwd)"; fi
cd "$cwd"
exec "$permcheck" replay "$here" --backend 'exec:python3 adapters/python/te_torch_port.py' "$@"
