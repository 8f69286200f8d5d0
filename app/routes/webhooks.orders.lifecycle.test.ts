// POST /webhooks/orders/edited and /webhooks/orders/cancelled through the real routes and
// `authenticate.webhook`, against real Postgres and Redis (ADR 019): signature, malformed bodies,
// what is recorded, and — with the worker running — what happens to the invoice in Zoho.
import { describe, expect, it, vi } from "vitest";
import { prisma } from "~/db.server";
import { syncOrderJobId } from "~/queue/queues.server";
import { action as cancelled } from "~/routes/webhooks.orders.cancelled";
import { action as edited } from "~/routes/webhooks.orders.edited";
import { syncOrder } from "~/sync/sync-order.server";
import { orderRow, queueShop, simpleOrder, waitFor, withTestQueues } from "~test/helpers/sync-queue";
import { ordersPaidBody, webhookRequest, type WebhookInit } from "~test/helpers/webhooks";
import { settle } from "~test/helpers/zoho-connect";
import { zohoBooks } from "~test/harness/zoho-books";

const { queues, startWorkers } = withTestQueues({ appDefault: true });
const shops = new Set<string>();

type Post = Omit<WebhookInit, "topic"> & { topic?: string };
const postEdited = (init: Post) =>
  settle(() => edited({ request: webhookRequest({ topic: "orders/edited", ...init }), params: {}, context: {} }));
const postCancelled = (init: Post) =>
  settle(() => cancelled({ request: webhookRequest({ topic: "orders/cancelled", ...init }), params: {}, context: {} }));

/** Shopify's orders/edited body (REST): the edit, not the order. */
const editBody = (orderId: string, createdAt: string) => ({
  order_edit: {
    id: 78912328,
    app_id: null,
    created_at: createdAt,
    notify_customer: false,
    order_id: Number(orderId),
    staff_note: "",
    user_id: 799407056,
    line_items: { additions: [], removals: [{ id: 1001, delta: 1 }] },
  },
});
const cancelBody = (orderId: string, name: string) => ({
  ...ordersPaidBody(orderId, name),
  cancelled_at: "2026-11-22T09:00:00+01:00",
  updated_at: "2026-11-22T09:00:00+01:00",
  cancel_reason: "customer",
});

const enqueued = (shop: string, orderId: string) =>
  vi.waitFor(
    async () => {
      const job = await queues.syncOrder.getJob(syncOrderJobId(shop, orderId));
      if (!job) throw new Error("not enqueued yet");
      return job;
    },
    { timeout: 2_000, interval: 20 },
  );

/** A shop whose order is invoiced as a draft (no worker involved). */
async function invoicedShop() {
  const s = await queueShop(shops, "life");
  const order = simpleOrder({
    lines: [{ title: "Espresso cups", quantity: 3, price: "19.90", taxes: [{ title: "IVA", percent: "22" }] }],
  });
  const orderId = s.addOrder(order);
  await syncOrder({ shop: s.shop, orderId });
  return { ...s, order, orderId };
}

describe("orders/edited webhook", () => {
  it("records the edit of an invoiced order and wakes its job; no Zoho call in the request", async () => {
    const { shop, orderId } = await invoicedShop();
    const calls = zohoBooks.count();

    const res = await postEdited({ shop, body: editBody(orderId, "2026-11-21T09:00:00Z") });

    expect(res.status).toBe(200);
    expect(await orderRow(shop, orderId)).toMatchObject({ pendingChange: "edit", changeSeq: 1 });
    expect((await enqueued(shop, orderId)).data).toEqual({ shop, orderId });
    expect(zohoBooks.count()).toBe(calls);
  });

  it("with the worker: the draft follows the edit, to the order's current total", async () => {
    const { shop, org, order, orderId, addOrder } = await invoicedShop();
    const edited = simpleOrder({
      id: orderId,
      name: order.name,
      lines: [
        { title: "Espresso cups", quantity: 3, keep: 1, price: "19.90", taxes: [{ title: "IVA", percent: "22" }] },
      ],
      overrides: { updatedAt: "2026-11-21T09:00:00Z" },
    });
    addOrder(edited);
    await startWorkers(shops);

    await postEdited({ shop, body: editBody(orderId, "2026-11-21T09:00:00Z") });
    // The same delivery again (a Shopify retry): harmless.
    await postEdited({ shop, body: editBody(orderId, "2026-11-21T09:00:00Z") });

    const row = await waitFor(async () => {
      const r = await orderRow(shop, orderId);
      return r && !r.pendingChange && r.shopifyUpdatedAt ? r : null;
    });
    expect(Number(row.shopifyTotal)).toBe(Number(edited.currentTotalPriceSet.shopMoney.amount));
    const invoices = [...org.invoices.keys()].map((id) => zohoBooks.invoice(org.organization.organization_id, id));
    expect(invoices.map((i) => [i.status, i.total, i.line_items[0]!.quantity])).toEqual([
      ["draft", edited.currentTotalPriceSet.shopMoney.amount, 1],
    ]);
    expect(zohoBooks.count("PUT /invoices/{id}")).toBe(1);
  });

  it("a body without order_edit.order_id, or under another topic, gets 400 with the reason recorded", async () => {
    const { shop } = await queueShop(shops, "life");
    const noId = await postEdited({ shop, body: { order_edit: { id: 1, order_id: "twelve" } } });
    const notAnObject = await postEdited({ shop, body: "[1, 2]" });
    const wrongTopic = await postEdited({
      shop,
      topic: "orders/paid",
      body: editBody("7100001", "2026-11-21T09:00:00Z"),
    });

    expect([noId.status, notAnObject.status, wrongTopic.status]).toEqual([400, 400, 400]);
    const rejected = await prisma.syncEvent.findMany({
      where: { shop, kind: "webhook_rejected" },
      orderBy: { at: "asc" },
    });
    expect(rejected.map((e) => e.message)).toEqual([
      expect.stringMatching(/orders\/edited webhook .*no usable order_edit\.order_id/),
      expect.stringMatching(/orders\/edited webhook .*no usable order_edit\.order_id/),
      expect.stringMatching(/orders\/paid.*was sent to the orders\/edited address/),
    ]);
    expect(await prisma.orderSync.count({ where: { shop } })).toBe(0);
  });

  it("a wrong or missing signature gets 401 and nothing is recorded", async () => {
    const { shop, orderId } = await invoicedShop();
    const body = editBody(orderId, "2026-11-21T09:00:00Z");
    const wrong = await postEdited({ shop, body, hmac: "c2lnbmF0dXJlLW9mLXNvbWVib2R5LWVsc2U=" });
    const missing = await postEdited({ shop, body, hmac: null });

    expect([wrong.status, missing.status]).toEqual([401, 401]);
    expect(await orderRow(shop, orderId)).toMatchObject({ pendingChange: null, changeSeq: 0 });
  });

  it("an edit of an order the app never recorded is answered 200 and changes nothing", async () => {
    const { shop } = await queueShop(shops, "life");
    const res = await postEdited({ shop, body: editBody("7100002", "2026-11-21T09:00:00Z") });
    expect(res.status).toBe(200);
    expect(await prisma.orderSync.count({ where: { shop } })).toBe(0);
  });
});

describe("orders/cancelled webhook", () => {
  it("with the worker: the draft invoice is voided, once however often Shopify delivers", async () => {
    const { shop, org, order, orderId } = await invoicedShop();
    await startWorkers(shops);

    const answers = await Promise.all(
      [1, 2, 3].map(() => postCancelled({ shop, body: cancelBody(orderId, order.name) })),
    );

    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await waitFor(async () => ((await orderRow(shop, orderId))?.zohoInvoiceStatus === "void" ? true : null));
    expect([...org.invoices.values()].map((i) => i.status)).toEqual(["void"]);
    expect(zohoBooks.count("POST /invoices/{id}/status/void")).toBe(1);
    const voided = await prisma.syncEvent.findMany({ where: { shop, kind: "invoice_voided" } });
    expect(voided).toHaveLength(1);
  });

  it("an order waiting for its invoice is never sent", async () => {
    const { shop } = await queueShop(shops, "life");
    await prisma.orderSync.create({ data: { shop, orderId: "7100003", orderName: "#7003", status: "queued" } });

    const res = await postCancelled({ shop, body: cancelBody("7100003", "#7003") });

    expect(res.status).toBe(200);
    expect(await orderRow(shop, "7100003")).toMatchObject({
      status: "skipped",
      lastErrorCode: "cancelled_before_invoice",
      cancelledAt: new Date("2026-11-22T08:00:00Z"),
    });
    expect(zohoBooks.count()).toBe(0);
  });

  it("a body without an order id gets 400 with the reason recorded", async () => {
    const { shop } = await queueShop(shops, "life");
    const res = await postCancelled({ shop, body: { name: "#7004", cancelled_at: "2026-11-22T09:00:00Z" } });
    expect(res.status).toBe(400);
    const [rejected] = await prisma.syncEvent.findMany({ where: { shop, kind: "webhook_rejected" } });
    expect(rejected?.message).toMatch(/orders\/cancelled webhook .*no usable order id/);
  });
});
