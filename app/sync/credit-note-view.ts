// PURE: a refund's credit note as merchants see it (the admin block, the Orders page). The block
// imports this file, so no server code here (ADR 022).
import type { RefundSyncStatus } from "@prisma/client";

export interface CreditNoteView {
  refundId: string;
  /** Our status of the refund: synced, waiting_invoice, needs_attention… */
  status: RefundSyncStatus;
  /** Zoho's credit note number and status (open, closed) once it exists. */
  number: string | null;
  zohoStatus: string | null;
  total: string | null;
  applied: string | null;
  currencyCode: string | null;
  /** Why it is waiting or was not made, in the merchant's words. */
  problem: string | null;
  /** One line for lists: "CN-00001 · 19.90 EUR · applied" (the block shows it as is). */
  summary: string;
}

/** The RefundSync columns the view is made of (a Prisma row fits; decimals may be Prisma.Decimal). */
export interface RefundSyncLike {
  refundId: string;
  status: RefundSyncStatus;
  zohoCreditNoteNumber: string | null;
  zohoCreditNoteStatus: string | null;
  refundTotal: { toString(): string } | null;
  appliedAmount: { toString(): string } | null;
  currencyCode: string | null;
  lastErrorMessage: string | null;
}

export function creditNoteView(row: RefundSyncLike): CreditNoteView {
  const view: Omit<CreditNoteView, "summary"> = {
    refundId: row.refundId,
    status: row.status,
    number: row.zohoCreditNoteNumber,
    zohoStatus: row.zohoCreditNoteStatus,
    total: row.refundTotal?.toString() ?? null,
    applied: row.appliedAmount?.toString() ?? null,
    currencyCode: row.currencyCode,
    problem: row.status === "synced" ? null : row.lastErrorMessage,
  };
  return { ...view, summary: creditNoteSummary(view) };
}

/** One line for a credit note: "CN-00001 · 19.90 EUR · applied", "waiting for the invoice", … */
export function creditNoteSummary(view: Omit<CreditNoteView, "summary">): string {
  const amount = view.total ? ` · ${view.total} ${view.currencyCode ?? ""}`.trimEnd() : "";
  switch (view.status) {
    case "synced": {
      const applied =
        view.zohoStatus === "closed" ? "applied" : view.applied && Number(view.applied) > 0 ? "partly applied" : "open";
      return `${view.number ?? "Credit note"}${amount} · ${applied}`;
    }
    case "waiting_invoice":
      return "Waiting for the invoice";
    case "queued":
    case "creating":
      return view.number ? `${view.number}${amount} · finishing` : "Being created";
    case "failed":
      return "Failed, retried automatically";
    case "needs_attention":
      return view.number ? `${view.number}${amount} · needs attention` : "Not recorded — needs attention";
    case "skipped":
      return "No money refunded";
  }
}
