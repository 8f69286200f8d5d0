// Scale-out (issue 6): two web processes and three worker processes — separate OS processes, as on
// separate machines — share ONE PostgreSQL database and ONE Redis key prefix, hash-tagged as Redis
// Cluster needs it (ADR 014). Three shops, one Zoho organization each, Zoho latency, and the
// simulator enforcing a per-organization limit that the load exceeds. Every orders/paid webhook
// arrives twice, at different web processes; every access token expires while the workers are busy.
//
// Proves across processes: one invoice per order, no order lost, no 429 from Zoho, never more than
// the limit in any rolling 60 s of any organization, one token refresh per connection per expiry,
// and the work really spread over the three workers.
//
// The Zoho limit is a rolling minute (in Zoho and in our limiter), so a test that reaches it lasts
// more than a minute: the orders above the limit wait for the window. Expect ~80–100 s.
import { afterAll, beforeAll, expect, it } from "vitest";
import { decryptSecret } from "~/crypto.server";
import { prisma } from "~/db.server";
import { createQueueSet, type QueueSet } from "~/queue/queues.server";
import { closeRedis, getRedis } from "~/redis/redis.server";
import {
  isLogLine,
  spawnTs,
  startAppProcess,
  WORKER_READY,
  type ManagedProcess,
  type WorkerEntryOptions,
} from "~test/harness/processes";
import { jobsOfShop, simpleOrder, waitFor } from "~test/helpers/sync-queue";
import { expireZohoAccessTokens, zohoAccounts } from "~test/harness/zoho-accounts";
import { zohoBooks } from "~test/harness/zoho-books";
import type { PaidOrder } from "~/sync/mapping";
import { maxInWindow } from "~test/harness/rolling-window";
import { startSimServer, type SimServer } from "~test/harness/sim-server";
import { childEnv, deliverOrdersPaid, invoicesWithReference, simServerShop } from "./support";

const SHOPS = 3;
const ORDERS_PER_SHOP = 10;
const WEB_PROCESSES = 2;
const WORKER_PROCESSES = 3;
/** Zoho requests per organization per rolling minute, in the simulator and in our limiter. */
const LIMIT = 36;
const ZOHO_LATENCY_MS = 75;
const WINDOW_MS = 60_000;

/** One prefix for every process, with a Redis Cluster hash tag: all keys in one slot. */
const prefix = `{zbs-test-${process.env.TEST_RUN_ID}-scale}`;

let sim: SimServer;
let queues: QueueSet;
const shops = new Set<string>();
const connected: Array<Awaited<ReturnType<typeof simServerShop>>> = [];
const children: ManagedProcess[] = [];
const apps: string[] = [];
/** Orders each worker process reported synced ("order synced" at info level), by process name. */
const syncedBy = new Map<string, string[]>();

function failureContext(): string {
  return children.map((c) => `--- ${c.name} ---\n${c.output()}`).join("\n");
}

beforeAll(async () => {
  sim = await startSimServer({ zohoLatencyMs: ZOHO_LATENCY_MS });
  queues = createQueueSet({ prefix });
  const env = { ...childEnv(sim, { REDIS_PREFIX: prefix }), ZOHO_REQUESTS_PER_MINUTE: String(LIMIT) };
  // Rate-limited jobs wait as in production (until the window frees a slot), not 500 ms at a time.
  const opts: WorkerEntryOptions = { onlyShops: [], concurrency: 4, policy: { maxDelayMs: 120_000 } };
  const startWorker = async (name: string) => {
    const child = spawnTs("test/process/worker-entry.ts", {
      name,
      env: { ...env, LOG_LEVEL: "info" },
      args: [JSON.stringify({ ...opts, onlyShops: [...shops] })],
      keepLines: 100,
      onLine: (line) => {
        if (!isLogLine(line, "order synced")) return;
        const { orderId } = JSON.parse(line) as { orderId: string };
        syncedBy.set(name, [...(syncedBy.get(name) ?? []), orderId]);
      },
    });
    children.push(child);
    await child.waitForLine((l) => l.startsWith(WORKER_READY), { timeoutMs: 60_000, what: "worker readiness" });
  };
  for (let i = 0; i < SHOPS; i++) connected.push(await simServerShop(sim, shops, `scale${i}`));
  await Promise.all([
    ...Array.from({ length: WEB_PROCESSES }, async (_, i) => {
      const app = await startAppProcess(env, `web-${i + 1}`);
      children.push(app.process);
      apps.push(app.url);
    }),
    ...Array.from({ length: WORKER_PROCESSES }, (_, i) => startWorker(`worker-${i + 1}`)),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop({ graceMs: 10_000 })));
  await queues?.close();
  await sim?.close();
  // Global teardown removes `zbs-test-<run>*`; this prefix starts with "{".
  const keys = await scanKeys(`${prefix}*`);
  if (keys.length) await getRedis().del(...keys);
  await closeRedis();
});

it(
  `${WEB_PROCESSES} web + ${WORKER_PROCESSES} worker processes on one database and one Redis prefix: one invoice per order, the limit held, one refresh per expiry`,
  { timeout: 180_000 },
  async () => {
    zohoBooks.setRequestsPerMinute(LIMIT);
    const byShop = await prisma.zohoConnection.findMany({ where: { shop: { in: [...shops] } } });
    expect(byShop).toHaveLength(SHOPS);
    const orders: Array<{ shop: string; orgId: string; order: PaidOrder }> = [];
    for (const s of connected) {
      for (let i = 0; i < ORDERS_PER_SHOP; i++) {
        const order = simpleOrder();
        s.addOrder(order);
        orders.push({ shop: s.shop, orgId: s.org.organization.organization_id, order });
      }
    }

    // Every webhook twice (a Shopify retry: same webhook id), at two different web processes at once.
    const started = Date.now();
    const deliveries = await Promise.all(
      orders.flatMap(({ shop, order }, i) => {
        const ids = { webhookId: crypto.randomUUID(), eventId: crypto.randomUUID() };
        return [0, 1].map((k) => deliverOrdersPaid(apps[(i + k) % WEB_PROCESSES]!, shop, order, ids));
      }),
    );
    expect(
      deliveries.map((d) => d.status),
      failureContext(),
    ).toEqual(Array(orders.length * 2).fill(200));
    expect(await prisma.orderSync.count({ where: { shop: { in: [...shops] } } })).toBe(orders.length);

    // Every access token expires while the workers are in the middle of it: each process's next
    // Zoho call gets 401 and asks for a refresh at the same time as the others.
    const invoiceCount = () => connected.reduce((n, s) => n + s.org.invoices.size, 0);
    await waitFor(async () => invoiceCount() >= 2, {
      timeoutMs: 30_000,
      intervalMs: 10,
      what: "the first invoices",
    });
    const active = await queues.syncOrder.getActiveCount();
    expect(zohoAccounts.refreshRequests).toBe(0);
    expireZohoAccessTokens();
    const expiredAt = Date.now();

    const allSynced = async () =>
      (await prisma.orderSync.count({ where: { shop: { in: [...shops] }, status: "synced" } })) === orders.length;
    await waitFor(allSynced, { timeoutMs: 150_000, intervalMs: 250, what: "every order synced" }).catch(
      async (err: unknown) => {
        const rows = await prisma.orderSync.groupBy({
          by: ["status"],
          where: { shop: { in: [...shops] } },
          _count: true,
        });
        throw new Error(`${String(err)}: ${JSON.stringify(rows)}\n${failureContext()}`);
      },
    );
    const elapsedMs = Date.now() - started;

    // ---- one invoice per order, none lost ------------------------------------------------------
    const rows = await prisma.orderSync.findMany({ where: { shop: { in: [...shops] } } });
    for (const { shop, orgId, order } of orders) {
      expect(invoicesWithReference(orgId, order.name), `${shop} ${order.name}`).toBe(1);
      const invoice = [...zohoBooks.org(orgId).invoices.values()].find((i) => i.input.reference_number === order.name)!;
      expect(rows.find((r) => r.shop === shop && r.orderId === order.legacyResourceId)).toMatchObject({
        status: "synced",
        zohoInvoiceId: invoice.invoice_id,
      });
    }
    for (const s of connected) {
      expect(s.org.invoices.size).toBe(ORDERS_PER_SHOP);
      expect(s.org.contacts.size).toBe(ORDERS_PER_SHOP); // one new customer per order: a 401'd POST created nothing
    }
    for (const shop of shops) expect((await jobsOfShop(queues, shop)).length).toBe(ORDERS_PER_SHOP); // one job per order

    // ---- Zoho's limit: never refused, never exceeded in any rolling minute, and actually reached --
    expect(zohoBooks.rateLimitedCount).toBe(0);
    const perOrg = byShop.map((conn) => {
      const times = zohoBooks.requests.filter((r) => r.organizationId === conn.organizationId).map((r) => r.at);
      return { orgId: conn.organizationId!, total: times.length, maxPerWindow: maxInWindow(times, WINDOW_MS) };
    });
    for (const o of perOrg) {
      expect(o.maxPerWindow, JSON.stringify(perOrg)).toBeLessThanOrEqual(LIMIT);
      expect(o.total, "the load must exceed one minute's budget, or the limit proves nothing").toBeGreaterThan(LIMIT);
    }

    // ---- single-flight refresh across processes: one per connection for the one expiry ------------
    expect(zohoAccounts.refreshRequests).toBe(SHOPS);
    for (const conn of byShop) {
      const rt = zohoAccounts.refreshTokens.get(decryptSecret(conn.refreshTokenEnc!))!;
      expect(rt.mintedAt, conn.shop).toHaveLength(1);
      expect(rt.mintedAt[0]!).toBeGreaterThanOrEqual(expiredAt - 5);
    }

    // ---- the work was shared by the worker processes -------------------------------------------
    const perWorker = Object.fromEntries([...syncedBy].map(([name, ids]) => [name, ids.length]));
    expect(Object.keys(perWorker).length, JSON.stringify(perWorker)).toBe(WORKER_PROCESSES);
    expect([...syncedBy.values()].flat().sort()).toEqual(orders.map((o) => o.order.legacyResourceId).sort());

    // ---- every key the processes wrote is under the prefix, all in one cluster slot ---------------
    const stray: string[] = [];
    for (const id of [...byShop.map((c) => c.organizationId!), ...shops])
      stray.push(...(await scanKeys(`*${id}*`)).filter((k) => !k.startsWith(`${prefix}:`)));
    expect(stray).toEqual([]);
    const ours = await scanKeys(`${prefix}:*`);
    expect(ours.some((k) => k.includes(":zoho-limit:"))).toBe(true);
    expect(ours.some((k) => k.includes(":sync-order:"))).toBe(true);
    expect(new Set(ours.map(clusterSlot)).size).toBe(1);

    console.warn(
      `scale-out: ${orders.length} orders, ${SHOPS} shops, ${WEB_PROCESSES} web + ${WORKER_PROCESSES} worker processes, all synced in ${(elapsedMs / 1000).toFixed(1)} s; ` +
        `${active} jobs active at the token expiry; per worker ${JSON.stringify(perWorker)}; ` +
        `Zoho requests per organization (total / max in a rolling 60 s, limit ${LIMIT}): ${perOrg.map((o) => `${o.total}/${o.maxPerWindow}`).join(", ")}; ` +
        `429s ${zohoBooks.rateLimitedCount}; token refreshes ${zohoAccounts.refreshRequests} for ${SHOPS} connections; requests ${JSON.stringify(zohoBooks.counts())}`,
    );
  },
);

async function scanKeys(pattern: string): Promise<string[]> {
  const redis = getRedis();
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== "0");
  return keys;
}

/** Redis Cluster's slot of a key: CRC16 (XMODEM) of its hash tag (or the whole key) mod 16384. */
function clusterSlot(key: string): number {
  const open = key.indexOf("{");
  const close = open >= 0 ? key.indexOf("}", open + 1) : -1;
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(hashed)) {
    crc ^= byte << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}
