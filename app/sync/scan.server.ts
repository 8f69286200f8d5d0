// The catch-up scan of one shop (design §4 "Scan", ADR 008): the safety net for webhooks that never
// arrived and for jobs that were never added (Redis down) or got lost.
//
// 1. Shopify: paid orders (refunded since or not) updated since the checkpoint (minus an overlap, for
//    the search index's lag) and created since the Zoho connection (older orders are backfill, never
//    sent behind the merchant's back), oldest update first, a few ids per page, waiting when the
//    query-cost bucket runs low (app/shopify/order-search.server.ts). Orders without a row are
//    recorded and enqueued; waiting ones are enqueued; synced, held or needs-attention ones are left alone.
// 2. Our rows: `queued` (not held), `failed` (retryable by construction), `creating` whose claim is dead.
//
// The checkpoint moves only past orders that were handled (enqueued or deliberately skipped), page by
// page: when the queue is unreachable the scan stops there and the next run starts from that point.
// Cost grows with new orders, not with history.
import { prisma } from "~/db.server";
import { logger as rootLogger, type Logger } from "~/logger.server";
import { enqueueSyncOrder, type QueueSet } from "~/queue/queues.server";
import { INVOICEABLE_ORDERS_SEARCH, searchOrderIds } from "~/shopify/order-search.server";
import { adminGraphqlFor, type AdminGraphql } from "~/shopify/orders.server";
import { enqueueWaitingOrders, type EnqueueWaitingResult } from "~/sync/intake.server";
import { enqueueWaitingPayments } from "~/sync/payment-intake.server";
import { enqueueWaitingRefunds } from "~/sync/refund-intake.server";
import { isUnclaimed, orderDate, upsertQueuedOrder } from "~/sync/order-sync.server";
import { VERDICT_DEFAULTS } from "~/sync/verdict";
import { gateFor, HOLD_CODES } from "~/sync/shop-gate";

export const SCAN_DEFAULTS = {
  pageSize: 50,
  /** Re-read this much before the checkpoint: Shopify's search index lags behind writes. */
  overlapMs: 15 * 60_000,
  /** Stop after this many pages per run; the next run continues from the checkpoint. */
  maxPages: 40,
  /** Keep at least this many cost points in Shopify's bucket for the app's other calls. */
  reservePoints: 200,
} as const;

export interface ScanOptions {
  log?: Logger;
  queues?: QueueSet;
  graphql?: AdminGraphql;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  pageSize?: number;
  overlapMs?: number;
  maxPages?: number;
  reservePoints?: number;
}

export interface ScanResult {
  shop: string;
  /** Why the shop was not scanned (not connected, auto-send off, paused). */
  skipped?: string;
  pages: number;
  /** Paid orders Shopify returned. */
  found: number;
  /** Orders the scan added to the queue (new rows or waiting ones). */
  enqueued: number;
  /** Already synced, needs attention, deleted, held, or being sent right now. */
  untouched: number;
  checkpoint: Date | null;
  waiting: EnqueueWaitingResult | null;
  /** Milliseconds spent waiting for Shopify's query-cost bucket. */
  throttledMs: number;
  /** Refunds whose credit note job was missing and is queued again (ADR 022). */
  refunds?: number;
  /** Payments whose customer payment job was missing and is queued again. */
  payments?: number;
}

export async function scanShop(shop: string, opts: ScanOptions = {}): Promise<ScanResult> {
  const log = (opts.log ?? rootLogger).child({ shop, op: "scan-shop" });
  const now = opts.now?.() ?? new Date();
  const pageSize = opts.pageSize ?? SCAN_DEFAULTS.pageSize;
  const overlapMs = opts.overlapMs ?? SCAN_DEFAULTS.overlapMs;
  const maxPages = opts.maxPages ?? SCAN_DEFAULTS.maxPages;
  const reserve = opts.reservePoints ?? SCAN_DEFAULTS.reservePoints;
  const result: ScanResult = {
    shop,
    pages: 0,
    found: 0,
    enqueued: 0,
    untouched: 0,
    checkpoint: null,
    waiting: null,
    throttledMs: 0,
  };

  const conn = await prisma.zohoConnection.findUnique({ where: { shop } });
  const gate = gateFor(conn, { now, reauthRecheckMs: VERDICT_DEFAULTS.reauthPauseMs });
  if (!conn || gate.kind !== "send") {
    result.skipped =
      gate.kind === "hold" ? gate.code : gate.kind === "pause" ? `paused (${gate.reason})` : "not connected";
    result.checkpoint = conn?.scanCheckpoint ?? null;
    log.debug({ skipped: result.skipped }, "scan skipped");
    return result;
  }

  const floor = new Date(conn.connectedAt.getTime() - overlapMs);
  const start = conn.scanCheckpoint && conn.scanCheckpoint > conn.connectedAt ? conn.scanCheckpoint : conn.connectedAt;
  const since = new Date(start.getTime() - overlapMs);
  const search = `${INVOICEABLE_ORDERS_SEARCH} updated_at:>'${since.toISOString()}' created_at:>'${floor.toISOString()}'`;
  let checkpoint = conn.scanCheckpoint;
  const graphql = opts.graphql ?? (await adminGraphqlFor(shop));

  const pages = searchOrderIds(graphql, search, { pageSize, reservePoints: reserve, sleep: opts.sleep });
  try {
    for await (const res of pages) {
      result.pages++;
      result.throttledMs += res.throttledMs;
      result.found += res.nodes.length;
      const rows = await prisma.orderSync.findMany({
        where: { shop, orderId: { in: res.nodes.map((n) => n.legacyResourceId) } },
        select: { orderId: true, status: true, lastErrorCode: true, claimedAt: true },
      });
      const byId = new Map(rows.map((r) => [r.orderId, r]));
      for (const node of res.nodes) {
        const row = byId.get(node.legacyResourceId);
        if (row && !needsJob(row, now)) {
          result.untouched++;
        } else {
          if (!row) await upsertQueuedOrder(shop, node.legacyResourceId, node.name, orderDate(node.processedAt));
          const r = await enqueueSyncOrder(
            { shop, orderId: node.legacyResourceId },
            { source: "scan", queues: opts.queues },
          );
          if (r.outcome !== "exists") result.enqueued++;
          else result.untouched++;
        }
        const updatedAt = new Date(node.updatedAt);
        if (!checkpoint || updatedAt > checkpoint) checkpoint = updatedAt;
      }
      await saveCheckpoint(shop, checkpoint, conn.scanCheckpoint);
      if (result.pages >= maxPages) break;
    }
  } catch (err) {
    // Whatever was handled is behind the checkpoint; the rest is found again next time.
    await saveCheckpoint(shop, checkpoint, conn.scanCheckpoint);
    result.checkpoint = checkpoint;
    log.warn({ err, enqueued: result.enqueued, pages: result.pages }, "scan stopped");
    throw err;
  }
  result.checkpoint = checkpoint;

  result.waiting = await enqueueWaitingOrders(shop, { source: "scan", queues: opts.queues, log, now: () => now });
  if (result.waiting.error) throw result.waiting.error;
  result.refunds = (await enqueueWaitingRefunds(shop, { queues: opts.queues, log, now: () => now })).enqueued;
  result.payments = (await enqueueWaitingPayments(shop, { queues: opts.queues, log, now: () => now })).enqueued;
  log.info(
    {
      pages: result.pages,
      found: result.found,
      enqueued: result.enqueued,
      waiting: result.waiting.enqueued,
      throttledMs: result.throttledMs,
    },
    "scan done",
  );
  return result;
}

/** Whether an existing row should have a job: the same rule as `waitingOrdersWhere`. */
function needsJob(row: { status: string; lastErrorCode: string | null; claimedAt: Date | null }, now: Date): boolean {
  switch (row.status) {
    case "queued":
      return !(HOLD_CODES as readonly string[]).includes(row.lastErrorCode ?? "");
    case "failed":
      return true;
    case "creating":
      return isUnclaimed(row, now);
    default:
      return false;
  }
}

async function saveCheckpoint(shop: string, checkpoint: Date | null, previous: Date | null): Promise<void> {
  if (!checkpoint || (previous && checkpoint.getTime() <= previous.getTime())) return;
  // Never move it backwards (two scans of one shop cannot run at once, but be safe).
  await prisma.zohoConnection.updateMany({
    where: { shop, OR: [{ scanCheckpoint: null }, { scanCheckpoint: { lt: checkpoint } }] },
    data: { scanCheckpoint: checkpoint },
  });
}

export interface ScanAllResult {
  shops: string[];
}

/**
 * The 10-minute fan-out: one scan job per shop that sends automatically. Shops that do not (auto-send
 * off, disconnected) get their checkpoint moved to now, so turning sending back on does not sweep up
 * the orders of the time it was off (those were recorded as held, or are backfill).
 */
export async function listShopsToScan({
  now = new Date(),
  onlyShops,
}: { now?: Date; onlyShops?: ReadonlySet<string> } = {}): Promise<ScanAllResult> {
  const scope = onlyShops ? { shop: { in: [...onlyShops] } } : {};
  await prisma.zohoConnection.updateMany({
    where: { ...scope, OR: [{ autoSend: false }, { status: "disconnected" }] },
    data: { scanCheckpoint: now },
  });
  const rows = await prisma.zohoConnection.findMany({
    where: {
      ...scope,
      status: "connected",
      autoSend: true,
      organizationId: { not: null },
      refreshTokenEnc: { not: null },
      OR: [{ pausedUntil: null }, { pausedUntil: { lte: now } }],
    },
    select: { shop: true },
    orderBy: { shop: "asc" },
  });
  return { shops: rows.map((r) => r.shop) };
}
