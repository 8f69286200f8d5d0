// Tests run against the real PostgreSQL and Redis: one database and one Redis key prefix per run,
// created by test/global-setup.ts and dropped at the end. External HTTP goes to msw simulators.
import { randomBytes } from "node:crypto";
import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

const runId = process.env.TEST_RUN_ID ?? `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
const pgBase = process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432";

// Set here (main process) so global setup and every worker see the same values.
Object.assign(process.env, {
  TEST_RUN_ID: runId,
  NODE_ENV: "test",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
  DATABASE_URL: `${pgBase}/zbs_test_${runId}`,
  REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  REDIS_PREFIX: `zbs-test-${runId}`,
  SHOPIFY_API_KEY: "testApiKey",
  SHOPIFY_API_SECRET: "testApiSecretKey",
  SHOPIFY_APP_URL: "https://my-test-app.myshopify.io",
  SCOPES: "read_orders,write_orders,read_customers,read_all_orders",
  ZOHO_CLIENT_ID: "1000.TESTCLIENTID",
  ZOHO_CLIENT_SECRET: "test-zoho-client-secret",
  TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  // The simulator's search never lags unless a test says so (test/harness/zoho-books setSearchLag);
  // tests of the settle window pass `searchSettleMs` to syncOrder.
  ZOHO_SEARCH_SETTLE_SECONDS: "0",
});

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: [
      "app/**/*.test.{ts,tsx}",
      "test/**/*.test.{ts,tsx}",
      "scripts/**/*.test.ts",
      "extensions/*/src/**/*.test.ts",
    ],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup.ts"],
    pool: "forks",
    // Two files at a time even on 2 cores: the process tests (scale-out, the external-server demo)
    // spend most of their minute waiting for Zoho's rate-limit window, not computing.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
