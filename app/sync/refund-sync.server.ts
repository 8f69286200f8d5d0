// The only writer of RefundSync rows (ADR 022): one Shopify refund → one Zoho credit note. The same
// discipline as OrderSync (app/sync/order-sync.server.ts, ADR 015):
// - Intake inserts the row once per refund id (a duplicate refunds/create changes nothing).
// - Whoever creates the credit note first CLAIMS the row (app/sync/row-claim.server.ts: fencing token +
//   heartbeat); every write of a holder is one conditional UPDATE on its token, so a holder that lost
//   its claim never creates and never writes. `confirm()` runs right before the Zoho create, `write()`
//   commits the credit note id the moment Zoho answers, `settle()` ends the attempt with its Activity
//   entries in one transaction.
import type { Prisma, RefundSync, RefundSyncStatus } from "@prisma/client";
import { prisma } from "~/db.server";
import type { Logger } from "~/logger.server";
import { creditNoteView, type CreditNoteView } from "~/sync/credit-note-view";
import type { RefundSnapshot } from "~/sync/mapping/refund";
import {
  claimRow,
  needsJobWhere,
  type ClaimTable,
  type RowClaim,
  type RowClaimDecision,
} from "~/sync/row-claim.server";

export type RefundSyncData = Omit<
  Prisma.RefundSyncUpdateManyMutationInput,
  "claimToken" | "claimedAt" | "shop" | "refundId" | "orderId" | "id" | "refund"
>;

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

export type RefundClaimDecision<Taken, Declined> = RowClaimDecision<RefundSyncStatus, Taken, Declined>;
export type RefundClaim = RowClaim<RefundSync, RefundSyncData>;

const REFUND_TABLE: ClaimTable<RefundSync, RefundSyncData> = {
  name: "RefundSync",
  keyColumn: "refundId",
  async update(db, where, data) {
    return (await db.refundSync.updateMany({ where, data })).count;
  },
  take(db, id, { status, ...claim }) {
    const next = status ? { status: status as RefundSyncStatus, attempts: { increment: 1 } } : {};
    return db.refundSync.update({ where: { id }, data: { ...claim, ...next } });
  },
};

/** Claims the refund's row (null: no such refund; `busy` while another holder's heartbeat is fresh). */
export function claimRefund<Taken, Declined>(
  shop: string,
  refundId: string,
  decide: (row: RefundSync) => RefundClaimDecision<Taken, Declined>,
  opts: { now?: () => Date; heartbeatMs?: number; log?: Logger } = {},
) {
  return claimRow(REFUND_TABLE, shop, refundId, decide, opts);
}

/** Refunds that should have a job: waiting, failed (retried), or `creating` with a dead claim. */
export async function listWaitingRefunds(shop: string, now: Date, take = 500): Promise<string[]> {
  const rows = await prisma.refundSync.findMany({
    where: needsJobWhere(shop, now),
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

/** The order's refunds whose credit note is in Zoho and still open (credit left unused, e.g. on a draft invoice). */
export async function openCreditNoteRefunds(shop: string, orderId: string): Promise<string[]> {
  const rows = await prisma.refundSync.findMany({
    where: { shop, orderId, status: "synced", zohoCreditNoteId: { not: null }, zohoCreditNoteStatus: "open" },
    select: { refundId: true },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((r) => r.refundId);
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
