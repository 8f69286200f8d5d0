// The rounding adjustment is capped at what rounding explains (issue 11, item 5).
import { describe, expect, it } from "vitest";
import type { ZohoTaxTableEntry } from "~/zoho/types";
import { buildOrder, type OrderSpec } from "~test/factories/order";
import { MappingError, mapOrderToInvoice, type PaidOrder } from "../mapping";
import { Decimal } from "../money";
import { assertAdjustmentExplained, roundingTolerance, taxRateDrift } from "./tax-agreement";

const STATE: ZohoTaxTableEntry = {
  tax_id: "t-8",
  tax_name: "State tax",
  tax_percentage: 8,
  tax_type: "tax",
  is_default_tax: false,
};
const NYC: ZohoTaxTableEntry = {
  tax_id: "g-nyc",
  tax_name: "NYC Sales Tax",
  tax_percentage: 8.875,
  tax_type: "tax_group",
  is_default_tax: false,
  members: [
    { tax_id: "s", tax_name: "New York State", tax_percentage: 4, tax_type: "tax" },
    { tax_id: "c", tax_name: "New York City", tax_percentage: 4.5, tax_type: "tax" },
    { tax_id: "m", tax_name: "MCTD", tax_percentage: 0.375, tax_type: "tax" },
  ],
};
const TAXES = [STATE, NYC];
const SETTINGS = { pricePrecision: 2, organizationCurrency: "USD" };

const usOrder = (overrides: Partial<OrderSpec> = {}) =>
  buildOrder({
    name: "#2001",
    currency: "USD",
    taxesIncluded: false,
    processedAt: "2026-11-20T10:15:00-05:00",
    lines: [{ title: "Lamp", quantity: 1, price: "15.00", taxes: [{ title: "State tax", percent: "8" }] }],
    shipping: [],
    discounts: [],
    ...overrides,
  });

/** The order as Shopify would send it had it charged `charged` tax on line 1 (the total follows unless tax is included). */
function withShopifyTax(order: PaidOrder, charged: string): PaidOrder {
  const line = order.lineItems.nodes[0]!;
  const taxLine = line.taxLines[0]!;
  const diff = new Decimal(charged).minus(taxLine.priceSet.shopMoney.amount);
  const total = new Decimal(order.totalPriceSet.shopMoney.amount).plus(order.taxesIncluded ? 0 : diff).toFixed(2);
  const money = (amount: string) => ({
    shopMoney: { amount, currencyCode: "USD" as const },
    presentmentMoney: { amount, currencyCode: "USD" as const },
  });
  return {
    ...order,
    totalPriceSet: money(total),
    currentTotalPriceSet: money(total),
    totalTaxSet: money(new Decimal(order.totalTaxSet?.shopMoney.amount ?? 0).plus(diff).toFixed(2)),
    lineItems: {
      ...order.lineItems,
      nodes: [{ ...line, taxLines: [{ ...taxLine, priceSet: money(charged) }] }, ...order.lineItems.nodes.slice(1)],
    },
  } as PaidOrder;
}

describe("roundingTolerance", () => {
  it("is one minor unit per line, one per tax component Zoho rounds, plus one per Shopify tax line", () => {
    const lines = [{ tax_id: "t-8" }, { tax_id: "g-nyc" }, {}];
    // 1 (state) + 3 (the group's members) + 1 (untaxed) + 2 Shopify tax lines = 7 cents.
    expect(roundingTolerance(lines, TAXES, 2, 2).toFixed()).toBe("0.07");
    expect(roundingTolerance(lines, TAXES, 0, 0).toFixed()).toBe("5");
  });
});

describe("the mapping never adjusts a wrong tax away", () => {
  it("Shopify charging less tax than the rate says → tax_mismatch naming the amount, rate and base", () => {
    const order = withShopifyTax(usOrder(), "0.00");
    expect(order.totalPriceSet.shopMoney.amount).toBe("15.00");
    const err = (() => {
      try {
        mapOrderToInvoice(order, TAXES, SETTINGS);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(MappingError);
    expect((err as MappingError).code).toBe("tax_mismatch");
    expect((err as MappingError).message).toMatch(
      /^Shopify charged 1\.20 less tax than 8% of 15\.00 USD — check the Zoho tax rate of "State tax"/,
    );
  });

  it("more tax than the rate says is named too, also with taxes included", () => {
    const inclusive = usOrder({
      taxesIncluded: true,
      lines: [{ title: "Lamp", quantity: 1, price: "16.20", taxes: [{ title: "State tax", percent: "8" }] }],
    });
    expect(() => mapOrderToInvoice(withShopifyTax(inclusive, "2.20"), TAXES, SETTINGS)).toThrow(
      /^Shopify charged 1\.00 more tax than 8% included in 16\.20 USD/,
    );
  });

  it("a cent of Shopify rounding stays a rounding adjustment", () => {
    const mapped = mapOrderToInvoice(withShopifyTax(usOrder(), "1.21"), TAXES, SETTINGS);
    expect(mapped.expectedTotal).toBe("16.21");
    expect(mapped.payload.adjustment).toBe(0.01);
    expect(mapped.roundingTolerance).toBe("0.02");
  });
});

describe("assertAdjustmentExplained", () => {
  const t = { currency: "USD", decimals: 2, pricePrecision: 2, shopifyTotal: new Decimal("15.00") };

  it("lets an adjustment within the tolerance pass and refuses a larger one", () => {
    expect(() => assertAdjustmentExplained(new Decimal("-0.02"), new Decimal("0.02"), t)).not.toThrow();
    expect(() => assertAdjustmentExplained(new Decimal("-0.03"), new Decimal("0.02"), t)).toThrow(
      "Zoho Books would total 15.03 USD for this invoice, the order 15.00: a difference of 0.03 is more than rounding explains",
    );
  });

  it("blames Zoho's price precision, not a tax, when it is below the currency's", () => {
    try {
      assertAdjustmentExplained(new Decimal("0.5"), new Decimal("0.02"), { ...t, pricePrecision: 0 });
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: "unsupported_order" });
      expect((err as Error).message).toContain("set the price precision to 2");
    }
  });
});

describe("taxRateDrift", () => {
  it("names the taxes Zoho charged at another percentage than the cached table", () => {
    const drift = taxRateDrift(
      [
        { tax_id: "t-8", tax_name: "State tax", tax_percentage: 10 },
        { tax_id: "t-8", tax_name: "State tax", tax_percentage: 10 },
        { tax_id: "g-nyc", tax_name: "NYC Sales Tax", tax_percentage: 8.875 },
        { tax_id: undefined, tax_percentage: 0 },
      ],
      TAXES,
    );
    expect(drift).toEqual([{ taxId: "t-8", taxName: "State tax", cachedPercent: "8", zohoPercent: "10" }]);
  });

  it("a tax the table does not know is drift; an answer without percentages is not", () => {
    expect(taxRateDrift([{ tax_id: "new", tax_name: "New", tax_percentage: 5 }], TAXES)).toEqual([
      { taxId: "new", taxName: "New", cachedPercent: "unknown", zohoPercent: "5" },
    ]);
    expect(taxRateDrift([{ tax_id: "t-8" }], TAXES)).toEqual([]);
  });
});
