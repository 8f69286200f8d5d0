// Shipping lines: original price with their own tax; their discounts become negative lines too.
import { sumDecimals } from "../money";
import { discountShares } from "./discounts";
import { lineTax, shopifyTaxOf, shopMoney, taxChoice } from "./line-tax";
import { DESCRIPTION_MAX, NAME_MAX, truncate } from "./text";
import type { MappedLine, MappingContext, PaidOrder, ShippingLine } from "./types";

export function mapShippingLines(order: PaidOrder, ctx: MappingContext): MappedLine[] {
  return order.shippingLines.nodes.map((sl, i) => mapShippingLine(sl, i, ctx));
}

function mapShippingLine(sl: ShippingLine, i: number, ctx: MappingContext): MappedLine {
  const label = `shipping "${sl.title}"`;
  const price = shopMoney(sl.originalPriceSet, `the price of ${label}`, ctx.currency);
  const tax = lineTax(sl.taxLines, null, ctx);
  const name = truncate(sl.title ? `Shipping: ${sl.title}` : `Shipping ${i + 1}`, NAME_MAX);
  const description = truncate(
    sl.code && sl.code !== sl.title ? `Shipping method ${sl.code}` : "Shipping",
    DESCRIPTION_MAX,
  );
  const choice = taxChoice(name, tax, sl.taxLines);
  const discounts = discountShares(sl.discountAllocations, tax, label, ctx.currency);
  return {
    draft: { name, description, quantity: 1, rate: price, tax: tax.match, source: { kind: "shipping" } },
    choice,
    discounts,
    net: price.minus(sumDecimals(discounts.map((d) => d.amount))),
    shopifyTax: shopifyTaxOf(sl.taxLines, tax, label, ctx.currency),
  };
}
