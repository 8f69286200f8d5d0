// PURE: which credit note Zoho lists under a refund's reference is provably this refund's (ADR 022).
// Used only after an uncertain create. Like invoices (app/sync/recovery.ts): the reference alone proves
// nothing; customer, date and total must match too, and a candidate that differs is never adopted.
import { RecoveryConflictError } from "~/sync/errors";
import { mismatch, type RecoveryTarget } from "~/sync/recovery";
import type { ZohoCreditNoteSummary } from "~/zoho/credit-notes.server";

export type CreditNotePick =
  | { kind: "none" }
  | { kind: "ours"; note: ZohoCreditNoteSummary; duplicates: ZohoCreditNoteSummary[] }
  | { kind: "conflict"; error: RecoveryConflictError };

/** Candidates oldest first (as findCreditNotesByReference returns them). */
export function pickRecoveredCreditNote(candidates: ZohoCreditNoteSummary[], target: RecoveryTarget): CreditNotePick {
  if (candidates.length === 0) return { kind: "none" };
  const ours: ZohoCreditNoteSummary[] = [];
  const others: Array<{ invoiceNumber: string; why: string }> = [];
  for (const c of candidates) {
    // The invoice rules read the same fields under the invoice's names.
    const why = mismatch(
      {
        invoice_id: c.creditnote_id,
        invoice_number: c.creditnote_number,
        status: "draft",
        ...(c.date !== undefined ? { date: c.date } : {}),
        ...(c.reference_number !== undefined ? { reference_number: c.reference_number } : {}),
        customer_id: c.customer_id,
        total: c.total,
      },
      target,
    );
    if (why === null) ours.push(c);
    else others.push({ invoiceNumber: c.creditnote_number, why });
  }
  const [first, ...duplicates] = ours;
  if (first) return { kind: "ours", note: first, duplicates };
  return { kind: "conflict", error: new RecoveryConflictError(target.reference, others) };
}
