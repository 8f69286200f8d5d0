// PURE: a Shopify payment as merchants see it (the admin block, the Orders page); the block imports
// the type, so no server code here (issue 12 item 4).
import type { PaymentSyncStatus } from "@prisma/client";

export interface PaymentView {
  transactionId: string;
  status: PaymentSyncStatus;
  /** One line for lists: "39.80 EUR · shopify_payments · Zoho payment 12". */
  summary: string;
  problem: string | null;
}

export interface PaymentSyncLike {
  transactionId: string;
  status: PaymentSyncStatus;
  gateway: string;
  amount: { toString(): string };
  currencyCode: string;
  zohoPaymentNumber: string | null;
  lastErrorMessage: string | null;
}

export function paymentView(row: PaymentSyncLike): PaymentView {
  const money = `${row.amount.toString()} ${row.currencyCode} · ${row.gateway}`;
  const state: Record<PaymentSyncStatus, string> = {
    synced: row.zohoPaymentNumber ? `Zoho payment ${row.zohoPaymentNumber}` : "recorded",
    queued: "being recorded",
    creating: "being recorded",
    waiting_invoice: "waiting for the invoice",
    failed: "failed, retried automatically",
    needs_attention: "not recorded — needs attention",
  };
  return {
    transactionId: row.transactionId,
    status: row.status,
    summary: `${money} · ${state[row.status]}`,
    problem: row.status === "synced" ? null : row.lastErrorMessage,
  };
}
