// POST /webhooks/orders/paid through the real route and `authenticate.webhook`, against real Postgres
// and Redis: signature, recording, enqueueing, duplicates, held orders, a queue that is down.
import { Redis } from "ioredis";
import { describe, expect, it, vi } from "vitest";
import { prisma } from "~/db.server";
import { createQueueSet, setQueues, syncOrderJobId } from "~/queue/queues.server";

import { action } from "~/routes/webhooks.orders.paid";
import { installShop } from "~test/harness/shopify-auth";
import { uniqueShop } from "~test/harness/shop";
import { jobsOfShop, orderRow, queueShop, simpleOrder, withTestQueues, waitForStatus } from "~test/helpers/sync-queue";
import { ordersPaidBody, webhookRequest, type WebhookInit } from "~test/helpers/webhooks";
import { settle } from "~test/helpers/zoho-connect";
import { zohoBooks } from "~test/harness/zoho-books";

const { prefix, queues, startWorkers } = withTestQueues({ appDefault: true });
const shops = new Set<string>();

const post = (init: Omit<WebhookInit, "topic"> & { topic?: string }) =>
  settle(() => action({ request: webhookRequest({ topic: "orders/paid", ...init }), params: {}, context: {} }));

/** The job is added right after the answer (the ack does not wait for Redis). */
const enqueuedJob = (shop: string, orderId: string) =>
  vi.waitFor(
    async () => {
      const job = await queues.syncOrder.getJob(syncOrderJobId(shop, orderId));
      if (!job) throw new Error("not enqueued yet");
      return job;
    },
    { timeout: 2_000, interval: 20 },
  );

const events = (shop: string) => prisma.syncEvent.findMany({ where: { shop }, orderBy: { at: "asc" } });

describe("orders/paid webhook", () => {
  it("a signed delivery records the order as queued and enqueues one job carrying ids only", async () => {
    const { shop } = await queueShop(shops);
    const res = await post({ shop, body: ordersPaidBody("7000001", "#1001") });

    expect(res.status).toBe(200);
    expect(res.response?.headers.get("server-timing")).toMatch(
      /^verify;dur=[\d.]+, (connection|upsert);dur=[\d.]+, (connection|upsert);dur=[\d.]+$/,
    );
    expect(await orderRow(shop, "7000001")).toMatchObject({
      status: "queued",
      orderName: "#1001",
      lastErrorCode: null,
      processedAt: new Date("2026-11-20T09:14:00Z"), // the Orders page's "Order date"
    });
    const job = await enqueuedJob(shop, "7000001");
    expect(job?.data).toEqual({ shop, orderId: "7000001" });
    expect(job?.opts.priority).toBe(2);
    expect(await job?.getState()).toBe("prioritized");
    expect(zohoBooks.count()).toBe(0); // no Zoho call inside the request
  });

  it("a wrong or missing signature gets 401 and nothing is stored", async () => {
    const { shop } = await queueShop(shops);
    const wrong = await post({
      shop,
      body: ordersPaidBody("7000002", "#1002"),
      hmac: "c2lnbmF0dXJlLW9mLXNvbWVib2R5LWVsc2U=",
    });
    const missing = await post({ shop, body: ordersPaidBody("7000002", "#1002"), hmac: null });

    expect(wrong.status).toBe(401);
    expect(missing.status).toBe(401);
    expect(await orderRow(shop, "7000002")).toBeNull();
    expect(await queues.syncOrder.getJob(syncOrderJobId(shop, "7000002"))).toBeUndefined();
    expect(await events(shop)).toEqual([]);
  });

  it("a signed body that is not JSON, or has no order id, gets 400 with the reason recorded", async () => {
    const { shop } = await queueShop(shops);
    const notJson = await post({ shop, body: "{not json" });
    const noId = await post({ shop, body: { name: "#1003", financial_status: "paid" } });

    expect(notJson.status).toBe(400);
    expect(noId.status).toBe(400);
    expect(await prisma.orderSync.count({ where: { shop } })).toBe(0);
    const rejected = await events(shop);
    expect(rejected.map((e) => e.kind)).toEqual(["webhook_rejected", "webhook_rejected"]);
    expect(rejected[0]!.message).toMatch(/orders\/paid webhook .*not valid JSON/);
    expect(rejected[1]!.message).toMatch(/no usable order id/);
  });

  it("the same delivery five times at once: one row, one job, and after the worker one invoice", async () => {
    const { shop, org, addOrder } = await queueShop(shops);
    const order = simpleOrder();
    const orderId = addOrder(order);
    const delivery = {
      shop,
      body: ordersPaidBody(orderId, order.name),
      webhookId: "same-webhook-id",
      eventId: "same-event-id",
    };

    const answers = await Promise.all(Array.from({ length: 5 }, () => post(delivery)));

    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await prisma.orderSync.count({ where: { shop } })).toBe(1);
    await enqueuedJob(shop, orderId);
    const jobs = await jobsOfShop(queues, shop);
    expect(jobs.map((j) => j.id)).toEqual([syncOrderJobId(shop, orderId)]);

    await startWorkers(shops);
    await waitForStatus(shop, orderId, "synced");
    expect(org.invoices.size).toBe(1);
    expect(zohoBooks.count("POST /invoices")).toBe(1);
  });

  it("auto-send off: the order is recorded with the reason, not sent (once, however often Shopify retries)", async () => {
    const { shop } = await queueShop(shops);
    await prisma.zohoConnection.update({ where: { shop }, data: { autoSend: false } });

    await post({ shop, body: ordersPaidBody("7000004", "#1004") });
    await post({ shop, body: ordersPaidBody("7000004", "#1004") });

    expect(await orderRow(shop, "7000004")).toMatchObject({ status: "queued", lastErrorCode: "auto_send_off" });
    expect(await queues.syncOrder.getJob(syncOrderJobId(shop, "7000004"))).toBeUndefined();
    const held = await events(shop);
    expect(held.map((e) => e.kind)).toEqual(["order_held"]);
    expect(held[0]!.message).toMatch(/automatic sending was off/);
  });

  it("a shop without a Zoho connection: recorded as not connected, not sent", async () => {
    const shop = uniqueShop("nozoho");
    await installShop(shop);

    const res = await post({ shop, body: ordersPaidBody("7000005", "#1005") });

    expect(res.status).toBe(200);
    expect(await orderRow(shop, "7000005")).toMatchObject({ status: "queued", lastErrorCode: "zoho_not_connected" });
    expect(await queues.syncOrder.getJob(syncOrderJobId(shop, "7000005"))).toBeUndefined();
  });

  it("an order already synced is left alone", async () => {
    const { shop } = await queueShop(shops);
    await prisma.orderSync.create({
      data: {
        shop,
        orderId: "7000006",
        orderName: "#1006",
        status: "synced",
        zohoInvoiceId: "1",
        zohoInvoiceNumber: "INV-1",
      },
    });

    await post({ shop, body: ordersPaidBody("7000006", "#1006") });

    expect(await orderRow(shop, "7000006")).toMatchObject({ status: "synced", zohoInvoiceNumber: "INV-1" });
    expect(await queues.syncOrder.getJob(syncOrderJobId(shop, "7000006"))).toBeUndefined();
  });

  it("Redis down: still 200 within the timeout, the order is recorded as queued for the scan", async () => {
    const { shop } = await queueShop(shops);
    // A producer connection to a port nobody listens on, with the app's producer settings.
    const deadRedis = new Redis({
      host: "127.0.0.1",
      port: 1,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    const dead = createQueueSet({ connection: deadRedis, prefix });
    setQueues(dead);
    try {
      const started = Date.now();
      const res = await post({ shop, body: ordersPaidBody("7000007", "#1007") });
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2_500);
    } finally {
      setQueues(queues);
      await dead.close();
      deadRedis.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 1_700)); // the enqueue after the answer gave up
    expect(await orderRow(shop, "7000007")).toMatchObject({ status: "queued", lastErrorCode: null });
    expect(await queues.syncOrder.getJob(syncOrderJobId(shop, "7000007"))).toBeUndefined();
  });
});
