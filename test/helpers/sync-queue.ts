// Queues and workers for integration tests: every test file gets its own queue prefix (parallel files
// share one database and one REDIS_PREFIX), workers run in-process against the msw simulators with
// millisecond delays, and only see the shops the test registers.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach } from "vitest";
import { prisma } from "~/db.server";
import { createQueueSet, setQueues, type QueueSet } from "~/queue/queues.server";
import { redisPrefix } from "~/redis/redis.server";
import { startWorkers, type RunningWorkers, type StartWorkersOptions } from "~/queue/workers.server";
import type { PaidOrder } from "~/sync/mapping";
import { buildOrder, type OrderSpec } from "~test/factories/order";
import { connectedShop, type ConnectedShop } from "~test/harness/connected-shop";

export function testQueuePrefix(): string {
  return `${redisPrefix}-q${randomBytes(4).toString("hex")}`;
}

/** Producer-side queues on a prefix of their own (close them in afterAll). */
export function testQueues(prefix = testQueuePrefix()): QueueSet {
  return createQueueSet({ prefix });
}

/** Defaults that make retries, delays and pauses take milliseconds instead of minutes. */
export const FAST_WORKERS: StartWorkersOptions = {
  concurrency: 4,
  scanEveryMs: false,
  resumeEveryMs: false,
  backoff: { baseMs: 20, maxMs: 200 },
  busyRecheckMs: 100,
  paceMs: 0,
  policy: { maxDelayMs: 300, concurrencyDelayMs: { min: 20, max: 60 } },
};

export async function startTestWorkers(
  prefix: string,
  shops: ReadonlySet<string>,
  opts: StartWorkersOptions = {},
): Promise<RunningWorkers> {
  return startWorkers({
    ...FAST_WORKERS,
    ...opts,
    policy: { ...FAST_WORKERS.policy, ...opts.policy },
    prefix,
    onlyShops: shops,
  });
}

export interface TestQueues {
  prefix: string;
  /** Producer-side queues on the file's own prefix. */
  queues: QueueSet;
  /** In-process workers on the prefix, for `shops` only; closed after each test (closing earlier is fine). */
  startWorkers(shops: ReadonlySet<string>, opts?: StartWorkersOptions): Promise<RunningWorkers>;
}

/**
 * One test file's queues: its own prefix, producer queues (also the app's default queues with
 * `appDefault`, for routes that enqueue), workers closed after each test, everything closed at the end.
 */
export function withTestQueues({ appDefault = false }: { appDefault?: boolean } = {}): TestQueues {
  const prefix = testQueuePrefix();
  const queues = testQueues(prefix);
  if (appDefault) setQueues(queues);
  const running = new Set<RunningWorkers>();
  afterEach(async () => {
    await Promise.all([...running].map((w) => w.close()));
    running.clear();
  });
  afterAll(async () => {
    if (appDefault) setQueues(undefined);
    await queues.close();
  });
  return {
    prefix,
    queues,
    async startWorkers(shops, opts = {}) {
      const workers = await startTestWorkers(prefix, shops, opts);
      let closed: Promise<void> | undefined;
      const handle: RunningWorkers = { ...workers, close: () => (closed ??= workers.close()) };
      running.add(handle);
      return handle;
    },
  };
}

/** Polls until `probe` returns a truthy value. */
export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false>,
  { timeoutMs = 10_000, intervalMs = 25, what = "condition" } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

let nextOrder = 6_000_000 + Math.floor(Math.random() * 1_000_000) * 10;

/** A small EUR order (IVA 22 %) that the eu simulator organization invoices; unique id each call. */
export function simpleOrder(overrides: Partial<OrderSpec> = {}): PaidOrder {
  const id = overrides.id ?? String(++nextOrder);
  return buildOrder({
    name: `#${id.slice(-5)}`,
    id,
    currency: "EUR",
    taxesIncluded: true,
    processedAt: "2026-11-20T10:15:00+01:00",
    email: `buyer-${id}@example.com`,
    lines: [{ title: "Espresso cups", quantity: 2, price: "19.90", taxes: [{ title: "IVA", percent: "22" }] }],
    ...overrides,
  });
}

/** A connected shop on an organization id of its own (the Redis limiter is keyed by organization). */
export async function queueShop(shops: Set<string>, label = "q"): Promise<ConnectedShop> {
  const s = await connectedShop({
    label,
    organization_id: String(800_000_000 + Math.floor(Math.random() * 99_999_999)),
  });
  shops.add(s.shop);
  return s;
}

export function orderRow(shop: string, orderId: string) {
  return prisma.orderSync.findUnique({ where: { shop_orderId: { shop, orderId } } });
}

export async function waitForStatus(shop: string, orderId: string, status: string, timeoutMs = 10_000) {
  return waitFor(
    async () => {
      const row = await orderRow(shop, orderId);
      return row?.status === status ? row : null;
    },
    { timeoutMs, what: `order ${orderId} to be ${status}` },
  );
}

/** This shop's sync-order jobs in any state (a test file's queue holds other tests' jobs too). */
export async function jobsOfShop(queues: QueueSet, shop: string) {
  const jobs = await queues.syncOrder.getJobs(["prioritized", "waiting", "active", "delayed", "completed", "failed"]);
  return jobs.filter((j) => j?.data.shop === shop);
}
