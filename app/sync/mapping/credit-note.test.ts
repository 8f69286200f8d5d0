// Refund → credit note mapping: each fixture's credit note, totalled by the Books simulator's own model
// (not the mapping's prediction) under both tax roundings, equals the refunded money to the cent.
import { describe, expect, it } from "vitest";
import type { ZohoTax } from "~/zoho/types";
import { buildRefundPayload, type RefundSpec } from "~test/factories/refund";
import { zohoTotals } from "~test/factories/zoho-model";
import { MappingError } from "../errors";
import { currencyDecimals } from "../money";
import { buildTaxTable } from "../tax-match";
import {
  adjustmentName,
  creditNoteDate,
  creditNoteReference,
  mapRefundToCreditNote,
  type CreditNoteContext,
} from "./credit-note";
import { parseRefundPayload } from "./refund";

const tax = (tax_id: string, tax_name: string, tax_percentage: number): ZohoTax =>
  ({ tax_id, tax_name, tax_percentage, tax_type: "tax", is_default_tax: false }) as ZohoTax;

const TAXES = [tax("t22", "IVA 22", 22), tax("t10", "IVA 10", 10), tax("t5", "VAT 5", 5), tax("t8", "JCT 8", 8)];
const TABLE = buildTaxTable(TAXES, []);

function ctx(over: Partial<CreditNoteContext["invoice"]> = {}, currency = "EUR"): CreditNoteContext {
  return {
    orderName: "#1001",
    invoice: {
      customerId: "c1",
      date: "2026-12-01",
      isInclusiveTax: false,
      itemIdsByName: {},
      currencyCode: currency,
      ...over,
    },
    taxes: TABLE,
    pricePrecision: currencyDecimals(over.currencyCode ?? currency),
    baseCurrency: currency,
  };
}

function map(spec: RefundSpec, invoice: Partial<CreditNoteContext["invoice"]> = {}, negativeLines = true) {
  const { payload, total } = buildRefundPayload(spec);
  const currency = spec.currency ?? "EUR";
  const mapped = mapRefundToCreditNote(parseRefundPayload(payload), {
    ...ctx({ isInclusiveTax: spec.taxesIncluded ?? false, ...invoice }, currency),
    negativeLines,
  });
  return { mapped, total };
}

/** Zoho's total for the credit note as the simulator computes it. */
function zohoTotal(mapped: ReturnType<typeof map>["mapped"], rounding: "line" | "invoice"): string {
  const totals = zohoTotals(
    { line_items: mapped.payload.line_items, is_inclusive_tax: mapped.payload.is_inclusive_tax },
    { taxes: TAXES, tax_groups: [] },
    currencyDecimals(mapped.currencyCode),
    rounding,
  );
  return totals.total.toFixed(currencyDecimals(mapped.currencyCode));
}

const vat22 = [{ title: "IVA", rate: "0.22" }];

const FIXTURES: Array<[string, RefundSpec]> = [
  [
    "line items, partial quantities, tax exclusive",
    {
      lines: [
        { title: "Mug", quantity: 2, unitPrice: "12.50", taxes: vat22, sku: "MUG-1", variantTitle: "Blue" },
        { title: "Tea", quantity: 1, unitPrice: "4.99", taxes: vat22 },
      ],
    },
  ],
  [
    "line items with a discount, tax inclusive",
    {
      taxesIncluded: true,
      lines: [{ title: "Lamp", quantity: 3, unitPrice: "19.99", discount: "6.00", taxes: vat22 }],
    },
  ],
  [
    "shipping refunded with its tax",
    {
      lines: [{ title: "Mug", quantity: 1, unitPrice: "12.50", taxes: vat22 }],
      shipping: [{ title: "Standard", amount: "4.90", taxes: vat22 }],
    },
  ],
  [
    "shipping only, tax inclusive",
    { taxesIncluded: true, shipping: [{ title: "Express", amount: "9.90", taxes: vat22 }] },
  ],
  [
    "a restocking fee kept by the merchant",
    {
      lines: [{ title: "Chair", quantity: 1, unitPrice: "80.00", taxes: vat22 }],
      adjustments: [{ kind: "refund_discrepancy", reason: "RESTOCK", amount: "5.00" }],
    },
  ],
  [
    "an older payload's shipping refund adjustment",
    {
      lines: [{ title: "Chair", quantity: 1, unitPrice: "80.00", taxes: vat22 }],
      adjustments: [{ kind: "shipping_refund", reason: "Shipping refund", amount: "-4.10" }],
    },
  ],
  [
    "a refund kept short without an adjustment (discrepancy line)",
    { lines: [{ title: "Chair", quantity: 1, unitPrice: "80.00", taxes: vat22 }], refunded: "90.00" },
  ],
  ["an untaxed line", { lines: [{ title: "Gift wrap", quantity: 1, unitPrice: "3.00" }] }],
  [
    "a unit price Zoho cannot hold (10.00 for 3): a rounding line",
    { lines: [{ title: "Pens", quantity: 3, unitPrice: "3.3333", discount: "-0.0001", taxes: vat22 }] },
  ],
  [
    "JPY (0 decimals), tax inclusive",
    {
      currency: "JPY",
      taxesIncluded: true,
      lines: [{ title: "Sencha", quantity: 2, unitPrice: "1280", taxes: [{ title: "JCT", rate: "0.08" }] }],
    },
  ],
  [
    "JPY (0 decimals), tax exclusive",
    {
      currency: "JPY",
      lines: [{ title: "Sencha", quantity: 3, unitPrice: "999", taxes: [{ title: "JCT", rate: "0.08" }] }],
    },
  ],
  [
    "KWD (3 decimals), tax exclusive",
    {
      currency: "KWD",
      lines: [{ title: "Dates", quantity: 2, unitPrice: "4.125", taxes: [{ title: "VAT", rate: "0.05" }] }],
      shipping: [{ title: "Courier", amount: "1.500", taxes: [{ title: "VAT", rate: "0.05" }] }],
    },
  ],
  [
    "KWD (3 decimals), tax inclusive",
    {
      currency: "KWD",
      taxesIncluded: true,
      lines: [{ title: "Dates", quantity: 3, unitPrice: "3.333", taxes: [{ title: "VAT", rate: "0.05" }] }],
    },
  ],
  ["an amount refunded without items (goodwill)", { refunded: "15.00" }],
];

describe("refund → credit note: Zoho's total equals the refund to the cent", () => {
  it.each(FIXTURES)("%s", (_label, spec) => {
    for (const rounding of ["line", "invoice"] as const) {
      const { mapped, total } = map(spec);
      expect(mapped.expectedTotal).toBe(total);
      expect(zohoTotal(mapped, rounding)).toBe(total);
    }
  });
});

describe("an organization that refuses negative lines (e-invoicing, ADR 018)", () => {
  it.each(FIXTURES)("%s: no negative line, Zoho's total still equals the refund", (_label, spec) => {
    for (const rounding of ["line", "invoice"] as const) {
      const { mapped, total } = map(spec, {}, false);
      expect(mapped.payload.line_items.filter((l) => l.rate < 0)).toEqual([]);
      expect(mapped.expectedTotal).toBe(total);
      expect(zohoTotal(mapped, rounding)).toBe(total);
    }
  });

  it("a restocking fee is taken off the refunded line, which says so", () => {
    const { mapped } = map(FIXTURES[4]![1], {}, false);
    // 80.00 + 22 % − 5.00 = 92.60: the chair's net drops by 5.00 ÷ 1.22 (rate 75.90; 75.90 + 22 % = 92.60).
    expect(mapped.payload.line_items[0]).toMatchObject({ name: "Chair", quantity: 1, rate: 75.9, tax_id: "t22" });
    expect(mapped.payload.line_items[0]!.description).toMatch(/less restocking fee 5\.00$/);
    expect(mapped.lineSources).toEqual(["product"]);
    expect(mapped.expectedTotal).toBe("92.60");
  });

  it("a fee larger than every refunded line is refused with a reason, never a wrong credit note", () => {
    const spec: RefundSpec = {
      lines: [
        { title: "Cup", quantity: 1, unitPrice: "4.00", taxes: vat22 },
        { title: "Saucer", quantity: 1, unitPrice: "4.00", taxes: vat22 },
      ],
      adjustments: [{ kind: "refund_discrepancy", reason: "RESTOCK", amount: "6.00" }],
    };
    expect(() => map(spec, {}, false)).toThrow(/refuses negative lines .* create this credit note by hand/);
  });
});

describe("the credit note's lines", () => {
  it("one line per refunded item with its refunded quantity, unit price after discounts and matched tax", () => {
    const { mapped } = map(FIXTURES[0]![1]);
    expect(mapped.payload.line_items).toEqual([
      { name: "Mug", description: "Blue · SKU MUG-1", quantity: 2, rate: 12.5, tax_id: "t22" },
      { name: "Tea", quantity: 1, rate: 4.99, tax_id: "t22" },
    ]);
    expect(mapped.lineSources).toEqual(["product", "product"]);
    expect(mapped.payload).toMatchObject({
      customer_id: "c1",
      reference_number: "#1001-R509562969",
      is_inclusive_tax: false,
    });
  });

  it("refunded shipping is a taxed line of its own", () => {
    const { mapped } = map(FIXTURES[2]![1]);
    expect(mapped.payload.line_items[1]).toEqual({
      name: "Shipping refund: Standard",
      quantity: 1,
      rate: 4.9,
      tax_id: "t22",
    });
    expect(mapped.lineSources).toEqual(["product", "shipping"]);
  });

  it("a restocking fee is an untaxed negative line; the credit is the refund", () => {
    const { mapped } = map(FIXTURES[4]![1]);
    expect(mapped.payload.line_items[1]).toEqual({ name: "Restocking fee", quantity: 1, rate: -5 });
    expect(mapped.expectedTotal).toBe("92.60"); // 80 + 22 % − 5
  });

  it("a refund kept short is a refund discrepancy line", () => {
    const { mapped } = map(FIXTURES[6]![1]);
    expect(mapped.payload.line_items.at(-1)).toEqual({ name: "Refund discrepancy", quantity: 1, rate: -7.6 });
    expect(mapped.lineSources.at(-1)).toBe("discrepancy");
  });

  it("what Zoho's rounding of unit prices would lose is an untaxed Rounding line", () => {
    const { mapped } = map(FIXTURES[8]![1]);
    expect(mapped.payload.line_items[0]).toMatchObject({ quantity: 3, rate: 3.33, tax_id: "t22" });
    expect(mapped.payload.line_items[1]).toEqual({ name: "Rounding", quantity: 1, rate: 0.01 });
    expect(mapped.lineSources).toEqual(["product", "rounding"]);
  });

  it("an amount refunded without items is one untaxed refund discrepancy line", () => {
    const { mapped } = map({ refunded: "15.00" });
    expect(mapped.payload.line_items).toEqual([{ name: "Refund discrepancy", quantity: 1, rate: 15 }]);
  });

  it("a credited product carries its invoice line's item", () => {
    const { mapped } = map(FIXTURES[0]![1], { itemIdsByName: { Mug: "item-9" } });
    expect(mapped.payload.line_items[0]).toMatchObject({ name: "Mug", item_id: "item-9" });
  });

  it("the invoice's tax treatment wins: inclusive rates are the gross unit prices", () => {
    const { mapped } = map(FIXTURES[1]![1]);
    expect(mapped.payload.is_inclusive_tax).toBe(true);
    expect(mapped.payload.line_items[0]).toMatchObject({ quantity: 3, rate: 17.99 });
  });
});

describe("a refund of an order paid in the customer's currency (ADR 020): the credit note is in its invoice's", () => {
  // A EUR shop; the customer paid in CHF (1 CHF = 0.9225 EUR in the shop's books).
  const spec: RefundSpec = {
    currency: "EUR",
    presentment: { currency: "CHF", toShop: "0.9225" },
    lines: [{ title: "Mug", quantity: 2, unitPrice: "12.50", taxes: vat22 }],
    shipping: [{ title: "Standard", amount: "4.90", taxes: vat22 }],
    adjustments: [{ kind: "refund_discrepancy", reason: "Restocking fee", amount: "3.00" }],
  };
  const chf = { currencyCode: "CHF", currencyId: "cur-chf", exchangeRate: "0.9225" };

  it("the snapshot keeps both bags; an invoice in CHF is credited the CHF amounts, with its currency and rate", () => {
    const { payload, total } = buildRefundPayload(spec);
    const refund = parseRefundPayload(payload);
    expect(refund.currency).toBe("EUR");
    expect(refund.presentment).toMatchObject({ currency: "CHF", transactionsTotal: total });
    const mapped = mapRefundToCreditNote(refund, ctx(chf));
    expect(mapped).toMatchObject({ currencyCode: "CHF", expectedTotal: total });
    expect(total).toBe("33.48"); // 25 + 22 % + 4.90 + 22 % − 3 in CHF
    expect(mapped.payload).toMatchObject({ currency_id: "cur-chf", exchange_rate: 0.9225 });
    expect(mapped.payload.line_items.slice(0, 2)).toEqual([
      { name: "Mug", quantity: 2, rate: 12.5, tax_id: "t22" },
      { name: "Shipping refund: Standard", quantity: 1, rate: 4.9, tax_id: "t22" },
    ]);
    for (const rounding of ["line", "invoice"] as const) expect(zohoTotal(mapped, rounding)).toBe(total);
  });

  it("an invoice in the shop's EUR is credited the shop money, with no currency fields", () => {
    const { payload } = buildRefundPayload(spec);
    const mapped = mapRefundToCreditNote(parseRefundPayload(payload), ctx());
    expect(mapped.currencyCode).toBe("EUR");
    expect(mapped.payload.line_items[0]).toMatchObject({ name: "Mug", rate: 11.53 }); // 23.06 / 2
    expect(mapped.payload).not.toHaveProperty("currency_id");
    expect(mapped.payload).not.toHaveProperty("exchange_rate");
  });

  it("without the presentment bags, or without the invoice's rate: a reason, never a wrong-currency credit note", () => {
    const { payload } = buildRefundPayload({ ...spec, presentment: { ...spec.presentment!, omitBags: true } });
    const refund = parseRefundPayload(payload);
    expect(refund.presentment).toBeUndefined();
    expect(() => mapRefundToCreditNote(refund, ctx(chf))).toThrow(
      expect.objectContaining({ code: "currency_mismatch", message: expect.stringMatching(/in CHF.*only in EUR/) }),
    );
    const both = parseRefundPayload(buildRefundPayload(spec).payload);
    expect(() => mapRefundToCreditNote(both, ctx({ ...chf, exchangeRate: undefined }))).toThrow(
      expect.objectContaining({ code: "exchange_rate_missing" }),
    );
  });
});

describe("refusals and edges", () => {
  it("a tax rate Zoho does not have is a clear mapping error", () => {
    expect(() =>
      map({ lines: [{ title: "Mug", quantity: 1, unitPrice: "10.00", taxes: [{ title: "VAT", rate: "0.19" }] }] }),
    ).toThrow(expect.objectContaining({ code: "unknown_tax_rate" }) as MappingError);
  });

  it("a refund Shopify gave in no currency of the invoice is refused with a reason", () => {
    const { payload } = buildRefundPayload({
      currency: "USD",
      lines: [{ title: "Mug", quantity: 1, unitPrice: "10.00" }],
    });
    expect(() => mapRefundToCreditNote(parseRefundPayload(payload), ctx())).toThrow(
      expect.objectContaining({ code: "currency_mismatch", message: expect.stringMatching(/in EUR.*only in USD/) }),
    );
  });

  it("a refund that returned no money has nothing to credit", () => {
    const { payload } = buildRefundPayload({
      lines: [{ title: "Mug", quantity: 1, unitPrice: "10.00" }],
      refunded: null,
    });
    const refund = parseRefundPayload(payload);
    expect(refund.transactionsTotal).toBe("0");
    expect(() => mapRefundToCreditNote(refund, ctx())).toThrow(MappingError);
  });

  it("the date is the refund's own calendar date, never before the invoice's", () => {
    expect(creditNoteDate("2026-12-03T23:30:00-05:00", "2026-12-01")).toBe("2026-12-03");
    expect(creditNoteDate("2026-11-30T10:00:00+01:00", "2026-12-01")).toBe("2026-12-01");
    expect(creditNoteDate("", "2026-12-01")).toBe("2026-12-01");
  });

  it("names adjustments after Shopify's reasons", () => {
    expect(adjustmentName({ kind: "refund_discrepancy", reason: "RESTOCK" })).toBe("Restocking fee");
    expect(adjustmentName({ kind: "refund_discrepancy", reason: "Refund discrepancy" })).toBe("Refund discrepancy");
    expect(adjustmentName({ kind: "refund_discrepancy", reason: "DAMAGE" })).toBe("Damage");
    expect(adjustmentName({ kind: "shipping_refund", reason: "whatever" })).toBe("Shipping refund");
    expect(creditNoteReference("#1001", "42")).toBe("#1001-R42");
  });

  it("reads ids from the gid (JSON numbers above 2^53 lose digits) and refuses a body without them", () => {
    const { payload } = buildRefundPayload({
      refundId: "9007199254740993",
      lines: [{ title: "Mug", quantity: 1, unitPrice: "1.00" }],
    });
    expect(parseRefundPayload(payload).refundId).toBe("9007199254740993");
    expect(() => parseRefundPayload({ refund_line_items: [] })).toThrow(/no refund id/);
  });
});
