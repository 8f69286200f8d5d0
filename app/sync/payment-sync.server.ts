// The only writer of PaymentSync rows (issue 12 item 4): one successful Shopify sale/capture → one Zoho
// customer payment. Same discipline as RefundSync (app/sync/row-claim.server.ts): inserted once per
// transaction id, claimed before the create, the Zoho payment id committed the moment Zoho answers.
import type { PaymentSync, PaymentSyncStatus, Prisma } from "@prisma/client";
import { prisma } from "~/db.server";
import type { Logger } from "~/logger.server";
import type { PaymentSnapshot } from "~/sync/mapping/payment";
import { paymentView, type PaymentView } from "~/sync/payment-view";
import {
  claimRow,
  needsJobWhere,
  type ClaimTable,
  type RowClaim,
  type RowClaimDecision,
} from "~/sync/row-claim.server";

export type PaymentSyncData = Omit<
  Prisma.PaymentSyncUpdateManyMutationInput,
  "claimToken" | "claimedAt" | "shop" | "transactionId" | "orderId" | "id" | "transaction"
>;

export function paymentOf(row: Pick<PaymentSync, "transaction">): PaymentSnapshot {
  return row.transaction as unknown as PaymentSnapshot;
}

/** Inserts the payment's row once; a second delivery of the same transaction changes nothing. */
export async function recordPayment(shop: string, tx: PaymentSnapshot): Promise<{ inserted: boolean }> {
  const rows = await prisma.$queryRaw<Array<{ inserted: boolean }>>`
    INSERT INTO "PaymentSync" ("id", "shop", "transactionId", "orderId", "status", "transaction", "gateway",
                               "amount", "currencyCode", "createdAt", "updatedAt")
    VALUES (gen_random_uuid()::text, ${shop}, ${tx.transactionId}, ${tx.orderId}, 'queued',
            ${JSON.stringify(tx)}::jsonb, ${tx.gateway}, ${tx.amount}::numeric, ${tx.currency}, now(), now())
    ON CONFLICT ("shop", "transactionId") DO UPDATE SET "updatedAt" = "PaymentSync"."updatedAt"
    RETURNING (xmax = 0) AS "inserted"`;
  return { inserted: rows[0]?.inserted ?? false };
}

export type PaymentClaimDecision<Taken, Declined> = RowClaimDecision<PaymentSyncStatus, Taken, Declined>;
export type PaymentClaim = RowClaim<PaymentSync, PaymentSyncData>;

const PAYMENT_TABLE: ClaimTable<PaymentSync, PaymentSyncData> = {
  name: "PaymentSync",
  keyColumn: "transactionId",
  async update(db, where, data) {
    return (await db.paymentSync.updateMany({ where, data })).count;
  },
  take(db, id, { status, ...claim }) {
    const next = status ? { status: status as PaymentSyncStatus, attempts: { increment: 1 } } : {};
    return db.paymentSync.update({ where: { id }, data: { ...claim, ...next } });
  },
};

export function claimPayment<Taken, Declined>(
  shop: string,
  transactionId: string,
  decide: (row: PaymentSync) => PaymentClaimDecision<Taken, Declined>,
  opts: { now?: () => Date; heartbeatMs?: number; log?: Logger } = {},
) {
  return claimRow(PAYMENT_TABLE, shop, transactionId, decide, opts);
}

/** Payments that should have a job: waiting, failed, or `creating` with a dead claim. */
export async function listWaitingPayments(shop: string, now: Date, take = 500): Promise<string[]> {
  const rows = await prisma.paymentSync.findMany({
    where: needsJobWhere(shop, now),
    select: { transactionId: true },
    orderBy: { createdAt: "asc" },
    take,
  });
  return rows.map((r) => r.transactionId);
}

/** The payments of these orders, oldest first (the block and the Orders page). */
export function listOrderPayments(shop: string, orderIds: readonly string[]) {
  return prisma.paymentSync.findMany({
    where: { shop, orderId: { in: [...orderIds] } },
    select: {
      transactionId: true,
      orderId: true,
      status: true,
      gateway: true,
      amount: true,
      currencyCode: true,
      zohoPaymentNumber: true,
      lastErrorMessage: true,
    },
    orderBy: { createdAt: "asc" },
  });
}

/** The payments of one order as the admin block shows them. */
export async function orderPayments(shop: string, orderId: string): Promise<PaymentView[]> {
  return (await listOrderPayments(shop, [orderId])).map(paymentView);
}

/** shop/redact: every row of the shop (a statement for a transaction). */
export function deleteShopPayments(shop: string) {
  return prisma.paymentSync.deleteMany({ where: { shop } });
}
