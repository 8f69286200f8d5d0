#!/usr/bin/env bash
# Run by scripts/run.sh before `npm test`: the browser tests drive Debian's chromium through
# playwright-core (test/e2e/browser.ts; CHROMIUM_PATH overrides /usr/bin/chromium), never a
# downloaded browser. Missing → installed with apt-get when we can (root, apt-get on PATH), else we
# stop at once with the command to run, before lint and type-check spend minutes.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$chromium" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "› Installing Debian's chromium for the browser tests (apt-get) …" >&2
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq chromium fonts-liberation; } >&2 || true
  [ -x "$chromium" ] && exit 0
fi

echo "✗ The browser tests need Chromium at $chromium. Install Debian's chromium, then run npm test again:" >&2
echo "    sudo apt-get update && sudo apt-get install -y chromium fonts-liberation" >&2
[ -n "${CHROMIUM_PATH:-}" ] && echo "  (or point CHROMIUM_PATH at a Chromium binary; it is now $CHROMIUM_PATH)" >&2
exit 1
