#!/usr/bin/env bash
# Entry point of `npm test`, `npm run demo`, `npm run preview`, `npm run bench`: works as the very
# first command on a fresh machine (bootstrap.sh), then runs the job with Node >= 22.12. `test` also
# brings Debian's chromium for the browser tests (ensure-chromium.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
job="${1:?usage: run.sh test|demo|demo-serve|preview|bench|zoho-server [args]}"
shift
# `npm run demo -- --serve` is `npm run demo:serve`: the app stays up with demo data (scripts/serve-demo.ts).
if [ "$job" = demo ]; then
  rest=()
  for arg in "$@"; do
    if [ "$arg" = --serve ]; then job=demo-serve; else rest+=("$arg"); fi
  done
  set -- ${rest[@]+"${rest[@]}"}
fi
case "$job" in
  test) bash scripts/ensure-chromium.sh && exec npm run --silent test:ci ;;
  demo) exec npx tsx scripts/demo.ts "$@" ;;
  demo-serve) exec npx tsx scripts/serve-demo.ts "$@" ;;
  preview) exec npx tsx scripts/preview.ts "$@" ;;
  bench) exec npx tsx scripts/bench.ts "$@" ;;
  zoho-server) exec npx tsx scripts/zoho-server.ts "$@" ;;
  *) echo "unknown job: $job" >&2; exit 64 ;;
esac
