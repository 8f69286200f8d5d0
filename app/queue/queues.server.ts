// BullMQ queues, job names, job data and the enqueue helpers (design §4, style §5.10, ADR 008).
//
// - Job data is ids only: BullMQ stores it in clear text in Redis.
// - One sync-order job per order: jobId `order__<shop>__<orderId>` (BullMQ rejects ':' in custom ids).
//   A retained completed/failed job still blocks its id, so `enqueueSyncOrder` removes a finished one
//   before adding again. The real duplicate guard is the OrderSync claim (app/sync/order-lock.server.ts).
// - Priorities (lower runs first; 0 would jump every queue, so every job gets one): manual > live
//   webhook > catch-up scan > backfill.
// - Every key carries a prefix: `redisPrefix` by default, a per-test prefix in tests.
import { Queue, type JobsOptions, type JobState } from "bullmq";
import type { RedisClient } from "~/redis/redis.server";
import { createRedis, redisPrefix } from "~/redis/redis.server";

export const SYNC_ORDER_QUEUE = "sync-order";
/**
 * Maintenance: the 10-minute catch-up (fan-out per shop), the sweep that resumes parked shops, and the
 * failure-alert sweep (ADR 021).
 */
export const SCAN_QUEUE = "scan";
/** One job per Shopify refund: its Zoho credit note (ADR 022). */
export const SYNC_REFUND_QUEUE = "sync-refund";
/** One job per Shopify sale/capture: its Zoho customer payment (issue 12 item 4). */
export const SYNC_PAYMENT_QUEUE = "sync-payment";

export const JOB = {
  syncOrder: "sync-order",
  scanAll: "scan-all",
  scanShop: "scan-shop",
  resumePaused: "resume-paused",
  failureAlerts: "failure-alerts",
  syncRefund: "sync-refund",
  syncPayment: "sync-payment",
} as const;

export const SCHEDULER = {
  scanAll: "scan-all",
  resumePaused: "resume-paused",
  failureAlerts: "failure-alerts",
} as const;

export interface SyncOrderJobData {
  shop: string;
  /** Numeric order id (legacyResourceId) as a string. */
  orderId: string;
  /** "manual": a person asked (also sends when auto-send is off, and retries needs_attention). */
  mode?: "auto" | "manual";
}

export type ScanJobData = { shop?: string };

export interface SyncPaymentJobData {
  shop: string;
  /** Numeric transaction id as a string. */
  transactionId: string;
}

export interface SyncRefundJobData {
  shop: string;
  /** Numeric refund id as a string. */
  refundId: string;
}

export type SyncOrderSource = "manual" | "webhook" | "scan" | "backfill";

export const PRIORITY: Record<SyncOrderSource, number> = { manual: 1, webhook: 2, scan: 3, backfill: 10 };

/** Attempts for transient failures (network, 5xx, unknown bugs); delays and pauses use none. */
export const SYNC_ORDER_ATTEMPTS = 8;
/** Custom backoff type: the worker's `backoffStrategy` computes the delay (configurable per worker). */
export const SYNC_BACKOFF_TYPE = "sync-exponential";

const SYNC_ORDER_JOB_OPTIONS: JobsOptions = {
  attempts: SYNC_ORDER_ATTEMPTS,
  backoff: { type: SYNC_BACKOFF_TYPE },
  // Kept for inspection; a finished job blocks its id, which enqueueSyncOrder handles.
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 14 * 24 * 3600, count: 10_000 },
};

export function syncOrderJobId(shop: string, orderId: string): string {
  if (!shop || !orderId) throw new Error("syncOrderJobId needs a shop and an order id");
  return `order__${shop}__${orderId}`;
}

export function scanShopJobId(shop: string): string {
  return `scan__${shop}`;
}

export interface QueueSet {
  prefix: string;
  syncOrder: Queue<SyncOrderJobData>;
  scan: Queue<ScanJobData>;
  syncRefund: Queue<SyncRefundJobData>;
  syncPayment: Queue<SyncPaymentJobData>;
  close(): Promise<void>;
}

export interface CreateQueueSetOptions {
  /** Default: a new producer connection (fails fast when Redis is down: `enableOfflineQueue: false`). */
  connection?: RedisClient;
  /** Default `redisPrefix` (REDIS_PREFIX). Tests use their own so parallel files never share jobs. */
  prefix?: string;
}

export function createQueueSet(opts: CreateQueueSetOptions = {}): QueueSet {
  const ownConnection = opts.connection ? null : createRedis("producer");
  const connection = opts.connection ?? ownConnection!;
  const prefix = opts.prefix ?? redisPrefix;
  const syncOrder = new Queue<SyncOrderJobData>(SYNC_ORDER_QUEUE, { connection, prefix });
  const scan = new Queue<ScanJobData>(SCAN_QUEUE, { connection, prefix });
  const syncRefund = new Queue<SyncRefundJobData>(SYNC_REFUND_QUEUE, { connection, prefix });
  const syncPayment = new Queue<SyncPaymentJobData>(SYNC_PAYMENT_QUEUE, { connection, prefix });
  // Without a listener an unreachable Redis would crash the process through an unhandled 'error'.
  const ignore = () => {};
  syncOrder.on("error", ignore);
  scan.on("error", ignore);
  syncRefund.on("error", ignore);
  syncPayment.on("error", ignore);
  return {
    prefix,
    syncOrder,
    scan,
    syncRefund,
    syncPayment,
    async close() {
      await Promise.allSettled([syncOrder.close(), scan.close(), syncRefund.close(), syncPayment.close()]);
      if (ownConnection) await ownConnection.quit().catch(() => ownConnection.disconnect());
    },
  };
}

let producer: QueueSet | undefined;

/** The process's queues for enqueueing (web requests, services). Opened on first use. */
export function getQueues(): QueueSet {
  return (producer ??= createQueueSet());
}

/** Points this process's enqueues at other queues (tests, the demo, the bench). `undefined` resets. */
export function setQueues(queues: QueueSet | undefined): void {
  producer = queues;
}

export async function closeQueues(): Promise<void> {
  const q = producer;
  producer = undefined;
  if (q) await q.close();
}

export type EnqueueResult =
  | { jobId: string; outcome: "added" }
  /** A job for this order is already waiting, running or delayed: nothing to do. */
  | { jobId: string; outcome: "exists"; state: JobState | "unknown" }
  /** A delayed job was made runnable now (`promote`). */
  | { jobId: string; outcome: "promoted" };

export interface EnqueueOptions {
  source: SyncOrderSource;
  mode?: "auto" | "manual";
  /** Run a delayed job now (after a reconnect, a quota reset, a manual Send). */
  promote?: boolean;
  queues?: QueueSet;
}

/**
 * Adds the sync-order job of one order, once. A finished job (completed or failed) with the same id
 * is removed first, so a retry of an order that failed or was parked is possible; a job that is
 * waiting, running or delayed is left alone (or promoted).
 */
export async function enqueueSyncOrder(
  input: { shop: string; orderId: string },
  opts: EnqueueOptions,
): Promise<EnqueueResult> {
  const queue = (opts.queues ?? getQueues()).syncOrder;
  const jobId = syncOrderJobId(input.shop, input.orderId);
  const existing = await queue.getJob(jobId);
  if (existing) {
    const state = await existing.getState();
    if (state === "delayed" && opts.promote) {
      try {
        await existing.promote();
        return { jobId, outcome: "promoted" };
      } catch {
        // It left the delayed state meanwhile (a worker took it): it runs anyway.
        return { jobId, outcome: "exists", state: "active" };
      }
    }
    if (state !== "completed" && state !== "failed" && state !== "unknown") return { jobId, outcome: "exists", state };
    // A finished job blocks its id. Removing fails only if it is running again (another enqueuer won).
    await existing.remove().catch(() => undefined);
  }
  const data: SyncOrderJobData = {
    shop: input.shop,
    orderId: input.orderId,
    ...(opts.mode === "manual" ? { mode: "manual" } : {}),
  };
  await queue.add(JOB.syncOrder, data, { ...SYNC_ORDER_JOB_OPTIONS, jobId, priority: PRIORITY[opts.source] });
  return { jobId, outcome: "added" };
}

/** Asks the worker to run the catch-up scan of one shop now (deduplicated per shop). */
export async function enqueueShopScan(shop: string, { queues }: { queues?: QueueSet } = {}): Promise<void> {
  const queue = (queues ?? getQueues()).scan;
  await queue.add(
    JOB.scanShop,
    { shop },
    {
      jobId: scanShopJobId(shop),
      attempts: 3,
      backoff: { type: "exponential", delay: 10_000 },
      removeOnComplete: true,
      removeOnFail: true,
    },
  );
}

/**
 * When each order's delayed sync-order job runs next (Orders page: "Retried automatically at …").
 * BullMQ keeps a delayed job in a sorted set scored `runAt × 0x1000 + sequence`; an order whose job
 * is not delayed (waiting, running, gone) has no entry.
 */
export async function nextSyncTries(
  shop: string,
  orderIds: readonly string[],
  { queues }: { queues?: QueueSet } = {},
): Promise<Map<string, Date>> {
  const result = new Map<string, Date>();
  if (orderIds.length === 0) return result;
  const backend = (queues ?? getQueues()).syncOrder.getBackend();
  const client = await backend.client;
  const scores = await Promise.all(
    orderIds.map((id) => client.zscore(backend.keys.delayed!, syncOrderJobId(shop, id))),
  );
  orderIds.forEach((orderId, i) => {
    const score = scores[i];
    if (score !== null && score !== undefined) result.set(orderId, new Date(Math.floor(Number(score) / 0x1000)));
  });
  return result;
}

export function syncRefundJobId(shop: string, refundId: string): string {
  if (!shop || !refundId) throw new Error("syncRefundJobId needs a shop and a refund id");
  return `refund__${shop}__${refundId}`;
}

/** Adds the sync-refund job of one refund, once (addDocumentJobOnce); the RefundSync claim is the real guard. */
export async function enqueueSyncRefund(
  input: SyncRefundJobData,
  opts: { queues?: QueueSet } = {},
): Promise<EnqueueResult> {
  const jobId = syncRefundJobId(input.shop, input.refundId);
  const data = { shop: input.shop, refundId: input.refundId };
  return addDocumentJobOnce((opts.queues ?? getQueues()).syncRefund, JOB.syncRefund, data, jobId);
}

export function syncPaymentJobId(shop: string, transactionId: string): string {
  if (!shop || !transactionId) throw new Error("syncPaymentJobId needs a shop and a transaction id");
  return `payment__${shop}__${transactionId}`;
}

/** Adds the sync-payment job of one transaction, once (addDocumentJobOnce). */
export async function enqueueSyncPayment(
  input: SyncPaymentJobData,
  opts: { queues?: QueueSet } = {},
): Promise<EnqueueResult> {
  const jobId = syncPaymentJobId(input.shop, input.transactionId);
  const data = { shop: input.shop, transactionId: input.transactionId };
  return addDocumentJobOnce((opts.queues ?? getQueues()).syncPayment, JOB.syncPayment, data, jobId);
}

/**
 * A refund's or payment's job, once: a waiting, running or delayed job is left alone; a finished one is
 * removed first so a retry is possible. The row's claim is the real guard.
 */
async function addDocumentJobOnce<T>(
  queue: Queue<T>,
  name: Parameters<Queue<T>["add"]>[0],
  data: Parameters<Queue<T>["add"]>[1],
  jobId: string,
): Promise<EnqueueResult> {
  const existing = await queue.getJob(jobId);
  if (existing) {
    const state = await existing.getState();
    if (state !== "completed" && state !== "failed" && state !== "unknown") return { jobId, outcome: "exists", state };
    await existing.remove().catch(() => undefined);
  }
  await queue.add(name, data, { ...SYNC_ORDER_JOB_OPTIONS, jobId, priority: PRIORITY.webhook });
  return { jobId, outcome: "added" };
}
