// Zoho's total for an invoice body, and the "Rounding" adjustment that makes it Shopify's total.
import type { ZohoInvoicePayload, ZohoTaxTableEntry } from "~/zoho/types";
import { MappingError } from "../errors";
import { Decimal, formatMoney, roundHalfUp } from "../money";
import { taxCoefficients } from "../tax-match";

export const ROUNDING_DESCRIPTION = "Rounding";

/**
 * The total Zoho Books will compute for `payload`, under the model in docs/zoho-simulator.md (fact
 * sheet §7): each line's rate is rounded to the price precision, item_total = rate × quantity
 * (rounded); tax per line and per tax component (a group's members in order; a compound member
 * applies on the amount plus the taxes before it), each rounded half-up to the price precision.
 * Exclusive: total = Σ item_total + Σ tax + adjustment. Inclusive: the tax is backed out of the
 * item totals, so total = Σ item_total + adjustment. A group without `members` (e.g. straight
 * from GET /settings/taxes) is taken as one tax of its percentage — Zoho may then differ by a
 * minor unit, which the orchestration's check on Zoho's answer catches.
 */
export function predictZohoTotal(
  payload: Pick<ZohoInvoicePayload, "line_items" | "is_inclusive_tax" | "adjustment">,
  taxes: readonly ZohoTaxTableEntry[],
  pricePrecision: number,
): Decimal {
  const round = (d: Decimal.Value) => roundHalfUp(d, pricePrecision);
  const byId = new Map(taxes.map((t) => [t.tax_id, t]));
  let total = new Decimal(0);
  for (const line of payload.line_items) {
    const amount = round(round(line.rate).times(line.quantity));
    // A line discount (amount, or "10%" of the amount) comes off before tax.
    const discount = line.discount === undefined ? new Decimal(0) : lineDiscountAmount(line.discount, amount, round);
    const itemTotal = amount.minus(discount);
    total = total.plus(itemTotal);
    if (!line.tax_id || payload.is_inclusive_tax) continue;
    const entry = byId.get(line.tax_id);
    if (!entry) throw new Error(`predictZohoTotal: tax_id ${line.tax_id} is not in the tax table`);
    for (const coefficient of taxCoefficients(entry)) total = total.plus(round(itemTotal.times(coefficient)));
  }
  return total.plus(round(payload.adjustment ?? 0));
}

function lineDiscountAmount(discount: number | string, amount: Decimal, round: (d: Decimal.Value) => Decimal): Decimal {
  const text = String(discount).trim();
  return text.endsWith("%") ? round(amount.times(text.slice(0, -1)).div(100)) : round(text);
}

/**
 * The adjustment (at the price precision) that makes Zoho's total for `payload` equal
 * `shopifyTotal`; zero when none is needed.
 * @throws MappingError "unsupported_order" when the price precision cannot express the total.
 */
export function roundingAdjustment(
  payload: Pick<ZohoInvoicePayload, "line_items" | "is_inclusive_tax">,
  taxes: readonly ZohoTaxTableEntry[],
  pricePrecision: number,
  shopifyTotal: Decimal,
  currency: { code: string; decimals: number },
): Decimal {
  const pp = pricePrecision;
  const predicted = predictZohoTotal(payload, taxes, pp);
  const adjustment = roundHalfUp(shopifyTotal.minus(predicted), pp);
  if (!predicted.plus(adjustment).eq(shopifyTotal)) throw pricePrecisionError(pp, shopifyTotal, currency);
  return adjustment;
}

/** Zoho's price precision is below the currency's: it cannot show Shopify's amounts. */
export function pricePrecisionError(
  pricePrecision: number,
  shopifyTotal: Decimal,
  currency: { code: string; decimals: number },
): MappingError {
  const pp = pricePrecision;
  return new MappingError(
    "unsupported_order",
    `Zoho Books keeps ${pp} decimal${pp === 1 ? "" : "s"} on prices, too few for the ${currency.code} total ` +
      `${formatMoney(shopifyTotal, currency.decimals)} — set the price precision to ${
        currency.decimals
      } in Zoho Books › Settings › Currencies.`,
    { pricePrecision: pp, currencyDecimals: currency.decimals },
  );
}
