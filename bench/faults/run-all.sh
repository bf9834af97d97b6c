#!/usr/bin/env bash
# Runs every fault case (or those named: run-all.sh case1 case4 ...) one after the other, keeps each
# case's output in $FAULT_LOGS/<case>.log (default target/faults) and prints their RESULT lines at
# the end. FAULT_N (default 5000) messages per case; see lib.sh for the other knobs.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
LOGS=${FAULT_LOGS:-$HERE/../../target/faults}
mkdir -p "$LOGS"
cases=()
if (($# > 0)); then
	for name in "$@"; do cases+=("$HERE/$name"*.sh); done
else
	cases=("$HERE"/case*.sh)
fi
results=()
for c in "${cases[@]}"; do
	log="$LOGS/$(basename "$c" .sh).log"
	# >&2, not tee /dev/stderr: reopening /dev/stderr would truncate a log file the caller redirected to
	bash "$c" 2>&1 | tee "$log" >&2
	out=$(grep '^RESULT' "$log" || true)
	results+=("${out:-RESULT case=$(basename "$c" .sh) no result (see $log)}")
done
printf '%s\n' "${results[@]}"
