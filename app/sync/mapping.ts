// Shopify paid order + Zoho tax table + settings → Zoho draft invoice body and the total Zoho must
// show (design §6). PURE: no I/O, no env, no clock — the admin block, the preview CLI and the
// worker all run exactly this. Money rules: docs/decisions/006-money-and-rounding.md.
//
// Shape of the invoice:
//   item lines (rate = original unit price, tax from the line's tax lines)
//   discount lines: negative, one per discount application × Zoho tax, carrying that tax
//   shipping lines (original price, their own tax) and shipping-discount lines (negative)
//   tip: one untaxed line, unless the tip already is a line item
//   adjustment "Rounding": Shopify total − predicted Zoho total, when not zero.
// Shopify traps: `discountedTotalSet` leaves out order-level and code discounts and
// `totalShippingPriceSet` is before discounts, so discounts come from `discountAllocations` only.
import { z } from "zod";
import type { PaidOrderFragment } from "~/types/admin.generated";
import type { ZohoInvoicePayload, ZohoLineItemPayload, ZohoTaxTableEntry } from "~/zoho/types";
import { MappingError } from "./errors";
import {
  Decimal,
  currencyDecimals,
  formatMoney,
  formatPercent,
  minorUnit,
  parseMoney,
  roundHalfUp,
  sumDecimals,
  toZohoNumber,
} from "./money";
import { matchTax, taxCoefficients, taxLinePercent, type TaxMatch } from "./tax-match";

export { MappingError } from "./errors";
export type { MappingErrorCode } from "./errors";

/** The mapping's input: `order { ...PaidOrder }` from app/shopify/paid-order.ts. */
export type PaidOrder = PaidOrderFragment;
type LineItem = PaidOrder["lineItems"]["nodes"][number];
type TaxLine = LineItem["taxLines"][number];
type DiscountAllocation = LineItem["discountAllocations"][number];
type DiscountApplication = DiscountAllocation["discountApplication"];
type MoneyBag = LineItem["originalUnitPriceSet"];

export interface MappingSettings {
  /** Zoho organization `price_precision` (0–3): Zoho rounds line rates to it. */
  pricePrecision: number;
  /** Zoho organization currency; must equal the shop currency (v1). */
  organizationCurrency: string;
  /** Shop IANA timezone (`shop.ianaTimezone`); without it the offset written in processedAt is used. */
  timezone?: string;
  /** Zoho item ids by Shopify SKU, when the shop links lines to Zoho items. */
  itemIdsBySku?: Record<string, string>;
}

/** POST /invoices body without `customer_id` (the contact is resolved by the orchestration). */
export type InvoiceDraft = Omit<ZohoInvoicePayload, "customer_id">;

export interface TaxChoice {
  /** Invoice line name. */
  line: string;
  /** Sum of the Shopify rates on that line, e.g. "22" or "8.875"; "0" for an untaxed line. */
  ratePercent: string;
  /** Zoho tax_id; "" for an untaxed line. */
  taxId: string;
  taxName: string;
  reason: string;
}

export interface MappedInvoice {
  payload: InvoiceDraft;
  /** `totalPriceSet.shopMoney` in currency precision: the total the Zoho invoice must show. */
  expectedTotal: string;
  currencyCode: string;
  taxChoices: TaxChoice[];
}

export const NAME_MAX = 100;
export const DESCRIPTION_MAX = 2000;
export const ROUNDING_DESCRIPTION = "Rounding";

// ------------------------------------------------------------------------------ helpers

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * Shortens `text` to at most `max` UTF-16 code units (what Zoho's Java side counts), cutting on a
 * grapheme boundary and ending with "…" when something was cut.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  for (const { segment } of segmenter.segment(text)) {
    if (out.length + segment.length > max - 1) break;
    out += segment;
  }
  return `${out.trimEnd()}…`;
}

const DATE_TIME_RE = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * The invoice date: `processedAt` as a calendar date in the shop timezone, or — without one — in the
 * offset written in the timestamp itself ("2026-03-01T00:30:00+01:00" → 2026-03-01).
 */
export function invoiceDate(processedAt: string, timezone?: string): string {
  const m = typeof processedAt === "string" ? DATE_TIME_RE.exec(processedAt) : null;
  const instant = m ? new Date(processedAt) : null;
  if (!m || !instant || Number.isNaN(instant.getTime())) {
    throw new MappingError("malformed_order", `The order has an invalid processing date (${String(processedAt)}).`);
  }
  if (!timezone) return m[1]!;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit" });
  } catch {
    throw new RangeError(`Unknown timezone "${timezone}" (expected an IANA name such as Europe/Rome).`);
  }
  const part = (type: string) => format.formatToParts(instant).find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** The code or title of a discount ("" when Shopify gives none). */
function discountLabel(app: DiscountApplication): string {
  switch (app.__typename) {
    case "DiscountCodeApplication":
      return app.code?.trim() ?? "";
    case "ManualDiscountApplication":
    case "AutomaticDiscountApplication":
    case "ScriptDiscountApplication":
      return app.title?.trim() ?? "";
    default:
      return "";
  }
}

function discountDescription(app: DiscountApplication, currency: string): string {
  const kind =
    app.__typename === "DiscountCodeApplication"
      ? `Discount code ${app.code}`
      : app.__typename === "AutomaticDiscountApplication"
        ? `Automatic discount "${app.title}"`
        : app.__typename === "ManualDiscountApplication"
          ? `Manual discount "${app.title}"${app.description ? ` (${app.description})` : ""}`
          : `Discount "${discountLabel(app) || "unnamed"}"`;
  const value =
    app.value.__typename === "PricingPercentageValue"
      ? `${formatPercent(app.value.percentage)}% off`
      : `${app.value.amount} ${app.value.currencyCode || currency} off`;
  return `${kind}: ${value}`;
}

// ------------------------------------------------------------------------------ mapping

interface Draft {
  name: string;
  description?: string;
  quantity: number;
  rate: Decimal;
  tax?: TaxMatch;
  itemId?: string;
}

interface LineTax {
  match?: TaxMatch;
  untaxedReason?: string;
}

interface DiscountGroup {
  app: DiscountApplication;
  tax?: TaxMatch;
  amount: Decimal;
}

/**
 * Maps one paid order to a Zoho invoice body (without customer_id) and the total it must show.
 * @throws MappingError for an unknown tax rate, a currency mismatch, a malformed or unsupported order.
 */
export function mapOrderToInvoice(
  order: PaidOrder,
  taxes: readonly ZohoTaxTableEntry[],
  settings: MappingSettings,
): MappedInvoice {
  const pp = settings.pricePrecision;
  if (!Number.isInteger(pp) || pp < 0 || pp > 3) {
    throw new RangeError(`pricePrecision must be an integer from 0 to 3, got ${String(pp)}.`);
  }
  const currency = order.currencyCode;
  if (typeof currency !== "string" || !/^[A-Z]{3}$/.test(currency)) {
    throw new MappingError("malformed_order", "The order has no valid shop currency.");
  }
  const orgCurrency = (settings.organizationCurrency ?? "").toUpperCase() || "an unknown currency";
  if (orgCurrency !== currency) {
    throw new MappingError(
      "currency_mismatch",
      `The shop sells in ${currency} but the Zoho Books organization uses ${orgCurrency} — ` +
        "connect an organization in the shop currency (multi-currency invoices are not supported yet).",
      { shopCurrency: currency, organizationCurrency: settings.organizationCurrency },
    );
  }
  if (order.lineItems.pageInfo.hasNextPage) {
    throw new MappingError("unsupported_order", `Order ${order.name} has more than 250 line items; create its invoice by hand.`);
  }
  const cd = currencyDecimals(currency);

  /** shopMoney of a MoneyBag, checked to be in the shop currency. */
  const shop = (bag: MoneyBag | null | undefined, what: string): Decimal => {
    const money = bag?.shopMoney;
    if (!money) throw new MappingError("malformed_order", `The order has no amount for ${what}.`);
    if (money.currencyCode && money.currencyCode !== currency) {
      throw new MappingError("malformed_order", `The ${what} is in ${money.currencyCode}, not the shop currency ${currency}.`);
    }
    return parseMoney(money.amount, what);
  };

  const taxFor = (taxLines: readonly TaxLine[], untaxed: string | null): LineTax => {
    if (order.taxExempt) return { untaxedReason: "the order is tax-exempt" };
    if (untaxed) return { untaxedReason: untaxed };
    if (taxLines.length === 0) return { untaxedReason: "no Shopify tax on this line" };
    const rates = taxLines.map((t) => ({ title: t.title, percent: taxLinePercent(t) }));
    try {
      return { match: matchTax(rates, taxes) };
    } catch (err) {
      // A 0% rate without a 0% Zoho tax is simply an untaxed line.
      if (err instanceof MappingError && rates.every((r) => r.percent.isZero())) {
        return { untaxedReason: "0% tax and no 0% tax in Zoho" };
      }
      throw err;
    }
  };

  const items: Draft[] = [];
  const shipping: Draft[] = [];
  const itemDiscounts = new Map<string, DiscountGroup>();
  const shippingDiscounts = new Map<string, DiscountGroup>();
  const taxChoices: TaxChoice[] = [];
  // Shopify's own numbers, to check that the order is fully explained by what we invoice.
  let shopifyTaxes = new Decimal(0);
  let shopifyNet = new Decimal(0);
  let shopifyTaxLineCount = 0;

  const addDiscounts = (
    into: Map<string, DiscountGroup>,
    allocations: readonly DiscountAllocation[],
    tax: LineTax,
    what: string,
  ): Decimal => {
    let total = new Decimal(0);
    for (const a of allocations) {
      const amount = shop(a.allocatedAmountSet, `a discount on ${what}`);
      total = total.plus(amount);
      const key = `${a.discountApplication.index}|${tax.match?.entry.tax_id ?? ""}`;
      const group = into.get(key);
      if (group) group.amount = group.amount.plus(amount);
      else into.set(key, { app: a.discountApplication, tax: tax.match, amount });
    }
    return total;
  };

  const recordChoice = (line: string, tax: LineTax, taxLines: readonly TaxLine[]) => {
    const ratePercent = formatPercent(tax.match?.percent ?? sumDecimals(taxLines.map((t) => taxLinePercent(t))));
    taxChoices.push(
      tax.match
        ? { line, ratePercent, taxId: tax.match.entry.tax_id, taxName: tax.match.entry.tax_name, reason: tax.match.reason }
        : { line, ratePercent, taxId: "", taxName: "", reason: `untaxed: ${tax.untaxedReason ?? "no tax"}` },
    );
  };

  const countShopifyTax = (taxLines: readonly TaxLine[], tax: LineTax, what: string) => {
    if (!tax.match) return;
    for (const t of taxLines) {
      shopifyTaxes = shopifyTaxes.plus(shop(t.priceSet, `the ${t.title} tax on ${what}`));
      shopifyTaxLineCount += 1;
    }
  };

  // --- tips: a tip is either only in totalTipReceivedSet or also a line item; never invoice it twice.
  const tip = shop(order.totalTipReceivedSet, "the tip");
  const tipLike = (li: LineItem) =>
    !li.isGiftCard && !li.requiresShipping && li.taxLines.length === 0 && !li.sku && /\btips?\b/i.test(li.title);
  const tipItems = order.lineItems.nodes.filter(tipLike);
  const tipItemsTotal = sumDecimals(
    tipItems.map((li) => shop(li.originalUnitPriceSet, `the unit price of "${li.name}"`).times(li.quantity)),
  );
  const tipIsLineItem = tip.gt(0) && tipItems.length > 0 && tipItemsTotal.eq(tip);

  // --- line items
  order.lineItems.nodes.forEach((li, i) => {
    const label = `line ${i + 1} ("${li.name}")`;
    if (!Number.isInteger(li.quantity) || li.quantity < 0) {
      throw new MappingError("malformed_order", `The order has an invalid quantity on ${label}.`);
    }
    if (li.quantity === 0) return; // removed by an order edit: nothing was charged
    const unit = shop(li.originalUnitPriceSet, `the unit price of ${label}`);
    const isTip = tipIsLineItem && tipLike(li);
    const tax = taxFor(li.taxLines, li.isGiftCard ? "gift card" : isTip ? "tip" : li.taxable ? null : "not taxable in Shopify");
    const name = truncate(li.name || li.title || `Item ${i + 1}`, NAME_MAX);
    const variant = li.variantTitle && li.variantTitle !== "Default Title" ? li.variantTitle : "";
    const description = [
      li.title || li.name,
      variant ? `Variant: ${variant}` : "",
      li.sku ? `SKU: ${li.sku}` : "",
      li.isGiftCard ? "Gift card" : "",
    ]
      .filter(Boolean)
      .join("\n");
    const itemId = li.sku ? settings.itemIdsBySku?.[li.sku] : undefined;
    items.push({
      name,
      description: truncate(description, DESCRIPTION_MAX),
      quantity: li.quantity,
      rate: unit,
      tax: tax.match,
      ...(itemId ? { itemId } : {}),
    });
    recordChoice(name, tax, li.taxLines);
    const discounts = addDiscounts(itemDiscounts, li.discountAllocations, tax, label);
    shopifyNet = shopifyNet.plus(unit.times(li.quantity)).minus(discounts);
    countShopifyTax(li.taxLines, tax, label);
  });

  // --- shipping lines: original price, then their discounts as negative lines
  order.shippingLines.nodes.forEach((sl, i) => {
    const label = `shipping "${sl.title}"`;
    const price = shop(sl.originalPriceSet, `the price of ${label}`);
    const tax = taxFor(sl.taxLines, null);
    const name = truncate(sl.title ? `Shipping: ${sl.title}` : `Shipping ${i + 1}`, NAME_MAX);
    shipping.push({
      name,
      description: truncate(sl.code && sl.code !== sl.title ? `Shipping method ${sl.code}` : "Shipping", DESCRIPTION_MAX),
      quantity: 1,
      rate: price,
      tax: tax.match,
    });
    recordChoice(name, tax, sl.taxLines);
    const discounts = addDiscounts(shippingDiscounts, sl.discountAllocations, tax, label);
    shopifyNet = shopifyNet.plus(price).minus(discounts);
    countShopifyTax(sl.taxLines, tax, label);
  });

  // --- tip as its own untaxed line
  const tipLines: Draft[] = [];
  if (tip.gt(0) && !tipIsLineItem) {
    tipLines.push({ name: "Tip", description: "Tip from the customer", quantity: 1, rate: tip });
    shopifyNet = shopifyNet.plus(tip);
  } else if (tip.lt(0)) {
    throw new MappingError("malformed_order", "The order has a negative tip.");
  }

  const discountDrafts = (groups: Map<string, DiscountGroup>, prefix: string): Draft[] => {
    const nonZero = [...groups.values()].filter((g) => !g.amount.isZero());
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
      };
    });
  };

  const drafts = [
    ...items,
    ...discountDrafts(itemDiscounts, "Discount"),
    ...shipping,
    ...discountDrafts(shippingDiscounts, "Shipping discount"),
    ...tipLines,
  ];
  if (drafts.length === 0) {
    throw new MappingError("malformed_order", `Order ${order.name} has no lines to invoice.`);
  }

  // --- is the Shopify total fully explained by lines, discounts, shipping, tips and taxes?
  const shopifyTotal = shop(order.totalPriceSet, "the order total");
  const explained = order.taxesIncluded ? shopifyNet : shopifyNet.plus(shopifyTaxes);
  const unexplained = shopifyTotal.minus(explained);
  // Shopify may round tax per order instead of per line: allow one minor unit per tax line.
  if (unexplained.abs().gt(minorUnit(cd).times(shopifyTaxLineCount))) {
    throw new MappingError(
      "unsupported_order",
      `The total of order ${order.name} (${formatMoney(shopifyTotal, cd)} ${currency}) differs by ` +
        `${formatMoney(unexplained, cd)} from its lines, discounts, shipping, tips and taxes ` +
        `(${formatMoney(explained, cd)}) — it may include duties or fees the app cannot invoice yet, ` +
        "or taxes on lines that are not taxable; create this invoice by hand.",
      { unexplained: unexplained.toFixed() },
    );
  }

  const lineItems: ZohoLineItemPayload[] = drafts.map((d, i) => ({
    ...(d.itemId ? { item_id: d.itemId } : {}),
    name: d.name,
    ...(d.description ? { description: d.description } : {}),
    rate: toZohoNumber(d.rate, pp),
    quantity: d.quantity,
    ...(d.tax ? { tax_id: d.tax.entry.tax_id } : {}),
    item_order: i + 1,
  }));

  const payload: InvoiceDraft = {
    date: invoiceDate(order.processedAt, settings.timezone),
    reference_number: order.name,
    is_inclusive_tax: order.taxesIncluded,
    line_items: lineItems,
    ...(order.note?.trim() ? { notes: order.note.trim() } : {}),
  };

  // --- make Zoho's total equal Shopify's with one "Rounding" adjustment (Zoho keeps pp decimals)
  const predicted = predictZohoTotal(payload, taxes, pp);
  const adjustment = roundHalfUp(shopifyTotal.minus(predicted), pp);
  if (!predicted.plus(adjustment).eq(shopifyTotal)) {
    throw new MappingError(
      "unsupported_order",
      `Zoho Books keeps ${pp} decimal${pp === 1 ? "" : "s"} on prices, too few for the ${currency} total ` +
        `${formatMoney(shopifyTotal, cd)} — set the price precision to ${cd} in Zoho Books › Settings › Currencies.`,
      { pricePrecision: pp, currencyDecimals: cd },
    );
  }
  if (!adjustment.isZero()) {
    payload.adjustment = toZohoNumber(adjustment, pp);
    payload.adjustment_description = ROUNDING_DESCRIPTION;
  }

  return { payload, expectedTotal: formatMoney(shopifyTotal, cd), currencyCode: currency, taxChoices };
}

// ------------------------------------------------------------------------------ Zoho's model

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
    const itemTotal = round(round(line.rate).times(line.quantity));
    total = total.plus(itemTotal);
    if (!line.tax_id || payload.is_inclusive_tax) continue;
    const entry = byId.get(line.tax_id);
    if (!entry) throw new Error(`predictZohoTotal: tax_id ${line.tax_id} is not in the tax table`);
    for (const coefficient of taxCoefficients(entry)) total = total.plus(round(itemTotal.times(coefficient)));
  }
  return total.plus(round(payload.adjustment ?? 0));
}

// ------------------------------------------------------------------------------ input check

const shopMoneySchema = z.object({
  shopMoney: z.object({ amount: z.union([z.string(), z.number()]), currencyCode: z.string() }),
});
const taxLineSchema = z.object({
  title: z.string(),
  rate: z.number().nullish(),
  ratePercentage: z.number().nullish(),
  priceSet: shopMoneySchema,
});
const applicationSchema = z.object({
  __typename: z.enum(["DiscountCodeApplication", "ManualDiscountApplication", "AutomaticDiscountApplication", "ScriptDiscountApplication"]),
  index: z.number().int(),
  code: z.string().optional(),
  title: z.string().nullish(),
  value: z.union([
    z.object({ __typename: z.literal("MoneyV2"), amount: z.union([z.string(), z.number()]), currencyCode: z.string() }),
    z.object({ __typename: z.literal("PricingPercentageValue"), percentage: z.number() }),
  ]),
});
const allocationSchema = z.object({ allocatedAmountSet: shopMoneySchema, discountApplication: applicationSchema });
const paidOrderSchema = z.object({
  name: z.string().min(1),
  processedAt: z.string(),
  currencyCode: z.string(),
  taxesIncluded: z.boolean(),
  taxExempt: z.boolean(),
  note: z.string().nullish(),
  lineItems: z.object({
    pageInfo: z.object({ hasNextPage: z.boolean() }),
    nodes: z.array(
      z.object({
        name: z.string(),
        title: z.string(),
        sku: z.string().nullish(),
        variantTitle: z.string().nullish(),
        quantity: z.number().int().nonnegative(),
        taxable: z.boolean(),
        // Not in the reference query: optional so its output can be previewed too.
        isGiftCard: z.boolean().optional(),
        requiresShipping: z.boolean().optional(),
        originalUnitPriceSet: shopMoneySchema,
        discountAllocations: z.array(allocationSchema),
        taxLines: z.array(taxLineSchema),
      }),
    ),
  }),
  shippingLines: z.object({
    nodes: z.array(
      z.object({
        title: z.string(),
        code: z.string().nullish(),
        originalPriceSet: shopMoneySchema,
        discountAllocations: z.array(allocationSchema),
        taxLines: z.array(taxLineSchema),
      }),
    ),
  }),
  totalPriceSet: shopMoneySchema,
  totalTipReceivedSet: shopMoneySchema,
});

/**
 * Checks that untyped JSON (the preview's input, a stored payload) has every field the mapping reads,
 * and returns it as a PaidOrder.
 * @throws MappingError "malformed_order" naming the first bad field.
 */
export function parsePaidOrder(value: unknown): PaidOrder {
  const result = paidOrderSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "the order";
    throw new MappingError("malformed_order", `The order JSON is not a PaidOrder: ${where} — ${issue?.message ?? "invalid"}.`);
  }
  return value as PaidOrder;
}
