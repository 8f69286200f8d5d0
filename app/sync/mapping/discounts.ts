// Discounts as negative invoice lines: one per discount application and Zoho tax, carrying that tax
// (a discount spread over lines of two rates lowers the tax of each). The amounts come from the
// lines' `discountAllocations` only: Shopify's discounted totals leave out order-level discounts.
import { Decimal, formatPercent } from "../money";
import { discountDescription, discountLabel } from "./discount-text";
import { shopMoney } from "./line-tax";
import { DESCRIPTION_MAX, NAME_MAX, truncate } from "./text";
import type { DiscountAllocation, DiscountShare, Draft, LineTax } from "./types";

/** The discounts Shopify allocated to one line, each with the line's Zoho tax. */
export function discountShares(
  allocations: readonly DiscountAllocation[],
  tax: LineTax,
  what: string,
  currency: string,
): DiscountShare[] {
  return allocations.map((a) => ({
    app: a.discountApplication,
    tax: tax.match,
    amount: shopMoney(a.allocatedAmountSet, `a discount on ${what}`, currency),
  }));
}

/** Adds up the shares of one application on one Zoho tax, in the order they first appear. */
function groupShares(shares: readonly DiscountShare[]): DiscountShare[] {
  const groups = new Map<string, DiscountShare>();
  for (const share of shares) {
    const key = `${share.app.index}|${share.tax?.entry.tax_id ?? ""}`;
    const group = groups.get(key);
    groups.set(key, group ? { ...group, amount: group.amount.plus(share.amount) } : share);
  }
  return [...groups.values()];
}

/** A line's own discount (discount style "lines"): its allocations added up, and what they were. */
export function lineDiscount(
  shares: readonly DiscountShare[],
  currency: string,
): { amount: Decimal; description: string } | null {
  const nonZero = shares.filter((s) => !s.amount.isZero());
  if (nonZero.length === 0) return null;
  const amount = nonZero.reduce((sum, s) => sum.plus(s.amount), new Decimal(0));
  const seen = new Set<number>();
  const apps = nonZero
    .filter((s) => !seen.has(s.app.index) && seen.add(s.app.index))
    .map((s) => discountDescription(s.app, currency));
  return { amount, description: apps.join("\n") };
}

/** The negative lines for `shares` ("Discount SAVE10", "Shipping discount FREESHIP (22%)", …). */
export function discountLines(shares: readonly DiscountShare[], prefix: string, currency: string): Draft[] {
  const nonZero = groupShares(shares).filter((g) => !g.amount.isZero());
  const perApp = new Map<number, number>();
  for (const g of nonZero) perApp.set(g.app.index, (perApp.get(g.app.index) ?? 0) + 1);
  return nonZero.map((g) => {
    // One application over several taxes → several lines, told apart by their rate.
    const rate = g.tax ? `${formatPercent(g.tax.percent)}%` : "no tax";
    const split = (perApp.get(g.app.index) ?? 0) > 1 ? ` (${rate})` : "";
    const label = discountLabel(g.app);
    const onLines = g.tax ? `${rate} ${g.tax.entry.tax_name}` : "no tax";
    return {
      name: truncate(`${prefix}${label ? ` ${label}` : ""}${split}`, NAME_MAX),
      description: truncate(`${discountDescription(g.app, currency)} — on lines with ${onLines}`, DESCRIPTION_MAX),
      quantity: 1,
      rate: g.amount.negated(),
      tax: g.tax,
      source: { kind: "discount" },
    };
  });
}
