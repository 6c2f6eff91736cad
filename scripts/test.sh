#!/usr/bin/env bash
# Builds the solution and runs every test: unit, in-process grain tests, and the process-level end-to-end and
# cluster tests (those need redis-server on PATH; .ci/run installs it). Ends with one line:
#   tests: N passed, M failed
set -uo pipefail
cd "$(dirname "$0")/.."

results="TestResults"
rm -rf "$results"

if ! dotnet build Actors.sln -c Release -nologo -v quiet; then
  echo "build failed"
  echo "tests: 0 passed, 1 failed"
  exit 1
fi

dotnet test Actors.sln -c Release --no-build -nologo \
  --logger "trx;LogFilePrefix=results" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@"
status=$?

passed=0
failed=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
# A test host that crashed leaves no counted failure behind: count it as one.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "tests: ${passed} passed, ${failed} failed"
exit "$status"
