import { describe, expect, it } from "vitest";
import { RecoveryConflictError } from "~/sync/errors";
import { mismatch, pickRecoveredInvoice, type RecoveryTarget } from "~/sync/recovery";
import type { ZohoInvoiceSummary } from "~/zoho/types";

const target: RecoveryTarget = {
  reference: "#1001",
  customerId: "460001",
  date: "2026-11-20",
  expectedTotal: "44.30",
  lineCount: 4,
  decimals: 2,
};
const inv = (over: Partial<ZohoInvoiceSummary> = {}): ZohoInvoiceSummary => ({
  invoice_id: "900",
  invoice_number: "INV-000900",
  status: "draft",
  reference_number: "#1001",
  customer_id: "460001",
  customer_name: "Giulia Rossi",
  date: "2026-11-20",
  total: "44.30",
  ...over,
});

describe("mismatch", () => {
  it("accepts an invoice equal on reference, customer, date and total", () => {
    expect(mismatch(inv(), target)).toBeNull();
  });

  it("accepts a total off by what rounding explains (the create died before the rounding PUT)", () => {
    expect(mismatch(inv({ total: "44.34" }), target)).toBeNull(); // 4 lines × 0.01
    expect(mismatch(inv({ total: "44.35" }), target)).toMatch(/^total 44.35, not 44.30$/);
    expect(mismatch(inv({ total: 9686 }), { ...target, expectedTotal: "9685", decimals: 0, lineCount: 1 })).toBeNull();
    expect(
      mismatch(inv({ total: "46.895" }), { ...target, expectedTotal: "46.893", decimals: 3, lineCount: 1 }),
    ).toMatch(/^total/);
  });

  it("names what differs", () => {
    expect(mismatch(inv({ customer_id: "777", customer_name: "Luca Verdi" }), target)).toBe("customer Luca Verdi");
    expect(mismatch(inv({ date: "2025-01-05" }), target)).toBe("dated 2025-01-05, not 2026-11-20");
    expect(mismatch(inv({ reference_number: "#10011" }), target)).toBe("another reference");
    expect(mismatch(inv({ customer_id: undefined, customer_name: undefined }), target)).toBe("customer unknown");
  });
});

describe("pickRecoveredInvoice", () => {
  it("nothing listed: none (the caller waits out the search lag, then creates)", () => {
    expect(pickRecoveredInvoice([], target)).toEqual({ kind: "none" });
  });

  it("takes the oldest matching invoice and reports later matches as duplicates, ignoring other stores' ones", () => {
    const theirs = inv({ invoice_id: "100", invoice_number: "INV-000100", customer_id: "9" });
    const ours = inv({ invoice_id: "200", invoice_number: "INV-000200" });
    const dup = inv({ invoice_id: "300", invoice_number: "INV-000300" });
    expect(pickRecoveredInvoice([theirs, ours, dup], target)).toEqual({
      kind: "ours",
      invoice: ours,
      duplicates: [dup],
    });
  });

  it("only somebody else's #1001: a conflict that lists what was found, never an adoption", () => {
    const pick = pickRecoveredInvoice(
      [inv({ invoice_number: "INV-000100", customer_id: "9", customer_name: "Luca Verdi" })],
      target,
    );
    expect(pick.kind).toBe("conflict");
    if (pick.kind !== "conflict") return;
    expect(pick.error).toBeInstanceOf(RecoveryConflictError);
    expect(pick.error.message).toMatch(
      /reference #1001 that does not match this order \(INV-000100: customer Luca Verdi\)/,
    );
  });
});
