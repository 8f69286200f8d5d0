// How a paid order gets into the queue (design §4): the orders/paid webhook records it here, the
// catch-up scan and the resume sweep re-enqueue what is waiting. The OrderSync row is written first
// and is the truth; the job is only a wake-up call. A Redis failure is logged, never thrown: the row
// stays `queued` and the next scan enqueues it. No Zoho call happens here.
import type { OrderSyncStatus } from "@prisma/client";
import { prisma } from "~/db.server";
import { logger as rootLogger, type Logger } from "~/logger.server";
import {
  enqueueSyncOrder,
  getQueues,
  type EnqueueResult,
  type QueueSet,
  type SyncOrderSource,
} from "~/queue/queues.server";
import { withTimeout } from "~/redis/lock.server";
import { giveUpOnOrder, holdOrder, orderDate, upsertQueuedOrder, waitingOrdersWhere } from "~/sync/order-sync.server";
import { VERDICT_DEFAULTS } from "~/sync/verdict";
import { gateFor, type HoldCode } from "~/sync/shop-gate";
import { MalformedWebhookError } from "~/sync/webhooks.server";
import type { PhaseTimings } from "~/sync/phase-timings";

/** A webhook must answer within Shopify's 5 s; an unreachable Redis must not eat that budget. */
export const ENQUEUE_TIMEOUT_MS = 1_500;
/** Failed orders are retried by the scan until this many claims, then left for a person. */
export const MAX_AUTOMATIC_ATTEMPTS = 25;

export interface IntakeDeps {
  log?: Logger;
  queues?: QueueSet;
  now?: () => Date;
}

export interface RecordPaidOrderDeps extends IntakeDeps {
  /** Phase durations for the webhook's Server-Timing header ("connection", "upsert", "enqueue"). */
  timing?: PhaseTimings;
  /**
   * Enqueue after this call returned (the webhook answers first). The row is the truth and the job
   * only a wake-up call: a process that dies in between leaves a `queued` row the scan enqueues.
   */
  deferEnqueue?: boolean;
}

export type RecordPaidOrderResult =
  | { outcome: "enqueued"; enqueue: EnqueueResult["outcome"] }
  /** Stored but not sent automatically (no connection, no organization, auto-send off). */
  | { outcome: "held"; code: HoldCode }
  /** Already synced, needs a person, or deleted on purpose: nothing to do. */
  | { outcome: "skipped"; status: OrderSyncStatus }
  /** Stored; the queue was unreachable, so the scan will enqueue it. */
  | { outcome: "recorded"; reason: string }
  /** Stored; the job is being added after the answer (deferEnqueue). */
  | { outcome: "enqueueing" };

/**
 * The order of an orders/paid payload (REST shape). The id comes from `admin_graphql_api_id` when
 * present: `id` is a JSON number, and numbers above 2^53 lose digits in JSON.parse.
 */
export function paidOrderFromPayload(payload: unknown): {
  orderId: string;
  orderName: string | null;
  processedAt: Date | null;
} {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload))
    throw new MalformedWebhookError("The orders/paid body is not an order object.");
  const p = payload as Record<string, unknown>;
  const gid =
    typeof p.admin_graphql_api_id === "string"
      ? /^gid:\/\/shopify\/Order\/(\d+)$/.exec(p.admin_graphql_api_id)?.[1]
      : undefined;
  const fromId =
    typeof p.id === "number" && Number.isSafeInteger(p.id) && p.id > 0
      ? String(p.id)
      : typeof p.id === "string" && /^\d+$/.test(p.id)
        ? p.id
        : undefined;
  const orderId = gid ?? fromId;
  if (!orderId) throw new MalformedWebhookError("The orders/paid body has no usable order id.");
  const orderName = typeof p.name === "string" && p.name.length <= 255 ? p.name : null;
  return { orderId, orderName, processedAt: orderDate(p.processed_at) };
}

/**
 * orders/paid: upsert OrderSync(queued) and enqueue the sync, unless the order is already handled
 * or the shop does not send automatically (then it is recorded with the reason). Idempotent: the
 * same webhook delivered five times yields one row and one job.
 */
export async function recordPaidOrder(
  input: { shop: string; orderId: string; orderName?: string | null; processedAt?: Date | null },
  deps: RecordPaidOrderDeps = {},
): Promise<RecordPaidOrderResult> {
  const { shop, orderId } = input;
  const log = (deps.log ?? rootLogger).child({ shop, orderId, op: "record-paid-order" });
  const now = deps.now?.() ?? new Date();
  const timed = <T>(phase: string, fn: () => Promise<T>) => (deps.timing ? deps.timing.time(phase, fn) : fn());

  const [conn, row] = await Promise.all([
    timed("connection", () => prisma.zohoConnection.findUnique({ where: { shop }, select: GATE_FIELDS })),
    timed("upsert", () => upsertQueuedOrder(shop, orderId, input.orderName ?? null, input.processedAt ?? null)),
  ]);
  if (row.status === "synced" || row.status === "needs_attention" || row.status === "deleted") {
    log.debug({ status: row.status }, "paid order already handled");
    return { outcome: "skipped", status: row.status };
  }

  const gate = gateFor(conn, { now, reauthRecheckMs: VERDICT_DEFAULTS.reauthPauseMs });
  if (gate.kind === "hold") {
    await holdOrder(shop, orderId, gate, log);
    return { outcome: "held", code: gate.code };
  }
  // "send", or "pause": the job is added anyway and the worker parks it until the shop resumes.
  const queues = deps.queues ?? getQueues(); // the queue of this request, also when enqueued after it
  const enqueue = async (): Promise<RecordPaidOrderResult> => {
    try {
      const result = await withTimeout(
        enqueueSyncOrder({ shop, orderId }, { source: "webhook", queues }),
        ENQUEUE_TIMEOUT_MS,
        "the queue (Redis)",
      );
      log.info({ jobId: result.jobId, enqueue: result.outcome }, "paid order enqueued");
      return { outcome: "enqueued", enqueue: result.outcome };
    } catch (err) {
      log.warn({ err }, "paid order recorded, enqueue failed; the scan will pick it up");
      return { outcome: "recorded", reason: err instanceof Error ? err.message : String(err) };
    }
  };
  if (deps.deferEnqueue) {
    // After the answer is written: the enqueue's Redis round trips are not in the webhook's latency.
    setImmediate(() => void enqueue());
    return { outcome: "enqueueing" };
  }
  return timed("enqueue", enqueue);
}

/** What the gate reads of the connection (the intake fetches only these). */
const GATE_FIELDS = {
  status: true,
  refreshTokenEnc: true,
  organizationId: true,
  autoSend: true,
  pausedUntil: true,
  pauseReason: true,
} as const;

export interface EnqueueWaitingResult {
  enqueued: number;
  alreadyQueued: number;
  gaveUp: number;
  /** The queue failed: the remaining rows stay as they are for the next run. */
  error?: unknown;
}

/**
 * Enqueues the shop's waiting OrderSync rows (scan, resume after a pause). Cost grows with the rows
 * that wait, not with history: it reads the (shop, status) index. `promote` makes delayed jobs run now.
 */
export async function enqueueWaitingOrders(
  shop: string,
  {
    source = "scan",
    promote = false,
    limit = 500,
    ...deps
  }: IntakeDeps & { source?: SyncOrderSource; promote?: boolean; limit?: number } = {},
): Promise<EnqueueWaitingResult> {
  const log = (deps.log ?? rootLogger).child({ shop, op: "enqueue-waiting" });
  const now = deps.now?.() ?? new Date();
  const rows = await prisma.orderSync.findMany({
    where: waitingOrdersWhere(shop, now),
    select: { orderId: true, status: true, attempts: true, lastErrorMessage: true },
    orderBy: { updatedAt: "asc" },
    take: limit,
  });
  const result: EnqueueWaitingResult = { enqueued: 0, alreadyQueued: 0, gaveUp: 0 };
  for (const row of rows) {
    if (row.status === "failed" && row.attempts >= MAX_AUTOMATIC_ATTEMPTS) {
      if (await giveUpOnOrder(shop, row.orderId, row.attempts, row.lastErrorMessage, log)) result.gaveUp++;
      continue;
    }
    try {
      const r = await enqueueSyncOrder({ shop, orderId: row.orderId }, { source, promote, queues: deps.queues });
      if (r.outcome === "exists") result.alreadyQueued++;
      else result.enqueued++;
    } catch (err) {
      log.warn({ err }, "could not enqueue waiting orders");
      result.error = err;
      break;
    }
  }
  if (result.enqueued || result.gaveUp) log.info({ ...result, error: undefined }, "waiting orders enqueued");
  return result;
}
