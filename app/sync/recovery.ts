// PURE: which of the invoices Zoho lists under an order's reference number is provably this order's
// (design §5). Used only after an uncertain create, when the order's row does not know the invoice id.
// A reference alone proves nothing: another store connected to the same organization, or the
// integration the merchant used before, has its own "#1001". An invoice is ours only when customer,
// date and total match as well; one that differs is never adopted nor overwritten.
import { RecoveryConflictError } from "~/sync/errors";
import { Decimal } from "~/sync/money";
import type { ZohoInvoiceSummary } from "~/zoho/types";

export interface RecoveryTarget {
  reference: string;
  customerId: string;
  /** yyyy-mm-dd, as sent. */
  date: string;
  /** What the invoice should total (Shopify's total). */
  expectedTotal: string;
  /** Lines sent: the create may have died before the rounding PUT, up to one minor unit per line off. */
  lineCount: number;
  /** Minor-unit digits of the currency (2 for EUR, 0 for JPY, 3 for KWD). */
  decimals: number;
}

export type RecoveryPick =
  | { kind: "none" }
  | { kind: "ours"; invoice: ZohoInvoiceSummary; duplicates: ZohoInvoiceSummary[] }
  | { kind: "conflict"; error: RecoveryConflictError };

/** Why a candidate is not this order's invoice, or null when it matches on every count. */
export function mismatch(candidate: ZohoInvoiceSummary, target: RecoveryTarget): string | null {
  if ((candidate.reference_number ?? "").trim() !== target.reference.trim()) return "another reference";
  if (candidate.customer_id === undefined || String(candidate.customer_id) !== target.customerId)
    return `customer ${candidate.customer_name ?? candidate.customer_id ?? "unknown"}`;
  if (candidate.date !== target.date) return `dated ${candidate.date ?? "unknown"}, not ${target.date}`;
  if (candidate.total === undefined) return "no total";
  const off = new Decimal(String(candidate.total)).minus(target.expectedTotal).abs();
  // What rounding can explain: about one minor unit per line (a create that died before the rounding PUT).
  const tolerance = new Decimal(10).pow(-target.decimals).times(Math.max(1, target.lineCount));
  if (off.gt(tolerance)) return `total ${String(candidate.total)}, not ${target.expectedTotal}`;
  return null;
}

/** Candidates are oldest first (as `findInvoicesByReference` returns them). */
export function pickRecoveredInvoice(candidates: ZohoInvoiceSummary[], target: RecoveryTarget): RecoveryPick {
  if (candidates.length === 0) return { kind: "none" };
  const ours: ZohoInvoiceSummary[] = [];
  const others: Array<{ invoiceNumber: string; why: string }> = [];
  for (const c of candidates) {
    const why = mismatch(c, target);
    if (why === null) ours.push(c);
    else others.push({ invoiceNumber: c.invoice_number, why });
  }
  const [first, ...duplicates] = ours;
  if (first) return { kind: "ours", invoice: first, duplicates };
  return { kind: "conflict", error: new RecoveryConflictError(target.reference, others) };
}
