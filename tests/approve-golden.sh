#!/usr/bin/env bash
# Approves golden outputs: moves every tests/golden/*.actual written by a
# failing renderer test over its golden file. Review the diff first:
#   for f in tests/golden/*.actual; do diff -u "${f%.actual}" "$f"; done
set -euo pipefail
cd "$(dirname "$0")/golden"
shopt -s nullglob
for actual in *.actual; do
  mv -v -- "$actual" "${actual%.actual}"
done
