#!/usr/bin/env bash
# Runs every fault case one after the other and prints their RESULT lines at the end.
# FAULT_N (default 5000) messages per case; see lib.sh for the other knobs.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
results=()
for c in "$HERE"/case*.sh; do
	out=$(bash "$c" 2>&1 | tee /dev/stderr | grep '^RESULT' || true)
	results+=("${out:-RESULT case=$(basename "$c" .sh) no result (see above)}")
done
printf '%s\n' "${results[@]}"
