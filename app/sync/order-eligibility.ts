// Whether a paid order may be invoiced automatically at all (PURE). Test orders never reach Zoho
// Books; an order cancelled before it was invoiced is not invoiced any more. The sync records either
// as `skipped` with the message below, which the merchant reads on the Orders page.
import { calendarDate } from "./mapping/text";
import type { PaidOrder } from "./mapping/types";

export type IneligibleCode = "test_order" | "cancelled_before_invoice";

export type InvoiceEligibility = { ok: true } | { ok: false; code: IneligibleCode; message: string };

/**
 * Judges an order that has no invoice yet (an order invoiced before it was cancelled keeps its
 * invoice: that is the caller's check). A test order is reported as such even when cancelled too.
 * `timezone` (the shop's IANA zone) dates the cancellation as the merchant sees it; without it the
 * offset in `cancelledAt` is used.
 */
export function invoiceEligibility(
  order: Pick<PaidOrder, "test" | "cancelledAt">,
  { timezone }: { timezone?: string } = {},
): InvoiceEligibility {
  if (order.test) {
    return {
      ok: false,
      code: "test_order",
      message: "Test order: not invoiced. Test orders are never sent to Zoho Books.",
    };
  }
  if (order.cancelledAt) {
    const date = calendarDate(order.cancelledAt, timezone);
    return {
      ok: false,
      code: "cancelled_before_invoice",
      message: `Cancelled${date ? ` on ${date}` : ""} before it was invoiced: not sent to Zoho Books.`,
    };
  }
  return { ok: true };
}
