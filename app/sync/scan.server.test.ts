// The catch-up scan against the Shopify simulator, real Postgres and Redis.
import { Redis } from "ioredis";
import { describe, expect, it, vi } from "vitest";
import { prisma } from "~/db.server";
import { createQueueSet, enqueueSyncOrder, syncOrderJobId, type QueueSet } from "~/queue/queues.server";

import { adminGraphqlFor, type AdminGraphql } from "~/shopify/orders.server";
import { recordPaidOrder } from "~/sync/intake.server";
import { listShopsToScan, scanShop } from "~/sync/scan.server";
import { jobsOfShop, orderRow, queueShop, simpleOrder, withTestQueues, waitForStatus } from "~test/helpers/sync-queue";
import { shopify } from "~test/harness/shopify";

const { prefix, queues, startWorkers } = withTestQueues();
const shops = new Set<string>();

/** An order paid `secondsAgo` before now (after the shop connected, unless told otherwise). */
const paidAt = (offsetSeconds: number) => new Date(Date.now() + offsetSeconds * 1000).toISOString();

function deadQueues(): { queues: QueueSet; close: () => Promise<void> } {
  const redis = new Redis({
    host: "127.0.0.1",
    port: 1,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  const q = createQueueSet({ connection: redis, prefix });
  return {
    queues: q,
    close: async () => {
      await q.close();
      redis.disconnect();
    },
  };
}

const hasJob = async (shop: string, orderId: string) =>
  Boolean(await queues.syncOrder.getJob(syncOrderJobId(shop, orderId)));

describe("scanShop", () => {
  it("enqueues paid orders that are not synced, leaves the rest alone, and advances the checkpoint", async () => {
    const { shop, addOrder } = await queueShop(shops);
    const fresh = addOrder(simpleOrder({ processedAt: paidAt(1) }));
    const synced = addOrder(simpleOrder({ processedAt: paidAt(2) }));
    const held = addOrder(simpleOrder({ processedAt: paidAt(3) }));
    const failed = addOrder(simpleOrder({ processedAt: paidAt(4) }));
    const last = addOrder(simpleOrder({ processedAt: paidAt(5) }));
    const unpaid = simpleOrder({ processedAt: paidAt(6) });
    addOrder({ ...unpaid, displayFinancialStatus: "PENDING" });
    // Placed before the shop connected Zoho and edited since: backfill, never sent behind the merchant's back.
    const old = addOrder({ ...simpleOrder({ processedAt: "2026-10-01T10:00:00Z" }), updatedAt: paidAt(7) });
    await prisma.orderSync.createMany({
      data: [
        { shop, orderId: synced, status: "synced", zohoInvoiceId: "1", zohoInvoiceNumber: "INV-1" },
        { shop, orderId: held, status: "queued", lastErrorCode: "auto_send_off" },
        { shop, orderId: failed, status: "failed", lastErrorCode: "zoho_unavailable", attempts: 2 },
      ],
    });

    const result = await scanShop(shop, { queues, pageSize: 2 });

    expect(result).toMatchObject({ found: 5, enqueued: 3, untouched: 2, pages: 3 });
    expect(await hasJob(shop, fresh)).toBe(true);
    expect(await hasJob(shop, failed)).toBe(true);
    expect(await hasJob(shop, last)).toBe(true);
    expect(await hasJob(shop, synced)).toBe(false);
    expect(await hasJob(shop, held)).toBe(false);
    expect(await orderRow(shop, fresh)).toMatchObject({ status: "queued", orderName: expect.stringMatching(/^#/) });
    expect(await orderRow(shop, unpaid.legacyResourceId)).toBeNull();
    expect(await orderRow(shop, old)).toBeNull();
    const checkpoint = (await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).scanCheckpoint;
    expect(checkpoint?.toISOString()).toBe(shopify.orders.get(`gid://shopify/Order/${last}`)?.updatedAt);
    // The search asked Shopify only for orders updated since the checkpoint (minus the overlap).
    const searches = shopify.calls
      .filter((c) => c.operationName === "PaidOrderIdsSince")
      .map((c) => String(c.variables.query));
    expect(searches[0]).toMatch(
      /^\(financial_status:paid OR financial_status:partially_refunded OR financial_status:refunded\) updated_at:>'[^']+' created_at:>'[^']+'$/,
    );
  });

  it("enqueues paid orders refunded since, in part or in full, but not unpaid or voided ones", async () => {
    const { shop, addOrder } = await queueShop(shops);
    const status = (displayFinancialStatus: "PARTIALLY_REFUNDED" | "REFUNDED" | "VOIDED" | "PENDING", offset: number) =>
      addOrder({ ...simpleOrder({ processedAt: paidAt(offset) }), displayFinancialStatus });
    const partly = status("PARTIALLY_REFUNDED", 1);
    const refunded = status("REFUNDED", 2);
    const voided = status("VOIDED", 3);
    const pending = status("PENDING", 4);

    const result = await scanShop(shop, { queues });

    expect(result).toMatchObject({ found: 2, enqueued: 2 });
    for (const orderId of [partly, refunded]) expect(await hasJob(shop, orderId)).toBe(true);
    for (const orderId of [voided, pending]) expect(await orderRow(shop, orderId)).toBeNull();
  });

  it("a second scan with nothing new enqueues nothing and keeps the checkpoint", async () => {
    const { shop, addOrder } = await queueShop(shops);
    addOrder(simpleOrder({ processedAt: paidAt(1) }));
    const first = await scanShop(shop, { queues });
    const checkpoint = (await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).scanCheckpoint;

    const second = await scanShop(shop, { queues });

    expect(first.enqueued).toBe(1);
    expect(second).toMatchObject({ found: 1, enqueued: 0, untouched: 1 }); // its job is still waiting
    expect((await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).scanCheckpoint).toEqual(checkpoint);
  });

  it("picks up an order recorded while Redis was down, and the worker then sends it", async () => {
    const { shop, org, addOrder } = await queueShop(shops);
    // Paid before the checkpoint window: only our own "stuck in queued" rows can find it.
    const orderId = addOrder(simpleOrder({ processedAt: "2026-10-01T10:00:00Z" }));
    const dead = deadQueues();
    try {
      expect(await recordPaidOrder({ shop, orderId }, { queues: dead.queues })).toMatchObject({ outcome: "recorded" });
    } finally {
      await dead.close();
    }
    expect(await hasJob(shop, orderId)).toBe(false);

    const result = await scanShop(shop, { queues });

    expect(result.waiting).toMatchObject({ enqueued: 1 });
    await startWorkers(shops);
    await waitForStatus(shop, orderId, "synced");
    expect(org.invoices.size).toBe(1);
  });

  it("picks up a failed order, a creating order whose claim died, but not one in progress", async () => {
    const { shop } = await queueShop(shops);
    const longAgo = new Date(Date.now() - 10 * 60_000);
    await prisma.orderSync.createMany({
      data: [
        { shop, orderId: "91", status: "failed", lastErrorCode: "zoho_unavailable" },
        { shop, orderId: "92", status: "creating", claimedAt: longAgo },
        { shop, orderId: "93", status: "creating", claimedAt: new Date() },
        { shop, orderId: "94", status: "needs_attention", lastErrorCode: "unknown_tax_rate" },
        { shop, orderId: "95", status: "queued", lastErrorCode: "zoho_not_connected" },
      ],
    });

    const result = await scanShop(shop, { queues });

    expect(result.waiting).toMatchObject({ enqueued: 2 });
    expect(await Promise.all(["91", "92", "93", "94", "95"].map((id) => hasJob(shop, id)))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it("stops retrying an order that failed too often and hands it to a person", async () => {
    const { shop } = await queueShop(shops);
    await prisma.orderSync.create({
      data: { shop, orderId: "96", status: "failed", attempts: 25, lastErrorMessage: "Shopify: boom" },
    });

    const result = await scanShop(shop, { queues });

    expect(result.waiting).toMatchObject({ enqueued: 0, gaveUp: 1 });
    const row = await orderRow(shop, "96");
    expect(row).toMatchObject({ status: "needs_attention", lastErrorCode: "too_many_attempts" });
    expect(row?.lastErrorMessage).toMatch(/after 25 attempts: Shopify: boom/);
  });

  it("when the queue is down the scan stops and the checkpoint stays where it was", async () => {
    const { shop, addOrder } = await queueShop(shops);
    const orderId = addOrder(simpleOrder({ processedAt: paidAt(1) }));
    const dead = deadQueues();
    try {
      await expect(scanShop(shop, { queues: dead.queues })).rejects.toThrow();
    } finally {
      await dead.close();
    }
    expect((await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).scanCheckpoint).toBeNull();
    expect(await orderRow(shop, orderId)).toMatchObject({ status: "queued" }); // recorded, found again next time

    const again = await scanShop(shop, { queues });
    expect(again.enqueued).toBe(1);
    expect(await hasJob(shop, orderId)).toBe(true);
  });

  it("waits for Shopify's query-cost bucket when it runs low", async () => {
    const { shop, addOrder } = await queueShop(shops);
    for (let i = 1; i <= 3; i++) addOrder(simpleOrder({ processedAt: paidAt(i) }));
    const real = await adminGraphqlFor(shop);
    // Shopify's answer with the bucket nearly empty: 50 of 2,000 points left, 100 restored per second.
    const lowBucket = (async (query: string, options?: Parameters<AdminGraphql>[1]) => {
      const body = (await (await real(query, options)).json()) as {
        extensions: { cost: { throttleStatus: { currentlyAvailable: number } } };
      };
      body.extensions.cost.throttleStatus.currentlyAvailable = 50;
      return new Response(JSON.stringify(body));
    }) as AdminGraphql;
    const sleep = vi.fn(async () => {});

    const result = await scanShop(shop, { queues, graphql: lowBucket, pageSize: 2, sleep });

    expect(result.pages).toBe(2);
    // Room for the next page (10 points requested) plus the 200-point reserve: (210 − 50) / 100 s.
    expect(sleep).toHaveBeenCalledTimes(1);
    expect(sleep).toHaveBeenCalledWith(1_600);
    expect(result.throttledMs).toBe(1_600);
  });

  it("skips a shop that does not send automatically", async () => {
    const { shop, addOrder } = await queueShop(shops);
    addOrder(simpleOrder({ processedAt: paidAt(1) }));
    await prisma.zohoConnection.update({ where: { shop }, data: { autoSend: false } });

    const result = await scanShop(shop, { queues });

    expect(result).toMatchObject({ skipped: "auto_send_off", found: 0, enqueued: 0 });
    expect(shopify.calls).toEqual([]);
  });
});

describe("catch-up and webhook together", () => {
  it("the webhook and the scan enqueue the same order at the same moment: one invoice", async () => {
    const { shop, org, addOrder } = await queueShop(shops);
    const order = simpleOrder({ processedAt: paidAt(1) });
    const orderId = addOrder(order);
    await startWorkers(shops);

    await Promise.all([
      recordPaidOrder({ shop, orderId, orderName: order.name }, { queues }),
      scanShop(shop, { queues }),
      enqueueSyncOrder({ shop, orderId }, { source: "scan", queues }),
    ]);

    await waitForStatus(shop, orderId, "synced");
    expect(org.invoices.size).toBe(1);
    expect((await jobsOfShop(queues, shop)).length).toBe(1);
  });

  it("the worker's scheduler runs the catch-up at start: a paid order whose webhook never came is sent", async () => {
    const { shop, org, addOrder } = await queueShop(shops);
    const orderId = addOrder(simpleOrder({ processedAt: paidAt(1) }));

    await startWorkers(shops, { scanEveryMs: 60_000 });

    await waitForStatus(shop, orderId, "synced");
    expect(org.invoices.size).toBe(1);
    expect((await prisma.zohoConnection.findUniqueOrThrow({ where: { shop } })).scanCheckpoint).not.toBeNull();
  });
});

describe("listShopsToScan", () => {
  it("lists connected shops with auto-send on and not paused; parks the checkpoint of the others at now", async () => {
    const on = await queueShop(shops);
    const off = await queueShop(shops);
    const paused = await queueShop(shops);
    await prisma.zohoConnection.update({ where: { shop: off.shop }, data: { autoSend: false } });
    await prisma.zohoConnection.update({
      where: { shop: paused.shop },
      data: { pausedUntil: new Date(Date.now() + 60_000), pauseReason: "daily_quota" },
    });
    const now = new Date();

    const { shops: listed } = await listShopsToScan({ now, onlyShops: new Set([on.shop, off.shop, paused.shop]) });

    expect(listed).toEqual([on.shop]);
    expect((await prisma.zohoConnection.findUniqueOrThrow({ where: { shop: off.shop } })).scanCheckpoint).toEqual(now);
  });
});
