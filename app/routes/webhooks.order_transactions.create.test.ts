// POST /webhooks/order_transactions/create through the real route: nothing is stored while the shop
// does not record payments (the default); with the setting on, a successful sale is recorded once and
// queued, an authorization is not a payment (issue 12 item 4).
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { syncPaymentJobId } from "~/queue/queues.server";
import { action } from "~/routes/webhooks.order_transactions.create";
import { enqueueWaitingPayments } from "~/sync/payment-intake.server";
import { transactionPayload } from "~test/factories/transaction";
import { zohoBooks } from "~test/harness/zoho-books";
import { queueShop, withTestQueues } from "~test/helpers/sync-queue";
import { webhookRequest, type WebhookInit } from "~test/helpers/webhooks";
import { settle } from "~test/helpers/zoho-connect";

const { queues } = withTestQueues({ appDefault: true });
const shops = new Set<string>();

const post = (init: Omit<WebhookInit, "topic">) =>
  settle(() =>
    action({ request: webhookRequest({ topic: "order_transactions/create", ...init }), params: {}, context: {} }),
  );
const rows = (shop: string) => prisma.paymentSync.findMany({ where: { shop } });

describe("order_transactions/create webhook", () => {
  it("stores nothing while the shop does not record payments (the default)", async () => {
    const { shop } = await queueShop(shops);
    const res = await post({ shop, body: transactionPayload({ id: "9500001", orderId: "7500001", amount: "10.00" }) });
    expect(res.status).toBe(200);
    expect(await rows(shop)).toEqual([]);
    expect(await queues.syncPayment.getJob(syncPaymentJobId(shop, "9500001"))).toBeUndefined();
  });

  it("with the setting on: a sale is recorded once (duplicates collapse) and queued; no Zoho call", async () => {
    const { shop } = await queueShop(shops);
    await prisma.zohoConnection.update({ where: { shop }, data: { recordPayments: true } });
    const body = transactionPayload({ id: "9500002", orderId: "7500002", amount: "10.00", gateway: "paypal" });
    expect((await post({ shop, body })).status).toBe(200);
    expect((await post({ shop, body })).status).toBe(200);
    expect(await rows(shop)).toEqual([
      expect.objectContaining({ transactionId: "9500002", orderId: "7500002", status: "queued", gateway: "paypal" }),
    ]);
    const job = await queues.syncPayment.getJob(syncPaymentJobId(shop, "9500002"));
    expect(job?.data).toEqual({ shop, transactionId: "9500002" });
    expect(zohoBooks.count()).toBe(0);
    // The scan does not add a second job while this one waits.
    expect(await enqueueWaitingPayments(shop, { queues })).toEqual({ enqueued: 0 });
  });

  it("an authorization or a failed sale is not a payment", async () => {
    const { shop } = await queueShop(shops);
    await prisma.zohoConnection.update({ where: { shop }, data: { recordPayments: true } });
    await post({
      shop,
      body: transactionPayload({ id: "9500003", orderId: "7500003", amount: "10.00", kind: "authorization" }),
    });
    await post({
      shop,
      body: transactionPayload({ id: "9500004", orderId: "7500003", amount: "10.00", status: "failure" }),
    });
    expect(await rows(shop)).toEqual([]);
  });

  it("a signed body without ids is refused with the reason (400)", async () => {
    const { shop } = await queueShop(shops);
    const res = await post({ shop, body: { kind: "sale", amount: "1.00" } });
    expect(res.status).toBe(400);
  });
});
