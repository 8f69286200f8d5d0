// Shopify paid order + Zoho tax table + settings → Zoho draft invoice body and the total Zoho must
// show (design §6). PURE: no I/O, no env, no clock — the admin block, the preview CLI and the
// worker all run exactly this. Money rules: docs/decisions/006-money-and-rounding.md.
//
// Shape of the invoice, one part of app/sync/mapping/ each:
//   item lines (rate = original unit price, tax from the line's tax lines,
//   quantity = what the customer keeps after order edits: kept.ts)                lines.ts
//   discount lines: negative, one per discount application × Zoho tax, carrying that tax  discounts.ts
//   shipping lines (original price, their own tax) and shipping-discount lines (negative)  shipping.ts
//   tip: one untaxed line, unless the tip already is a line item                  tip.ts
//   adjustment "Rounding": Shopify total − predicted Zoho total, when not zero.   rounding.ts
// Shopify traps: `discountedTotalSet` leaves out order-level and code discounts and
// `totalShippingPriceSet` is before discounts, so discounts come from `discountAllocations` only.
import type { ZohoLineItemPayload, ZohoTaxTableEntry } from "~/zoho/types";
import { MappingError } from "./errors";
import { currencyDecimals, Decimal, formatMoney, sumDecimals, toZohoNumber } from "./money";
import { discountLines, lineDiscount } from "./mapping/discounts";
import { orderInBag, orderTotals } from "./mapping/money-bag";
import { shopMoney } from "./mapping/line-tax";
import { invoicesCurrentState } from "./mapping/kept";
import { mapLineItems } from "./mapping/lines";
import { ROUNDING_DESCRIPTION, roundingAdjustment } from "./mapping/rounding";
import { mapShippingLines } from "./mapping/shipping";
import { DESCRIPTION_MAX, invoiceDate, truncate } from "./mapping/text";
import { tipLines, tipOf } from "./mapping/tip";
import { assertAdjustmentExplained, assertTaxAgreement, roundingTolerance } from "./mapping/tax-agreement";
import { assertTotalExplained } from "./mapping/totals";
import { referenceFor } from "./store-reference";
import type {
  Draft,
  InvoiceCurrency,
  InvoiceDraft,
  MappedInvoice,
  MappedLine,
  MappingSettings,
  PaidOrder,
} from "./mapping/types";

export { MappingError } from "./errors";
export type { MappingErrorCode } from "./errors";
export { parsePaidOrder } from "./mapping/parse";
export { orderInBag, orderTotals, presentmentCurrencyOf, type MoneyBagChoice } from "./mapping/money-bag";
export { ROUNDING_DESCRIPTION, predictZohoTotal } from "./mapping/rounding";
export { taxRateDrift, type TaxRateDrift } from "./mapping/tax-agreement";
export { DESCRIPTION_MAX, NAME_MAX, invoiceDate, truncate } from "./mapping/text";
export type {
  DiscountStyle,
  InvoiceCurrency,
  InvoiceDraft,
  LineSource,
  MappedInvoice,
  MappingSettings,
  PaidOrder,
  TaxChoice,
} from "./mapping/types";

/**
 * Maps one paid order to a Zoho invoice body (without customer_id) and the total it must show, in the
 * shop's money or, with `settings.currency.bag` "presentment", in the money the customer paid.
 * @throws MappingError for an unknown tax rate, a currency mismatch, a malformed or unsupported order.
 */
export function mapOrderToInvoice(
  paidOrder: PaidOrder,
  taxes: readonly ZohoTaxTableEntry[],
  settings: MappingSettings,
): MappedInvoice {
  const order = orderInBag(paidOrder, settings.currency?.bag ?? "shop");
  const { currency, decimals, exchangeRate } = checkInput(order, settings);
  const current = invoicesCurrentState(order);
  const ctx = {
    currency,
    decimals,
    current,
    taxExempt: order.taxExempt,
    taxes,
    taxMappings: settings.taxMappings,
    itemIdsBySku: settings.itemIdsBySku,
    itemIdsByName: settings.itemIdsByName,
  };
  const tip = tipOf(order, currency);
  const items = mapLineItems(order, ctx, tip);
  const shipping = mapShippingLines(order, ctx);
  const tipped = tipLines(tip);
  const onLines = settings.discountStyle === "lines";
  const itemDiscounts = onLines ? [] : discountLines(sharesOf(items), "Discount", currency);
  const shippingDiscounts = onLines ? [] : discountLines(sharesOf(shipping), "Shipping discount", currency);
  const withOwnDiscount = (l: MappedLine): Draft => (onLines ? discountedDraft(l, currency) : l.draft);
  const drafts = [
    ...items.map(withOwnDiscount),
    ...itemDiscounts,
    ...shipping.map(withOwnDiscount),
    ...shippingDiscounts,
    ...tipped.drafts,
  ];
  if (drafts.length === 0) {
    throw new MappingError("malformed_order", `Order ${order.name} has no lines to invoice.`);
  }

  const lines: MappedLine[] = [...items, ...shipping];
  // What the customer keeps (edits) while nothing was refunded; as sold once it was (mapping/kept.ts).
  const total = current
    ? shopMoney(order.currentTotalPriceSet, "the order total", currency)
    : shopMoney(order.totalPriceSet, "the order total", currency);
  const shopifyTaxLines = lines.reduce((n, l) => n + l.shopifyTax.count, 0);
  assertTotalExplained({
    orderName: order.name,
    currency,
    decimals,
    taxesIncluded: order.taxesIncluded,
    total,
    net: sumDecimals([...lines.map((l) => l.net), tipped.net]),
    tax: { amount: sumDecimals(lines.map((l) => l.shopifyTax.amount)), count: shopifyTaxLines },
  });
  // Shopify's tax must be each Zoho tax's percentage of its lines: else the books are wrong in tax.
  assertTaxAgreement(lines, { currency, decimals, taxesIncluded: order.taxesIncluded });

  const pp = settings.pricePrecision;
  const payload: InvoiceDraft = {
    date: invoiceDate(order.processedAt, settings.timezone),
    reference_number: referenceFor(settings.referencePrefix ?? "", order.name),
    is_inclusive_tax: order.taxesIncluded,
    ...currencyFields(settings, exchangeRate),
    line_items: zohoLineItems(drafts, pp),
    // Line discounts are amounts taken off before tax (Zoho: item-level discount, before tax).
    ...(drafts.some((d) => d.discount) ? { discount_type: "item_level" as const, is_discount_before_tax: true } : {}),
    // The note is printed for the customer only when the merchant said so (setting, off by default).
    ...(settings.printOrderNote && order.note?.trim() ? { notes: order.note.trim() } : {}),
  };
  // Make Zoho's total equal Shopify's with one "Rounding" adjustment (Zoho keeps pp decimals).
  const adjustment = roundingAdjustment(payload, taxes, pp, total, { code: currency, decimals });
  // The adjustment absorbs rounding only, never a wrong tax (about one minor unit per line).
  const tolerance = roundingTolerance(payload.line_items, taxes, Math.min(pp, decimals), shopifyTaxLines);
  assertAdjustmentExplained(adjustment, tolerance, { currency, decimals, pricePrecision: pp, shopifyTotal: total });
  if (!adjustment.isZero()) {
    payload.adjustment = toZohoNumber(adjustment, pp);
    payload.adjustment_description = ROUNDING_DESCRIPTION;
  }
  return {
    payload,
    lineSources: drafts.map((d) => d.source),
    expectedTotal: formatMoney(total, decimals),
    currencyCode: currency,
    exchangeRate: exchangeRate.toFixed(),
    customerPaid: orderTotals(paidOrder).presentment,
    taxChoices: lines.map((l) => l.choice),
    roundingTolerance: tolerance.toFixed(),
  };
}

/** `currency_id` and `exchange_rate` when the caller chose the currency (ADR 020). */
function currencyFields(settings: MappingSettings, rate: Decimal): Pick<InvoiceDraft, "currency_id" | "exchange_rate"> {
  const chosen = settings.currency;
  if (!chosen) return {};
  return {
    ...(chosen.currencyId ? { currency_id: chosen.currencyId } : {}),
    exchange_rate: rate.toNumber(),
  };
}

const sharesOf = (lines: readonly MappedLine[]) => lines.flatMap((l) => l.discounts);

/** A line carrying its own discount (style "lines"): Shopify's allocations to it, named in its description. */
function discountedDraft(line: MappedLine, currency: string): Draft {
  const discount = lineDiscount(line.discounts, currency);
  if (!discount) return line.draft;
  const description = [line.draft.description, discount.description].filter(Boolean).join("\n");
  return { ...line.draft, discount: discount.amount, description: truncate(description, DESCRIPTION_MAX) };
}

/** The settings and the order's currency and size, checked before anything is mapped. */
function checkInput(
  order: PaidOrder,
  settings: MappingSettings,
): { currency: string; decimals: number; exchangeRate: Decimal } {
  const pp = settings.pricePrecision;
  if (!Number.isInteger(pp) || pp < 0 || pp > 3) {
    throw new RangeError(`pricePrecision must be an integer from 0 to 3, got ${String(pp)}.`);
  }
  const currency = order.currencyCode;
  if (typeof currency !== "string" || !/^[A-Z]{3}$/.test(currency)) {
    throw new MappingError("malformed_order", "The order has no valid currency.");
  }
  const exchangeRate = settings.currency
    ? chosenCurrencyRate(currency, settings.currency, settings.organizationCurrency)
    : sameCurrencyOnly(currency, settings.organizationCurrency);
  if (order.lineItems.pageInfo.hasNextPage) {
    throw new MappingError(
      "unsupported_order",
      `Order ${order.name} has more than 250 line items; create its invoice by hand.`,
    );
  }
  return { currency, decimals: currencyDecimals(currency), exchangeRate };
}

/** No currency choice (v1, the preview without options): the organization must be in the shop currency. */
function sameCurrencyOnly(currency: string, organizationCurrency: string | undefined): Decimal {
  const orgCurrency = (organizationCurrency ?? "").toUpperCase() || "an unknown currency";
  if (orgCurrency !== currency) {
    throw new MappingError(
      "currency_mismatch",
      `The shop sells in ${currency} but the Zoho Books organization uses ${orgCurrency} — ` +
        "choose the invoice currency and its exchange rate (the app does when it sends the order).",
      { shopCurrency: currency, organizationCurrency: organizationCurrency ?? "" },
    );
  }
  return new Decimal(1);
}

/** The chosen invoice currency must be the bag's; another currency than the organization's needs a rate. */
function chosenCurrencyRate(bagCurrency: string, chosen: InvoiceCurrency, organizationCurrency: string): Decimal {
  if (chosen.currencyCode.toUpperCase() !== bagCurrency) {
    throw new MappingError(
      "malformed_order",
      `The order's ${chosen.bag} money is in ${bagCurrency}, not the invoice currency ${chosen.currencyCode}.`,
    );
  }
  if (bagCurrency === organizationCurrency.toUpperCase()) return new Decimal(1);
  const rate = chosen.exchangeRate === undefined ? null : new Decimal(chosen.exchangeRate);
  if (!rate || !rate.isFinite() || rate.lte(0)) {
    throw new MappingError(
      "exchange_rate_missing",
      `An invoice in ${bagCurrency} needs an exchange rate to ${organizationCurrency} — ` +
        `add one for ${bagCurrency} in Zoho Books › Settings › Currencies.`,
      { currency: bagCurrency, organizationCurrency },
    );
  }
  return rate;
}

function zohoLineItems(drafts: readonly Draft[], pp: number): ZohoLineItemPayload[] {
  return drafts.map((d, i) => ({
    ...(d.itemId ? { item_id: d.itemId } : {}),
    name: d.name,
    ...(d.description ? { description: d.description } : {}),
    rate: toZohoNumber(d.rate, pp),
    quantity: d.quantity,
    ...(d.discount ? { discount: toZohoNumber(d.discount, pp) } : {}),
    ...(d.tax ? { tax_id: d.tax.entry.tax_id } : {}),
    item_order: i + 1,
  }));
}
