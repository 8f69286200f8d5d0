// What the customer keeps (order edits, design §11): an order edited before it was invoiced — a line
// removed, a quantity lowered — is invoiced at `currentQuantity`, and its total must be Shopify's
// `currentTotalPriceSet`. Shopify keeps the removed units in `quantity`, and their share in the
// line's `discountAllocations` and `taxLines` (schema text: "including … refunded and removed
// quantities"), so those amounts are prorated to the kept units here.
//
// Refunds are not edits: once money went back (financial status PARTIALLY_REFUNDED / REFUNDED) the
// `current*` figures also drop the refunded units, which a credit note accounts for. Such an order is
// invoiced as sold (`quantity`, `totalPriceSet`), so a refund is never taken off twice (ADR 019).
import { roundHalfUp, type Decimal } from "../money";
import type { LineItem, PaidOrder } from "./types";

const REFUNDED = new Set(["PARTIALLY_REFUNDED", "REFUNDED"]);

/** True when the invoice follows the order's current state (no refund yet): `currentQuantity`, `currentTotalPriceSet`. */
export function invoicesCurrentState(order: Pick<PaidOrder, "displayFinancialStatus">): boolean {
  return !REFUNDED.has(order.displayFinancialStatus ?? "");
}

/** Units of a line to invoice (0: the line was removed by an edit). */
export function keptQuantity(li: Pick<LineItem, "quantity" | "currentQuantity">, current: boolean): number {
  return current ? Math.min(li.currentQuantity, li.quantity) : li.quantity;
}

/** The kept units' share of an amount Shopify gives for all of a line's units, at the currency's decimals. */
export function keptShare(amount: Decimal, kept: number, quantity: number, decimals: number): Decimal {
  if (kept === quantity || quantity === 0) return amount;
  return roundHalfUp(amount.times(kept).div(quantity), decimals);
}

/** Whether the line lost units to an edit (its prorated amounts may each be a minor unit off Shopify's). */
export function isProrated(kept: number, quantity: number): boolean {
  return kept !== quantity;
}
