#!/usr/bin/env bash
# Peer speed comparison: AsyncLab vs SimPy on the same M/M/c queue
# (λ = 90/s, μ = 10/s, c = 10, same customer count and seed).
#
# Usage: bench/simpy_compare.sh [CUSTOMERS]     (default 200000)
#
# Creates a Python virtual environment in target/simpy-venv with a pinned
# SimPy, builds `examples/mmc.rs` in release mode, runs both models, and
# prints both result lines, the speed ratio and the machine.
set -euo pipefail

SIMPY_VERSION="4.1.2"
CUSTOMERS="${1:-200000}"
SEED=42

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/target/simpy-venv"

# --- Python environment with SimPy -----------------------------------------
if [[ ! -x "$VENV/bin/python" ]]; then
    if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
        echo "error: python3's venv module is missing." >&2
        echo "  install it with: apt-get update && apt-get install -y python3-venv" >&2
        exit 1
    fi
    mkdir -p "$ROOT/target"
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import simpy, sys; sys.exit(simpy.__version__ != '$SIMPY_VERSION')" 2>/dev/null; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "simpy==$SIMPY_VERSION"
fi

# --- AsyncLab release build -------------------------------------------------
cargo build --release --quiet --example mmc

# --- Runs -------------------------------------------------------------------
args=(--customers "$CUSTOMERS" --seed "$SEED" --lambda 90 --mu 10 --servers 10)
asynclab_line="$("$ROOT/target/release/examples/mmc" "${args[@]}")"
simpy_line="$("$VENV/bin/python" "$ROOT/bench/mmc_simpy.py" "${args[@]}")"

echo "asynclab: $asynclab_line"
echo "simpy:    $simpy_line"

# events_per_s=<n> from a result line.
eps() { sed -n 's/.*events_per_s=\([0-9.]*\).*/\1/p' <<<"$1"; }
awk -v a="$(eps "$asynclab_line")" -v s="$(eps "$simpy_line")" \
    'BEGIN { printf "speed_ratio=%.1f\n", a / s }'

cpu_model="$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -n1)"
echo "machine: nproc=$(nproc) cpu=\"${cpu_model:-unknown}\""
