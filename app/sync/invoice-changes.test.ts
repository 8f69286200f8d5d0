// What an edit changed against the invoice (pure): the phrases the order shows for a sent invoice.
import { describe, expect, it } from "vitest";
import { invoiceChanges } from "./invoice-changes";

const EUR = { code: "EUR", decimals: 2 };
const JPY = { code: "JPY", decimals: 0 };

describe("invoiceChanges", () => {
  const before = {
    lines: [
      { name: "Mug", quantity: 3, rate: 20 },
      { name: "Teapot", quantity: 1, rate: "45.00" },
      { name: "Shipping: Standard", quantity: 1, rate: 6.9 },
    ],
    total: "111.90",
  };

  it("names removed, added, re-counted and re-priced lines, then the total", () => {
    const after = {
      lines: [
        { name: "Mug", quantity: 2, rate: 20 },
        { name: "Shipping: Standard", quantity: 1, rate: 4.9 },
        { name: "Spoon", quantity: 2, rate: 3.5 },
      ],
      total: "51.90",
    };
    expect(invoiceChanges(before, after, EUR)).toEqual([
      "Mug 3 → 2",
      "Teapot removed",
      "Shipping: Standard 6.90 → 4.90",
      "Spoon added (2 × 3.50)",
      "total 111.90 → 51.90 EUR",
    ]);
  });

  it("is empty when the invoice already shows the order (numbers and strings alike)", () => {
    const same = { lines: before.lines.map((l) => ({ ...l, rate: String(l.rate) })), total: 111.9 };
    expect(invoiceChanges(before, same, EUR)).toEqual([]);
  });

  it("adds up lines of one name (a discount split per tax rate) and writes the currency's decimals", () => {
    const split = {
      lines: [
        { name: "Discount", quantity: 1, rate: -100 },
        { name: "Discount", quantity: 1, rate: -50 },
      ],
      total: 850,
    };
    const one = { lines: [{ name: "Discount", quantity: 2, rate: -100 }], total: 800 };
    expect(invoiceChanges(split, one, JPY)).toEqual(["Discount -150 → -200", "total 850 → 800 JPY"]);
  });
});
