// How a Shopify payment gets into the queue (issue 12 item 4): the order_transactions/create webhook
// records a successful sale or capture (PaymentSync, once per transaction id) and enqueues its sync —
// only while the shop records payments ("Mark invoices as sent and record Shopify's payments", off by
// default). A Redis failure is logged, never thrown; the catch-up scan enqueues the row later.
import { prisma } from "~/db.server";
import { logger as rootLogger, type Logger } from "~/logger.server";
import { enqueueSyncPayment, type QueueSet } from "~/queue/queues.server";
import { withTimeout } from "~/redis/lock.server";
import { isMappingError } from "~/sync/errors";
import { ENQUEUE_TIMEOUT_MS } from "~/sync/intake.server";
import { isPayment, parseTransactionPayload, type PaymentSnapshot } from "~/sync/mapping/payment";
import { listWaitingPayments, recordPayment } from "~/sync/payment-sync.server";
import { MalformedWebhookError } from "~/sync/webhooks.server";

export type RecordTransactionResult =
  { outcome: "off" | "not_a_payment" } | { outcome: "enqueued" | "duplicate" | "recorded"; payment: PaymentSnapshot };

export async function recordTransactionWebhook(
  shop: string,
  payload: unknown,
  deps: { log?: Logger; queues?: QueueSet } = {},
): Promise<RecordTransactionResult> {
  const log = deps.log ?? rootLogger;
  let tx: PaymentSnapshot;
  try {
    tx = parseTransactionPayload(payload);
  } catch (err) {
    if (isMappingError(err)) throw new MalformedWebhookError(err.message);
    throw err;
  }
  const conn = await prisma.zohoConnection.findUnique({ where: { shop }, select: { recordPayments: true } });
  if (!conn?.recordPayments) return { outcome: "off" };
  // Authorizations, voids, failures and refunds are not money received (refunds: credit notes, ADR 022).
  if (!isPayment(tx)) return { outcome: "not_a_payment" };
  const { inserted } = await recordPayment(shop, tx);
  try {
    await withTimeout(
      enqueueSyncPayment({ shop, transactionId: tx.transactionId }, deps.queues ? { queues: deps.queues } : {}),
      ENQUEUE_TIMEOUT_MS,
      "enqueue sync-payment",
    );
  } catch (err) {
    log.warn({ err, transactionId: tx.transactionId }, "payment recorded, not enqueued");
    return { outcome: "recorded", payment: tx };
  }
  log.info({ transactionId: tx.transactionId, orderId: tx.orderId, duplicate: !inserted }, "payment recorded");
  return { outcome: inserted ? "enqueued" : "duplicate", payment: tx };
}

/** The catch-up scan's share: payments whose job was never added or got lost. */
export async function enqueueWaitingPayments(
  shop: string,
  deps: { queues?: QueueSet; now?: () => Date; log?: Logger } = {},
): Promise<{ enqueued: number; error?: unknown }> {
  let enqueued = 0;
  try {
    for (const transactionId of await listWaitingPayments(shop, deps.now?.() ?? new Date())) {
      const r = await enqueueSyncPayment({ shop, transactionId }, deps.queues ? { queues: deps.queues } : {});
      if (r.outcome === "added") enqueued++;
    }
    return { enqueued };
  } catch (error) {
    (deps.log ?? rootLogger).warn({ err: error, shop }, "waiting payments not enqueued");
    return { enqueued, error };
  }
}
