#!/usr/bin/env bash
# The composite action's step: build errlens (or reuse the cached build), then
# scan the log as GitHub annotations + step summary. Runs the way the runner
# runs it: inputs arrive as INPUT_* variables, GITHUB_* as GitHub sets them.
# ERRLENS_BIN skips the build (tests use it).
set -euo pipefail

action_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$action_dir/../.." && pwd)
build_dir=${ERRLENS_BUILD_DIR:-${RUNNER_TEMP:-/tmp}/errlens-build}
bin=${ERRLENS_BIN:-$build_dir/errlens}

if [[ ! -x $bin ]]; then
  echo "::group::Building errlens"
  BUILD_DIR=$build_dir CMAKE_ARGS="-DERRLENS_BUILD_TESTS=OFF" ERRLENS_NO_TESTS=1 "$repo_dir/scripts/bootstrap"
  echo "::endgroup::"
fi

args=(scan --format github --group --lang "${INPUT_LANG:-en}")
case "${INPUT_FAIL:-false}" in
  true) args+=(--fail-on regex) ;;
  false) args+=(--exit-zero) ;;
  *) echo "::error title=errlens::input 'fail' must be true or false, not '${INPUT_FAIL}'"; exit 2 ;;
esac
while IFS= read -r path; do
  [[ -n $path ]] && args+=(--catalog "$path")
done <<<"${INPUT_CATALOG:-}"

logs=()
if [[ -n ${INPUT_COMMAND:-} ]]; then
  # The command runs here; its output is kept for the scan and shown folded.
  out=${RUNNER_TEMP:-/tmp}/errlens-command.log
  echo "::group::${INPUT_COMMAND}"
  set +e
  bash -c "$INPUT_COMMAND" 2>&1 | tee "$out"
  set -e
  echo "::endgroup::"
  logs+=("$out")
fi
while IFS= read -r path; do
  [[ -n $path ]] && logs+=("$path")
done <<<"${INPUT_LOG_FILE:-}"
if ((${#logs[@]} == 0)); then
  echo "::error title=errlens::give the action a log-file or a command"
  exit 2
fi

set +e
"$bin" "${args[@]}" "${logs[@]}" | tee "${RUNNER_TEMP:-/tmp}/errlens-annotations.txt"
status=${PIPESTATUS[0]}
set -e
count=$(grep -c '^::\(error\|warning\) ' "${RUNNER_TEMP:-/tmp}/errlens-annotations.txt" || true)
if [[ -n ${GITHUB_OUTPUT:-} ]]; then
  echo "count=$count" >>"$GITHUB_OUTPUT"
fi
exit "$status"
