#!/usr/bin/env bash
# One command for every performance number in docs/performance.md.
# Builds shenbao --release, installs typst-cli 0.15.1 (the same engine) into
# bench/tools once, then runs bench/bench.py.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked
if [ ! -x bench/tools/bin/typst ]; then
  cargo install typst-cli --version 0.15.1 --locked --root bench/tools
fi
python3 bench/bench.py
