#!/usr/bin/env bash
# Writes the next migration from the difference between the last committed schema and the working
# one (the WASM schema engine has no shadow database, so `prisma migrate dev` cannot be used).
# Usage: npm run db:migration -- add_something
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
name="${1:?usage: npm run db:migration -- <name>}"
old="$(mktemp --suffix=.prisma)"
git show HEAD:prisma/schema.prisma > "$old"
dir="prisma/migrations/$(date -u +%Y%m%d%H%M%S)_${name}"
mkdir -p "$dir"
DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}" \
  npx prisma migrate diff --from-schema-datamodel "$old" --to-schema-datamodel prisma/schema.prisma --script > "$dir/migration.sql"
rm -f "$old"
echo "wrote $dir/migration.sql"
