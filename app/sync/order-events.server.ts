// orders/edited and orders/cancelled webhooks (ADR 019): read the event, record it on the order's row
// (app/sync/order-sync.server.ts), and wake the order's sync-order job, which applies it to the
// invoice (app/sync/order-changes.server.ts). No Zoho call here. A Redis failure is logged, never
// thrown: the row keeps the change pending and the catch-up scan enqueues it.
//
// orders/updated is not subscribed: every edit also raises orders/edited, while orders/updated fires
// on every tag, note, fulfillment and on the app's own metafield write (a loop of no-op jobs).
import { z } from "zod";
import { logger as rootLogger, type Logger } from "~/logger.server";
import { enqueueSyncOrder, getQueues, type QueueSet } from "~/queue/queues.server";
import { withTimeout } from "~/redis/lock.server";
import { ENQUEUE_TIMEOUT_MS, paidOrderFromPayload } from "~/sync/intake.server";
import { recordOrderChange, type OrderChangeKind, type RecordedChange } from "~/sync/order-sync.server";
import { MalformedWebhookError } from "~/sync/webhooks.server";

export interface OrderEvent {
  orderId: string;
  /** When Shopify made the change; null when the body does not say (then it is never stale). */
  at: Date | null;
  /** orders/cancelled: the order's cancelled_at. */
  cancelledAt?: Date | null;
}

const timestamp = z
  .string()
  .nullish()
  .transform((v) => {
    const at = v ? new Date(v) : null;
    return at && !Number.isNaN(at.getTime()) ? at : null;
  });

// A JSON number above 2^53 loses digits: only safe integers (or digit strings) are order ids.
const numericId = z.union([
  z.number().int().positive().refine(Number.isSafeInteger).transform(String),
  z.string().regex(/^\d{1,20}$/),
]);

const orderEditBody = z.object({
  order_edit: z.object({ order_id: numericId, created_at: timestamp }),
});

/** The order of an orders/edited body: `{ order_edit: { id, order_id, created_at, line_items: {…}, … } }`. */
export function editedOrderFromPayload(payload: unknown): OrderEvent {
  const parsed = orderEditBody.safeParse(payload);
  if (!parsed.success) throw new MalformedWebhookError("The orders/edited body has no usable order_edit.order_id.");
  return { orderId: parsed.data.order_edit.order_id, at: parsed.data.order_edit.created_at };
}

const cancelledFields = z.object({ cancelled_at: timestamp, updated_at: timestamp });

/** The order of an orders/cancelled body (the REST order, `cancelled_at` set). */
export function cancelledOrderFromPayload(payload: unknown): OrderEvent & { orderName: string | null } {
  const { orderId, orderName } = paidOrderFromPayload(payload, "orders/cancelled");
  const fields = cancelledFields.safeParse(payload);
  const { cancelled_at: cancelledAt, updated_at: updatedAt } = fields.success
    ? fields.data
    : { cancelled_at: null, updated_at: null };
  return { orderId, orderName, at: updatedAt ?? cancelledAt, cancelledAt };
}

export interface OrderEventDeps {
  log?: Logger;
  queues?: QueueSet;
  now?: () => Date;
  /** Enqueue after the webhook answered (as orders/paid does); tests await it instead. */
  deferEnqueue?: boolean;
}

/** Records an edit or cancellation of the shop's order and wakes its job when the invoice must change. */
export async function recordOrderEvent(
  shop: string,
  kind: OrderChangeKind,
  event: OrderEvent,
  deps: OrderEventDeps = {},
): Promise<RecordedChange> {
  const log = (deps.log ?? rootLogger).child({ shop, orderId: event.orderId, op: `record-order-${kind}` });
  const recorded = await recordOrderChange(shop, event.orderId, { kind, ...event }, deps.now?.() ?? new Date());
  log.info({ outcome: recorded.outcome }, "order event recorded");
  if (recorded.outcome !== "pending") return recorded;
  const queues = deps.queues ?? getQueues();
  const enqueue = async () => {
    try {
      await withTimeout(
        enqueueSyncOrder({ shop, orderId: event.orderId }, { source: "webhook", queues }),
        ENQUEUE_TIMEOUT_MS,
        "the queue (Redis)",
      );
    } catch (err) {
      log.warn({ err }, "order change recorded, enqueue failed; the scan will pick it up");
    }
  };
  if (deps.deferEnqueue) setImmediate(() => void enqueue());
  else await enqueue();
  return recorded;
}
