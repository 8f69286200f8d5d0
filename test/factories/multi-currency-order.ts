// A PaidOrder paid in another currency than the shop's (Shopify Markets), with BOTH money bags
// consistent the way Shopify computes each: unit prices, shipping and fixed discounts are converted
// once at `rate` (presentment units per shop unit, rounded to the presentment currency), then
// discounts, taxes and totals are computed in each currency on their own. So `presentmentMoney` adds
// up exactly (the invoice in the customer's currency) and so does `shopMoney` (the invoice in the shop's).
import Decimal from "decimal.js";
import type { PaidOrder } from "~/sync/mapping";
import { currencyDecimals } from "~/sync/money";
import { buildOrder, type OrderSpec } from "./order";

export interface MultiCurrencySpec extends Omit<OrderSpec, "presentment"> {
  presentment: { currency: string; rate: string };
}

export function buildMultiCurrencyOrder(spec: MultiCurrencySpec): PaidOrder {
  const { presentment, ...shopSpec } = spec;
  const dp = currencyDecimals(presentment.currency);
  const convert = (amount: string) =>
    new Decimal(amount).times(presentment.rate).toDecimalPlaces(dp, Decimal.ROUND_HALF_UP).toFixed(dp);
  const inShop = buildOrder(shopSpec);
  const inPresentment = buildOrder({
    ...shopSpec,
    currency: presentment.currency,
    lines: spec.lines.map((l) => ({ ...l, price: convert(l.price) })),
    ...(spec.shipping ? { shipping: spec.shipping.map((s) => ({ ...s, price: convert(s.price) })) } : {}),
    ...(spec.discounts
      ? {
          discounts: spec.discounts.map((d) =>
            "amount" in d.value ? { ...d, value: { amount: convert(d.value.amount) } } : d,
          ),
        }
      : {}),
    ...(spec.tip ? { tip: convert(spec.tip) } : {}),
  });
  const merged = withPresentment(inShop, inPresentment) as PaidOrder;
  return { ...merged, presentmentCurrencyCode: presentment.currency as PaidOrder["currencyCode"] };
}

/** `shop` with each bag's presentmentMoney taken from the same place in `presentment` (its shopMoney). */
function withPresentment(shop: unknown, presentment: unknown): unknown {
  if (Array.isArray(shop)) return shop.map((v, i) => withPresentment(v, (presentment as unknown[])[i]));
  if (typeof shop !== "object" || shop === null) return shop;
  const other = presentment as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(shop)) out[key] = withPresentment(value, other[key]);
  if ("shopMoney" in shop) out.presentmentMoney = other.shopMoney;
  return out;
}
