// Process-level fault (issue 4): the same orders/paid webhook delivered five times at once, over HTTP,
// to the running web app (its own process), with the worker in another process → one invoice.
// Shopify retries a delivery with the same X-Shopify-Webhook-Id; it can also send one order's
// orders/paid twice as different events — both are covered.
import { afterAll, beforeAll, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { createQueueSet, type QueueSet } from "~/queue/queues.server";
import { startAppProcess, startWorkerProcess, type ManagedProcess } from "~test/harness/processes";
import { jobsOfShop, simpleOrder, testQueuePrefix, waitForStatus } from "~test/helpers/sync-queue";
import { startSimServer, type SimServer } from "~test/harness/sim-server";
import { childEnv, deliverOrdersPaid, invoicePosts, invoicesWithReference, simServerShop } from "./support";

let sim: SimServer;
let queues: QueueSet;
let appUrl: string;
const prefix = testQueuePrefix();
const shops = new Set<string>();
const children: ManagedProcess[] = [];
let shop: Awaited<ReturnType<typeof simServerShop>>;

beforeAll(async () => {
  sim = await startSimServer();
  queues = createQueueSet({ prefix });
  shop = await simServerShop(sim, shops, "dup");
  const env = childEnv(sim, { REDIS_PREFIX: prefix });
  const [app, worker] = await Promise.all([startAppProcess(env), startWorkerProcess(env, { onlyShops: [...shops] })]);
  children.push(app.process, worker);
  appUrl = app.url;
}, 90_000);

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop({ graceMs: 10_000 })));
  await queues?.close();
  await sim?.close();
});

function failureContext(): string {
  return children.map((c) => `--- ${c.name} ---\n${c.output()}`).join("\n");
}

it(
  "five concurrent deliveries of one webhook, and five events for another order: 200 each, one row, one job, one invoice",
  { timeout: 60_000 },
  async () => {
    const orgId = shop.org.organization.organization_id;
    const retried = simpleOrder();
    const twice = simpleOrder();
    shop.addOrder(retried);
    shop.addOrder(twice);

    const same = { webhookId: "5b0d5e4c-1b9a-4f0e-9d1e-7a6c2f0e9d11", eventId: "b2a1c3d4-0000-4000-8000-000000000001" };
    const deliveries = await Promise.all([
      ...Array.from({ length: 5 }, () => deliverOrdersPaid(appUrl, shop.shop, retried, same)),
      ...Array.from({ length: 5 }, () => deliverOrdersPaid(appUrl, shop.shop, twice)),
    ]);
    expect(
      deliveries.map((d) => d.status),
      failureContext(),
    ).toEqual(Array(10).fill(200));

    expect(await prisma.orderSync.count({ where: { shop: shop.shop } })).toBe(2);
    for (const order of [retried, twice]) {
      await waitForStatus(shop.shop, order.legacyResourceId, "synced", 30_000).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${failureContext()}`);
      });
      expect(invoicesWithReference(orgId, order.name)).toBe(1);
    }
    expect(invoicePosts(orgId)).toBe(2);
    const jobs = await jobsOfShop(queues, shop.shop);
    expect(jobs.map((j) => j.data.orderId).sort()).toEqual([retried.legacyResourceId, twice.legacyResourceId].sort());

    // A late sixth delivery after the sync changes nothing.
    expect((await deliverOrdersPaid(appUrl, shop.shop, retried, same)).status).toBe(200);
    expect(
      (
        await prisma.orderSync.findUniqueOrThrow({
          where: { shop_orderId: { shop: shop.shop, orderId: retried.legacyResourceId } },
        })
      ).status,
    ).toBe("synced");
    expect(invoicePosts(orgId)).toBe(2);
  },
);
