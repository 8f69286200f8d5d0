// How a Shopify refund gets into the queue (ADR 022): the refunds/create webhook records the refund
// (RefundSync, once per refund id) and enqueues its sync. The row is the truth, the job a wake-up call:
// a Redis failure is logged, never thrown. No Zoho call happens here.
import { logger as rootLogger, type Logger } from "~/logger.server";
import { enqueueSyncRefund, type QueueSet } from "~/queue/queues.server";
import { withTimeout } from "~/redis/lock.server";
import { isMappingError } from "~/sync/errors";
import { parseRefundPayload, type RefundSnapshot } from "~/sync/mapping/refund";
import { listWaitingRefunds, recordRefund } from "~/sync/refund-sync.server";
import { MalformedWebhookError } from "~/sync/webhooks.server";
import { ENQUEUE_TIMEOUT_MS } from "~/sync/intake.server";

export type RecordRefundResult =
  | { outcome: "enqueued" | "duplicate"; refund: RefundSnapshot }
  | { outcome: "recorded"; refund: RefundSnapshot; reason: string };

/** The refund of a refunds/create body; a body we cannot read is refused with the reason (400). */
export function refundFromPayload(payload: unknown): RefundSnapshot {
  try {
    return parseRefundPayload(payload);
  } catch (err) {
    if (isMappingError(err)) throw new MalformedWebhookError(err.message);
    throw err;
  }
}

/**
 * refunds/create: the row once (a duplicate delivery finds it), then the job. A duplicate still
 * enqueues: if the first delivery's enqueue was lost, this one wakes the refund up (the job id dedupes).
 */
export async function recordRefundWebhook(
  shop: string,
  payload: unknown,
  deps: { log?: Logger; queues?: QueueSet } = {},
): Promise<RecordRefundResult> {
  const log = deps.log ?? rootLogger;
  const refund = refundFromPayload(payload);
  const { inserted } = await recordRefund(shop, refund);
  try {
    await withTimeout(
      enqueueSyncRefund({ shop, refundId: refund.refundId }, deps.queues ? { queues: deps.queues } : {}),
      ENQUEUE_TIMEOUT_MS,
      "enqueue sync-refund",
    );
  } catch (err) {
    log.warn({ err, refundId: refund.refundId }, "refund recorded, not enqueued");
    return { outcome: "recorded", refund, reason: err instanceof Error ? err.message : String(err) };
  }
  log.info({ refundId: refund.refundId, orderId: refund.orderId, duplicate: !inserted }, "refund recorded");
  return { outcome: inserted ? "enqueued" : "duplicate", refund };
}

/**
 * The catch-up scan's share (ADR 022): a refund whose job was never added (Redis down at the webhook)
 * or got lost is enqueued again. A job that exists is left alone; the claim guards the rest.
 */
export async function enqueueWaitingRefunds(
  shop: string,
  deps: { queues?: QueueSet; now?: () => Date; log?: Logger } = {},
): Promise<{ enqueued: number; error?: unknown }> {
  let enqueued = 0;
  try {
    for (const refundId of await listWaitingRefunds(shop, deps.now?.() ?? new Date())) {
      const r = await enqueueSyncRefund({ shop, refundId }, deps.queues ? { queues: deps.queues } : {});
      if (r.outcome === "added") enqueued++;
    }
    return { enqueued };
  } catch (error) {
    (deps.log ?? rootLogger).warn({ err: error, shop }, "waiting refunds not enqueued");
    return { enqueued, error };
  }
}
