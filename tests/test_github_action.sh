#!/usr/bin/env bash
# End to end: runs the composite action's script (integrations/github/run.sh)
# the way the GitHub runner does — inputs as INPUT_* variables, GITHUB_* and
# RUNNER_TEMP set, a temporary GITHUB_STEP_SUMMARY — on a real failed log, and
# checks the annotations, the step summary, the step output and the exit status.
#
# usage: test_github_action.sh ERRLENS_BINARY SOURCE_DIR
set -uo pipefail
bin=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
check() {  # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $what"
  fi
}

run_action() {  # run_action NAME [VAR=VALUE...]: runs the step, keeps stdout, summary, output
  local name=$1
  shift
  : >"$work/$name.summary"
  : >"$work/$name.output"
  mkdir -p "$work/$name.tmp"
  env -i PATH="$PATH" HOME="$HOME" ERRLENS_CACHE_DIR="$work/cache" \
    GITHUB_ACTIONS=true CI=true GITHUB_WORKSPACE="$work/workspace" \
    GITHUB_STEP_SUMMARY="$work/$name.summary" GITHUB_OUTPUT="$work/$name.output" \
    GITHUB_ACTION_PATH="$src/integrations/github" RUNNER_TEMP="$work/$name.tmp" RUNNER_OS=Linux \
    ERRLENS_BIN="$bin" INPUT_LANG=en INPUT_FAIL=false INPUT_CATALOG= INPUT_COMMAND= INPUT_LOG_FILE= \
    "$@" bash "$src/integrations/github/run.sh" >"$work/$name.stdout" 2>"$work/$name.stderr"
  echo $? >"$work/$name.status"
}

mkdir -p "$work/workspace"
cp "$src/tests/failed/deploy-script.log" "$work/workspace/deploy.log"

# A failed deploy's log, reporting only.
run_action report INPUT_LOG_FILE="$work/workspace/deploy.log"
check "report: exit 0 with fail=false" test "$(cat "$work/report.status")" = 0
check "report: python annotation" grep -q '^::error title=errlens%3A ModuleNotFoundError%3A No module named' "$work/report.stdout"
check "report: docker annotation" grep -q '^::error title=errlens%3A Cannot connect to the Docker daemon' "$work/report.stdout"
check "report: the python traceback's file is not in the workspace, so no file=" \
  bash -c "! grep -q 'file=/tmp' '$work/report.stdout'"
check "report: text report folded" grep -q '^::group::errlens: ' "$work/report.stdout"
check "report: fold closed" grep -q '^::endgroup::$' "$work/report.stdout"
# The catalogue grows, so count what the run itself annotated.
annotations=$(grep -c '^::\(error\|warning\) ' "$work/report.stdout")
check "report: at least the two known errors" test "$annotations" -ge 2
check "report: summary heading" grep -q "^## errlens: $annotations known errors\$" "$work/report.summary"
check "report: summary table row" grep -q '| `python/module-not-found` |' "$work/report.summary"
check "report: summary details" grep -q '^\*\*Workarounds\*\*$' "$work/report.summary"
check "report: step output" grep -qx "count=$annotations" "$work/report.output"

# fail=true: the step fails when a known error is found.
run_action fail INPUT_LOG_FILE="$work/workspace/deploy.log" INPUT_FAIL=true
check "fail: exit 1" test "$(cat "$work/fail.status")" = 1

# A command instead of a log file, in Chinese.
run_action command INPUT_COMMAND="python3 -c 'import nosuchmodule_errlens_action'" INPUT_LANG=zh
check "command: exit 0" test "$(cat "$work/command.status")" = 0
check "command: output shown folded" grep -q "^::group::python3 -c" "$work/command.stdout"
check "command: Chinese annotation" grep -q '根本原因' "$work/command.stdout"
check "command: Chinese summary" grep -q '^## errlens：发现 [0-9]* 个已知错误$' "$work/command.summary"

# A log naming a source file in the workspace gets file= and line=.
printf 'src/app/main.py:3: fatal: not a git repository (or any of the parent directories): .git\n' >"$work/workspace/git.log"
run_action location INPUT_LOG_FILE="$work/workspace/git.log" INPUT_CATALOG="$src/tests/data/fixtures"
check "location: file and line" grep -q '^::error file=src/app/main.py,line=3,title=' "$work/location.stdout"

# Bad input is an error of the step, with an annotation that says why.
run_action bad INPUT_FAIL=maybe INPUT_LOG_FILE="$work/workspace/deploy.log"
check "bad input: exit 2" test "$(cat "$work/bad.status")" = 2
check "bad input: says why" grep -q "input 'fail' must be true or false" "$work/bad.stdout"
run_action nolog
check "no log: exit 2" test "$(cat "$work/nolog.status")" = 2

echo "$passed passed, $failed failed"
((failed == 0))
