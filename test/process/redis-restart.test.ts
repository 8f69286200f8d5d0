// Process-level fault (issue 4): Redis dies mid-run and comes back EMPTY (no persistence) — queues,
// jobs, schedulers and limiter keys gone. Webhooks keep answering 200 during the outage (the order is
// a row in Postgres), and after the restart the worker process sets its schedulers up again and runs
// the catch-up scan, which recovers every waiting row: one invoice per order, none lost.
//
// A PRIVATE redis-server on a free port (never the shared one); the web app and the worker are child
// processes pointed at it.
import { afterAll, beforeAll, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { ENQUEUE_TIMEOUT_MS } from "~/sync/intake.server";
import type { PaidOrder } from "~/sync/mapping";
import {
  startAppProcess,
  startPrivateRedis,
  startWorkerProcess,
  type ManagedProcess,
  type PrivateRedis,
} from "~test/harness/processes";
import { simpleOrder, testQueuePrefix, waitFor } from "~test/helpers/sync-queue";
import { startSimServer, type SimServer } from "~test/harness/sim-server";
import { childEnv, deliverOrdersPaid, invoicePosts, invoicesWithReference, simServerShop } from "./support";

let sim: SimServer;
let redis: PrivateRedis;
let appUrl: string;
const shops = new Set<string>();
const children: ManagedProcess[] = [];
let shop: Awaited<ReturnType<typeof simServerShop>>;

beforeAll(async () => {
  // Zoho answers slowly enough that jobs are in flight when Redis dies.
  sim = await startSimServer({ zohoLatencyMs: 40 });
  redis = await startPrivateRedis();
  shop = await simServerShop(sim, shops, "redis");
  const env = childEnv(sim, { REDIS_PREFIX: testQueuePrefix(), REDIS_URL: redis.url });
  const [app, worker] = await Promise.all([
    startAppProcess(env),
    // The periodic scan is far away: what recovers the orders after the restart is the reconnect.
    startWorkerProcess(env, { onlyShops: [...shops], scanEveryMs: 10 * 60_000, scanAtStart: true }),
  ]);
  children.push(app.process, worker);
  appUrl = app.url;
}, 90_000);

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop({ graceMs: 10_000 })));
  await redis?.kill();
  await sim?.close();
});

function failureContext(): string {
  return children.map((c) => `--- ${c.name} ---\n${c.output()}`).join("\n");
}

async function syncedCount(orders: PaidOrder[]): Promise<number> {
  return prisma.orderSync.count({
    where: { shop: shop.shop, orderId: { in: orders.map((o) => o.legacyResourceId) }, status: "synced" },
  });
}

it(
  "Redis killed while webhooks arrive and restarted empty: every order ends with exactly one invoice",
  { timeout: 90_000 },
  async () => {
    const orgId = shop.org.organization.organization_id;
    const before = Array.from({ length: 4 }, () => simpleOrder());
    const during = Array.from({ length: 6 }, () => simpleOrder());
    const after = Array.from({ length: 2 }, () => simpleOrder());
    const all = [...before, ...during, ...after];
    for (const o of all) shop.addOrder(o);

    // 1. Normal operation.
    const first = await Promise.all(before.map((o) => deliverOrdersPaid(appUrl, shop.shop, o)));
    expect(first.map((d) => d.status)).toEqual(before.map(() => 200));

    // 2. Redis dies while those jobs may still run, and more webhooks arrive during the outage.
    await redis.kill();
    const outage = [];
    for (const o of during) outage.push(await deliverOrdersPaid(appUrl, shop.shop, o));
    expect(
      outage.map((d) => d.status),
      failureContext(),
    ).toEqual(during.map(() => 200));
    // The webhook never waits on Redis longer than the enqueue timeout.
    for (const d of outage) expect(d.ms).toBeLessThan(ENQUEUE_TIMEOUT_MS + 3_000);
    const recorded = await prisma.orderSync.findMany({
      where: { shop: shop.shop, orderId: { in: during.map((o) => o.legacyResourceId) } },
    });
    expect(recorded.map((r) => r.status)).toEqual(during.map(() => "queued"));

    // 3. Redis comes back with nothing in it; new webhooks flow again.
    await redis.start();
    const late = await Promise.all(after.map((o) => deliverOrdersPaid(appUrl, shop.shop, o)));
    expect(late.map((d) => d.status)).toEqual(after.map(() => 200));

    await waitFor(async () => (await syncedCount(all)) === all.length, {
      timeoutMs: 45_000,
      intervalMs: 200,
      what: "every order synced",
    }).catch(async (err: unknown) => {
      const rows = await prisma.orderSync.findMany({
        where: { shop: shop.shop },
        select: { orderName: true, status: true, lastErrorCode: true },
      });
      throw new Error(`${String(err)}\n${JSON.stringify(rows)}\n${failureContext()}`);
    });
    for (const o of all) expect(invoicesWithReference(orgId, o.name), o.name).toBe(1);
    expect(invoicePosts(orgId)).toBe(all.length);
    expect(children.every((c) => c.running)).toBe(true);
  },
);
