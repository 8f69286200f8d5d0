// Is the Shopify total fully explained by the lines, discounts, shipping, tips and taxes we invoice?
// Anything else in it (duties, fees) the app cannot invoice yet.
import { MappingError } from "../errors";
import { formatMoney, minorUnit, type Decimal } from "../money";
import type { ShopifyTax } from "./types";

export interface ShopifyTotals {
  orderName: string;
  currency: string;
  /** Currency decimals. */
  decimals: number;
  taxesIncluded: boolean;
  /** `totalPriceSet`. */
  total: Decimal;
  /** Lines, shipping and tip after discounts, before tax. */
  net: Decimal;
  /** Shopify's tax on the lines that carry a Zoho tax. */
  tax: ShopifyTax;
}

/** @throws MappingError "unsupported_order" when the total differs by more than Shopify's tax rounding. */
export function assertTotalExplained(t: ShopifyTotals): void {
  const explained = t.taxesIncluded ? t.net : t.net.plus(t.tax.amount);
  const unexplained = t.total.minus(explained);
  // Shopify may round tax per order instead of per line: allow one minor unit per tax line.
  if (unexplained.abs().gt(minorUnit(t.decimals).times(t.tax.count))) {
    throw new MappingError(
      "unsupported_order",
      `The total of order ${t.orderName} (${formatMoney(t.total, t.decimals)} ${t.currency}) differs by ` +
        `${formatMoney(unexplained, t.decimals)} from its lines, discounts, shipping, tips and taxes ` +
        `(${formatMoney(explained, t.decimals)}) — it may include duties or fees the app cannot invoice yet, ` +
        "or taxes on lines that are not taxable; create this invoice by hand.",
      { unexplained: unexplained.toFixed() },
    );
  }
}
