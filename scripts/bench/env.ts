// The benchmark's own environment, set before any app module is imported (app/env.server.ts parses
// process.env on import): its own database (dropped and re-created each run) and Redis key prefix,
// throwaway secrets, and the Zoho limits under test. Child processes get the same values.
import { randomBytes } from "node:crypto";
import type { BenchOptions } from "./args";

export const BENCH_ZOHO_CLIENT_ID = "1000.ZOHOBOOKSBENCH";
export const BENCH_ZOHO_CLIENT_SECRET = "zoho-books-bench-client-secret";

export interface BenchEnv {
  runId: string;
  databaseUrl: string;
  redisPrefix: string;
  /** Everything the app's processes need (no simulator URLs yet). */
  vars: Record<string, string>;
}

export function benchEnv(opts: BenchOptions, source: NodeJS.ProcessEnv, appPort: number): BenchEnv {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
  // BENCH_DATABASE_URL: another database name (the smoke test uses one per run); default zoho_books_bench.
  const databaseUrl = source.BENCH_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/zoho_books_bench";
  const redisPrefix = `zbs-bench-${runId}`;
  return {
    runId,
    databaseUrl,
    redisPrefix,
    vars: {
      LOG_LEVEL: "warn",
      DATABASE_URL: databaseUrl,
      REDIS_URL: source.REDIS_URL || "redis://127.0.0.1:6379",
      REDIS_PREFIX: redisPrefix,
      SHOPIFY_API_KEY: "zoho-books-bench-api-key",
      SHOPIFY_API_SECRET: randomBytes(16).toString("hex"),
      SHOPIFY_APP_URL: `http://127.0.0.1:${appPort}`,
      SCOPES: "read_orders,write_orders,read_customers,read_all_orders",
      ZOHO_CLIENT_ID: BENCH_ZOHO_CLIENT_ID,
      ZOHO_CLIENT_SECRET: BENCH_ZOHO_CLIENT_SECRET,
      ZOHO_REQUESTS_PER_MINUTE: String(opts.zohoLimit),
      ZOHO_MAX_CONCURRENT: String(opts.zohoConcurrency),
      // The bench scales Zoho's 100/min up (--zoho-limit); its daily quota scales with it (Premium's
      // 10,000 × limit / 100), so the backfill figure measures the pace, not the quota (the quota
      // scenario sets its organization's own).
      ZOHO_DAILY_QUOTA: String(opts.zohoLimit * 100),
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    },
  };
}

/** The environment of a child process: PATH/HOME and friends from ours, then the bench's values. */
export function childEnv(vars: Record<string, string>, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "TMPDIR", "LANG", "TZ"]) {
    const value = process.env[name];
    if (value) keep[name] = value;
  }
  // Cast: the app's global ProcessEnv type lists its own variables; these are all set in `vars`.
  return { ...keep, ...vars, ...extra } as unknown as NodeJS.ProcessEnv;
}
