// Tips: in `totalTipReceivedSet`, and sometimes also as a line item ("Tip", untaxed, no SKU, not
// shipped). Either way a tip is invoiced once, untaxed.
import { MappingError } from "../errors";
import { Decimal, sumDecimals } from "../money";
import { shopMoney } from "./line-tax";
import type { Draft, LineItem, PaidOrder } from "./types";

export interface Tip {
  amount: Decimal;
  /** The tip is already invoiced as line items (their total equals the tip). */
  inLineItems: boolean;
}

/** A line item that looks like a tip rather than a product. */
export function isTipLike(li: LineItem): boolean {
  return !li.isGiftCard && !li.requiresShipping && li.taxLines.length === 0 && !li.sku && /\btips?\b/i.test(li.title);
}

export function tipOf(order: PaidOrder, currency: string): Tip {
  const amount = shopMoney(order.totalTipReceivedSet, "the tip", currency);
  const tipItems = order.lineItems.nodes.filter(isTipLike);
  const tipItemsTotal = sumDecimals(
    tipItems.map((li) =>
      shopMoney(li.originalUnitPriceSet, `the unit price of "${li.name}"`, currency).times(li.quantity),
    ),
  );
  return { amount, inLineItems: amount.gt(0) && tipItems.length > 0 && tipItemsTotal.eq(amount) };
}

/** The tip as its own untaxed line, unless a line item already is the tip; `net` is what it adds. */
export function tipLines(tip: Tip): { drafts: Draft[]; net: Decimal } {
  if (tip.amount.gt(0) && !tip.inLineItems) {
    return {
      drafts: [
        { name: "Tip", description: "Tip from the customer", quantity: 1, rate: tip.amount, source: { kind: "tip" } },
      ],
      net: tip.amount,
    };
  }
  if (tip.amount.lt(0)) throw new MappingError("malformed_order", "The order has a negative tip.");
  return { drafts: [], net: new Decimal(0) };
}
