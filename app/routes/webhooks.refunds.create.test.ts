// POST /webhooks/refunds/create through the real route and `authenticate.webhook`, against real
// Postgres and Redis: signature, one row per refund, the job, and the worker turning a refund that
// arrived before its invoice into a credit note once the invoice exists (ADR 022).
import { describe, expect, it, vi } from "vitest";
import { prisma } from "~/db.server";
import { syncRefundJobId } from "~/queue/queues.server";
import { action } from "~/routes/webhooks.refunds.create";
import { parseRefundPayload } from "~/sync/mapping/refund";
import { upsertQueuedOrder } from "~/sync/order-sync.server";
import { enqueueWaitingRefunds } from "~/sync/refund-intake.server";
import { recordRefund } from "~/sync/refund-sync.server";
import { syncOrder } from "~/sync/sync-order.server";
import { buildRefundPayload } from "~test/factories/refund";
import { zohoBooks } from "~test/harness/zoho-books";
import { queueShop, simpleOrder, waitFor, withTestQueues } from "~test/helpers/sync-queue";
import { webhookRequest, type WebhookInit } from "~test/helpers/webhooks";
import { settle } from "~test/helpers/zoho-connect";

const { queues, startWorkers } = withTestQueues({ appDefault: true });
const shops = new Set<string>();

const post = (init: Omit<WebhookInit, "topic"> & { topic?: string }) =>
  settle(() => action({ request: webhookRequest({ topic: "refunds/create", ...init }), params: {}, context: {} }));

const refundBody = (orderId: string, refundId: string) =>
  buildRefundPayload({
    orderId,
    refundId,
    taxesIncluded: true,
    processedAt: "2026-11-22T09:00:00+01:00",
    lines: [{ title: "Espresso cups", quantity: 1, unitPrice: "19.90", taxes: [{ title: "IVA", rate: "0.22" }] }],
  }).payload;

const rows = (shop: string) => prisma.refundSync.findMany({ where: { shop } });

describe("refunds/create webhook", () => {
  it("a signed delivery records the refund once and enqueues one job of ids; no Zoho call", async () => {
    const { shop } = await queueShop(shops);
    const res = await post({ shop, body: refundBody("7400001", "8400001") });
    const again = await post({ shop, body: refundBody("7400001", "8400001") });

    expect([res.status, again.status]).toEqual([200, 200]);
    expect(await rows(shop)).toEqual([
      expect.objectContaining({ refundId: "8400001", orderId: "7400001", status: "queued", currencyCode: "EUR" }),
    ]);
    const job = await queues.syncRefund.getJob(syncRefundJobId(shop, "8400001"));
    expect(job?.data).toEqual({ shop, refundId: "8400001" });
    expect(zohoBooks.count()).toBe(0);
  });

  it("a wrong signature gets 401 and nothing is stored", async () => {
    const { shop } = await queueShop(shops);
    const res = await post({
      shop,
      body: refundBody("7400002", "8400002"),
      hmac: "c2lnbmF0dXJlLW9mLXNvbWVib2R5LWVsc2U=",
    });
    expect(res.status).toBe(401);
    expect(await rows(shop)).toEqual([]);
  });

  it("a signed body without a refund id is refused with the reason in Activity (400), never a 500", async () => {
    const { shop } = await queueShop(shops);
    const res = await post({ shop, body: { order_id: 7400003, refund_line_items: [] } });
    expect(res.status).toBe(400);
    const [event] = await prisma.syncEvent.findMany({ where: { shop } });
    expect(event).toMatchObject({ kind: "webhook_rejected" });
    expect(event!.message).toMatch(/no refund id/);
  });

  it("a refund before its invoice is delayed by the worker, then credited once the invoice exists", async () => {
    const s = await queueShop(shops);
    const order = simpleOrder();
    const orderId = s.addOrder(order);
    await upsertQueuedOrder(s.shop, orderId, order.name);
    await startWorkers(new Set([s.shop]), { refundDeps: () => ({ awaitInvoiceMs: 50 }) });

    await post({ shop: s.shop, body: refundBody(orderId, "8400004") });
    await waitFor(
      async () =>
        (await prisma.refundSync.findFirst({ where: { shop: s.shop, status: "waiting_invoice" } })) ? true : null,
      { what: "the refund waiting" },
    );
    const job = await queues.syncRefund.getJob(syncRefundJobId(s.shop, "8400004"));
    expect(await job?.getState()).not.toBe("failed");

    await syncOrder({ shop: s.shop, orderId });
    const row = await waitFor(
      () => prisma.refundSync.findFirst({ where: { shop: s.shop, refundId: "8400004", status: "synced" } }),
      { what: "the credit note" },
    );
    expect(row.zohoCreditNoteNumber).toMatch(/^CN-/);
    await vi.waitFor(() => expect(zohoBooks.creditNotes(s.org.organization.organization_id)).toHaveLength(1));
  });
});

describe("the sync-refund worker", () => {
  it("parks a paused shop's refund (daily quota) without calling Zoho", async () => {
    const s = await queueShop(shops);
    await prisma.zohoConnection.update({
      where: { shop: s.shop },
      data: { pausedUntil: new Date(Date.now() + 3_600_000), pauseReason: "daily_quota" },
    });
    await startWorkers(new Set([s.shop]));
    await post({ shop: s.shop, body: refundBody("7400007", "8400007") });
    const job = await waitFor(
      async () => {
        const j = await queues.syncRefund.getJob(syncRefundJobId(s.shop, "8400007"));
        return j && (await j.getState()) === "delayed" ? j : null;
      },
      { what: "the parked job" },
    );
    expect(job.delay).toBeGreaterThan(0);
    expect(zohoBooks.count()).toBe(0);
    expect(await rows(s.shop)).toEqual([expect.objectContaining({ status: "queued" })]);
  });
});

describe("the catch-up scan's share", () => {
  it("enqueues a recorded refund whose job was never added (Redis down at the webhook), once", async () => {
    const { shop } = await queueShop(shops);
    await recordRefund(shop, parseRefundPayload(refundBody("7400005", "8400005")));
    await recordRefund(shop, parseRefundPayload(refundBody("7400006", "8400006")));
    await prisma.refundSync.updateMany({ where: { shop, refundId: "8400006" }, data: { status: "synced" } });

    expect(await enqueueWaitingRefunds(shop, { queues })).toEqual({ enqueued: 1 });
    expect(await queues.syncRefund.getJob(syncRefundJobId(shop, "8400005"))).toBeDefined();
    expect(await queues.syncRefund.getJob(syncRefundJobId(shop, "8400006"))).toBeUndefined();
    expect(await enqueueWaitingRefunds(shop, { queues })).toEqual({ enqueued: 0 });
  });
});
