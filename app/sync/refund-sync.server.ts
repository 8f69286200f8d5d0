// The only writer of RefundSync rows (ADR 022): one Shopify refund → one Zoho credit note. The same
// discipline as OrderSync (app/sync/order-sync.server.ts, ADR 015):
// - Intake inserts the row once per refund id (a duplicate refunds/create changes nothing).
// - Whoever creates the credit note first CLAIMS the row (fencing token + heartbeat); every write of a
//   holder is one conditional UPDATE on its token, so a holder that lost its claim never creates and
//   never writes. `confirm()` runs right before the Zoho create, `write()` commits the credit note id
//   the moment Zoho answers, `settle()` ends the attempt with its Activity entries in one transaction.
import { randomUUID } from "node:crypto";
import type { Prisma, RefundSync, RefundSyncStatus } from "@prisma/client";
import { prisma } from "~/db.server";
import type { Logger } from "~/logger.server";
import { creditNoteView, type CreditNoteView } from "~/sync/credit-note-view";
import { ClaimLostError } from "~/sync/errors";
import { syncEventCreate, type SyncEventInput } from "~/sync/events.server";
import type { RefundSnapshot } from "~/sync/mapping/refund";
import { CLAIM_TTL_MS, HEARTBEAT_MS } from "~/sync/order-sync.server";

export type RefundSyncData = Omit<
  Prisma.RefundSyncUpdateManyMutationInput,
  "claimToken" | "claimedAt" | "shop" | "refundId" | "orderId" | "id" | "refund"
>;

function claimIsLive(row: Pick<RefundSync, "claimedAt">, now: Date): boolean {
  return row.claimedAt !== null && now.getTime() - row.claimedAt.getTime() < CLAIM_TTL_MS;
}

/** The refund as the webhook said it (stored by intake). */
export function refundOf(row: Pick<RefundSync, "refund">): RefundSnapshot {
  return row.refund as unknown as RefundSnapshot;
}

/** Inserts the refund's row once; a second delivery of the same refund finds it and changes nothing. */
export async function recordRefund(
  shop: string,
  refund: RefundSnapshot,
): Promise<{ inserted: boolean; status: RefundSyncStatus }> {
  const rows = await prisma.$queryRaw<Array<{ status: RefundSyncStatus; inserted: boolean }>>`
    INSERT INTO "RefundSync" ("id", "shop", "refundId", "orderId", "status", "refund", "currencyCode", "createdAt", "updatedAt")
    VALUES (gen_random_uuid()::text, ${shop}, ${refund.refundId}, ${refund.orderId}, 'queued',
            ${JSON.stringify(refund)}::jsonb, ${refund.currency}, now(), now())
    ON CONFLICT ("shop", "refundId") DO UPDATE SET "updatedAt" = "RefundSync"."updatedAt"
    RETURNING "status", (xmax = 0) AS "inserted"`;
  const row = rows[0];
  if (!row) throw new Error(`RefundSync insert for ${shop} ${refund.refundId} returned nothing`);
  return row;
}

export type RefundClaimDecision<Taken, Declined> =
  { take: true; status?: RefundSyncStatus; plan: Taken } | { take: false; result: Declined };

export type RefundClaimAttempt<Taken, Declined> =
  | { taken: true; claim: RefundClaim; plan: Taken }
  | { taken: false; busy: true; row: RefundSync | null }
  | { taken: false; busy: false; result: Declined; row: RefundSync };

/** A held claim on a refund's row: `confirm()` before the create, `write()` to commit, `settle()` once. */
export class RefundClaim {
  private timer: NodeJS.Timeout | undefined;
  private lostFlag = false;
  private released = false;

  constructor(
    readonly shop: string,
    readonly row: RefundSync,
    private readonly token: string,
    private readonly opts: { now: () => Date; heartbeatMs: number; log?: Logger },
  ) {
    this.timer = setInterval(() => void this.beat(), opts.heartbeatMs);
    this.timer.unref();
  }

  get lost(): boolean {
    return this.lostFlag;
  }

  private where(): Prisma.RefundSyncWhereInput {
    return { id: this.row.id, claimToken: this.token };
  }

  private async beat(): Promise<void> {
    if (this.released || this.lostFlag) return;
    try {
      const { count } = await prisma.refundSync.updateMany({
        where: this.where(),
        data: { claimedAt: this.opts.now() },
      });
      if (count === 0) this.markLost();
    } catch (err) {
      this.opts.log?.warn({ err }, "refund claim heartbeat failed");
    }
  }

  private markLost(): void {
    this.lostFlag = true;
    this.stop();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async confirm(what?: string): Promise<void> {
    await this.write({}, what);
  }

  async write(data: RefundSyncData, what?: string): Promise<void> {
    if (this.lostFlag || this.released) throw new ClaimLostError(what);
    const { count } = await prisma.refundSync.updateMany({
      where: this.where(),
      data: { ...data, claimedAt: this.opts.now() },
    });
    if (count === 0) {
      this.markLost();
      throw new ClaimLostError(what);
    }
  }

  /** The attempt's final state and the Activity entries that explain it, in one transaction. */
  async settle(data: RefundSyncData, events: SyncEventInput[] = []): Promise<void> {
    if (this.lostFlag || this.released) throw new ClaimLostError();
    this.stop();
    try {
      await prisma.$transaction(async (tx) => {
        const { count } = await tx.refundSync.updateMany({
          where: this.where(),
          data: { ...data, claimToken: null, claimedAt: null },
        });
        if (count === 0) throw new ClaimLostError();
        for (const e of events) await syncEventCreate(this.shop, { orderId: this.row.orderId, ...e }, tx);
      });
      this.released = true;
    } catch (err) {
      if (err instanceof ClaimLostError) this.lostFlag = true;
      throw err;
    }
  }
}

/** Claims the refund's row (SELECT … FOR UPDATE, `decide`, fresh token) — `busy` while another holds it. */
export async function claimRefund<Taken, Declined>(
  shop: string,
  refundId: string,
  decide: (row: RefundSync) => RefundClaimDecision<Taken, Declined>,
  opts: { now?: () => Date; heartbeatMs?: number; log?: Logger } = {},
): Promise<RefundClaimAttempt<Taken, Declined> | null> {
  const now = opts.now ?? (() => new Date());
  const token = randomUUID();
  const result = await prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<RefundSync[]>`
      SELECT * FROM "RefundSync" WHERE "shop" = ${shop} AND "refundId" = ${refundId} FOR UPDATE`;
    const row = rows[0];
    if (!row) return null;
    if (claimIsLive(row, now())) return { taken: false as const, busy: true as const, row };
    const decision = decide(row);
    if (!decision.take) return { taken: false as const, busy: false as const, result: decision.result, row };
    const claimed = await tx.refundSync.update({
      where: { id: row.id },
      data: {
        claimToken: token,
        claimedAt: now(),
        ...(decision.status ? { status: decision.status, attempts: { increment: 1 } } : {}),
      },
    });
    return { taken: true as const, row: claimed, plan: decision.plan };
  });
  if (!result || !result.taken) return result;
  const claim = new RefundClaim(shop, result.row, token, {
    now,
    heartbeatMs: opts.heartbeatMs ?? HEARTBEAT_MS,
    ...(opts.log ? { log: opts.log } : {}),
  });
  return { taken: true, claim, plan: result.plan };
}

/** Refunds that should have a job: waiting, failed (retried), or `creating` with a dead claim. */
export async function listWaitingRefunds(shop: string, now: Date, take = 500): Promise<string[]> {
  const rows = await prisma.refundSync.findMany({
    where: {
      shop,
      OR: [
        { status: { in: ["queued", "waiting_invoice", "failed"] } },
        {
          status: "creating",
          OR: [{ claimedAt: null }, { claimedAt: { lt: new Date(now.getTime() - CLAIM_TTL_MS) } }],
        },
      ],
    },
    select: { refundId: true },
    orderBy: { createdAt: "asc" },
    take,
  });
  return [...rows.map((r) => r.refundId), ...(await refundsWhoseInvoiceNowExists(shop, take))];
}

/** Refunds refused because their order had no invoice, whose order has one now (sent later by hand). */
async function refundsWhoseInvoiceNowExists(shop: string, take: number): Promise<string[]> {
  const refused = await prisma.refundSync.findMany({
    where: { shop, status: "needs_attention", lastErrorCode: "order_not_invoiced" },
    select: { refundId: true, orderId: true },
    take,
  });
  if (refused.length === 0) return [];
  const invoiced = await prisma.orderSync.findMany({
    where: {
      shop,
      orderId: { in: refused.map((r) => r.orderId) },
      zohoInvoiceId: { not: null },
      status: { not: "deleted" },
    },
    select: { orderId: true },
  });
  const ids = new Set(invoiced.map((o) => o.orderId));
  return refused.filter((r) => ids.has(r.orderId)).map((r) => r.refundId);
}

// ---- reads for the admin block and the Orders page -------------------------------------------------

export type RefundView = Pick<
  RefundSync,
  | "refundId"
  | "orderId"
  | "status"
  | "zohoCreditNoteId"
  | "zohoCreditNoteNumber"
  | "zohoCreditNoteStatus"
  | "appliedAmount"
  | "refundTotal"
  | "currencyCode"
  | "lastErrorMessage"
  | "createdAt"
>;

const VIEW = {
  refundId: true,
  orderId: true,
  status: true,
  zohoCreditNoteId: true,
  zohoCreditNoteNumber: true,
  zohoCreditNoteStatus: true,
  appliedAmount: true,
  refundTotal: true,
  currencyCode: true,
  lastErrorMessage: true,
  createdAt: true,
} as const;

/** The refunds of these orders, oldest first (shop-scoped). */
export async function listOrderRefunds(shop: string, orderIds: readonly string[]): Promise<RefundView[]> {
  if (orderIds.length === 0) return [];
  return prisma.refundSync.findMany({
    where: { shop, orderId: { in: [...orderIds] } },
    select: VIEW,
    orderBy: { createdAt: "asc" },
  });
}

/** The credit notes of one order as the admin block shows them. */
export async function orderCreditNotes(shop: string, orderId: string): Promise<CreditNoteView[]> {
  return (await listOrderRefunds(shop, [orderId])).map(creditNoteView);
}

/** shop/redact: every row of the shop (a statement for a transaction). */
export function deleteShopRefunds(shop: string) {
  return prisma.refundSync.deleteMany({ where: { shop } });
}
