#!/usr/bin/env bash
# Renders the built-in templates repeatedly in one thread and prints the time per rendering
# (subject + HTML with CSS inlining + text), then composes the MIME of an order confirmation
# repeatedly and prints the time per message. Usage: bench/template-render.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q test-compile
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -q dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
java -cp "target/classes:target/test-classes:$(cat "$cp_file")" io.mailroom.template.RenderBenchmark "${1:-3000}"
java -cp "target/classes:target/test-classes:$(cat "$cp_file")" io.mailroom.message.ComposeBenchmark "${1:-3000}"
