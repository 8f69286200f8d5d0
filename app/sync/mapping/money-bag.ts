// Which of Shopify's two money bags an invoice is made of (issue 14, ADR 020). Every Shopify amount is a
// MoneyBag { shopMoney, presentmentMoney }: the shop's currency, and the currency the customer paid in
// (Shopify Markets). The mapping's parts read `shopMoney`; for an invoice in the customer's currency the
// order is first rewritten so that every bag's `shopMoney` IS its `presentmentMoney`. Pure.
//
// Why a rewrite rather than a flag through every part: the parts (lines, discounts, shipping, tip,
// totals, and whatever reads a bag later) stay one code path, so an invoice in either currency is
// built, checked and rounded by exactly the same rules.
import { MappingError } from "../errors";
import type { PaidOrder } from "./types";

/** Where an invoice's amounts come from: "shop" = `shopMoney`, "presentment" = what the customer paid. */
export type MoneyBagChoice = "shop" | "presentment";

interface Money {
  amount: unknown;
  currencyCode?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const isMoney = (v: unknown): v is Money => isObject(v) && "amount" in v;

/** The currency the customer paid in (`presentmentCurrencyCode`), falling back to the shop currency. */
export function presentmentCurrencyOf(order: PaidOrder): string {
  const code = (order as { presentmentCurrencyCode?: unknown }).presentmentCurrencyCode;
  return typeof code === "string" && code ? code : order.currencyCode;
}

/** The order's total in both bags: what the customer paid and what the shop booked. */
export function orderTotals(order: PaidOrder): {
  shop: { amount: string; currencyCode: string };
  presentment: { amount: string; currencyCode: string } | null;
} {
  const bag = order.totalPriceSet as { shopMoney: Money; presentmentMoney?: Money | null };
  const p = bag.presentmentMoney;
  return {
    shop: { amount: String(bag.shopMoney.amount), currencyCode: order.currencyCode },
    presentment: isMoney(p) ? { amount: String(p.amount), currencyCode: presentmentCurrencyOf(order) } : null,
  };
}

/**
 * The order with every MoneyBag's `shopMoney` replaced by its `presentmentMoney`, and `currencyCode` set
 * to the presentment currency. "shop" returns the order as it is.
 * @throws MappingError "malformed_order" when a bag has no presentment amount.
 */
export function orderInBag(order: PaidOrder, bag: MoneyBagChoice): PaidOrder {
  if (bag === "shop") return order;
  const currency = presentmentCurrencyOf(order);
  const swapped = swapBags(order, "the order") as PaidOrder;
  return { ...swapped, currencyCode: currency as PaidOrder["currencyCode"] };
}

function swapBags(value: unknown, where: string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => swapBags(v, `${where}[${i}]`));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = swapBags(v, key);
  if ("shopMoney" in value) {
    const presentment = value.presentmentMoney;
    if (!isMoney(presentment)) {
      throw new MappingError(
        "malformed_order",
        `The order has no amount in the customer's currency for ${where} (presentmentMoney).`,
      );
    }
    out.shopMoney = presentment;
  }
  return out;
}
