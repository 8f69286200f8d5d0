import { describe, expect, it } from "vitest";
import { buildOrder, type OrderSpec } from "~test/factories/order";
import { invoiceEligibility } from "./order-eligibility";

const order = (spec: Pick<OrderSpec, "test" | "cancelledAt"> = {}) =>
  buildOrder({
    name: "#1042",
    currency: "EUR",
    taxesIncluded: true,
    processedAt: "2026-11-01T09:00:00Z",
    lines: [{ title: "Espresso cups", quantity: 1, price: "19.90" }],
    ...spec,
  });

describe("invoiceEligibility", () => {
  it("lets a live order that is not cancelled through (the factory's defaults)", () => {
    const live = order();
    expect({ test: live.test, cancelledAt: live.cancelledAt }).toEqual({ test: false, cancelledAt: null });
    expect(invoiceEligibility(live)).toEqual({ ok: true });
  });

  it("never invoices a test order, cancelled or not", () => {
    const expected = {
      ok: false,
      code: "test_order",
      message: "Test order: not invoiced. Test orders are never sent to Zoho Books.",
    };
    expect(invoiceEligibility(order({ test: true }))).toEqual(expected);
    expect(invoiceEligibility(order({ test: true, cancelledAt: "2026-11-03T10:00:00Z" }))).toEqual(expected);
  });

  it("does not invoice an order cancelled before it was invoiced, dated as the merchant sees it", () => {
    const cancelled = order({ cancelledAt: "2026-11-03T23:30:00Z" });
    expect(invoiceEligibility(cancelled)).toEqual({
      ok: false,
      code: "cancelled_before_invoice",
      message: "Cancelled on 2026-11-03 before it was invoiced: not sent to Zoho Books.",
    });
    // 23:30 UTC is already the 4th in Rome, still the 3rd in New York.
    expect(invoiceEligibility(cancelled, { timezone: "Europe/Rome" })).toMatchObject({
      message: "Cancelled on 2026-11-04 before it was invoiced: not sent to Zoho Books.",
    });
    expect(invoiceEligibility(cancelled, { timezone: "America/New_York" })).toMatchObject({
      message: "Cancelled on 2026-11-03 before it was invoiced: not sent to Zoho Books.",
    });
    // Without a timezone, the offset written in the timestamp decides.
    expect(invoiceEligibility(order({ cancelledAt: "2026-11-04T00:30:00+01:00" }))).toMatchObject({
      message: "Cancelled on 2026-11-04 before it was invoiced: not sent to Zoho Books.",
    });
  });

  it("still refuses a cancelled order whose cancellation time is unreadable, without a date", () => {
    expect(invoiceEligibility(order({ cancelledAt: "yesterday" }))).toEqual({
      ok: false,
      code: "cancelled_before_invoice",
      message: "Cancelled before it was invoiced: not sent to Zoho Books.",
    });
  });
});
