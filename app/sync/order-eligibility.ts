// PLACEHOLDER until the mapping branch lands (replaced on merge).
import type { PaidOrder } from "~/shopify/orders.server";
export function invoiceEligibility(order: PaidOrder): { ok: true } | { ok: false; code: "test_order" | "cancelled_before_invoice"; message: string } {
  const o = order as PaidOrder & { test?: boolean; cancelledAt?: string | null };
  if (o.test) return { ok: false, code: "test_order", message: "Test order: not invoiced. Test orders are never sent to Zoho Books." };
  if (o.cancelledAt) return { ok: false, code: "cancelled_before_invoice", message: `Cancelled on ${o.cancelledAt.slice(0, 10)} before it was invoiced: not sent to Zoho Books.` };
  return { ok: true };
}
