// The token encryption key of `npm run demo` and `npm run demo:serve` (same database): generated once
// per checkout and kept in the git-ignored .cache/, so the stored demo tokens stay readable across runs.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", ".cache", "demo-token-encryption-key");

export function demoEncryptionKey(): string {
  try {
    return readFileSync(FILE, "utf8").trim();
  } catch {
    mkdirSync(path.dirname(FILE), { recursive: true });
    const key = randomBytes(32).toString("base64");
    writeFileSync(FILE, `${key}\n`, { mode: 0o600 });
    return key;
  }
}
