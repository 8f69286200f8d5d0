// Backfill: the merchant sends the paid orders of a date range (Orders page) — typically the orders
// placed before the app was connected, which the catch-up scan never sends on its own (ADR 008).
//
//   start   → a Backfill row (status `finding`), then, in the background of this process:
//   finding → Shopify's paid orders (refunded since or not) processed in the range, ids only, a page
//             at a time, waiting when the query-cost bucket runs low (app/shopify/order-search.server.ts).
//             Each order without an invoice gets OrderSync(queued), a BackfillOrder row and a sync-order job with backfill
//             priority (after manual, webhook and scan jobs) in mode "manual" (a person asked, so it
//             sends when auto-send is off too). The page cursor is saved after each page.
//   sending → progress is read from the OrderSync rows of the run: synced / needs attention / deleted
//             are finished, failed ones are retrying, the rest wait. All finished → `completed`.
//   cancel  → waiting backfill jobs are removed; rows the backfill created and never sent are
//             deleted again, rows it had tried and that failed go to needs_attention (so the scan
//             does not keep sending them). Jobs already running finish.
//
// The finding phase runs in the web process that started it (one HTTP request must not wait for
// thousands of orders). If that process dies, the run keeps its cursor and the Orders page offers
// "Resume" once its heartbeat is stale; a run whose Shopify query failed can be resumed the same way.
import type { Backfill, OrderSyncStatus } from "@prisma/client";
import { prisma } from "~/db.server";
import { logger as rootLogger, type Logger } from "~/logger.server";
import { enqueueSyncOrder, getQueues, PRIORITY, syncOrderJobId, type QueueSet } from "~/queue/queues.server";
import { INVOICEABLE_ORDERS_SEARCH, searchOrderIds, type OrderIdNode } from "~/shopify/order-search.server";
import { adminGraphqlFor, fetchShopInfo, type AdminGraphql } from "~/shopify/orders.server";
import { isUnclaimed, orderDate, upsertBackfillRow, withdrawBackfilledOrder } from "~/sync/order-sync.server";
import { VERDICT_DEFAULTS } from "~/sync/verdict";
import { gateFor } from "~/sync/shop-gate";

export const BACKFILL_DEFAULTS = {
  /** Ids only: a page costs about `pageSize` + 2 points. */
  pageSize: 100,
  /** Keep at least this many cost points in Shopify's bucket for the app's other calls. */
  reservePoints: 200,
  /** A `finding` run without a heartbeat for this long was interrupted (its process died). */
  stalledAfterMs: 2 * 60_000,
} as const;

export type BackfillErrorCode = "invalid_range" | "not_connected" | "already_running" | "not_found" | "not_resumable";

/** A backfill request that cannot be carried out; `message` is for the merchant. */
export class BackfillError extends Error {
  constructor(
    readonly code: BackfillErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "BackfillError";
  }
}

export interface BackfillDeps {
  log?: Logger;
  queues?: QueueSet;
  graphql?: AdminGraphql;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  pageSize?: number;
  reservePoints?: number;
}

// ---- dates --------------------------------------------------------------------------------------

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2026-11-05" → [2026, 11, 5] when it is a real calendar date, else null. */
function calendarDate(value: string): [number, number, number] | null {
  const m = DATE_RE.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return null;
  return [y, mo, d];
}

/** Milliseconds `timeZone` is ahead of UTC at `instant`. */
function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** 00:00 of a calendar date in `timeZone`, as an instant (DST-safe: the offset is taken at that time). */
export function zonedMidnight(date: string, timeZone: string): Date {
  const parts = calendarDate(date);
  if (!parts) throw new BackfillError("invalid_range", `"${date}" is not a date (YYYY-MM-DD).`);
  const wall = Date.UTC(parts[0], parts[1] - 1, parts[2]);
  let guess = wall - zoneOffsetMs(wall, timeZone);
  guess = wall - zoneOffsetMs(guess, timeZone);
  return new Date(guess);
}

/** The calendar date after `date` ("2026-12-31" → "2027-01-01"). */
function nextDay(date: string): string {
  const [y, m, d] = calendarDate(date)!;
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** Today's calendar date in `timeZone`. */
export function todayIn(timeZone: string, now: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

export interface BackfillRange {
  fromDate: string;
  toDate: string;
  /** Inclusive start instant and exclusive end instant, in the shop's timezone. */
  from: Date;
  to: Date;
}

/** Validates the merchant's dates (YYYY-MM-DD, first ≤ last, first not in the future). */
export function backfillRange(fromDate: string, toDate: string, timeZone: string, now: Date): BackfillRange {
  if (!calendarDate(fromDate) || !calendarDate(toDate))
    throw new BackfillError("invalid_range", "Choose a start and an end date.");
  if (fromDate > toDate) throw new BackfillError("invalid_range", "The start date must be on or before the end date.");
  if (fromDate > todayIn(timeZone, now))
    throw new BackfillError("invalid_range", "The start date is in the future: there are no orders to send yet.");
  return { fromDate, toDate, from: zonedMidnight(fromDate, timeZone), to: zonedMidnight(nextDay(toDate), timeZone) };
}

/** Shopify search for the run's orders: paid (refunded since or not), processed (the invoice date) within the range. */
export function backfillSearch(run: Pick<Backfill, "from" | "to">): string {
  return `${INVOICEABLE_ORDERS_SEARCH} processed_at:>='${run.from.toISOString()}' processed_at:<'${run.to.toISOString()}'`;
}

// ---- start / find -------------------------------------------------------------------------------

/** Finding in this process, by run id (a second start of the same run joins the first). */
const findingNow = new Map<string, Promise<BackfillFindResult>>();

export interface BackfillFindResult {
  backfillId: string;
  status: Backfill["status"];
  pages: number;
  found: number;
  total: number;
  skipped: number;
  throttledMs: number;
}

export interface StartedBackfill {
  backfill: Backfill;
  /** The finding phase, running in the background; never rejects (a failure is stored on the run). */
  finding: Promise<BackfillFindResult>;
}

/**
 * Starts a backfill of the paid orders processed between two calendar dates (inclusive, the shop's
 * timezone). One backfill runs per shop at a time. Returns at once; the orders are found in the
 * background (`finding`) and the page follows the run's progress.
 */
export async function startBackfill(
  shop: string,
  input: { fromDate: string; toDate: string },
  deps: BackfillDeps = {},
): Promise<StartedBackfill> {
  const now = deps.now?.() ?? new Date();
  const conn = await prisma.zohoConnection.findUnique({ where: { shop } });
  const gate = gateFor(conn, { mode: "manual", now, reauthRecheckMs: VERDICT_DEFAULTS.reauthPauseMs });
  if (gate.kind === "hold") {
    throw new BackfillError(
      "not_connected",
      gate.code === "zoho_no_organization"
        ? "Choose your Zoho Books organization in Settings before sending past orders."
        : "Connect Zoho Books in Settings before sending past orders.",
    );
  }
  const graphql = deps.graphql ?? (await adminGraphqlFor(shop));
  const { ianaTimezone } = await fetchShopInfo(shop, graphql);
  const range = backfillRange(input.fromDate, input.toDate, ianaTimezone, now);

  // Finish a run that is done before deciding whether one is still active.
  const latest = await prisma.backfill.findFirst({ where: { shop }, orderBy: { createdAt: "desc" } });
  if (latest?.status === "sending") await progressOf(latest, now);

  const backfill = await prisma.$transaction(async (tx) => {
    // One start at a time per shop: two clicks must not create two runs.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`backfill:${shop}`}))`;
    const active = await tx.backfill.findFirst({
      where: { shop, status: { in: ["finding", "sending"] } },
      orderBy: { createdAt: "desc" },
    });
    if (active) {
      throw new BackfillError(
        "already_running",
        `A backfill of ${describeDates(active)} is still running. Wait until it finishes or cancel it first.`,
      );
    }
    return tx.backfill.create({
      data: {
        shop,
        from: range.from,
        to: range.to,
        fromDate: range.fromDate,
        toDate: range.toDate,
        status: "finding",
        heartbeatAt: now,
      },
    });
  });
  (deps.log ?? rootLogger).info(
    { shop, backfillId: backfill.id, from: range.fromDate, to: range.toDate },
    "backfill started",
  );
  return { backfill, finding: findInBackground(shop, backfill.id, { ...deps, graphql }) };
}

/** A run id as we make them (cuid); anything else (a NUL byte PostgreSQL refuses, 1 MB) is not found. */
const BACKFILL_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Continues a run whose finding stopped (error, or its process died): from the saved cursor. */
export async function resumeBackfill(
  shop: string,
  backfillId: string,
  deps: BackfillDeps = {},
): Promise<StartedBackfill> {
  const now = deps.now?.() ?? new Date();
  const run = BACKFILL_ID.test(backfillId)
    ? await prisma.backfill.findFirst({ where: { id: backfillId, shop } })
    : null;
  if (!run) throw new BackfillError("not_found", "This backfill does not exist.");
  if (!isResumable(run, now) || findingNow.has(run.id))
    throw new BackfillError("not_resumable", "This backfill is not interrupted: nothing to resume.");
  const { count } = await prisma.backfill.updateMany({
    where: { id: run.id, shop, status: run.status, updatedAt: run.updatedAt },
    data: { status: "finding", error: null, heartbeatAt: now },
  });
  if (count === 0) throw new BackfillError("not_resumable", "This backfill changed meanwhile; reload the page.");
  return {
    backfill: { ...run, status: "finding", error: null, heartbeatAt: now },
    finding: findInBackground(shop, run.id, deps),
  };
}

export function isResumable(
  run: Pick<Backfill, "status" | "heartbeatAt">,
  now: Date,
  stalledAfterMs: number = BACKFILL_DEFAULTS.stalledAfterMs,
): boolean {
  if (run.status === "failed") return true;
  return run.status === "finding" && (!run.heartbeatAt || now.getTime() - run.heartbeatAt.getTime() > stalledAfterMs);
}

function findInBackground(shop: string, backfillId: string, deps: BackfillDeps): Promise<BackfillFindResult> {
  const existing = findingNow.get(backfillId);
  if (existing) return existing;
  const run = findBackfillOrders(shop, backfillId, deps).finally(() => findingNow.delete(backfillId));
  findingNow.set(backfillId, run);
  return run;
}

/**
 * The finding phase of one run, page by page from its cursor. Never throws: a failure is stored on
 * the run (`failed`, with a reason the merchant can read) and can be resumed.
 */
export async function findBackfillOrders(
  shop: string,
  backfillId: string,
  deps: BackfillDeps = {},
): Promise<BackfillFindResult> {
  const log = (deps.log ?? rootLogger).child({ shop, backfillId, op: "backfill-find" });
  const clock = deps.now ?? (() => new Date());
  const pageSize = deps.pageSize ?? BACKFILL_DEFAULTS.pageSize;
  const reservePoints = deps.reservePoints ?? BACKFILL_DEFAULTS.reservePoints;
  const result: BackfillFindResult = {
    backfillId,
    status: "finding",
    pages: 0,
    found: 0,
    total: 0,
    skipped: 0,
    throttledMs: 0,
  };

  try {
    let run = await prisma.backfill.findFirst({ where: { id: backfillId, shop } });
    if (!run || run.status !== "finding") return { ...result, status: run?.status ?? "failed" };
    const graphql = deps.graphql ?? (await adminGraphqlFor(shop));
    // By order date, oldest first: the jobs (one priority, first in first out) then create Zoho's
    // invoices, and their numbers, in the order the orders were placed.
    const pages = searchOrderIds(graphql, backfillSearch(run), {
      pageSize,
      reservePoints,
      after: run.cursor,
      sleep: deps.sleep,
      sortKey: "PROCESSED_AT",
    });

    for await (const page of pages) {
      result.pages++;
      result.throttledMs += page.throttledMs;
      const handled = await handlePage(shop, run, page.nodes, deps.queues, clock());
      result.found += page.nodes.length;
      result.total += handled.added;
      result.skipped += handled.skipped;
      const after = page.nextCursor;

      // Counted and checkpointed only while the run is still finding (a cancel wins).
      const { count } = await prisma.backfill.updateMany({
        where: { id: run.id, shop, status: "finding" },
        data: {
          found: { increment: page.nodes.length },
          total: { increment: handled.added },
          skipped: { increment: handled.skipped },
          cursor: after,
          heartbeatAt: clock(),
          ...(after ? {} : { status: "sending" }),
        },
      });
      if (count === 0) {
        // Cancelled while this page was handled: take back what it just queued.
        await removeWaitingBackfillJobs(shop, run.id, deps.queues ?? getQueues(), log);
        run = await prisma.backfill.findFirst({ where: { id: backfillId, shop } });
        result.status = run?.status ?? "cancelled";
        log.info({ pages: result.pages }, "backfill stopped: cancelled");
        return result;
      }
    }

    const found = await prisma.backfill.findFirstOrThrow({ where: { id: backfillId, shop } });
    // An empty range, or every order already sent meanwhile: the run completes now.
    result.status = found.status === "sending" ? (await progressOf(found, clock())).status : found.status;
    log.info(
      {
        pages: result.pages,
        found: result.found,
        total: result.total,
        skipped: result.skipped,
        throttledMs: result.throttledMs,
      },
      "backfill orders found",
    );
    return result;
  } catch (err) {
    log.warn({ err }, "backfill finding failed");
    const reason = err instanceof Error ? err.message : String(err);
    await prisma.backfill
      .updateMany({
        where: { id: backfillId, shop, status: "finding" },
        data: {
          status: "failed",
          error: `Finding the orders stopped: ${reason}. The orders found so far are being sent; resume to find the rest.`,
          heartbeatAt: clock(),
        },
      })
      .catch((dbErr: unknown) => log.error({ err: dbErr }, "backfill failure not recorded"));
    return { ...result, status: "failed" };
  }
}

/**
 * Records and enqueues one page of orders. An order is part of the run when it has no row yet or
 * waits to be sent (queued, failed, or an abandoned `creating`); synced, needs-attention and deleted
 * orders and ones being sent right now are left alone.
 */
async function handlePage(
  shop: string,
  run: Backfill,
  nodes: readonly OrderIdNode[],
  queues: QueueSet | undefined,
  now: Date,
): Promise<{ added: number; skipped: number }> {
  if (nodes.length === 0) return { added: 0, skipped: 0 };
  const picked: Array<{ orderId: string; createdRow: boolean }> = [];
  for (const node of nodes) {
    const row = await upsertBackfillRow(shop, node.legacyResourceId, node.name, orderDate(node.processedAt));
    if (row.inserted || sendable(row, now)) picked.push({ orderId: node.legacyResourceId, createdRow: row.inserted });
  }
  // Already part of this run (a page seen twice: the sort key is the update time) counts once.
  const { count } = await prisma.backfillOrder.createMany({
    data: picked.map((p) => ({ backfillId: run.id, shop, orderId: p.orderId, createdRow: p.createdRow })),
    skipDuplicates: true,
  });
  for (const p of picked) {
    await enqueueSyncOrder({ shop, orderId: p.orderId }, { source: "backfill", mode: "manual", queues });
  }
  return { added: count, skipped: nodes.length - picked.length };
}

function sendable(row: { status: OrderSyncStatus; claimedAt: Date | null }, now: Date): boolean {
  if (row.status === "queued" || row.status === "failed") return true;
  return row.status === "creating" && isUnclaimed(row, now);
}

// ---- progress -----------------------------------------------------------------------------------

export interface BackfillProgress {
  id: string;
  fromDate: string;
  toDate: string;
  /** `completed` is set as soon as every order of a `sending` run is finished. */
  status: Backfill["status"];
  /** Orders this backfill sends (still growing while `finding`). */
  total: number;
  found: number;
  skipped: number;
  synced: number;
  needsAttention: number;
  /** Invoice deleted meanwhile, or the row was removed: finished without an invoice. */
  other: number;
  /** A try failed; retried automatically. */
  retrying: number;
  /** Queued or being sent. */
  waiting: number;
  /** 0–100: finished orders out of the total (100 for an empty, finished run). */
  percent: number;
  error: string | null;
  /** The finding phase stopped (process died or Shopify failed): the page offers Resume. */
  resumable: boolean;
  createdAt: Date;
  finishedAt: Date | null;
}

/** The shop's latest backfill with its progress (or the given one), null when there is none. */
export async function getBackfillProgress(
  shop: string,
  { backfillId, now = new Date() }: { backfillId?: string; now?: Date } = {},
): Promise<BackfillProgress | null> {
  const run = backfillId
    ? await prisma.backfill.findFirst({ where: { id: backfillId, shop } })
    : await prisma.backfill.findFirst({ where: { shop }, orderBy: { createdAt: "desc" } });
  return run ? progressOf(run, now) : null;
}

async function progressOf(run: Backfill, now: Date): Promise<BackfillProgress> {
  // LEFT JOIN: a row removed meanwhile (shop data erased, …) counts as finished.
  const groups = await prisma.$queryRaw<Array<{ status: OrderSyncStatus | null; n: bigint }>>`
    SELECT o."status" AS "status", count(*) AS "n"
    FROM "BackfillOrder" b
    LEFT JOIN "OrderSync" o ON o."shop" = b."shop" AND o."orderId" = b."orderId"
    WHERE b."backfillId" = ${run.id} AND b."shop" = ${run.shop}
    GROUP BY o."status"`;
  const count = (s: OrderSyncStatus | null) => Number(groups.find((g) => g.status === s)?.n ?? 0);
  const synced = count("synced");
  const needsAttention = count("needs_attention");
  const other = count("deleted") + count(null);
  const retrying = count("failed");
  const waiting = count("queued") + count("creating");
  const finished = synced + needsAttention + other;
  const total = Math.max(run.total, finished + retrying + waiting);

  let { status, finishedAt } = run;
  if (status === "sending" && retrying + waiting === 0) {
    finishedAt = now;
    const { count: updated } = await prisma.backfill.updateMany({
      where: { id: run.id, shop: run.shop, status: "sending" },
      data: { status: "completed", finishedAt },
    });
    if (updated > 0) status = "completed";
    else ({ status, finishedAt } = await prisma.backfill.findUniqueOrThrow({ where: { id: run.id } }));
  }
  const percent = total === 0 ? (status === "finding" ? 0 : 100) : Math.floor((finished / total) * 100);
  return {
    id: run.id,
    fromDate: run.fromDate,
    toDate: run.toDate,
    status,
    total,
    found: run.found,
    skipped: run.skipped,
    synced,
    needsAttention,
    other,
    retrying,
    waiting,
    percent,
    error: run.error,
    resumable: isResumable({ status, heartbeatAt: run.heartbeatAt }, now) && !findingNow.has(run.id),
    createdAt: run.createdAt,
    finishedAt,
  };
}

// ---- cancel -------------------------------------------------------------------------------------

export interface CancelBackfillResult {
  /** Waiting jobs removed: those orders are not sent. */
  removed: number;
  /** Orders being sent right now or finished already: they stay as they are. */
  kept: number;
}

/**
 * Stops a backfill: no more orders are found, its waiting jobs are removed, and the orders it had
 * not sent are put back as they were (rows it created are deleted; rows it tried and that failed go
 * to needs_attention, so the catch-up scan does not send them behind the merchant's back).
 */
export async function cancelBackfill(
  shop: string,
  backfillId: string,
  deps: BackfillDeps = {},
): Promise<CancelBackfillResult> {
  const log = (deps.log ?? rootLogger).child({ shop, backfillId, op: "backfill-cancel" });
  const now = deps.now?.() ?? new Date();
  const run = BACKFILL_ID.test(backfillId)
    ? await prisma.backfill.findFirst({ where: { id: backfillId, shop } })
    : null;
  if (!run) throw new BackfillError("not_found", "This backfill does not exist.");
  if (run.status === "sending") await progressOf(run, now); // it may have just completed
  const { count } = await prisma.backfill.updateMany({
    where: { id: run.id, shop, status: { in: ["finding", "sending", "failed"] } },
    data: { status: "cancelled", finishedAt: now, cursor: null },
  });
  if (count === 0) throw new BackfillError("not_resumable", "This backfill has already finished.");
  const result = await removeWaitingBackfillJobs(shop, run.id, deps.queues ?? getQueues(), log);
  log.info(result, "backfill cancelled");
  return result;
}

const REMOVABLE_STATES = new Set(["waiting", "prioritized", "delayed", "paused", "waiting-children"]);

/** Removes the run's jobs that have not started and resets their rows (idempotent). */
async function removeWaitingBackfillJobs(
  shop: string,
  backfillId: string,
  queues: QueueSet,
  log: Logger,
): Promise<CancelBackfillResult> {
  const result: CancelBackfillResult = { removed: 0, kept: 0 };
  let after: string | undefined;
  for (;;) {
    const batch = await prisma.backfillOrder.findMany({
      where: { backfillId, shop, ...(after ? { orderId: { gt: after } } : {}) },
      orderBy: { orderId: "asc" },
      take: 500,
    });
    if (batch.length === 0) break;
    after = batch[batch.length - 1]!.orderId;
    const rows = await prisma.orderSync.findMany({
      where: { shop, orderId: { in: batch.map((b) => b.orderId) } },
      select: { orderId: true, status: true, attempts: true, claimedAt: true, lastErrorMessage: true },
    });
    const byId = new Map(rows.map((r) => [r.orderId, r]));
    for (const entry of batch) {
      const row = byId.get(entry.orderId);
      if (
        !row ||
        row.status === "synced" ||
        row.status === "needs_attention" ||
        row.status === "deleted" ||
        row.status === "skipped" ||
        !isUnclaimed(row, new Date())
      ) {
        result.kept++;
        continue;
      }
      const job = await removeBackfillJob(queues, shop, entry.orderId);
      // Running, or waiting as a webhook/manual/scan job: that send goes ahead.
      if (job === "running" || job === "other") {
        result.kept++;
        continue;
      }
      result.removed++;
      await withdrawBackfilledOrder(shop, row, entry.createdRow);
    }
  }
  log.debug(result, "backfill jobs removed");
  return result;
}

/**
 * Removes the order's job when it has not started and was added by a backfill. "other": a job of a
 * webhook, the scan or a person waits for the order (left alone); "running": a worker has it;
 * "none": no job waits (finished or never added).
 */
async function removeBackfillJob(
  queues: QueueSet,
  shop: string,
  orderId: string,
): Promise<"removed" | "none" | "other" | "running"> {
  const job = await queues.syncOrder.getJob(syncOrderJobId(shop, orderId));
  if (!job) return "none";
  const state = await job.getState();
  if (state === "active") return "running";
  if (!REMOVABLE_STATES.has(state)) return "none";
  if (job.opts.priority !== PRIORITY.backfill) return "other";
  try {
    await job.remove();
    return "removed";
  } catch {
    return "running"; // a worker took it between the two calls
  }
}

function describeDates(run: Pick<Backfill, "fromDate" | "toDate">): string {
  return run.fromDate === run.toDate ? run.fromDate : `${run.fromDate} to ${run.toDate}`;
}
