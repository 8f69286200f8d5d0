// Product lines: one invoice line per Shopify line item at its original unit price, with the Zoho
// tax of its tax lines. Gift cards and tips are untaxed. The quantity is what the customer keeps
// (mapping/kept.ts): a line removed by an order edit is skipped, a lowered one invoices fewer units
// with its discounts and Shopify tax prorated to them.
import { MappingError } from "../errors";
import { sumDecimals, type Decimal } from "../money";
import { discountShares } from "./discounts";
import { isProrated, keptQuantity, keptShare } from "./kept";
import { lineTax, shopifyTaxOf, shopMoney, taxChoice } from "./line-tax";
import { DESCRIPTION_MAX, NAME_MAX, truncate } from "./text";
import { isTipLike, type Tip } from "./tip";
import type { LineItem, MappedLine, MappingContext, PaidOrder } from "./types";

export function mapLineItems(order: PaidOrder, ctx: MappingContext, tip: Tip): MappedLine[] {
  return order.lineItems.nodes.flatMap((li, i) => mapLineItem(li, i, ctx, tip.inLineItems && isTipLike(li)) ?? []);
}

function mapLineItem(li: LineItem, i: number, ctx: MappingContext, isTip: boolean): MappedLine | null {
  const label = `line ${i + 1} ("${li.name}")`;
  if (!isCount(li.quantity) || !isCount(li.currentQuantity)) {
    throw new MappingError("malformed_order", `The order has an invalid quantity on ${label}.`);
  }
  const quantity = keptQuantity(li, ctx.current);
  if (quantity === 0) return null; // removed by an order edit: nothing is charged for it
  const unit = shopMoney(li.originalUnitPriceSet, `the unit price of ${label}`, ctx.currency);
  const tax = lineTax(li.taxLines, untaxedReason(li, isTip), ctx);
  const name = truncate(li.name || li.title || `Item ${i + 1}`, NAME_MAX);
  const sku = li.sku?.trim() || undefined;
  // A Zoho item: by SKU, then by exact name (the name a created item gets: the line's name).
  const itemId = (sku ? ctx.itemIdsBySku?.[sku] : undefined) ?? ctx.itemIdsByName?.[name.trim().toLowerCase()];
  const draft = {
    name,
    description: truncate(lineDescription(li), DESCRIPTION_MAX),
    quantity,
    rate: unit,
    tax: tax.match,
    ...(itemId ? { itemId } : {}),
    // Gift cards and tips are services; a product that ships is goods; the rest (digital, services) too.
    source: {
      kind: "product" as const,
      ...(sku ? { sku } : {}),
      productType: li.requiresShipping && !li.isGiftCard && !isTip ? ("goods" as const) : ("service" as const),
    },
  };
  const choice = taxChoice(name, tax, li.taxLines);
  // Shopify's allocations and tax lines cover every unit ever ordered: keep the kept units' share.
  const kept = (amount: Decimal) => keptShare(amount, quantity, li.quantity, ctx.decimals);
  const discounts = discountShares(li.discountAllocations, tax, label, ctx.currency).map((d) => ({
    ...d,
    amount: kept(d.amount),
  }));
  const net = unit.times(quantity).minus(sumDecimals(discounts.map((d) => d.amount)));
  const shopifyTax = shopifyTaxOf(li.taxLines, tax, label, ctx.currency);
  return {
    draft,
    choice,
    discounts,
    net,
    shopifyTax: isProrated(quantity, li.quantity)
      ? // Each prorated amount may be a minor unit off Shopify's own: the total check allows one per amount.
        { amount: kept(shopifyTax.amount), count: shopifyTax.count + discounts.length + 1 }
      : shopifyTax,
  };
}

const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;

/** Why a line carries no tax whatever Shopify charged on it, or null when its tax lines decide. */
function untaxedReason(li: LineItem, isTip: boolean): string | null {
  if (li.isGiftCard) return "gift card";
  if (isTip) return "tip";
  return li.taxable ? null : "not taxable in Shopify";
}

function lineDescription(li: LineItem): string {
  const variant = li.variantTitle && li.variantTitle !== "Default Title" ? li.variantTitle : "";
  return [
    li.title || li.name,
    variant ? `Variant: ${variant}` : "",
    li.sku ? `SKU: ${li.sku}` : "",
    li.isGiftCard ? "Gift card" : "",
  ]
    .filter(Boolean)
    .join("\n");
}
