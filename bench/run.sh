#!/usr/bin/env bash
# The scan benchmark: one command, not a test. Builds errlens_bench (with
# Vectorscan when Debian's libvectorscan-dev is installable), generates the
# logs, runs every engine on the same patterns and input, and writes
# bench/results.md.
#
#   bench/run.sh             10 MB and 100 MB logs, all catalogues
#   BENCH_QUICK=1 bench/run.sh   10 MB only
#   BENCH_GB=1 bench/run.sh      also stream a 1 GB log through errlens
#   BENCH_NO_SCALING=1 bench/run.sh   skip the 20,000-record catalogue (slow: minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for p in libvectorscan-dev ripgrep pkg-config; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  echo "bench: installing ${missing[*]}" >&2
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null || echo "bench: could not install ${missing[*]}; continuing without" >&2
fi
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DERRLENS_BUILD_BENCH=ON -DERRLENS_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" --target errlens errlens_bench >/dev/null
exec python3 bench/run.py build-bench "$@"
