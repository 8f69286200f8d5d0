// The only writer of OrderSync rows (design §3, §5). Two kinds of writes live here:
//
// 1. Claimed writes. Whoever works on an order (the sync, the block's Update/Delete) first CLAIMS the
//    row: a fencing token (`claimToken`) plus a heartbeat (`claimedAt`, renewed every HEARTBEAT_MS).
//    A claim whose heartbeat is older than CLAIM_TTL_MS is dead (its process crashed or froze) and may
//    be taken over. Every write of a holder is one conditional UPDATE on its token: a holder that lost
//    its claim gets ClaimLostError, never overwrites the row, and — because `confirm()` runs right
//    before any Zoho create — never creates either.
// 2. Unclaimed writes (intake, holds, give-ups, status refreshes, backfill cancels, redaction): single
//    conditional statements that only touch rows nobody holds, or fields no holder writes.
import { randomUUID } from "node:crypto";
import type { OrderSync, OrderSyncStatus, Prisma } from "@prisma/client";
import { prisma } from "~/db.server";
import type { Logger } from "~/logger.server";
import { ClaimLostError } from "~/sync/errors";
import { recordSyncEvent, syncEventCreate, type SyncEventInput } from "~/sync/events.server";
import { HOLD_CODES, type ShopGate } from "~/sync/shop-gate";

/** A claim whose heartbeat is older than this is dead and may be taken over. */
export const CLAIM_TTL_MS = 2 * 60_000;
/** How often a live claim renews its heartbeat (several beats fit in one TTL). */
export const HEARTBEAT_MS = 20_000;

export type OrderSyncData = Omit<
  Prisma.OrderSyncUpdateManyMutationInput,
  "claimToken" | "claimedAt" | "shop" | "orderId" | "id"
>;

// A claim is live while its heartbeat is fresh; token and heartbeat are set and cleared together.
function claimIsLive(row: Pick<OrderSync, "claimedAt">, now: Date, ttlMs = CLAIM_TTL_MS): boolean {
  return row.claimedAt !== null && now.getTime() - row.claimedAt.getTime() < ttlMs;
}

/** Nobody holds the row (never claimed, released, or the holder's heartbeat stopped). */
export function isUnclaimed(row: Pick<OrderSync, "claimedAt">, now: Date): boolean {
  return !claimIsLive(row, now);
}

/** Prisma filter: rows nobody holds (no claim, or a dead one). */
export function unclaimed(now: Date): Prisma.OrderSyncWhereInput {
  return { OR: [{ claimedAt: null }, { claimedAt: { lt: new Date(now.getTime() - CLAIM_TTL_MS) } }] };
}

// ---- claims ---------------------------------------------------------------------------------------

export type ClaimDecision<Taken, Declined> =
  { take: true; status?: OrderSyncStatus; plan: Taken } | { take: false; result: Declined };

export type ClaimAttempt<Taken, Declined> =
  | { taken: true; claim: OrderClaim; plan: Taken }
  | { taken: false; busy: true; row: OrderSync }
  | { taken: false; busy: false; result: Declined; row: OrderSync };

export interface ClaimOptions {
  now?: () => Date;
  heartbeatMs?: number;
  log?: Logger;
}

/**
 * A held claim. `row` is the row as it was claimed. Call `confirm()` right before a Zoho create,
 * `write()` to record something while keeping the claim (the invoice id the moment Zoho answers),
 * and `settle()` exactly once at the end (it releases the claim). All three throw ClaimLostError
 * when another holder has taken the row over.
 */
export class OrderClaim {
  private timer: NodeJS.Timeout | undefined;
  private lostFlag = false;
  private released = false;

  constructor(
    readonly shop: string,
    readonly orderId: string,
    readonly token: string,
    readonly row: OrderSync,
    private readonly opts: Required<Pick<ClaimOptions, "now" | "heartbeatMs">> & { log?: Logger },
  ) {
    this.timer = setInterval(() => void this.beat(), opts.heartbeatMs);
    this.timer.unref();
  }

  /** True once `settle()` released the claim. */
  get settled(): boolean {
    return this.released;
  }

  /** True once a heartbeat or write found the row held by someone else. */
  get lost(): boolean {
    return this.lostFlag;
  }

  private where(): Prisma.OrderSyncWhereInput {
    return { id: this.row.id, claimToken: this.token };
  }

  private async beat(): Promise<void> {
    if (this.released || this.lostFlag) return;
    try {
      const { count } = await prisma.orderSync.updateMany({
        where: this.where(),
        data: { claimedAt: this.opts.now() },
      });
      if (count === 0) this.markLost();
    } catch (err) {
      // A missed beat is not a lost claim: the next one (or confirm()) tells.
      this.opts.log?.warn({ err }, "order claim heartbeat failed");
    }
  }

  private markLost(): void {
    this.lostFlag = true;
    this.stop();
    this.opts.log?.warn({ shop: this.shop, orderId: this.orderId }, "order claim lost to another holder");
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Renews the heartbeat now; throws ClaimLostError when the row is no longer ours. */
  async confirm(what?: string): Promise<void> {
    await this.write({}, what);
  }

  /** One conditional UPDATE on our token (the heartbeat renewed with it). */
  async write(data: OrderSyncData, what?: string): Promise<void> {
    if (this.lostFlag || this.released) throw new ClaimLostError(what);
    const { count } = await prisma.orderSync.updateMany({
      where: this.where(),
      data: { ...data, claimedAt: this.opts.now() },
    });
    if (count === 0) {
      this.markLost();
      throw new ClaimLostError(what);
    }
  }

  /**
   * The final state of this attempt and the Activity entries that explain it, in one transaction,
   * releasing the claim: whoever sees the new status also sees why.
   */
  async settle(data: OrderSyncData, events: SyncEventInput[] = []): Promise<void> {
    if (this.lostFlag || this.released) throw new ClaimLostError();
    this.stop();
    try {
      await prisma.$transaction(async (tx) => {
        const { count } = await tx.orderSync.updateMany({
          where: this.where(),
          data: { ...data, claimToken: null, claimedAt: null },
        });
        if (count === 0) throw new ClaimLostError();
        for (const e of events) await syncEventCreate(this.shop, { orderId: this.orderId, ...e }, tx);
      });
      this.released = true;
    } catch (err) {
      if (err instanceof ClaimLostError) this.lostFlag = true;
      throw err;
    }
  }

  /** Gives the row back unchanged (nothing happened worth recording). */
  async release(): Promise<void> {
    if (this.lostFlag || this.released) return;
    this.stop();
    this.released = true;
    await prisma.orderSync.updateMany({ where: this.where(), data: { claimToken: null, claimedAt: null } });
  }
}

/** Creates the OrderSync row if missing (no-op when it exists). */
export async function ensureOrderSync(shop: string, orderId: string, orderName?: string | null): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO "OrderSync" ("id", "shop", "orderId", "orderName", "status", "createdAt", "updatedAt")
    VALUES (gen_random_uuid()::text, ${shop}, ${orderId}, ${orderName ?? null}, 'queued', now(), now())
    ON CONFLICT ("shop", "orderId") DO NOTHING`;
}

/**
 * Claims the order's row: locks it (SELECT … FOR UPDATE), lets `decide` look at it, and — when it
 * says take — sets a fresh fencing token and heartbeat (and optionally a new status) in the same
 * transaction. A row whose claim is live is `busy`.
 */
export async function claimOrder<Taken, Declined>(
  shop: string,
  orderId: string,
  decide: (row: OrderSync) => ClaimDecision<Taken, Declined>,
  opts: ClaimOptions = {},
): Promise<ClaimAttempt<Taken, Declined>> {
  const now = opts.now ?? (() => new Date());
  await ensureOrderSync(shop, orderId);
  const token = randomUUID();
  const result = await prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<OrderSync[]>`
      SELECT * FROM "OrderSync" WHERE "shop" = ${shop} AND "orderId" = ${orderId} FOR UPDATE`;
    const row = rows[0];
    if (!row) throw new Error(`OrderSync row for ${shop} ${orderId} vanished`);
    if (claimIsLive(row, now())) return { taken: false as const, busy: true as const, row };
    const decision = decide(row);
    if (!decision.take) return { taken: false as const, busy: false as const, result: decision.result, row };
    const claimed = await tx.orderSync.update({
      where: { id: row.id },
      data: {
        claimToken: token,
        claimedAt: now(),
        ...(decision.status ? { status: decision.status, attempts: { increment: 1 } } : {}),
      },
    });
    return { taken: true as const, row: claimed, plan: decision.plan };
  });
  if (!result.taken) return result;
  const claim = new OrderClaim(shop, orderId, token, result.row, {
    now,
    heartbeatMs: opts.heartbeatMs ?? HEARTBEAT_MS,
    log: opts.log,
  });
  return { taken: true, claim, plan: result.plan };
}

// ---- intake ---------------------------------------------------------------------------------------

/** An order's `processedAt` / `processed_at` as stored: a valid instant or null (never a bad value). */
export function orderDate(value: unknown): Date | null {
  if (typeof value !== "string" || value.length > 40) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * INSERT … ON CONFLICT in one round trip; returns the row's status whether new or not. The order
 * date is set on insert only: a replayed webhook changes nothing (the next sync attempt stores it).
 */
export async function upsertQueuedOrder(
  shop: string,
  orderId: string,
  orderName: string | null,
  processedAt: Date | null = null,
): Promise<{ status: OrderSyncStatus; lastErrorCode: string | null }> {
  const rows = await prisma.$queryRaw<Array<{ status: OrderSyncStatus; lastErrorCode: string | null }>>`
    INSERT INTO "OrderSync" ("id", "shop", "orderId", "orderName", "processedAt", "status", "createdAt", "updatedAt")
    VALUES (gen_random_uuid()::text, ${shop}, ${orderId}, ${orderName}, ${processedAt}, 'queued', now(), now())
    ON CONFLICT ("shop", "orderId") DO UPDATE SET "orderName" = COALESCE("OrderSync"."orderName", EXCLUDED."orderName")
    RETURNING "status", "lastErrorCode"`;
  const row = rows[0];
  if (!row) throw new Error(`OrderSync upsert for ${shop} ${orderId} returned nothing`);
  return row;
}

/**
 * Records why an order is not sent (once: repeated webhooks or jobs do not repeat the event).
 * Only rows nobody is working on change: `queued`, or `failed` (which goes back to waiting).
 */
export async function holdOrder(
  shop: string,
  orderId: string,
  gate: Extract<ShopGate, { kind: "hold" }>,
  log: Logger,
): Promise<boolean> {
  const { count } = await prisma.orderSync.updateMany({
    where: {
      shop,
      orderId,
      status: { in: ["queued", "failed"] },
      zohoInvoiceId: null,
      AND: [unclaimed(new Date()), { OR: [{ lastErrorCode: null }, { lastErrorCode: { not: gate.code } }] }],
    },
    data: { status: "queued", lastErrorCode: gate.code, lastErrorMessage: gate.message },
  });
  if (count > 0) {
    await recordSyncEvent(shop, { orderId, kind: "order_held", message: gate.message, data: { code: gate.code } });
    log.info({ code: gate.code }, "paid order held, not sent");
  }
  return count > 0;
}

/** OrderSync rows that should be in the queue: waiting (not held), failed-retryable, or an unheld `creating`. */
export function waitingOrdersWhere(shop: string, now: Date): Prisma.OrderSyncWhereInput {
  return {
    shop,
    OR: [
      { status: "queued", OR: [{ lastErrorCode: null }, { lastErrorCode: { notIn: [...HOLD_CODES] } }] },
      // The verdict only writes `failed` for errors the queue retries by itself.
      { status: "failed" },
      // An attempt died while sending (maybe after Zoho created the invoice); the next one checks first.
      { status: "creating", ...unclaimed(now) },
    ],
  };
}

/** The scan's retry budget is spent: a person decides (Retry on the order). */
export async function giveUpOnOrder(
  shop: string,
  orderId: string,
  attempts: number,
  lastMessage: string | null,
  log: Logger,
): Promise<boolean> {
  const message = `Stopped retrying after ${attempts} attempts${lastMessage ? `: ${lastMessage}` : "."} Use Retry on the order once the cause is fixed.`;
  const { count } = await prisma.orderSync.updateMany({
    where: { shop, orderId, status: "failed", ...unclaimed(new Date()) },
    data: { status: "needs_attention", lastErrorCode: "too_many_attempts", lastErrorMessage: message },
  });
  if (count > 0) {
    await recordSyncEvent(shop, { orderId, kind: "needs_attention", message, data: { attempts } });
    log.warn({ orderId, attempts }, "order retried too often, needs attention");
  }
  return count > 0;
}

// ---- invoice state read from Zoho (the block's Refresh) --------------------------------------------

/** Zoho's current status and total of the row's invoice; only while nobody holds the row (theirs is fresher). */
export async function recordInvoiceState(
  shop: string,
  orderId: string,
  invoiceId: string,
  state: { status: string; total: string },
  now = new Date(),
): Promise<void> {
  await prisma.orderSync.updateMany({
    where: { shop, orderId, zohoInvoiceId: invoiceId, ...unclaimed(now) },
    data: { zohoInvoiceStatus: state.status, zohoTotal: state.total },
  });
}

/** The row's invoice fields once the Zoho invoice is gone (deleted here or in Zoho). */
export const NO_INVOICE = {
  status: "deleted",
  zohoInvoiceId: null,
  zohoInvoiceNumber: null,
  zohoInvoiceStatus: null,
  zohoTotal: null,
} as const;

/** The invoice was deleted in Zoho Books (seen by Refresh): forget it so Create works again. */
export async function recordInvoiceGone(
  shop: string,
  orderId: string,
  invoiceId: string,
  message: string,
  now = new Date(),
): Promise<boolean> {
  const { count } = await prisma.orderSync.updateMany({
    where: { shop, orderId, zohoInvoiceId: invoiceId, ...unclaimed(now) },
    data: { ...NO_INVOICE, lastErrorCode: "zoho_invoice_missing", lastErrorMessage: message },
  });
  if (count > 0) await recordSyncEvent(shop, { orderId, kind: "needs_attention", message });
  return count > 0;
}

// ---- backfill ---------------------------------------------------------------------------------------

/** INSERT … ON CONFLICT: the row's state, and whether this statement created it (xmax = 0). */
export async function upsertBackfillRow(
  shop: string,
  orderId: string,
  orderName: string,
  processedAt: Date | null = null,
): Promise<{ status: OrderSyncStatus; claimedAt: Date | null; inserted: boolean }> {
  const rows = await prisma.$queryRaw<Array<{ status: OrderSyncStatus; claimedAt: Date | null; inserted: boolean }>>`
    INSERT INTO "OrderSync" ("id", "shop", "orderId", "orderName", "processedAt", "status", "createdAt", "updatedAt")
    VALUES (gen_random_uuid()::text, ${shop}, ${orderId}, ${orderName}, ${processedAt}, 'queued', now(), now())
    ON CONFLICT ("shop", "orderId") DO UPDATE SET "orderName" = COALESCE("OrderSync"."orderName", EXCLUDED."orderName"),
      "processedAt" = COALESCE("OrderSync"."processedAt", EXCLUDED."processedAt")
    RETURNING "status", "claimedAt", (xmax = 0) AS "inserted"`;
  const row = rows[0];
  if (!row) throw new Error(`OrderSync upsert for ${shop} ${orderId} returned nothing`);
  return row;
}

// ---- backfill cancel ------------------------------------------------------------------------------

/**
 * A cancelled backfill takes back what it queued: a row it created and nobody tried is removed; a
 * row that failed (or may have reached Zoho) is left for a person with the reason.
 */
export async function withdrawBackfilledOrder(
  shop: string,
  row: Pick<OrderSync, "orderId" | "status" | "attempts" | "lastErrorMessage">,
  createdRow: boolean,
): Promise<void> {
  const now = new Date();
  if (createdRow && row.status === "queued" && row.attempts === 0) {
    await prisma.orderSync.deleteMany({
      where: { shop, orderId: row.orderId, status: "queued", attempts: 0, zohoInvoiceId: null, ...unclaimed(now) },
    });
  } else if (row.status === "failed" || row.status === "creating") {
    // `creating` without a live claim may hold an invoice Zoho created: Retry looks it up first.
    await prisma.orderSync.updateMany({
      where: { shop, orderId: row.orderId, status: row.status, ...unclaimed(now) },
      data: {
        status: "needs_attention",
        lastErrorCode: "backfill_cancelled",
        lastErrorMessage: `Not sent: the backfill was cancelled after a failed try${row.lastErrorMessage ? ` (${row.lastErrorMessage})` : ""}. Use Retry to send it.`,
      },
    });
  }
}

// ---- privacy (compliance webhooks) -----------------------------------------------------------------

/** customers/redact: error texts of these orders may quote the customer; replace them (a statement for a transaction). */
export function redactOrderMessages(shop: string, orderIds: string[], replacement: string) {
  return prisma.orderSync.updateMany({
    where: { shop, orderId: { in: orderIds }, lastErrorMessage: { not: null } },
    data: { lastErrorMessage: replacement },
  });
}

/** shop/redact: every row of the shop (a statement for a transaction). */
export function deleteShopOrders(shop: string) {
  return prisma.orderSync.deleteMany({ where: { shop } });
}
